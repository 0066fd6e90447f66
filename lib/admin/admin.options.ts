import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { invalidAdminPath } from './admin.messages.js';

/**
 * A guard as a function: sees the request (and Nest's execution context) and answers whether it may
 * use the admin. Put the user's name on the request as `request.queueJobUser` to have actions
 * recorded with it ("Cancelled by alice").
 */
export type QueueJobAdminGuardFunction = (request: any, context: ExecutionContext) => boolean | Promise<boolean>;

/** The "Job Queue" admin (SPEC §10): `QueueJobModule.forRoot({ admin: { path, guard, readOnly } })`. */
export interface QueueJobAdminOptions {
  /** Where the pages and the REST API are mounted (default `/queue-job`; under the app's global prefix, if any). */
  path?: string;
  /**
   * Who may use the admin: a `CanActivate` class (the app's provider of that class if it has one,
   * in any module; else created by Nest, its dependencies taken from global modules), a
   * `CanActivate` instance, or a function. Without one every request is refused with 403, except
   * with `NODE_ENV=development` (a warning is logged at startup).
   */
  guard?: Type<CanActivate> | CanActivate | QueueJobAdminGuardFunction;
  /** Pages and API only read: requeue, set done and cancel are refused with 403 (default `false`). */
  readOnly?: boolean;
}

export interface ResolvedAdminOptions {
  /** Normalised: leading slash, no trailing slash (`/queue-job`). */
  path: string;
  guard: QueueJobAdminOptions['guard'];
  readOnly: boolean;
}

export const DEFAULT_ADMIN_PATH = '/queue-job';

/** Token of the resolved admin options (provided only when the admin is mounted). */
export const QUEUE_JOB_ADMIN_OPTIONS = Symbol('QUEUE_JOB_ADMIN_OPTIONS');

const PATH = /^\/?[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?$/;

/** `admin: true` means the defaults; throws, naming the value, on a path that is not plain URL segments. */
export function resolveAdminOptions(admin: QueueJobAdminOptions | true): ResolvedAdminOptions {
  const options = admin === true ? {} : admin;
  const path = options.path ?? DEFAULT_ADMIN_PATH;
  if (typeof path !== 'string' || !PATH.test(path)) throw new Error(invalidAdminPath(path));
  return {
    path: `/${path.replace(/^\/+|\/+$/g, '')}`,
    guard: options.guard,
    readOnly: options.readOnly === true,
  };
}
