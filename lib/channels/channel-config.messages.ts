/** Message factories for channel configuration errors: what was wrong, with which value, what to do. */

const invalid = (entry: string, reason: string, fix: string): string =>
  `Invalid channel entry "${entry}" in the channels configuration: ${reason}. ${fix}`;

const NAME_FIX = 'Write channel names as dot-separated segments of letters, digits, "_" or "-", e.g. "root.sale.eu".';
const CAPACITY_FIX = 'Write it as name:capacity, e.g. "root.sale:2".';

export const EMPTY_NAME = (entry: string): string => invalid(entry, 'the channel name is empty', NAME_FIX);

export const EMPTY_NAME_SEGMENT = (entry: string, name: string): string =>
  invalid(entry, `channel name "${name}" has an empty segment`, NAME_FIX);

export const BAD_NAME_SEGMENT = (entry: string, segment: string): string =>
  invalid(entry, `channel name segment "${segment}" has characters other than letters, digits, "_" and "-"`, NAME_FIX);

export const EMPTY_CAPACITY = (entry: string): string =>
  invalid(entry, 'the capacity is empty', `${CAPACITY_FIX} Options come after the capacity, e.g. "root.sale:1:sequential".`);

export const BAD_CAPACITY = (entry: string, capacity: string): string =>
  invalid(entry, `capacity "${capacity}" is not a whole number >= 0`, CAPACITY_FIX);

export const CAPACITY_TOO_LARGE = (entry: string, capacity: string, max: number): string =>
  invalid(entry, `capacity "${capacity}" is larger than ${max}`, `Use at most ${max}, or 0 for unlimited.`);

export const EMPTY_OPTION = (entry: string): string =>
  invalid(entry, 'an option is empty ("::" or a trailing ":")', 'Remove the extra ":".');

export const UNKNOWN_OPTION = (entry: string, key: string, known: readonly string[]): string =>
  invalid(entry, `unknown option "${key}"`, `Known options: ${known.join(', ')}.`);

export const OPTION_TAKES_NO_VALUE = (entry: string, key: string): string =>
  invalid(entry, `option "${key}" takes no value`, `Write it alone, e.g. "root.sale:1:${key}".`);

export const OPTION_REPEATED = (entry: string, key: string): string =>
  invalid(entry, `option "${key}" is given twice`, 'Give each option once.');

export const BAD_RATE = (entry: string, value: string | undefined): string =>
  invalid(
    entry,
    value === undefined ? 'option "rate" needs a value' : `rate "${value}" is not N/S (a whole number of starts from 1 to 100000, per a positive number of seconds)`,
    'Write it as rate=N/S, e.g. "root.mail:4:rate=100/60" for at most 100 starts per minute.',
  );

export const BAD_THROTTLE = (entry: string, value: string | undefined): string =>
  invalid(
    entry,
    value === undefined ? 'option "throttle" needs a value' : `throttle "${value}" is not a positive number of seconds`,
    'Write it as throttle=N with N > 0 seconds, e.g. "root.sale:1:throttle=2".',
  );

export const BAD_MAX_PENDING = (entry: string, value: string | undefined, max: number): string =>
  invalid(
    entry,
    value === undefined ? 'option "maxPending" needs a value' : `maxPending "${value}" is not a whole number from 1 to ${max}`,
    'Write it as maxPending=N, the most pending jobs the channel may hold, e.g. "root.mail:4:maxPending=10000"; leave it out for no limit.',
  );

export const SEQUENTIAL_NEEDS_CAPACITY_ONE = (entry: string, capacity: string): string =>
  invalid(entry, `a sequential channel must have capacity 1, not ${capacity}`, 'Write it as name:1:sequential, e.g. "root.sale:1:sequential".');

export const DUPLICATE_CHANNEL = (entry: string, name: string): string =>
  invalid(entry, `channel "${name}" is already configured by an earlier entry`, 'List each channel once.');

/** Startup warning (an error with `strictChannels: true`) for a channel name that looks like a mistake. */
export const CHANNEL_NAME_PROBLEM = (p: { kind: 'unused' | 'unconfigured'; channel: string; usedBy: string[]; closest: string | null }): string => {
  const hint = p.closest ? ` Did you mean "${p.closest}"?` : '';
  return p.kind === 'unused'
    ? `Channel "${p.channel}" is in the channels configuration, but no job function uses it and no module declares it: its capacity limits nothing.${hint} `
      + 'Fix the name, or declare the channel with QueueJobModule.forFeature({ channels }) if jobs reach it through a per-call channel option.'
    : `Channel "${p.channel}" is used by ${p.usedBy.join(', ')} but is not in the channels configuration: its jobs run without a limit of their own, under its nearest configured ancestor.${hint} `
      + 'Add it to the configuration (e.g. "' + p.channel + ':1") if it needs a capacity.';
};
