import { Injectable, type NestMiddleware } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting: set per HTTP request from the `x-user` header, and restored around the jobs it enqueues. */
export interface RequestContext {
  userId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The name of the user of the current request or job, if any. */
export const currentUser = (): string | null => requestContext.getStore()?.userId ?? null;

/** Runs the rest of the request in a context naming its user (a real app would read its session or JWT). */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(request: { headers: Record<string, string | string[] | undefined> }, _response: unknown, next: () => void): void {
    const header = request.headers['x-user'];
    const userId = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
    requestContext.run(userId ? { userId } : {}, next);
  }
}
