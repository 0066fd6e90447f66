import { Module } from '@nestjs/common';

/** The module `QueueJobModule.forFeature()` returns: it only carries one set of declarations. */
@Module({})
export class QueueJobFeatureModule {}
