import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import { FleetMember } from '../fleet/fleet-member.service.js';
import { parseChannelsConfig } from '../channels/channel-config.js';
import { CHANNEL_NAME_PROBLEM } from '../channels/channel-config.messages.js';
import { channelNameProblems } from '../channels/channel-usage.js';
import { ChannelConfigError } from '../errors/channel-config.error.js';
import { QUEUE_JOB_FEATURE, QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import type { DesiredRecords } from './desired-records.js';
import { JobStore } from '../store/job-store.js';
import type { ChannelDeclaration, Declared, JobFunctionDeclaration, QueueJobFeatureOptions } from './declarations.js';
import { mergeDeclarations } from './merge-declarations.js';
import { QueueJobFeatureModule } from './queue-job-feature.module.js';
import { syncRecords } from './sync-records.js';

/**
 * Gathers the channel and job function declarations of the app (`forFeature()` in any module, and
 * `@Delayable({ channel, retryPattern, relatedAction, timeout, leaseSeconds, onMissingRecord })` inline),
 * merges them, stores them as records, and gives each registered job function its channel, retry
 * pattern, related action, timeout, lease and missing record policy.
 */
@Injectable()
export class RecordsSynchronizer {
  constructor(
    private readonly modules: ModulesContainer,
    private readonly registry: JobFunctionRegistry,
    private readonly store: JobStore,
    private readonly fleet: FleetMember,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  private readonly logger = new Logger('QueueJob');

  async synchronize(): Promise<void> {
    const channels: Declared<ChannelDeclaration>[] = [];
    const jobFunctions: Declared<JobFunctionDeclaration>[] = [];
    for (const { options, declarer } of this.featureDeclarations()) {
      for (const declaration of options.channels ?? []) channels.push({ declaration, declarer });
      for (const declaration of options.jobFunctions ?? []) jobFunctions.push({ declaration, declarer });
    }
    for (const fn of this.registry.all()) {
      const { channel, retryPattern, relatedAction, timeout, leaseSeconds, onMissingRecord } = fn.options;
      const settings = { channel, retryPattern, relatedAction, timeout, leaseSeconds, onMissingRecord };
      if (Object.values(settings).every((v) => v === undefined)) continue;
      jobFunctions.push({ declaration: { name: fn.name, ...settings }, declarer: fn.declarer });
    }
    const desired = mergeDeclarations(channels, jobFunctions);
    this.checkChannelNames(desired);
    await syncRecords(this.store, desired, this.fleet.announce(desired), this.fleet.graceSeconds);
    for (const record of desired.jobFunctions) {
      const fn = this.registry.get(record.name);
      if (!fn) continue;
      fn.channel = record.channel;
      fn.retryPattern = record.retryPattern;
      fn.relatedAction = record.relatedAction;
      fn.timeout = record.timeout;
      fn.leaseSeconds = record.leaseSeconds;
      fn.onMissingRecord = record.onMissingRecord;
    }
  }

  /** Channel names that look misspelled: a warning each, or, with `strictChannels`, a startup error listing them. */
  private checkChannelNames(desired: DesiredRecords): void {
    const used = new Map<string, string[]>();
    for (const fn of desired.jobFunctions) used.set(fn.channel, [...(used.get(fn.channel) ?? []), fn.name]);
    const problems = channelNameProblems(parseChannelsConfig(this.options.channels), desired.channels.map((c) => c.completeName), used);
    const messages = problems.map(CHANNEL_NAME_PROBLEM);
    if (this.options.strictChannels && messages.length > 0) {
      throw new ChannelConfigError(`strictChannels: ${messages.join(' ')}`, problems.map((p) => p.channel).join(', '));
    }
    for (const message of messages) this.logger.warn(message);
  }

  /** Each `forFeature()` module with the names of the modules that import it (its declarers). */
  private *featureDeclarations(): Generator<{ options: QueueJobFeatureOptions; declarer: string }> {
    const all = [...this.modules.values()];
    for (const feature of all.filter((m) => m.metatype === QueueJobFeatureModule)) {
      const options = feature.providers.get(QUEUE_JOB_FEATURE)?.instance as QueueJobFeatureOptions | undefined;
      if (!options) continue;
      const importers = all.filter((m) => m.imports.has(feature)).map((m) => m.metatype.name);
      for (const declarer of importers.length > 0 ? importers : ['QueueJobModule.forFeature']) yield { options, declarer };
    }
  }
}
