/**
 * The launcher's half of the deadlock watchdog of user scripts (the ranks' half is
 * watchdog.ts). Each rank reports when it has waited inside one MPI collective for the
 * configured time with no progress, and again when it got out. When every rank is
 * waiting, the job is deadlocked unless they all wait in the same collective (the same
 * operation, and the same count of collectives so far): then it is one slow exchange.
 * Collectives in dnd are synchronous, so ranks that all block in different ones can never
 * get out.
 */
import { minOf } from './extent.js';

/** One rank's report, as a `wait` record on stderr. */
export interface WaitRecord {
  rank: number;
  host?: string;
  /** the rank got out of the collective it reported */
  done?: boolean;
  /** how many collectives this rank had entered, this one included */
  seq?: number;
  /** the collective, e.g. barrier, allreduce */
  op?: string;
  /** where the script called it (`script.mjs:12`, `cell line 1`), or the phase of the job */
  site?: string;
  /** seconds it has waited */
  waited?: number;
}

function ranks(list: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length; i++) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    parts.push(j > i + 1 ? `${list[i]}-${list[j]}` : j === i + 1 ? `${list[i]},${list[j]}` : `${list[i]}`);
    i = j;
  }
  return `${list.length > 1 ? 'ranks' : 'rank'} ${parts.join(',')}`;
}

/** One line naming who waits where, or null when every rank waits in the same collective. */
export function describeDeadlock(records: WaitRecord[]): string | null {
  if (records.length === 0) return null;
  const first = records[0];
  if (records.every((r) => r.op === first.op && r.seq === first.seq)) return null;
  const groups = new Map<string, { ranks: number[]; host?: string }>();
  for (const r of [...records].sort((a, b) => a.rank - b.rank)) {
    const key = `${r.op} ${r.site?.startsWith('after') || r.site?.startsWith('in dnd') ? r.site : `at ${r.site}`}`;
    const g = groups.get(key) ?? { ranks: [], host: r.host };
    g.ranks.push(r.rank);
    if (g.host !== r.host) g.host = undefined;
    groups.set(key, g);
  }
  const waited = minOf(records.map((r) => r.waited ?? 0));
  const where = [...groups].map(([key, g]) => `${ranks(g.ranks)}${g.host ? ` (${g.host})` : ''} in ${key}`).join('; ');
  return `deadlock: every rank has waited inside MPI for ${waited.toFixed(0)} s with no progress, in different collectives — ${where}; every rank was stopped`;
}
