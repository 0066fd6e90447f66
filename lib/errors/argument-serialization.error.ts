/**
 * A job argument that cannot be stored as JSON (at enqueue), or stored arguments that
 * cannot be read back (before the run). `path` points at the value, e.g. `args[1].items[2]`.
 */
export class ArgumentSerializationError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = 'ArgumentSerializationError';
    this.path = path;
  }
}
