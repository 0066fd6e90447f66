/** A malformed channels configuration (option `channels` or env `QUEUE_JOB_CHANNELS`); a startup error. */
export class ChannelConfigError extends Error {
  /** The offending entry exactly as written (trimmed), e.g. `sale:x`. */
  readonly entry: string;

  constructor(message: string, entry: string) {
    super(message);
    // A literal, not `new.target.name`: the name must survive minification.
    this.name = 'ChannelConfigError';
    this.entry = entry;
  }
}
