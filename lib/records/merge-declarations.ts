import { CHANNEL_PATH, CHANNEL_SEGMENT, normalizeChannelName, channelLineage } from '../channels/channel-name.js';
import { RecordDeclarationError } from '../errors/record-declaration.error.js';
import { validateRetryPattern } from '../runner/retry-pattern.js';
import { MISSING_RECORD_POLICIES, type ChannelDeclaration, type Declared, type JobFunctionDeclaration, type MissingRecordPolicy } from './declarations.js';
import type { DesiredChannel, DesiredJobFunction, DesiredRecords } from './desired-records.js';
import * as m from './records.messages.js';

const DEFAULT_REMOVAL_INTERVAL = 30;

type ChannelDraft = DesiredChannel & { firstDeclarer: string; intervalSetBy: string | null };

/**
 * Validates the declarations of every module and merges them (SPEC §7): one record per channel
 * name and per job function, listing all its declarers. Conflicts, bad names and unknown parents
 * throw `RecordDeclarationError` naming the declarers. Job function channels not declared as
 * channels are created (as queue_job does), declared by the job function's declarers.
 */
export function mergeDeclarations(
  channels: readonly Declared<ChannelDeclaration>[], jobFunctions: readonly Declared<JobFunctionDeclaration>[],
): DesiredRecords {
  const byChannel = new Map<string, ChannelDraft>();
  const declareChannel = (completeName: string, removalInterval: number | undefined, declarer: string) => {
    const lineage = completeName.split('.');
    const record: ChannelDraft = byChannel.get(completeName) ?? {
      completeName, name: lineage[lineage.length - 1], parent: lineage.length > 1 ? lineage.slice(0, -1).join('.') : null,
      removalInterval: DEFAULT_REMOVAL_INTERVAL, declaredBy: [], firstDeclarer: declarer, intervalSetBy: null,
    };
    if (removalInterval !== undefined) {
      if (record.intervalSetBy !== null && record.removalInterval !== removalInterval) {
        throw new RecordDeclarationError(m.conflictingDeclarations('Channel', completeName, 'removalInterval', record.removalInterval, record.intervalSetBy, removalInterval, declarer));
      }
      record.removalInterval = removalInterval;
      record.intervalSetBy = declarer;
    }
    if (!record.declaredBy.includes(declarer)) record.declaredBy.push(declarer);
    byChannel.set(completeName, record);
  };

  for (const { declaration: c, declarer } of channels) {
    const completeName = channelName(c, declarer);
    if (c.removalInterval !== undefined && (!Number.isInteger(c.removalInterval) || c.removalInterval < 1)) {
      throw new RecordDeclarationError(m.badRemovalInterval(completeName, c.removalInterval, declarer));
    }
    declareChannel(completeName, c.removalInterval, declarer);
  }
  for (const [completeName, record] of byChannel) {
    if (record.parent !== null && record.parent !== 'root' && !byChannel.has(record.parent)) {
      throw new RecordDeclarationError(m.unknownParent(completeName, record.parent, record.firstDeclarer));
    }
  }
  const functions = mergeJobFunctions(jobFunctions);
  for (const fn of functions) {
    for (const name of channelLineage(fn.channel).slice(1)) for (const declarer of fn.declaredBy) declareChannel(name, undefined, declarer);
  }
  const desiredChannels = [...byChannel.values()]
    .map(({ firstDeclarer: _f, intervalSetBy: _i, ...channel }) => ({ ...channel, declaredBy: [...channel.declaredBy].sort() }))
    .sort((a, b) => a.completeName.split('.').length - b.completeName.split('.').length || a.completeName.localeCompare(b.completeName));
  return { channels: desiredChannels, jobFunctions: functions };
}

function channelName(c: ChannelDeclaration, declarer: string): string {
  if (c.name === 'root') {
    if (c.parent !== undefined) throw new RecordDeclarationError(m.rootReparented(declarer));
    return 'root';
  }
  if (typeof c.name !== 'string' || !CHANNEL_SEGMENT.test(c.name)) throw new RecordDeclarationError(m.badChannelSegment(c.name, declarer));
  const parent = c.parent ?? 'root';
  if (typeof parent !== 'string' || !CHANNEL_PATH.test(parent)) throw new RecordDeclarationError(m.badChannelPath('Parent', parent, declarer));
  return `${normalizeChannelName(parent)}.${c.name}`;
}

function mergeJobFunctions(declared: readonly Declared<JobFunctionDeclaration>[]): DesiredJobFunction[] {
  const byName = new Map<string, DesiredJobFunction & { by: Record<string, string> }>();
  for (const { declaration: d, declarer } of declared) {
    if (typeof d.name !== 'string' || d.name.trim() === '') throw new RecordDeclarationError(m.badJobFunctionName(d.name, declarer));
    if (d.channel !== undefined && (typeof d.channel !== 'string' || !CHANNEL_PATH.test(d.channel))) {
      throw new RecordDeclarationError(m.badChannelPath(`Channel of job function ${d.name}:`, d.channel, declarer));
    }
    const fields = {
      channel: d.channel === undefined ? undefined : normalizeChannelName(d.channel),
      retryPattern: d.retryPattern === undefined ? undefined : validateRetryPattern(d.retryPattern, `job function ${d.name} declared by ${declarer}`),
      relatedAction: d.relatedAction,
      timeout: wholeSeconds(d, 'timeout', declarer),
      leaseSeconds: wholeSeconds(d, 'leaseSeconds', declarer),
      onMissingRecord: missingRecordPolicy(d, declarer),
    };
    const record = byName.get(d.name) ?? {
      name: d.name, channel: 'root', retryPattern: null, relatedAction: null, timeout: null, leaseSeconds: null, onMissingRecord: 'fail', declaredBy: [], by: {},
    };
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const current = (record as unknown as Record<string, unknown>)[field];
      const setBy = record.by[field];
      if (setBy !== undefined && canonicalJson(current) !== canonicalJson(value)) {
        throw new RecordDeclarationError(m.conflictingDeclarations('Job function', d.name, field, current, setBy, value, declarer));
      }
      (record as unknown as Record<string, unknown>)[field] = value;
      record.by[field] = declarer;
    }
    if (!record.declaredBy.includes(declarer)) record.declaredBy.push(declarer);
    byName.set(d.name, record);
  }
  return [...byName.values()].map(({ by: _by, ...fn }) => ({ ...fn, declaredBy: [...fn.declaredBy].sort() }));
}

function wholeSeconds(d: JobFunctionDeclaration, field: 'timeout' | 'leaseSeconds', declarer: string): number | undefined {
  const value = d[field];
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_SECONDS)) {
    throw new RecordDeclarationError(m.badJobFunctionSeconds(d.name, field, value, declarer));
  }
  return value;
}

function missingRecordPolicy(d: JobFunctionDeclaration, declarer: string): MissingRecordPolicy | undefined {
  const value = d.onMissingRecord;
  if (value !== undefined && !MISSING_RECORD_POLICIES.includes(value)) throw new RecordDeclarationError(m.badOnMissingRecord(d.name, value, declarer));
  return value;
}

/** What a Node timer can wait (2^31 - 1 ms), in seconds. */
const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** JSON with object keys sorted: `{ enable, funcName }` and `{ funcName, enable }` declare the same thing. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v);
}
