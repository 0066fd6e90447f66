/** Messages of the Job Queue admin: startup logs, refusals, and the 400s of its REST API. */

const show = (value: unknown) => JSON.stringify(value) ?? String(value);

export const invalidAdminPath = (path: unknown) =>
  `QueueJobModule option "admin.path" is ${show(path)}: expected URL path segments such as "/queue-job" or "/admin/jobs".`;

export const adminOpenInDevelopment = (path: string) =>
  `The Job Queue admin at ${path} has no guard: it is open to everyone because NODE_ENV=development. ` +
  'Give it one before deploying: QueueJobModule.forRoot({ admin: { guard } }).';

export const adminClosedWithoutGuard = (path: string) =>
  `The Job Queue admin at ${path} has no guard: it refuses every request (403). ` +
  'Give it one: QueueJobModule.forRoot({ admin: { guard } }) (or run with NODE_ENV=development to open it locally).';

/** The admin's one startup line, in place of Nest's line per route. */
export const adminMounted = (routes: number, path: string, readOnly: boolean) =>
  `Job Queue admin: ${routes} routes under ${path} (pages and REST API${readOnly ? ', read-only' : ''})`;

export const forbiddenWithoutGuard = () =>
  'The Job Queue admin has no guard, so it refuses every request: pass one as QueueJobModule.forRoot({ admin: { guard } }).';

export const forbiddenByGuard = () => 'The Job Queue admin guard refused this request.';

export const readOnlyRefusal = (action: string) =>
  `The Job Queue admin is read-only (admin.readOnly): "${action}" is refused; nothing was changed.`;

export const unknownParameter = (name: string, allowed: readonly string[]) =>
  `Unknown parameter "${name}": expected one of ${allowed.join(', ')}.`;

export const repeatedParameter = (name: string) => `Parameter "${name}" is given more than once: give it once.`;

export const unknownState = (value: string, states: readonly string[]) =>
  `Unknown state ${show(value)}: expected "all" or one or more of ${states.join(', ')} (comma-separated).`;

export const notAJobUuid = (value: unknown) =>
  `${show(value)} is not a job uuid: expected 36 characters like 0b6c7d4e-5f8a-4b9c-8d7e-6f5a4b3c2d1e.`;

export const notAWholeNumber = (name: string, value: string, min: number) =>
  `Parameter "${name}" is ${show(value)}: expected a whole number >= ${min}.`;

export const pageSizeOverLimit = (value: number, max: number) =>
  `pageSize ${value} is over the limit of ${max}: ask for at most ${max} jobs per page.`;

export const badDate = (name: string, value: string) =>
  `Parameter "${name}" is ${show(value)}: expected an ISO 8601 date such as 2025-01-31 or 2025-01-31T08:30:00Z.`;

export const reversedDates = (from: string, to: string) => `Parameter "from" (${from}) is after "to" (${to}): swap them.`;

export const unknownChoice = (name: string, value: string, allowed: readonly string[]) =>
  `Parameter "${name}" is ${show(value)}: expected one of ${allowed.join(', ')}.`;

export const badChannel = (value: string) =>
  `Parameter "channel" is ${show(value)}: expected a channel name such as root.sale (segments of letters, digits, "_" or "-").`;

export const tooLong = (name: string, length: number, max: number) =>
  `Parameter "${name}" is ${length} characters long: at most ${max}.`;

export const missingParameter = (name: string, allowed: readonly string[]) =>
  `Parameter "${name}" is missing: expected one of ${allowed.join(', ')}.`;

export const badUuidList = (max: number) =>
  `The body must be JSON like {"uuids": ["<job uuid>", ...]}, with 1 to ${max} job uuids.`;

export const jsonRequired = (contentType: string | undefined) =>
  `Actions need a JSON body (Content-Type: application/json), got ${contentType ? show(contentType) : 'none'}.`;

export const unknownAction = (value: string, allowed: readonly string[]) =>
  `Unknown action ${show(value)}: expected one of ${allowed.join(', ')}.`;

export const jobNotFound = (uuid: string) => `No job with uuid ${uuid} (never stored, or deleted by autovacuum).`;

export const unknownField = (value: string, allowed: readonly string[]) =>
  `Unknown field ${show(value)}: expected one of ${allowed.join(', ')}.`;

export const emptyField = (uuid: string, field: string) => `Job ${uuid} has no ${field}.`;

export const notRecordReferences = (uuid: string) =>
  `The records of job ${uuid} are not record references ({ entity, id }): nothing to open.`;

export const queryTimedOut = (seconds: number) =>
  `The query took longer than ${seconds} s and was stopped: narrow the filter (state, channel, job function, date range).`;

export const crossSiteRefusal = (evidence: string) =>
  `Refused: this request comes from a page of another site (${evidence}). The admin's actions are accepted only from ` +
  "its own pages, or from clients that are not browsers; nothing was changed.";
