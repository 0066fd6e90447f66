/** Metadata key written by `@Delayable()`. */
export const DELAYABLE_METADATA = 'queue_job:delayable';

/** Token of the TypeORM DataSource the module works on. */
export const QUEUE_JOB_DATA_SOURCE = Symbol('QUEUE_JOB_DATA_SOURCE');

/** Token of the resolved options (module options with environment overrides applied). */
export const QUEUE_JOB_RESOLVED_OPTIONS = Symbol('QUEUE_JOB_RESOLVED_OPTIONS');

/** PostgreSQL NOTIFY channel on which runnable jobs are announced. */
export const NOTIFY_CHANNEL = 'queue_job';

/** Key of the transaction-scoped advisory lock that serialises claims across app instances. */
export const CLAIM_LOCK_KEY = 0x71_75_65_75; // "queu"
/** The claim lock's waiting room: claims waiting for the claim lock hold it shared (claim-durability.ts). */
export const CLAIM_WAITING_LOCK_KEY = 0x71_6a_63_77; // "qjcw"

/** Key of the session advisory lock held while the module's migrations run. */
export const MIGRATION_LOCK_KEY = 0x71_6a_6d_67; // "qjmg"

export const DEFAULTS = {
  channels: 'root:1',
  priority: 10,
  maxRetries: 5,
  concurrency: 32,
  pollIntervalMs: 5_000,
  shutdownTimeoutMs: 30_000,
  leaseSeconds: 30,
  lockTimeoutMs: 5_000,
  unknownFunctionGraceSeconds: 600,
  autovacuumIntervalMs: 86_400_000,
  autovacuumBatchSize: 1_000,
} as const;

/** Key of the session advisory lock held by the instance running autovacuum (the others skip their turn). */
export const AUTOVACUUM_LOCK_KEY = 0x716a_6176; // "qjav"

/** Key of the transaction-scoped advisory lock held while channel and job function records are synchronised. */
export const RECORDS_LOCK_KEY = 0x71_6a_72_63; // "qjrc"

/** Metadata key written by `@RelatedAction()`. */
export const RELATED_ACTION_METADATA = 'queue_job:related_action';

/** Token of the declarations of one `QueueJobModule.forFeature()`. */
export const QUEUE_JOB_FEATURE = Symbol('QUEUE_JOB_FEATURE');
