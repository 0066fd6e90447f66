import { describe, expect, it } from '@jest/globals';
import { type ChannelConfig, DEFAULT_CHANNELS, parseChannelsConfig } from '../../../lib/channels/channel-config.js';
import { ChannelConfigError } from '../../../lib/errors/channel-config.error.js';

const channel = (name: string, capacity: number | null, options: Partial<ChannelConfig> = {}): ChannelConfig => ({
  name,
  capacity,
  sequential: false,
  throttle: 0,
  paused: false,
  maxPending: null,
  ...options,
});

describe('parseChannelsConfig: good forms', () => {
  it.each<[string, ChannelConfig[]]>([
    [DEFAULT_CHANNELS, [channel('root', 1)]],
    ['', [channel('root', 1)]],
    [' , \n ,', [channel('root', 1)]],
    ['root:4', [channel('root', 4)]],
    ['root:0', [channel('root', null)]],
    ['sale', [channel('root', 1), channel('root.sale', 1)]],
    ['sale:2', [channel('root', 1), channel('root.sale', 2)]],
    ['root.sale:2', [channel('root', 1), channel('root.sale', 2)]],
    ['sale:0', [channel('root', 1), channel('root.sale', null)]],
    ['root:4,sale:2', [channel('root', 4), channel('root.sale', 2)]],
    ['root:4\nsale:2\r\n  mail : 3 ', [channel('root', 4), channel('root.sale', 2), channel('root.mail', 3)]],
    ['sale.eu:2', [channel('root', 1), channel('root.sale', null), channel('root.sale.eu', 2)]],
    ['a.b:2,root:3,a:5', [channel('root', 3), channel('root.a', 5), channel('root.a.b', 2)]],
    ['S:1:sequential', [channel('root', 1), channel('root.S', 1, { sequential: true })]],
    ['A:4:throttle=2', [channel('root', 1), channel('root.A', 4, { throttle: 2 })]],
    ['A:4:throttle=0.5', [channel('root', 1), channel('root.A', 4, { throttle: 0.5 })]],
    ['A:2:paused', [channel('root', 1), channel('root.A', 2, { paused: true })]],
    ['A:1:sequential:throttle=3:paused', [channel('root', 1), channel('root.A', 1, { sequential: true, throttle: 3, paused: true })]],
    ['root:1:sequential', [channel('root', 1, { sequential: true })]],
    ['root:2:throttle=1', [channel('root', 2, { throttle: 1 })]],
    ['mail:4:rate=100/60', [channel('root', 1), channel('root.mail', 4, { rate: { count: 100, seconds: 60 } })]],
    ['mail:4:throttle=1:rate=3/0.5', [channel('root', 1), channel('root.mail', 4, { throttle: 1, rate: { count: 3, seconds: 0.5 } })]],
    ['root:0:paused', [channel('root', null, { paused: true })]],
    ['mail:4:maxPending=10000', [channel('root', 1), channel('root.mail', 4, { maxPending: 10000 })]],
    ['mail:0:maxPending=1', [channel('root', 1), channel('root.mail', null, { maxPending: 1 })]],
    ['mail:1:sequential:maxPending=1000000:throttle=2', [channel('root', 1), channel('root.mail', 1, { sequential: true, throttle: 2, maxPending: 1000000 })]],
    ['root:2:maxPending=7,mail:1', [channel('root', 2, { maxPending: 7 }), channel('root.mail', 1)]],
    ['my_chan-2:10000', [channel('root', 1), channel('root.my_chan-2', 10000)]],
  ])('%j', (text, expected) => {
    expect(parseChannelsConfig(text)).toEqual(expected);
  });
});

describe('parseChannelsConfig: bad forms', () => {
  it.each<[string, string, string]>([
    ['root..a:1', 'root..a:1', 'has an empty segment'],
    ['.a', '.a', 'has an empty segment'],
    ['a.', 'a.', 'has an empty segment'],
    [':2', ':2', 'the channel name is empty'],
    ["a';drop table x;--:1", "a';drop table x;--:1", `segment "a';drop table x;--" has characters other than`],
    ['root:2,sa le:1', 'sa le:1', 'segment "sa le" has characters other than'],
    ['sale:x', 'sale:x', 'capacity "x" is not a whole number >= 0. Write it as name:capacity, e.g. "root.sale:2".'],
    ['sale:-1', 'sale:-1', 'capacity "-1" is not a whole number >= 0'],
    ['sale:1.5', 'sale:1.5', 'capacity "1.5" is not a whole number >= 0'],
    ['sale:10001', 'sale:10001', 'capacity "10001" is larger than 10000'],
    ['sale:', 'sale:', 'the capacity is empty'],
    ['sale::sequential', 'sale::sequential', 'the capacity is empty'],
    ['sale:2:', 'sale:2:', 'an option is empty'],
    ['sale:2:fast', 'sale:2:fast', 'unknown option "fast". Known options: sequential, throttle, paused, rate, maxPending.'],
    ['sale:1:sequential=1', 'sale:1:sequential=1', 'option "sequential" takes no value'],
    ['sale:1:paused=yes', 'sale:1:paused=yes', 'option "paused" takes no value'],
    ['sale:1:throttle', 'sale:1:throttle', 'option "throttle" needs a value'],
    ['sale:1:throttle=', 'sale:1:throttle=', 'throttle "" is not a positive number of seconds'],
    ['sale:1:throttle=0', 'sale:1:throttle=0', 'throttle "0" is not a positive number of seconds'],
    ['sale:1:throttle=-2', 'sale:1:throttle=-2', 'throttle "-2" is not a positive number'],
    ['sale:1:throttle=abc', 'sale:1:throttle=abc', 'throttle "abc" is not a positive number'],
    ['mail:4:rate', 'mail:4:rate', 'option "rate" needs a value'],
    ['mail:4:rate=100', 'mail:4:rate=100', 'rate "100" is not N/S (a whole number of starts from 1 to 100000, per a positive number of seconds)'],
    ['mail:4:rate=0/60', 'mail:4:rate=0/60', 'rate "0/60" is not N/S'],
    ['mail:4:rate=10/0', 'mail:4:rate=10/0', 'rate "10/0" is not N/S'],
    ['mail:4:rate=1.5/60', 'mail:4:rate=1.5/60', 'rate "1.5/60" is not N/S'],
    ['mail:4:rate=100001/60', 'mail:4:rate=100001/60', 'rate "100001/60" is not N/S'],
    ['mail:maxPending=5', 'mail:maxPending=5', 'capacity "maxPending=5" is not a whole number >= 0'],
    ['mail:4:maxPending=0', 'mail:4:maxPending=0', 'maxPending "0" is not a whole number from 1 to 1000000. Write it as maxPending=N'],
    ['mail:4:maxPending=abc', 'mail:4:maxPending=abc', 'maxPending "abc" is not a whole number from 1 to 1000000'],
    ['mail:4:maxPending=-3', 'mail:4:maxPending=-3', 'maxPending "-3" is not a whole number'],
    ['mail:4:maxPending=2.5', 'mail:4:maxPending=2.5', 'maxPending "2.5" is not a whole number'],
    ['mail:4:maxPending=1000001', 'mail:4:maxPending=1000001', 'maxPending "1000001" is not a whole number from 1 to 1000000'],
    ['mail:4:maxPending=', 'mail:4:maxPending=', 'maxPending "" is not a whole number'],
    ['mail:4:maxPending', 'mail:4:maxPending', 'option "maxPending" needs a value'],
    ['mail:4:maxPending=2:maxPending=3', 'mail:4:maxPending=2:maxPending=3', 'option "maxPending" is given twice'],
    ['mail:4:maxpending=2', 'mail:4:maxpending=2', 'unknown option "maxpending". Known options: sequential, throttle, paused, rate, maxPending.'],
    ['sale:1:paused:paused', 'sale:1:paused:paused', 'option "paused" is given twice'],
    ['sale:2:sequential', 'sale:2:sequential', 'a sequential channel must have capacity 1, not 2'],
    ['sale:0:sequential', 'sale:0:sequential', 'a sequential channel must have capacity 1, not 0'],
    ['sale:1,sale:2', 'sale:2', 'channel "root.sale" is already configured by an earlier entry'],
    ['sale:1,root.sale:2', 'root.sale:2', 'channel "root.sale" is already configured'],
    ['root:1,root:2', 'root:2', 'channel "root" is already configured'],
  ])('%j', (text, entry, reason) => {
    let error: unknown;
    try {
      parseChannelsConfig(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChannelConfigError);
    const { message, name } = error as ChannelConfigError;
    expect(name).toBe('ChannelConfigError');
    expect((error as ChannelConfigError).entry).toBe(entry);
    expect(message).toContain(`Invalid channel entry "${entry}" in the channels configuration: `);
    expect(message).toContain(reason);
  });

  it('gives the exact message of the spec example', () => {
    expect(() => parseChannelsConfig('root:2,sale:x')).toThrow(
      'Invalid channel entry "sale:x" in the channels configuration: capacity "x" is not a whole number >= 0. Write it as name:capacity, e.g. "root.sale:2".',
    );
  });
});
