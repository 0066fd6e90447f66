/** An example shown with every invalid pattern, so the fix is one copy away. */
export const RETRY_PATTERN_EXAMPLE = '{ 1: 60, 2: 180, 5: [300, 600] }';

/** A retry pattern that is not `{ retry: seconds | [min, max] }`; raised at startup where it is declared. */
export class InvalidRetryPatternError extends Error {
  /** Who declared it, e.g. `job function <OrderService>.confirm`. */
  readonly where: string;

  constructor(where: string, problem: string) {
    super(
      `Invalid retry pattern for ${where}: ${problem}. ` +
        `A retry pattern maps retry counts (whole numbers >= 1) to delays in whole seconds >= 0 or [min, max] ranges, ` +
        `e.g. ${RETRY_PATTERN_EXAMPLE}: retry 1 waits 60 s, retries 2-4 wait 180 s, retry 5 and later a random 300-600 s.`,
    );
    this.name = 'InvalidRetryPatternError';
    this.where = where;
  }
}
