import type { ChannelConfig } from './channel-config.js';
import { channelLineage, ROOT_CHANNEL } from './channel-name.js';

/** A channel name that looks like a mistake: configured but unused, or used but not configured. */
export interface ChannelNameProblem {
  kind: 'unused' | 'unconfigured';
  channel: string;
  /** Who uses it (job functions), for `unconfigured`. */
  usedBy: string[];
  /** The closest name on the other side, when one is close (a likely typo). */
  closest: string | null;
}

/**
 * Compares the channels the configuration string lists with those the app declares or uses (its
 * `forFeature` channels and its job functions' channels). A listed channel that nothing declares or
 * uses, nor any channel below it, is likely misspelled (`root.mial:2`: the mail jobs then run under
 * root); so is a job function's channel the configuration does not list. Root is always fine.
 */
export function channelNameProblems(
  listed: readonly ChannelConfig[], declared: readonly string[], used: ReadonlyMap<string, readonly string[]>,
): ChannelNameProblem[] {
  const listedNames = listed.map((c) => c.name).filter((name) => name !== ROOT_CHANNEL);
  const known = new Set([...declared, ...used.keys()]);
  const withAncestors = new Set([...known].flatMap((name) => channelLineage(name)));
  const problems: ChannelNameProblem[] = [];
  for (const name of listedNames) {
    if (!withAncestors.has(name)) problems.push({ kind: 'unused', channel: name, usedBy: [], closest: closestName(name, [...known]) });
  }
  const listedSet = new Set(listedNames);
  for (const [name, users] of used) {
    if (name === ROOT_CHANNEL || listedSet.has(name)) continue;
    problems.push({ kind: 'unconfigured', channel: name, usedBy: [...users], closest: closestName(name, listedNames) });
  }
  return problems;
}

/** The candidate within two edits of `name` (the nearest), if any. */
function closestName(name: string, candidates: readonly string[]): string | null {
  let best: { name: string; distance: number } | null = null;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
