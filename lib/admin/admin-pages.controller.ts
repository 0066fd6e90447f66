import { applyDecorators, Controller, Get, Header, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { QueueJobAdminGuard } from './admin.guard.js';
import { QUEUE_JOB_ADMIN_OPTIONS, type ResolvedAdminOptions } from './admin.options.js';
import { AdminPageErrorFilter } from './admin-page-error.filter.js';
import { ADMIN_CSS } from './ui/admin-styles.js';
import { ADMIN_JS } from './ui/admin-script.js';
import { ADMIN_CSP, adminPageHtml, adminBasePath } from './ui/admin-page.js';

const HTML = 'text/html; charset=utf-8';

/** The headers of every page: the HTML document, its content security policy, never cached. */
const HtmlPage = () => applyDecorators(Header('Content-Type', HTML), Header('Content-Security-Policy', ADMIN_CSP), Header('Cache-Control', 'no-store'));

/**
 * The admin's pages: every page URL serves the same small HTML document, whose script reads the
 * URL and draws the page from the REST API. Errors (the guard's refusal) are shown as a page.
 * Asset URLs come from the configured mount path (and the app's global prefix), never from the
 * request: an absolute-form request line (`GET http://evil.example/queue-job`) must not make the
 * page load its script from another host.
 */
@Controller()
@UseGuards(QueueJobAdminGuard)
@UseFilters(AdminPageErrorFilter)
export class AdminPagesController {
  constructor(
    @Inject(QUEUE_JOB_ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    private readonly appConfig: ApplicationConfig,
  ) {}

  @Get(['', 'jobs/:uuid', 'channels', 'job-functions'])
  @HtmlPage()
  page(): string {
    // Read per request: the global prefix is set on the app after the module is compiled.
    return adminPageHtml(adminBasePath(this.appConfig.getGlobalPrefix(), this.options.path));
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
