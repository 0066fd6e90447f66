import { Inject, Logger, Module, type DynamicModule, type NestModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { ADMIN_CONTROLLERS, routeCount } from './admin-controllers.js';
import { adminMounted } from './admin.messages.js';
import { QUEUE_JOB_ADMIN_OPTIONS, type ResolvedAdminOptions } from './admin.options.js';
import { quietAdminRouteLines } from './quiet-route-lines.js';
import { adminBasePath } from './ui/admin-page.js';

/**
 * Logs the admin's routes in one startup line ("Job Queue admin: 18 routes under /queue-job (pages
 * and REST API)") instead of Nest's line per route. An HTTP app calls the modules' `configure()`
 * before it maps the routes and `onModuleInit()` right after: the span in which
 * {@link quietAdminRouteLines} drops the admin's lines. An application context maps no routes and
 * calls no `configure()`, so it logs nothing here.
 */
@Module({})
export class AdminStartupLogModule implements NestModule, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private quiet: { end(): void } | undefined;

  constructor(
    @Inject(QUEUE_JOB_ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    private readonly appConfig: ApplicationConfig,
  ) {}

  static register(options: ResolvedAdminOptions): DynamicModule {
    return { module: AdminStartupLogModule, providers: [{ provide: QUEUE_JOB_ADMIN_OPTIONS, useValue: options }] };
  }

  configure(): void {
    this.quiet = quietAdminRouteLines();
  }

  onModuleInit(): void {
    if (!this.quiet) return;
    this.quiet.end();
    const path = adminBasePath(this.appConfig.getGlobalPrefix(), this.options.path);
    this.logger.log(adminMounted(routeCount(ADMIN_CONTROLLERS), path, this.options.readOnly));
  }

  /** An app whose start failed after `configure()` ends the span here, if it is closed. */
  onApplicationShutdown(): void {
    this.quiet?.end();
  }
}
