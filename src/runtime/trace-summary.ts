/**
 * `dnd trace summary`: what a trace written by `--trace` says about balance (pure; the
 * command reads the file and renders). Works on the tracks named "rank N (host)".
 *
 * - phases: each phase's time per rank (summed when it occurs more than once), with
 *   min / median / max over the ranks and imbalance = max / mean;
 * - waiting in collectives: the k-th collective of every rank is the same call (all
 *   ranks call them in the same order: the `seq` of trace-file.ts). A rank that enters
 *   before the last one waits for it: wait = min(last entry − own entry, own time in
 *   the call). The rank that arrived last imposed the others' waits on them; the rank
 *   that imposed the most is the slowest rank. Only collectives inside the job count
 *   (not the start-up barriers of the clock sync, whose waits are the launch's skew);
 * - bytes per rank pair: what each rank sent to each other one, from the collectives'
 *   own counts (all-to-all peer counts, gather to root, broadcast from root, allgather
 *   payloads to everyone); reductions, barriers and file I/O move no attributable bytes;
 * - a timeline: one line per rank, one character per time slice, the innermost phase
 *   there (upper case: working; lower case: waiting in a collective for another rank).
 */
import { usageError } from '../dnd/errors.js';
import { maxOf, minOf } from './extent.js';

interface Ev {
  name: string;
  ph: string;
  pid: number;
  ts: number;
  dur: number;
  cat: string;
  args: Record<string, unknown>;
}

export interface PhaseStats {
  name: string;
  /** phase (dnd's own) or user (a script's dnd.trace.span) */
  cat: string;
  /** ranks that have this phase */
  ranks: number;
  min_s: number;
  median_s: number;
  max_s: number;
  mean_s: number;
  /** max / mean over the ranks that have it (1 = perfectly balanced) */
  imbalance: number;
  slowest_rank: number;
  per_rank_s: (number | null)[];
}

export interface RankCollectives {
  rank: number;
  host: string;
  count: number;
  /** time inside collectives */
  time_s: number;
  /** of which waiting for ranks that entered later */
  wait_s: number;
  /** waiting this rank caused in the others by entering last */
  imposed_s: number;
  /** collectives this rank entered last */
  last_count: number;
  bytes_sent: number;
}

export interface TraceSummary {
  command: 'trace summary';
  file: string;
  job: string | null;
  nprocs: number;
  hosts: string[];
  /** from the first to the last event of the ranks */
  duration_s: number;
  phases: PhaseStats[];
  collectives: {
    count: number;
    /** calls whose name differs between ranks at the same position (ranks took different paths) */
    mismatched: number;
    ranks: RankCollectives[];
    by_name: { name: string; count: number; bytes: number; time_s: number; wait_s: number }[];
  };
  /** the rank that made the others wait longest (null with one rank or no collectives) */
  slowest_rank: { rank: number; host: string; imposed_s: number; last_count: number } | null;
  /** bytes_matrix[p][q]: bytes rank p sent to rank q */
  bytes_matrix: number[][];
  timeline: { start_s: number; end_s: number; width: number; rows: string[]; legend: Record<string, string> };
  /** the same picture of the job alone (from its first "job" span to its last end), when that is a small part */
  job_timeline: { start_s: number; end_s: number; width: number; rows: string[]; legend: Record<string, string> } | null;
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw usageError(`not a dnd trace: ${what} is not a number`);
  return v;
}

/** The events of the rank tracks; a clear error for anything that is not such a trace. */
export function readTrace(value: unknown, file: string): { events: Ev[]; hosts: string[]; job: string | null } {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { traceEvents?: unknown }).traceEvents)) {
    throw usageError(`${file} is not a trace: expected a JSON object with a traceEvents array (as --trace writes)`);
  }
  const raw = (value as { traceEvents: Record<string, unknown>[] }).traceEvents;
  const rankOf = new Map<number, number>();
  const hosts: string[] = [];
  for (const e of raw) {
    if (e && e.ph === 'M' && e.name === 'process_name') {
      const m = /^rank (\d+) \((.*)\)$/.exec(String((e.args as { name?: unknown } | undefined)?.name ?? ''));
      if (m) {
        rankOf.set(Number(e.pid), Number(m[1]));
        hosts[Number(m[1])] = m[2];
      }
    }
  }
  if (rankOf.size === 0) throw usageError(`${file} has no rank tracks (process_name "rank N (host)"): was it written by dnd --trace?`);
  const events: Ev[] = [];
  for (const e of raw) {
    if (!e || (e.ph !== 'X' && e.ph !== 'C')) continue;
    const rank = rankOf.get(Number(e.pid));
    if (rank === undefined) continue;
    events.push({
      name: String(e.name),
      ph: String(e.ph),
      pid: rank,
      ts: num(e.ts, `ts of "${String(e.name)}"`) / 1e6,
      dur: e.ph === 'X' ? num(e.dur, `dur of "${String(e.name)}"`) / 1e6 : 0,
      cat: String(e.cat ?? ''),
      args: (e.args as Record<string, unknown>) ?? {},
    });
  }
  const dnd = (value as { dnd?: { job?: unknown } }).dnd;
  const job = dnd && typeof dnd.job === 'string' ? dnd.job : null;
  return { events, hosts: Array.from({ length: hosts.length }, (_, p) => hosts[p] ?? '?'), job };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function phaseStats(events: Ev[], n: number): PhaseStats[] {
  const by = new Map<string, { cat: string; first: number; per: (number | null)[] }>();
  for (const e of events) {
    if (e.ph !== 'X' || (e.cat !== 'phase' && e.cat !== 'user')) continue;
    const key = `${e.cat}\u0000${e.name}`;
    let s = by.get(key);
    if (!s) by.set(key, (s = { cat: e.cat, first: e.ts, per: Array.from({ length: n }, () => null) }));
    s.first = Math.min(s.first, e.ts);
    s.per[e.pid] = (s.per[e.pid] ?? 0) + e.dur;
  }
  return [...by.entries()]
    .sort((a, b) => a[1].first - b[1].first)
    .map(([key, s]) => {
      const have = s.per.flatMap((v, p) => (v === null ? [] : [{ v, p }]));
      const vals = have.map((h) => h.v);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const max = maxOf(vals);
      return {
        name: key.split('\u0000')[1],
        cat: s.cat,
        ranks: have.length,
        min_s: minOf(vals),
        median_s: median(vals),
        max_s: max,
        mean_s: mean,
        imbalance: mean > 0 ? max / mean : 1,
        slowest_rank: have.reduce((a, h) => (h.v > a.v ? h : a)).p,
        per_rank_s: s.per,
      };
    });
}

interface Waits {
  summary: TraceSummary['collectives'];
  /** per rank: [start, end) intervals spent waiting */
  intervals: [number, number][][];
}

/**
 * Only the collectives inside each rank's "job" span (all of them in a trace without one):
 * the barriers before it line up ranks that started at different times, a skew of the
 * launch, not of the work; it shows as the "clock sync" phase.
 */
function collectiveWaits(events: Ev[], hosts: string[], n: number): Waits {
  const jobs: [number, number][][] = Array.from({ length: n }, () => []);
  for (const e of events) if (e.ph === 'X' && e.cat === 'phase' && e.name === 'job') jobs[e.pid].push([e.ts, e.ts + e.dur]);
  const inJob = (e: Ev) => jobs[e.pid].length === 0 || jobs[e.pid].some(([a, b]) => a <= e.ts && e.ts <= b);
  const bySeq = new Map<number, Ev[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.cat !== 'mpi' || typeof e.args.seq !== 'number' || !inJob(e)) continue;
    const list = bySeq.get(e.args.seq) ?? [];
    list.push(e);
    bySeq.set(e.args.seq, list);
  }
  const ranks: RankCollectives[] = Array.from({ length: n }, (_, p) => ({ rank: p, host: hosts[p], count: 0, time_s: 0, wait_s: 0, imposed_s: 0, last_count: 0, bytes_sent: 0 }));
  const names = new Map<string, { name: string; count: number; bytes: number; time_s: number; wait_s: number }>();
  const intervals: [number, number][][] = Array.from({ length: n }, () => []);
  let mismatched = 0;
  for (const list of bySeq.values()) {
    if (new Set(list.map((e) => e.name)).size > 1) mismatched++;
    const lastEntry = maxOf(list.map((e) => e.ts));
    const last = list.reduce((a, e) => (e.ts > a.ts ? e : a));
    let imposed = 0;
    for (const e of list) {
      const wait = list.length > 1 ? Math.max(0, Math.min(lastEntry - e.ts, e.dur)) : 0;
      const r = ranks[e.pid];
      r.count++;
      r.time_s += e.dur;
      r.wait_s += wait;
      r.bytes_sent += Number(e.args.bytes ?? 0);
      if (wait > 0) intervals[e.pid].push([e.ts, e.ts + wait]);
      if (e !== last) imposed += wait;
      const k = names.get(e.name) ?? { name: e.name, count: 0, bytes: 0, time_s: 0, wait_s: 0 };
      k.count++;
      k.bytes += Number(e.args.bytes ?? 0);
      k.time_s += e.dur;
      k.wait_s += wait;
      names.set(e.name, k);
    }
    if (list.length > 1) {
      ranks[last.pid].imposed_s += imposed;
      ranks[last.pid].last_count++;
    }
  }
  return {
    summary: { count: bySeq.size, mismatched, ranks, by_name: [...names.values()].sort((a, b) => b.time_s - a.time_s) },
    intervals,
  };
}

function bytesMatrix(events: Ev[], n: number): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const e of events) {
    if (e.ph !== 'X' || e.cat !== 'mpi') continue;
    const p = e.pid;
    const bytes = Number(e.args.bytes ?? 0);
    const root = Number(e.args.root ?? 0);
    switch (e.args.pattern) {
      case 'peers': {
        const to = Array.isArray(e.args.to) ? (e.args.to as number[]) : [];
        to.forEach((b, q) => {
          if (q !== p && q < n) m[p][q] += Number(b) || 0;
        });
        break;
      }
      case 'all':
        for (let q = 0; q < n; q++) if (q !== p) m[p][q] += bytes;
        break;
      case 'to_root':
        if (p !== root && root < n) m[p][root] += bytes;
        break;
      case 'from_root':
        if (p === root) for (let q = 0; q < n; q++) if (q !== p) m[p][q] += bytes;
        break;
    }
  }
  return m;
}

/** One character per slice: the innermost phase at its middle; lower case while waiting in a collective. */
function timeline(events: Ev[], waits: [number, number][][], n: number, start: number, end: number, width: number, legend: Map<string, string>): string[] {
  const spans: Ev[][] = Array.from({ length: n }, () => []);
  for (const e of events) if (e.ph === 'X' && (e.cat === 'phase' || e.cat === 'user')) spans[e.pid].push(e);
  const letter = (name: string) => {
    let l = legend.get(name);
    if (l) return l;
    const used = new Set(legend.values());
    const pool = [...name.toUpperCase().replace(/[^A-Z0-9]/g, ''), ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
    l = pool.find((ch) => !used.has(ch) && !used.has(ch.toLowerCase())) ?? '?';
    legend.set(name, l);
    return l;
  };
  const dt = (end - start) / width;
  return Array.from({ length: n }, (_, p) => {
    let row = '';
    for (let i = 0; i < width; i++) {
      const t = start + (i + 0.5) * dt;
      let best: Ev | null = null;
      for (const s of spans[p]) if (s.ts <= t && t < s.ts + s.dur && (!best || s.dur < best.dur)) best = s;
      if (!best) {
        row += '·';
        continue;
      }
      const ch = letter(best.name);
      const waiting = waits[p].some(([a, b]) => a <= t && t < b);
      row += waiting ? ch.toLowerCase() : ch;
    }
    return row;
  });
}

export function summarizeTrace(value: unknown, file: string, width = 60): TraceSummary {
  const { events, hosts, job } = readTrace(value, file);
  const n = hosts.length;
  const spanEvents = events.filter((e) => e.ph === 'X');
  if (spanEvents.length === 0) throw usageError(`${file} has rank tracks but no spans: nothing to summarise`);
  const start = minOf(spanEvents.map((e) => e.ts));
  const end = maxOf(spanEvents.map((e) => e.ts + e.dur));
  const waits = collectiveWaits(events, hosts, n);
  const imposer = waits.summary.ranks.reduce<RankCollectives | null>((a, r) => (r.imposed_s > 0 && (!a || r.imposed_s > a.imposed_s) ? r : a), null);
  const legend = new Map<string, string>();
  const rows = timeline(events, waits.intervals, n, start, end, width, legend);
  const jobs = spanEvents.filter((e) => e.cat === 'phase' && e.name === 'job');
  let jobTimeline: TraceSummary['job_timeline'] = null;
  if (jobs.length) {
    const js = minOf(jobs.map((e) => e.ts));
    const je = maxOf(jobs.map((e) => e.ts + e.dur));
    if (je - js < 0.5 * (end - start)) {
      const jobRows = timeline(events, waits.intervals, n, js, je, width, legend);
      jobTimeline = { start_s: js - start, end_s: je - start, width, rows: jobRows, legend: {} };
    }
  }
  const legendObj = Object.fromEntries([...legend.entries()].map(([name, l]) => [l, name]));
  if (jobTimeline) jobTimeline.legend = legendObj;
  return {
    command: 'trace summary',
    file,
    job,
    nprocs: n,
    hosts,
    duration_s: Number.isFinite(end - start) ? end - start : 0,
    phases: phaseStats(events, n),
    collectives: waits.summary,
    slowest_rank: imposer ? { rank: imposer.rank, host: imposer.host, imposed_s: imposer.imposed_s, last_count: imposer.last_count } : null,
    bytes_matrix: bytesMatrix(events, n),
    timeline: { start_s: 0, end_s: Number.isFinite(end - start) ? end - start : 0, width, rows, legend: legendObj },
    job_timeline: jobTimeline,
  };
}
