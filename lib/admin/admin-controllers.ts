import type { Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { AdminPagesController } from './admin-pages.controller.js';
import { AdminApiController } from './api/admin-api.controller.js';
import { AdminChannelSettingsController } from './api/admin-channel-settings.controller.js';

/** The admin's controllers, mounted at the admin path. */
export const ADMIN_CONTROLLERS: Type[] = [AdminApiController, AdminChannelSettingsController, AdminPagesController];

/** How many routes Nest maps for these controllers: one per path of each handler (`@Get(['', 'channels'])` is two). */
export function routeCount(controllers: Type[]): number {
  let count = 0;
  for (const controller of controllers) {
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler: unknown = controller.prototype[name];
      if (typeof handler === 'function' && Reflect.hasMetadata(METHOD_METADATA, handler)) {
        count += [Reflect.getMetadata(PATH_METADATA, handler)].flat().length;
      }
    }
  }
  return count;
}
