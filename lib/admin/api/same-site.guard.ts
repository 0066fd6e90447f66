import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { crossSiteReason } from './cross-site.js';

/** On the admin's actions (every POST): refuses, with 403 and why, a request a page of another site sent. */
@Injectable()
export class AdminSameSiteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const reason = crossSiteReason(context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers);
    if (reason !== null) throw new ForbiddenException(reason);
    return true;
  }
}
