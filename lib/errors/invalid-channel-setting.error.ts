/** A run-time channel setting refused (bad channel name or limits): nothing was changed. */
export class InvalidChannelSettingError extends Error {
  constructor(message: string) {
    super(message);
    // A literal, not `new.target.name`: the name must survive minification.
    this.name = 'InvalidChannelSettingError';
  }
}
