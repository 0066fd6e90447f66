import type { DynamicModule } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AdminActions } from './api/admin-actions.service.js';
import { AdminChannels } from './api/admin-channels.service.js';
import { AdminJobReader } from './api/admin-job-reader.service.js';
import { AdminQueries } from './api/admin-queries.service.js';
import { QUEUE_JOB_ADMIN_OPTIONS, resolveAdminOptions, type QueueJobAdminOptions } from './admin.options.js';
import { ADMIN_CONTROLLERS } from './admin-controllers.js';
import { AdminStartupLogModule } from './admin-startup-log.module.js';

/**
 * Adds the admin to the QueueJobModule definition when `admin` is given (an extra of forRoot and
 * forRootAsync, so its path is known when the module is defined). Its controllers live in
 * QueueJobModule, next to the providers they use, and `RouterModule` mounts the module at the
 * path: Nest keeps that path per application, so two apps in one process never share it.
 * `AdminStartupLogModule` reports its routes in one startup line.
 */
export function withAdmin(definition: DynamicModule, admin: QueueJobAdminOptions | boolean | undefined): DynamicModule {
  if (admin === undefined || admin === false) return definition;
  const options = resolveAdminOptions(admin);
  return {
    ...definition,
    imports: [
      ...(definition.imports ?? []),
      RouterModule.register([{ path: options.path, module: definition.module }]),
      AdminStartupLogModule.register(options),
    ],
    controllers: [...(definition.controllers ?? []), ...ADMIN_CONTROLLERS],
    providers: [
      ...(definition.providers ?? []),
      { provide: QUEUE_JOB_ADMIN_OPTIONS, useValue: options },
      AdminQueries, AdminJobReader, AdminChannels, AdminActions,
    ],
  };
}
