import type { ChannelSetting } from '../channels/channel-settings.js';
import type { JobStore } from './job-store.js';
import { inBoundedTransaction } from './bounded-transaction.js';
import { CHANGE_CHANNEL_SETTING_SQL, CHANNEL_AUDIT_SQL, READ_CHANNEL_SETTINGS_SQL } from './sql/channel-settings.sql.js';

/** Run-time channel actions, as recorded in the audit log. */
export type ChannelAction = 'pause' | 'resume' | 'setLimits' | 'resetLimits';

/** One entry of the channels' audit log. */
export interface ChannelAuditEntry {
  channel: string;
  action: ChannelAction;
  details: Record<string, unknown>;
  doneBy: string;
  doneAt: Date;
}

type SettingRow = ChannelSetting & { notified?: boolean } & Record<string, unknown>;

/** Every channel's run-time settings. */
export async function readChannelSettings(store: JobStore): Promise<ChannelSetting[]> {
  return (await store.query<SettingRow>(READ_CHANNEL_SETTINGS_SQL, [])).map(toSetting);
}

/**
 * Changes a channel's settings (`changes`: the columns to set; null goes back to the configuration), with
 * its audit entry and a NOTIFY to every instance, in one bounded transaction.
 */
export async function changeChannelSetting(
  store: JobStore, channel: string, action: ChannelAction, changes: Record<string, unknown>, by: string,
): Promise<ChannelSetting> {
  const group = action === 'pause' || action === 'resume' ? 'paused' : 'limits';
  return store.withClient((client) => inBoundedTransaction(client, store.lockTimeoutMs, async () => {
    const { rows } = await client.query<SettingRow>(CHANGE_CHANNEL_SETTING_SQL, [channel, JSON.stringify(changes), action, by, group]);
    return toSetting(rows[0]);
  }));
}

/** The latest changes, newest first (of one channel, or of all). */
export async function readChannelAudit(store: JobStore, channel: string | null, limit: number): Promise<ChannelAuditEntry[]> {
  return store.query<ChannelAuditEntry & Record<string, unknown>>(CHANNEL_AUDIT_SQL, [channel, limit]);
}

function toSetting({ notified: _notified, ...row }: SettingRow): ChannelSetting {
  return row;
}
