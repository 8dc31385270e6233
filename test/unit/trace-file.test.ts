/**
 * The pure parts of --trace and `dnd trace summary` on made-up ranks: clocks of another
 * host moved onto rank 0's (an outlier round does not move them), the file a strict
 * trace-event reader accepts, and the summary's waits, slowest rank and byte matrix
 * computed from known entry times and counts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalEvent } from '../../src/dnd/trace.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTraceFile, clockOffsets, writeTraceFile } from '../../src/runtime/trace-file.js';
import type { RankTrace, TracedResult } from '../../src/runtime/trace-rank.js';
import { summarizeTrace } from '../../src/runtime/trace-summary.js';
import { checkTrace } from '../helpers/trace-events.js';

const EPOCH = 1_764_000_000_000; // ms

/** A rank whose clock reads `skew` ms ahead of rank 0's; events given in rank 0's time since EPOCH + 1000. */
function rank(p: number, host: string, skew: number, events: LocalEvent[], syncJitter: number[] = []): RankTrace {
  const origin = EPOCH + 1000 - p * 7 + skew; // processes started at slightly different times
  const local = (t: number) => t + p * 7; // rank time since its own origin, for rank-0 time t
  return {
    rank: p,
    host,
    pid: 100 + p,
    origin,
    sync: [10, 11, 12, 13, 14].map((t, i) => local(t) + (syncJitter[i] ?? 0)),
    events: events.map((e) => ({ ...e, ts: local(e.ts) })),
    dropped: 0,
  };
}

/** One job with one Allreduce (rank `late` enters it 100 ms after the others) and one Alltoallv. */
function job(late: number, n: number): LocalEvent[][] {
  return Array.from({ length: n }, (_, p) => {
    const enter = p === late ? 150 : 50;
    return [
      { ph: 'X', name: 'job', cat: 'phase', ts: 20, dur: 200 },
      { ph: 'X', name: 'work', cat: 'phase', ts: 21, dur: enter - 22 },
      { ph: 'X', name: 'MPI_Allreduce', cat: 'mpi', ts: enter, dur: 151 - enter, args: { bytes: 8, seq: 0 } },
      { ph: 'X', name: 'MPI_Alltoallv', cat: 'mpi', ts: 160, dur: 5, args: { bytes: 100 * (n - 1), seq: 1, pattern: 'peers', to: Array.from({ length: n }, (_, q) => (q === p ? 0 : 100 * (p + 1))) } },
      { ph: 'X', name: 'MPI_Gatherv', cat: 'mpi', ts: 170, dur: 1, args: { bytes: 10, seq: 2, root: 0, pattern: 'to_root' } },
      { ph: 'C', name: 'RSS', cat: 'counter', ts: 171, args: { bytes: 1 << 26 } },
    ] as LocalEvent[];
  });
}

describe('clocks on one time line', () => {
  it('ranks on rank 0\'s host keep their clock; another host is moved by its median offset', () => {
    const ev = job(1, 4);
    const ranks = [rank(0, 'a', 0, ev[0]), rank(1, 'a', 0, ev[1]), rank(2, 'b', 5000, ev[2], [0, 0, 40, 0, 0]), rank(3, 'b', 5000.5, ev[3])];
    const { offsets } = clockOffsets(ranks);
    assert.equal(offsets[0], 0);
    assert.equal(offsets[1], 0);
    // host b: median over its ranks of each one's median round (5000 and 5000.5); the 40 ms outlier round is ignored
    assert.ok(Math.abs(offsets[2] - 5000.25) < 1e-6, String(offsets[2]));
    assert.equal(offsets[2], offsets[3]);
  });

  it('the file: strict trace-event format, named tracks, every rank\'s job at the same time', () => {
    const ev = job(1, 3);
    const t: TracedResult = { '@@dnd-trace': 1, result: null, job: 'create', ranks: [rank(0, 'a', 0, ev[0]), rank(1, 'b', -3000, ev[1]), rank(2, 'b', -3000, ev[2])] };
    const file = buildTraceFile(t, 'create', null);
    const c = checkTrace(JSON.parse(JSON.stringify(file)));
    assert.deepEqual([...c.names.values()], ['rank 0 (a)', 'rank 1 (b)', 'rank 2 (b)']);
    const jobs = c.events.filter((e) => e.name === 'job').map((e) => e.ts);
    assert.equal(new Set(jobs).size, 1, `aligned: ${jobs.join(', ')}`);
    assert.equal(Math.min(...c.events.filter((e) => e.ph !== 'M').map((e) => e.ts as number)), 0);
    assert.equal(c.depth.get(0), 2);
  });
});

describe('the written file', () => {
  it('parses, keeps displayTimeUnit and otherData before the events (Perfetto reads them only there) and dnd\'s own facts last, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnd-trace-unit-'));
    try {
      const ev = job(1, 2);
      const t: TracedResult = { '@@dnd-trace': 1, result: null, job: 'create', ranks: [rank(0, 'a', 0, ev[0]), rank(1, 'a', 0, ev[1])] };
      writeTraceFile(join(dir, 't.json'), buildTraceFile(t, 'create', null), 'tok');
      assert.deepEqual(readdirSync(dir), ['t.json']);
      const text = readFileSync(join(dir, 't.json'), 'utf8');
      const keys = Object.keys(JSON.parse(text) as object);
      assert.deepEqual(keys, ['displayTimeUnit', 'otherData', 'traceEvents', 'dnd']);
      checkTrace(JSON.parse(text));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('trace summary from known events', () => {
  it('names the late rank, charges the others its wait, and counts bytes per pair', () => {
    const n = 4;
    const ev = job(2, n);
    const t: TracedResult = { '@@dnd-trace': 1, result: null, job: 'create', ranks: ev.map((e, p) => rank(p, 'a', 0, e)) };
    const s = summarizeTrace(JSON.parse(JSON.stringify(buildTraceFile(t, 'create', null))), 'made-up.json', 40);
    assert.equal(s.slowest_rank?.rank, 2);
    assert.ok(Math.abs((s.slowest_rank?.imposed_s ?? 0) - 0.3) < 1e-6, 'three ranks waited 100 ms each');
    for (const r of s.collectives.ranks) assert.ok(Math.abs(r.wait_s - (r.rank === 2 ? 0 : 0.1)) < 1e-6, `rank ${r.rank}: ${r.wait_s}`);
    const work = s.phases.find((p) => p.name === 'work');
    assert.equal(work?.slowest_rank, 2);
    assert.ok(Math.abs((work?.max_s ?? 0) - 0.128) < 1e-6);
    assert.ok(Math.abs((work?.imbalance ?? 0) - 0.128 / ((3 * 0.028 + 0.128) / 4)) < 1e-6);
    // all-to-all: p sends 100 (p + 1) bytes to each other rank; gathers: 10 bytes to rank 0
    for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) assert.equal(s.bytes_matrix[p][q], p === q ? 0 : 100 * (p + 1) + (q === 0 ? 10 : 0));
    assert.equal(s.timeline.rows.length, n);
    assert.ok(s.timeline.rows.every((r) => [...r].length === 40));
    // rank 0 waits in the allreduce (lower case), rank 2 works (upper case) meanwhile
    const legend = Object.entries(s.timeline.legend).find(([, name]) => name === 'work')?.[0] ?? '?';
    assert.ok(s.timeline.rows[2].includes(legend));
    assert.ok(s.timeline.rows[0].includes(Object.entries(s.timeline.legend).find(([, name]) => name === 'job')?.[0].toLowerCase() ?? '?'));
  });

  it('a trace of 300,000 collectives builds and sums up (no spread of every event into one call)', () => {
    const calls = 150_000;
    const ev = (p: number): LocalEvent[] => [
      { ph: 'X', name: 'job', cat: 'phase', ts: 20, dur: calls * 0.01 + 10 },
      ...Array.from({ length: calls }, (_, i): LocalEvent => ({ ph: 'X', name: 'MPI_Barrier', cat: 'mpi', ts: 21 + i * 0.01 + (p === 1 ? 0.002 : 0), dur: 0.008 - (p === 1 ? 0.002 : 0), args: { bytes: 0, seq: i } })),
    ];
    const t: TracedResult = { '@@dnd-trace': 1, result: null, job: 'run', ranks: [rank(0, 'a', 0, ev(0)), rank(1, 'a', 0, ev(1))] };
    const file = buildTraceFile(t, 'run', null);
    assert.equal(file.traceEvents.filter((e) => e.name === 'MPI_Barrier').length, 2 * calls);
    const s = summarizeTrace(file, 'long.json', 40);
    assert.equal(s.collectives.count, calls);
    // rank 1 enters every barrier 2 µs after rank 0: it is the slowest, rank 0 waited 0.3 s in all
    assert.equal(s.slowest_rank?.rank, 1);
    assert.ok(Math.abs(s.collectives.ranks[0].wait_s - calls * 2e-6) < 1e-6, String(s.collectives.ranks[0].wait_s));
  });

  it('one rank: no slowest rank, no waits', () => {
    const ev = job(0, 1);
    const t: TracedResult = { '@@dnd-trace': 1, result: null, job: 'create', ranks: [rank(0, 'a', 0, ev[0])] };
    const s = summarizeTrace(JSON.parse(JSON.stringify(buildTraceFile(t, 'create', null))), 'one.json');
    assert.equal(s.slowest_rank, null);
    assert.deepEqual(s.bytes_matrix, [[0]]);
    assert.equal(s.collectives.ranks[0].wait_s, 0);
  });
});
