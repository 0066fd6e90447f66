import { newJobUuid } from './job-uuid.js';
import type { JobFunction } from '../discovery/job-function.js';
import type { NewJobRow } from '../store/sql/insert-jobs.sql.js';
import type { EntityInspector, JsonValue } from './argument-serializer.js';
import { storedArguments } from './stored-arguments.js';
import { effectiveDelayOptions, type EffectiveDelayOptions } from './delay-options.js';
import { describeCall } from './describe-call.js';
import type { DelayOptions } from '../decorators/delayable.decorator.js';
import { messageOf } from '../errors/describe-thrown.js';
import { badComputedIdentityKey, identityKeyFunctionThrew } from '../queue-job.messages.js';
import type { IdentityKeySource } from './identity-key.js';

/** A job ready to go somewhere: stored, trapped by a test, or run at once. */
export interface PreparedJob {
  fn: JobFunction;
  /** The call's arguments as given (for running now). */
  args: unknown[];
  /** Shared by the jobs of a bulk call (see `sharedJobOptions`): read, never change. */
  readonly options: Readonly<EffectiveDelayOptions>;
  /** The row that storing it writes. */
  row: NewJobRow;
}

/** Place of a job in a graph. */
export interface GraphPlacement {
  uuid: string;
  graphUuid: string;
  dependsOn: string[];
  reverseDependsOn: string[];
}

/** Where a prepared job goes: its place in a graph, the options it shares with the other jobs of a bulk call. */
export interface Preparation {
  placement?: GraphPlacement;
  /** From `sharedJobOptions`: given, the call's options are not checked again for this job. */
  shared?: Readonly<EffectiveDelayOptions>;
}

/**
 * Checks the options and serializes the arguments of one call (refusing what cannot be stored,
 * whatever happens to the job next, so tests and no-delay mode meet the same errors as production).
 */
export function prepareJob(
  fn: JobFunction, args: unknown[], callOptions: DelayOptions, entities: EntityInspector, { placement, shared }: Preparation = {},
): PreparedJob {
  const stored = storedArguments(args, entities);
  const options = shared ?? jobOptions(fn, callOptions, computedKey(fn, callOptions,
    () => ({ jobFunction: fn.name, args, storedArgs: stored.tagged ?? (JSON.parse(stored.args) as JsonValue[]) })));
  const waits = (placement?.dependsOn.length ?? 0) > 0;
  const row: NewJobRow = {
    uuid: placement?.uuid ?? newJobUuid(),
    graphUuid: placement?.graphUuid ?? null,
    name: options.description,
    jobFunction: fn.name,
    serviceName: fn.serviceName,
    methodName: fn.methodName,
    funcString: describeCall(fn.serviceName, fn.methodName, args, entities),
    args: stored.args,
    records: stored.records,
    dependencies: placement
      ? JSON.stringify({ depends_on: placement.dependsOn, reverse_depends_on: placement.reverseDependsOn })
      : null,
    state: waits ? 'wait_dependencies' : 'pending',
    priority: options.priority,
    eta: options.eta,
    maxRetries: options.maxRetries,
    channel: options.channel,
    identityKey: options.identityKey,
    timeout: options.timeout,
    context: null,
    userId: null,
    traceContext: null,
  };
  return { fn, args, options, row };
}

/**
 * The options every job of a call gets, checked once (a bulk call's thousand jobs share them); undefined
 * when an identity key is computed from each job's arguments, as the options then differ by job.
 */
export function sharedJobOptions(fn: JobFunction, callOptions: DelayOptions): Readonly<EffectiveDelayOptions> | undefined {
  return keyedPerJob(fn, callOptions) ? undefined : jobOptions(fn, callOptions, undefined);
}

function jobOptions(fn: JobFunction, callOptions: DelayOptions, identityKey: string | undefined): EffectiveDelayOptions {
  // The job function's channel comes from its record (fn.channel); the call's option wins over it.
  const defaults = { ...fn.options, channel: undefined };
  return effectiveDelayOptions(fn.name, defaults, { ...callOptions, ...(identityKey && { identityKey }) }, fn.channel);
}

function keyedPerJob(fn: JobFunction, callOptions: DelayOptions): boolean {
  return typeof callOptions.identityKey === 'function' || typeof fn.options.identityKey === 'function';
}

/**
 * The key the identity key function in force (the call's, else the decorator's) computes for this job;
 * undefined when the key in force is a string. What it returns is checked here, where the function is known.
 */
function computedKey(fn: JobFunction, callOptions: DelayOptions, source: () => IdentityKeySource): string | undefined {
  const key = callOptions.identityKey ?? fn.options.identityKey;
  if (typeof key !== 'function') return undefined;
  let computed: unknown;
  try {
    computed = key(source());
  } catch (error) {
    throw new Error(identityKeyFunctionThrew(fn.name, messageOf(error)), { cause: error });
  }
  if (typeof computed !== 'string' || computed === '') throw new Error(badComputedIdentityKey(fn.name, computed));
  return computed;
}
