/**
 * A captured job context that cannot be stored as JSON (module option `context`). `path` points at
 * the value, e.g. `context.tenant.since`. Nothing was stored.
 */
export class JobContextError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = 'JobContextError';
    this.path = path;
  }
}
