import { SetMetadata } from '@nestjs/common';
import { RELATED_ACTION_METADATA } from '../queue-job.constants.js';

/**
 * Registers a provider method as the related action `name`: job functions that declare
 * `relatedAction: { funcName: name, kwargs }` get it, called as `method(job, kwargs)`, returning a
 * `RelatedActionResult` (a URL to open, or records to show).
 */
export const RelatedAction = (name: string): MethodDecorator => SetMetadata(RELATED_ACTION_METADATA, name);
