import { applyDecorators, Controller, Get, Header, Req, UseFilters, UseGuards } from '@nestjs/common';
import { QueueJobAdminGuard } from './admin.guard.js';
import { AdminPageErrorFilter } from './admin-page-error.filter.js';
import { ADMIN_CSS } from './ui/admin-styles.js';
import { ADMIN_JS } from './ui/admin-script.js';
import { ADMIN_CSP, adminPageHtml, basePathOf } from './ui/admin-page.js';

interface PageRequest {
  originalUrl?: string;
  url: string;
}

const HTML = 'text/html; charset=utf-8';

/** The headers of every page: the HTML document, its content security policy, never cached. */
const HtmlPage = () => applyDecorators(Header('Content-Type', HTML), Header('Content-Security-Policy', ADMIN_CSP), Header('Cache-Control', 'no-store'));

/**
 * The admin's pages: every page URL serves the same small HTML document, whose script reads the
 * URL and draws the page from the REST API. Errors (the guard's refusal) are shown as a page.
 */
@Controller()
@UseGuards(QueueJobAdminGuard)
@UseFilters(AdminPageErrorFilter)
export class AdminPagesController {
  @Get()
  @HtmlPage()
  jobs(@Req() request: PageRequest): string {
    return page(request, 0);
  }

  @Get('jobs/:uuid')
  @HtmlPage()
  job(@Req() request: PageRequest): string {
    return page(request, 2);
  }

  @Get(['channels', 'job-functions'])
  @HtmlPage()
  listPage(@Req() request: PageRequest): string {
    return page(request, 1);
  }

  @Get('assets/admin.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'private, max-age=86400')
  css(): string {
    return ADMIN_CSS;
  }

  @Get('assets/admin.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'private, max-age=86400')
  js(): string {
    return ADMIN_JS;
  }
}

function page(request: PageRequest, routeSegments: number): string {
  return adminPageHtml(basePathOf(request.originalUrl ?? request.url, routeSegments));
}
