/** A channel or job function declaration that cannot be stored; the app does not start. */
export class RecordDeclarationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordDeclarationError';
  }
}
