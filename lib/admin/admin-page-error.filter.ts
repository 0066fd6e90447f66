import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ADMIN_ERROR_CSP, adminErrorHtml } from './ui/admin-page.js';

/** Shows HTTP errors of the admin's pages (a guard's 401 or 403 above all) as a page rather than JSON. */
@Catch(HttpException)
export class AdminPageErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: HttpException, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const response = host.switchToHttp().getResponse();
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : [(body as { message?: unknown }).message ?? exception.message].flat().join('; ');
    adapter.setHeader(response, 'Content-Type', 'text/html; charset=utf-8');
    adapter.setHeader(response, 'Content-Security-Policy', ADMIN_ERROR_CSP);
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.reply(response, adminErrorHtml(status, String(message)), status);
  }
}
