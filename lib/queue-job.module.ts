import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import type { DataSource } from 'typeorm';
import { dataSourceLookup, QUEUE_JOB_DATA_SOURCE_PROVIDER } from './config/data-source.providers.js';
import { resolveOptions } from './config/resolve-options.js';
import { DelayableExplorer } from './discovery/delayable.explorer.js';
import { JobFunctionRegistry } from './discovery/job-function.registry.js';
import { DefaultDelayPolicy, QueueJobDelayPolicy } from './enqueue/delay-policy.js';
import { JobService } from './enqueue/job.service.js';
import { QUEUE_JOB_DATA_SOURCE, QUEUE_JOB_FEATURE, QUEUE_JOB_RESOLVED_OPTIONS } from './queue-job.constants.js';
import { RelatedActionRegistry } from './discovery/related-action.registry.js';
import type { QueueJobFeatureOptions } from './records/declarations.js';
import { QueueJobFeatureModule } from './records/queue-job-feature.module.js';
import { RecordsSynchronizer } from './records/records.synchronizer.js';
import { FleetMember } from './fleet/fleet-member.service.js';
import {
  ASYNC_OPTIONS_TYPE, ConfigurableModuleClass, OPTIONS_TYPE, QUEUE_JOB_MODULE_OPTIONS,
} from './queue-job.module-definition.js';
import type { QueueJobModuleOptions, ResolvedQueueJobOptions } from './queue-job.options.js';
import { noForRoot } from './queue-job.messages.js';
import { JobExecutor } from './runner/job-executor.js';
import { QueueJobAutovacuum } from './maintenance/autovacuum.service.js';
import { QueueJobHooks } from './hooks/queue-job-hooks.js';
import { JobContextPropagator } from './context/context-propagator.js';
import { CronScheduler } from './cron/cron-scheduler.js';
import { DelayableCronExplorer } from './cron/delayable-cron.explorer.js';
import { JobRunner } from './runner/job-runner.js';
import { ChannelSettingsService } from './channels/channel-settings.service.js';
import { OBSERVABILITY_EXPORTS, OBSERVABILITY_PROVIDERS } from './observability/observability.providers.js';
import { JobStore } from './store/job-store.js';
import { keepErrorListenerOnLentConnections } from './store/lent-connections.js';
import { runQueueJobMigrations } from './store/run-migrations.js';
import { checkQueueJobMigrationsRan } from './store/pending-migrations.js';
import { checkServerVersion, MIN_SERVER_VERSION_NUM, QUEUE_JOB_MIN_SERVER_VERSION } from './store/server-version.js';

/**
 * Resolved once the server is known to be recent enough and the schema is migrated (or, with
 * `migrationsRun: false`, known to be): everything that touches the tables waits for it.
 */
const SCHEMA_READY = Symbol('QUEUE_JOB_SCHEMA_READY');

/**
 * `QueueJobModule.forRoot({ channels: 'root:4,root.sale:2' })` or `forRootAsync({ useFactory, inject })`
 * in the app module, next to `TypeOrmModule.forRoot(...)`.
 */
@Module({
  imports: [DiscoveryModule, ScheduleModule.forRoot()],
  providers: [
    {
      // Optional, so that importing the bare class (without forRoot) says so instead of a DI error.
      provide: QUEUE_JOB_RESOLVED_OPTIONS,
      useFactory: (options: QueueJobModuleOptions | undefined) => {
        if (!options) throw new Error(noForRoot());
        return resolveOptions(options);
      },
      inject: [{ token: QUEUE_JOB_MODULE_OPTIONS, optional: true }],
    },
    QUEUE_JOB_DATA_SOURCE_PROVIDER,
    {
      provide: SCHEMA_READY,
      useFactory: async (dataSource: DataSource, options: ResolvedQueueJobOptions, minimumVersion: number) => {
        await checkServerVersion(dataSource, minimumVersion);
        if (options.migrationsRun) await runQueueJobMigrations(dataSource);
        else await checkQueueJobMigrationsRan(dataSource);
        return true;
      },
      inject: [QUEUE_JOB_DATA_SOURCE, QUEUE_JOB_RESOLVED_OPTIONS, QUEUE_JOB_MIN_SERVER_VERSION],
    },
    { provide: QUEUE_JOB_MIN_SERVER_VERSION, useValue: MIN_SERVER_VERSION_NUM },
    {
      provide: JobStore,
      useFactory: (dataSource: DataSource, options: ResolvedQueueJobOptions) => {
        const store = new JobStore(dataSource, options.lockTimeout);
        keepErrorListenerOnLentConnections(store.pool);
        return store;
      },
      inject: [QUEUE_JOB_DATA_SOURCE, QUEUE_JOB_RESOLVED_OPTIONS, SCHEMA_READY],
    },
    { provide: QueueJobDelayPolicy, useClass: DefaultDelayPolicy },
    JobFunctionRegistry,
    RelatedActionRegistry,
    RecordsSynchronizer,
    FleetMember,
    JobService,
    ChannelSettingsService,
    DelayableExplorer,
    JobExecutor,
    JobRunner,
    QueueJobAutovacuum,
    QueueJobHooks,
    JobContextPropagator,
    DelayableCronExplorer,
    CronScheduler,
    ...OBSERVABILITY_PROVIDERS,
  ],
  exports: [JobService, ChannelSettingsService, JobRunner, QueueJobAutovacuum, QueueJobHooks, QueueJobDelayPolicy, QUEUE_JOB_RESOLVED_OPTIONS, ...OBSERVABILITY_EXPORTS],
})
export class QueueJobModule extends ConfigurableModuleClass {
  static forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return withDataSource(super.forRoot(options), options.dataSource);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withDataSource(super.forRootAsync(options), options.dataSource);
  }

  /**
   * Declares channel and job function records from any module (SPEC §7):
   * `QueueJobModule.forFeature({ channels: [{ name: 'sale', parent: 'root' }], jobFunctions: [...] })`.
   * Declarations of several modules merge; a record goes when no module declares it any more.
   */
  static forFeature(declarations: QueueJobFeatureOptions): DynamicModule {
    return { module: QueueJobFeatureModule, providers: [{ provide: QUEUE_JOB_FEATURE, useValue: declarations }] };
  }
}

/** Adds the lookup of the DataSource named by the dataSource option (checked by QUEUE_JOB_DATA_SOURCE_PROVIDER). */
function withDataSource(module: DynamicModule, dataSource: string | DataSource | undefined): DynamicModule {
  return { ...module, providers: [...(module.providers ?? []), dataSourceLookup(dataSource)] };
}
