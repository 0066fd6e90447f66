import { describe, expect, it } from '@jest/globals';
import { parseChannelsConfig } from '../../../lib/channels/channel-config.js';
import { CHANNEL_NAME_PROBLEM } from '../../../lib/channels/channel-config.messages.js';
import { channelNameProblems } from '../../../lib/channels/channel-usage.js';

const problems = (config: string, declared: string[], used: Record<string, string[]>) =>
  channelNameProblems(parseChannelsConfig(config), declared, new Map(Object.entries(used)));

describe('channel names that look misspelled', () => {
  it('a listed channel nothing uses, and the used one it was meant for, each with the other as the likely name', () => {
    expect(problems('root:4,root.mial:2', [], { 'root.mail': ['<Mailer>.send'] })).toEqual([
      { kind: 'unused', channel: 'root.mial', usedBy: [], closest: 'root.mail' },
      { kind: 'unconfigured', channel: 'root.mail', usedBy: ['<Mailer>.send'], closest: 'root.mial' },
    ]);
  });

  it('nothing to say when the names match, for parents of used channels, for declared channels and for root', () => {
    expect(problems('root:4,sale:2,root.eu:3,root.reports:1', ['root.reports'], { 'root.sale': ['<S>.a'], 'root.eu.fr': ['<S>.b'] }))
      .toEqual([{ kind: 'unconfigured', channel: 'root.eu.fr', usedBy: ['<S>.b'], closest: null }]);
    expect(problems('root:2', [], { root: ['<S>.a'] })).toEqual([]);
  });

  it('no likely name when none is within two edits', () => {
    expect(problems('root:4,root.billing:2', [], {})).toEqual([{ kind: 'unused', channel: 'root.billing', usedBy: [], closest: null }]);
  });

  it('the messages name the channel, its users, the likely name and what to do', () => {
    const [unused, unconfigured] = problems('root:4,root.mial:2', [], { 'root.mail': ['<Mailer>.send'] }).map(CHANNEL_NAME_PROBLEM);
    expect(unused).toContain('Channel "root.mial" is in the channels configuration, but no job function uses it');
    expect(unused).toContain('Did you mean "root.mail"?');
    expect(unconfigured).toContain('Channel "root.mail" is used by <Mailer>.send but is not in the channels configuration');
    expect(unconfigured).toContain('Add it to the configuration (e.g. "root.mail:1")');
  });
});
