/** No job has this uuid (never stored, or deleted by autovacuum). */
export class JobNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobNotFoundError';
  }
}
