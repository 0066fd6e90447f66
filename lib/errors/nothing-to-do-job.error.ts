/** Thrown by a job that finds nothing to do: the job is set `done` with this message as its result (SPEC §4). */
export class NothingToDoJob extends Error {
  constructor(message: string) {
    super(message);
    // Named as in Odoo's queue_job (no "Error" suffix) so its users recognise it in `exc_name`.
    this.name = 'NothingToDoJob';
  }
}
