/** Thrown by a job (or by the runner when retries run out) to fail it at once, without retry (SPEC §4). */
export class FailedJobError extends Error {
  constructor(message: string) {
    super(message);
    // A literal, not `new.target.name`: `exc_name` must survive minification.
    this.name = 'FailedJobError';
  }
}
