/**
 * The file `--trace FILE.json` writes: Chrome's trace-event format (a JSON object with
 * `traceEvents` and `displayTimeUnit`), which Perfetto (ui.perfetto.dev) and
 * chrome://tracing open as they are.
 *
 * One process track per rank (pid = rank, named "rank 0 (host)"), and one for the
 * launcher when it ran on rank 0's host. Spans are complete events ("X"), properly
 * nested on each track; a script's asynchronous spans are async pairs ("b"/"e");
 * resident memory and a script's counters are counter events ("C"). Every MPI
 * collective is an "X" event of category "mpi" with its bytes, its peer bytes for
 * all-to-all exchanges (`to`), and its place in the call order (`seq`), which is the same
 * collective on every rank: that is how `dnd trace summary` lines up the ranks.
 *
 * One time line: each rank's clock is moved onto rank 0's. Ranks on rank 0's host share
 * its clock (the system clock every process's timeOrigin is read from); a rank on another
 * host is moved by its host's offset, the median over the host's ranks and over the
 * barrier rounds of trace-rank.ts of (its clock − rank 0's clock) as they left the same
 * barrier. Times are microseconds from the first event, to the nanosecond.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { LocalEvent } from '../dnd/trace.js';
import type { RankTrace, TracedResult } from './trace-rank.js';
import { maxOf, minOf } from './extent.js';
import { tempPathFor } from './temp-name.js';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'C' | 'b' | 'e' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: string;
  args?: Record<string, unknown>;
}

export interface ClockInfo {
  reference: string;
  method: string;
  /** µs subtracted from each rank's clock */
  offsets_us: number[];
  /** µs between the smallest and largest per-round estimate of each rank (0 when it shares rank 0's clock) */
  spread_us: number[];
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string>;
  /** dnd's own facts about the trace; viewers ignore unknown keys */
  dnd: {
    version: 1;
    job: string;
    command: string;
    nprocs: number;
    hosts: string[];
    launcher_pid: number | null;
    clock: ClockInfo;
    dropped_events: number;
  };
}

/** What the launcher itself recorded, in its own clock. */
export interface LauncherTrace {
  host: string;
  origin: number;
  events: LocalEvent[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Offsets (ms) of every rank's epoch clock against rank 0's. */
export function clockOffsets(ranks: RankTrace[]): { offsets: number[]; spreads: number[] } {
  const r0 = ranks[0];
  const raw = ranks.map((r) => {
    const n = Math.min(r.sync.length, r0.sync.length);
    const d = Array.from({ length: n }, (_, i) => r.origin + r.sync[i] - (r0.origin + r0.sync[i]));
    return { est: median(d), spread: n ? maxOf(d) - minOf(d) : 0 };
  });
  const byHost = new Map<string, number[]>();
  ranks.forEach((r, p) => byHost.set(r.host, [...(byHost.get(r.host) ?? []), raw[p].est]));
  const offsets = ranks.map((r, p) => (r.host === r0.host || p === 0 ? 0 : median(byHost.get(r.host) ?? [0])));
  const spreads = ranks.map((r, p) => (r.host === r0.host ? 0 : raw[p].spread));
  return { offsets, spreads };
}

const ns = (ms: number) => Math.round(ms * 1e6);

/** Builds the file from rank 0's gathered traces and, when it shares rank 0's clock, the launcher's. */
export function buildTraceFile(t: TracedResult, command: string, launcher: LauncherTrace | null): TraceFile {
  const ranks = t.ranks;
  const { offsets, spreads } = clockOffsets(ranks);
  const useLauncher = launcher !== null && launcher.host === ranks[0].host;
  const launcherPid = ranks.length;
  const tracks: { pid: number; origin: number; events: LocalEvent[] }[] = ranks.map((r, p) => ({ pid: p, origin: r.origin - offsets[p], events: r.events }));
  if (useLauncher) tracks.push({ pid: launcherPid, origin: launcher.origin, events: launcher.events });
  // the zero of the time line: the earliest event anywhere (epoch ms). Each track's times
  // are then its own clock plus one constant, small enough for exact nanoseconds (epoch
  // nanoseconds would not fit a double's 53 bits), so order and nesting survive rounding.
  let zero = Infinity;
  for (const tr of tracks) for (const e of tr.events) zero = Math.min(zero, tr.origin + e.ts);
  if (!Number.isFinite(zero)) zero = 0;

  const out: TraceEvent[] = [];
  const meta = (pid: number, name: string, sort: number) => {
    out.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name } });
    out.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: sort } });
    out.push({ name: 'thread_name', ph: 'M', pid, tid: 0, args: { name: 'main' } });
  };
  ranks.forEach((r, p) => meta(p, `rank ${p} (${r.host})`, p));
  if (useLauncher) meta(launcherPid, `launcher (${launcher.host})`, -1);

  const timed: TraceEvent[] = [];
  for (const tr of tracks) {
    const base = tr.origin - zero;
    for (const e of tr.events) {
      const start = Math.max(0, ns(base + e.ts));
      const ev: TraceEvent = { name: e.name, ph: e.ph === 'i' ? 'X' : e.ph, pid: tr.pid, tid: 0, ts: start / 1000 };
      if (e.cat) ev.cat = e.cat;
      // the end as its own time first (ts + dur gives back exactly the end the recorder
      // measured, which is often the next event's start), then shifted like every start: a
      // span ending where the next begins must not end a nanosecond after it in the file
      if (e.ph === 'X') ev.dur = Math.max(0, ns(base + (e.ts + (e.dur ?? 0))) - start) / 1000;
      if (e.ph === 'b' || e.ph === 'e') ev.id = `0x${e.id?.toString(16)}`;
      if (e.args) ev.args = e.args;
      timed.push(ev);
    }
  }
  // per track in time order; at equal times the enclosing span first
  timed.sort((a, b) => a.pid - b.pid || (a.ts ?? 0) - (b.ts ?? 0) || (b.dur ?? 0) - (a.dur ?? 0));
  for (const e of timed) out.push(e);
  const hosts = ranks.map((r) => r.host);
  return {
    traceEvents: out,
    displayTimeUnit: 'ms',
    otherData: { producer: 'dnd --trace', job: t.job, command, nprocs: String(ranks.length) },
    dnd: {
      version: 1,
      job: t.job,
      command,
      nprocs: ranks.length,
      hosts,
      launcher_pid: useLauncher ? launcherPid : null,
      clock: {
        reference: `rank 0 (${ranks[0].host})`,
        method: `ranks on rank 0's host share its clock; other hosts: median over their ranks and ${ranks[0].sync.length} barrier rounds of the offset to rank 0`,
        offsets_us: offsets.map((o) => Math.round(o * 1e3 * 1000) / 1000),
        spread_us: spreads.map((s) => Math.round(s * 1e3 * 1000) / 1000),
      },
      dropped_events: ranks.reduce((a, r) => a + r.dropped, 0),
    },
  };
}

/** Writes the file to a temporary name beside it, flushes it, and renames it into place. */
export function writeTraceFile(path: string, file: TraceFile, token: string): void {
  const tmp = tempPathFor(path, token);
  try {
    const fd = openSync(tmp, 'w');
    try {
      // Key order matters to Perfetto's streaming reader: displayTimeUnit counts only
      // before the events, and at a key it does not know it stops reading, so dnd's own
      // facts come last. One event per line: large traces stay readable with grep and diff.
      writeSync(fd, `{"displayTimeUnit":${JSON.stringify(file.displayTimeUnit)},"otherData":${JSON.stringify(file.otherData)},"traceEvents":[\n`);
      const n = file.traceEvents.length;
      for (let i = 0; i < n; i += 4096) {
        const lines = file.traceEvents.slice(i, i + 4096).map((e, k) => `${JSON.stringify(e)}${i + k + 1 < n ? ',' : ''}\n`);
        writeSync(fd, lines.join(''));
      }
      writeSync(fd, `],"dnd":${JSON.stringify(file.dnd)}}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}
