/** User-facing error and log messages (one factory per message). */
import { describeValue } from './errors/describe-thrown.js';

export const invalidOption = (name: string, value: unknown, expected: string) =>
  `QueueJobModule option "${name}" is ${JSON.stringify(value)}: expected ${expected}.`;

export const invalidDelayOption = (jobFunction: string, name: string, value: unknown, expected: string) =>
  `Cannot enqueue ${jobFunction}: option "${name}" is ${String(value)}${typeof value === 'string' ? '' : ` (${typeof value})`}; expected ${expected}. Nothing was stored.`;

export const notDelayable = (service: string, method: string) =>
  `${service}.${method} is not a @Delayable() method of a provider known to QueueJobModule: mark it with @Delayable() and make sure its class is a provider of a module of this app.`;

export const unknownJobFunction = (jobFunction: string) =>
  `Unknown job function ${jobFunction}: no @Delayable() method with this name is registered in this app, so the job was not executed. Deploy the code that declares it, then requeue the job.`;

export const noDelayWarning = () =>
  'Queue jobs are not delayed (noDelay option, TEST_QUEUE_JOB_NO_DELAY or QUEUE_JOB_NO_DELAY): @Delayable() calls run at once and nothing is stored.';

export const duplicateJobFunction = (name: string, first: string, second: string) =>
  `Job function ${name} is declared by two providers (${first} and ${second}): give one of them @Delayable({ name: '<Other>.method' }) so each job function name is unique.`;

export const maxRetriesReached = (maxRetries: number, message: string) => `Max. retries (${maxRetries}) reached: ${message}`;

export const neverDelayed = (jobFunction: string) =>
  `A job of ${jobFunction} was prepared with jobService.delayable() but never delayed: call .delay() on its graph, or drop it.`;

export const alreadyDelayed = (jobFunction: string) =>
  `This graph (with ${jobFunction}) was already delayed: its jobs are stored once. Prepare new nodes with jobService.delayable() to enqueue the calls again.`;

export const eventLoopBlocked = (stallSeconds: number, uuid: string, jobFunction: string, leaseSeconds: number) =>
  `Event loop blocked for ${stallSeconds.toFixed(1)} s while running job ${uuid} ${jobFunction}: its lease is ${leaseSeconds} s`
  + `${stallSeconds >= leaseSeconds ? ', so it was lost (the job is requeued and this run\'s outcome refused)' : ''}`
  + '; set leaseSeconds on the job function for CPU-bound jobs (longer than its longest stall), or let the job yield to the event loop';

export const jobTimedOut = (uuid: string, jobFunction: string, seconds: number) =>
  `Job ${uuid} ${jobFunction}: timed out after ${seconds} s; its slot is free, its signal aborted, and whatever it does next is ignored`;

export const jobCancelledWhileRunning = (uuid: string, jobFunction: string) =>
  `Job ${uuid} ${jobFunction}: cancelled while it ran; its slot is free, its signal aborted, and whatever it does next is ignored`;

/** Boot check: no TypeORM DataSource to work on (`dataSource`: the name asked for, if any). */
export const noDataSource = (dataSource: string | undefined) => dataSource
  ? `QueueJobModule found no TypeORM DataSource named "${dataSource}": import TypeOrmModule.forRoot({ name: "${dataSource}", type: 'postgres', ... }) in your app, or fix the dataSource option of QueueJobModule.forRoot().`
  : 'QueueJobModule found no TypeORM DataSource: import TypeOrmModule.forRoot({ type: \'postgres\', url: ... }) (or forRootAsync) in your app module, next to QueueJobModule.forRoot(), or pass the dataSource option.';

/** Boot check: the DataSource is not PostgreSQL. */
export const notPostgres = (type: string) =>
  `QueueJobModule needs PostgreSQL (LISTEN/NOTIFY, advisory locks, jsonb), but its TypeORM DataSource is of type "${type}": give it a DataSource with type: 'postgres' (the dataSource option names another one).`;

/** A `@Delayable()` method called on an instance that no initialised QueueJobModule intercepts. */
export const notIntercepted = (method: string) =>
  `${method} is a @Delayable() method, but no initialised QueueJobModule knows this instance, so the call was neither `
  + 'stored as a job nor run. Initialise the app before calling it: `await app.init()` (or `app.listen()`), and for a '
  + 'testing module `const app = moduleRef.createNestApplication(); await app.init()` or `await moduleRef.init()` '
  + 'after `compile()`. From another provider\'s onModuleInit, call it in onApplicationBootstrap instead. An instance '
  + 'made with `new` outside Nest runs its @Delayable() methods inline only with TEST_QUEUE_JOB_NO_DELAY=1.';

/** Boot check: a `@Delayable()` method on a provider the runner cannot call. */
export const unreachableJobFunction = (method: string, reason: string) =>
  `${method} is a @Delayable() method, but ${reason}. A job runs later, outside any request, on one instance of its `
  + 'provider: move the method to a singleton provider (the default scope) and pass what it needs from the request as arguments.';

/** `trapJobs()` on a module that has not initialised: its @Delayable() calls are not intercepted yet. */
export const trapBeforeInit = () =>
  'trapJobs() was given a module that has not been initialised, so its @Delayable() calls are not intercepted and '
  + 'nothing could be trapped: call `await moduleRef.init()` (or create the app and `await app.init()`) after `compile()`, then trapJobs().';

/** `trapJobs()` on a module without QueueJobModule. */
export const trapWithoutModule = (reason: string) =>
  `trapJobs() found no QueueJobModule in the module it was given (${reason}): pass the app or TestingModule whose imports include QueueJobModule.forRoot(...).`;

export const identityKeyFunctionThrew = (jobFunction: string, message: string) =>
  `Cannot enqueue ${jobFunction}: its identityKey function threw "${message}". It receives { jobFunction, args, storedArgs }, `
  + 'args as given to the method (entities as entity instances, dates as Dates): fix the function so that it returns a non-empty string for every call. Nothing was stored.';

export const badComputedIdentityKey = (jobFunction: string, value: unknown) =>
  `Cannot enqueue ${jobFunction}: its identityKey function returned ${typeof value === 'string' ? '""' : `${describeValue(value)} (${typeof value})`}; `
  + 'expected a non-empty string, e.g. ({ args }) => `invoice-${args[0].id}`. Nothing was stored.';

/** "ShopOrder 42", "ShopOrder {"orderId":1,"lineNo":2}" for a composite key. */
export const recordName = (entity: string, id: unknown) => `${entity} ${typeof id === 'object' && id !== null ? JSON.stringify(id) : String(id)}`;

export const recordNotFound = (entity: string, id: unknown) =>
  `${recordName(entity, id)} no longer exists: it was deleted after the job was enqueued. `
  + 'To end such jobs as done instead, without calling the method, set @Delayable({ onMissingRecord: \'done\' }) on the job function.';

export const skippedMissingRecord = (entity: string, id: unknown) =>
  `Skipped: ${recordName(entity, id)} no longer exists (onMissingRecord: 'done')`;

/** Boot check: the bare QueueJobModule class was imported, so it has no options. */
export const noForRoot = () =>
  'QueueJobModule was imported without options: import QueueJobModule.forRoot({ ... }) (or forRootAsync) instead of QueueJobModule, once, in your app module. It is global (unless isGlobal: false), so other modules inject JobService without importing it.';

/** Boot check: the PostgreSQL server is older than the module's SQL needs. */
export const serverTooOld = (version: string, versionNum: number, needed: string) =>
  `QueueJobModule needs PostgreSQL ${needed} or later, but its DataSource's server is PostgreSQL ${version} (server_version_num ${versionNum}): upgrade the server, or give the module a DataSource on a newer one.`;

/** Boot check: `migrationsRun: false`, and some of the module's migrations are not recorded as run. */
export const migrationsNotRun = (pending: string[], total: number, tables: string[]) =>
  `QueueJobModule has migrationsRun: false, but ${pending.length} of its ${total} migrations have not run on this database (none of the tables ${tables.join(', ')} records them): ${pending.join(', ')}. `
  + 'Run them with your migration tooling (QUEUE_JOB_MIGRATIONS in your DataSource\'s migrations, then `typeorm migration:run`, or migrationsRun: true on that DataSource), or remove migrationsRun: false so that the module runs them at startup.';
export const queueFull = (channel: string, pending: number, maxPending: number, adding: number, waitedMs: number) =>
  `Cannot enqueue into channel "${channel}": it has ${pending > maxPending ? `more than ${maxPending}` : pending} pending jobs `
  + `and maxPending=${maxPending}, so ${adding === 1 ? 'one more job' : `${adding} more jobs`} would not fit`
  + `${waitedMs > 0 ? ` (waited ${waitedMs} ms for room)` : ''}. Nothing was stored. `
  + 'Retry later, pass { waitIfFull: ms } to wait for room, or raise maxPending in the channels configuration.';

export const progressNotAFraction = (shown: string) =>
  `currentJob().progress(${shown}): the fraction done must be a number from 0 to 1 (0.42 for 42 %); divide by the total (done / total) and call it again.`;

export const progressMessageNotText = (fraction: number, shown: string) =>
  `currentJob().progress(${fraction}, ${shown}): the message must be a string (e.g. 'row 4200 of 10000'), or left out.`;

export const progressNotStored = (uuid: string, jobFunction: string, reason: string) =>
  `Job ${uuid} ${jobFunction}: its progress could not be stored (${reason}); it is written again with the next report`;
