/**
 * The reason of `currentJob().signal` when the job is cancelled while it runs (`jobs.cancel`, the
 * admin's Cancel): the job is already `cancelled` in the database, its slot free; the attempt ends
 * here, and whatever its code returns, throws or writes through `manager()` afterwards is ignored.
 */
export class JobCancelledError extends Error {
  constructor() {
    super('Job cancelled while it ran: currentJob().signal was aborted, and whatever the job returns, throws or writes afterwards is ignored');
    // A literal, not `new.target.name`: it must survive minification.
    this.name = 'JobCancelledError';
  }
}
