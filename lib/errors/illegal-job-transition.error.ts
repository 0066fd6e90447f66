/** A manual action asked of jobs whose state does not allow it (SPEC §3); nothing was changed. */
export class IllegalJobTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalJobTransitionError';
  }
}
