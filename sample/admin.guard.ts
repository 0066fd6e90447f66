import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';

/**
 * The sample's guard for the Job Queue admin: HTTP basic auth with the user QUEUE_JOB_ADMIN_USER and
 * the password QUEUE_JOB_ADMIN_PASSWORD, by default `admin` / `admin` (a development default: set
 * both anywhere else). The user's name goes on the request as `queueJobUser`, so the admin records
 * actions with it ("Cancelled by admin").
 */
@Injectable()
export class SampleAdminGuard implements CanActivate {
  private readonly user = process.env.QUEUE_JOB_ADMIN_USER || 'admin';
  private readonly password = process.env.QUEUE_JOB_ADMIN_PASSWORD || 'admin';

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, string | undefined>; queueJobUser?: string }>();
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() === 'basic' && encoded) {
      const [user, ...password] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
      if (same(user, this.user) && same(password.join(':'), this.password)) {
        request.queueJobUser = user;
        return true;
      }
    }
    // Makes the browser ask for the user and password.
    http.getResponse<{ setHeader(name: string, value: string): void }>().setHeader('WWW-Authenticate', 'Basic realm="Job Queue", charset="UTF-8"');
    throw new UnauthorizedException('Sign in to the Job Queue admin (sample default: admin / admin).');
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
