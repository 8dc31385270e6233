/**
 * --trace FILE.json and `dnd trace summary`, on real jobs under mpiexec: the file is a
 * trace-event file a viewer accepts (checked strictly by test/helpers/trace-events.ts),
 * with one named track per rank and nested spans on each; every collective carries its
 * bytes; the summary's numbers agree with the job's own --json timing; and a rank made
 * slow on purpose is the one the summary names.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { MoveReport } from '../../src/runtime/jobs/move.js';
import type { RunReport } from '../../src/runtime/jobs/run.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import type { TraceSummary } from '../../src/runtime/trace-summary.js';
import { tempDir } from '../helpers/files.js';
import { BIN, dnd, dndJson, mpiEnv, ROOT } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import { checkTrace, type CheckedTrace, type TraceEventT } from '../helpers/trace-events.js';

function readTrace(file: string): CheckedTrace {
  return checkTrace(JSON.parse(readFileSync(file, 'utf8')));
}

const onRank = (t: CheckedTrace, p: number, pred: (e: TraceEventT) => boolean = () => true) => t.events.filter((e) => e.pid === p && e.ph !== 'M' && pred(e));
const phaseNames = (t: CheckedTrace, p: number) => new Set(onRank(t, p, (e) => e.ph === 'X' && e.cat === 'phase').map((e) => e.name));

/** Within 10 ms plus 10%: the job times with MPI_Wtime, the trace with performance.now, a few µs apart. */
function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 0.01 + 0.1 * Math.max(a, b), `${what}: trace ${a} s vs job ${b} s`);
}

describe('--trace: a trace-event file with one track per rank', () => {
  for (const n of [1, 2, 3, 4]) {
    it(`create on ${n} rank(s): named tracks, nested phases, collectives with bytes, RSS counters`, () => {
      const dir = tempDir();
      const file = `${dir}/create.json`;
      const r = dndJson<ArrayReport>(['create', 'randn', '64,8', '-n', String(n), '--trace', file]);
      const t = readTrace(file);
      assert.deepEqual(readdirSync(dir), ['create.json'], 'no temporary file is left beside the trace');
      for (let p = 0; p < n; p++) {
        assert.equal(t.names.get(p), `rank ${p} (${r.ranks[p].host})`);
        const phases = phaseNames(t, p);
        for (const want of ['process start', 'MPI_Init', 'job', 'build', 'report', 'finalize']) assert.ok(phases.has(want), `rank ${p} has no ${want} span: ${[...phases].join(', ')}`);
        assert.ok((t.depth.get(p) ?? 0) >= 3, `rank ${p}: spans nest (job > report > collective)`);
        const job = onRank(t, p, (e) => e.name === 'job')[0];
        const build = onRank(t, p, (e) => e.name === 'build')[0];
        assert.ok((job.ts as number) <= (build.ts as number) && (build.ts as number) + (build.dur as number) <= (job.ts as number) + (job.dur as number), 'build inside job');
        const mpi = onRank(t, p, (e) => e.cat === 'mpi');
        assert.ok(mpi.length >= 3, `rank ${p}: collectives recorded`);
        for (const e of mpi) {
          assert.match(e.name, /^MPI_[A-Z][a-z]+v?$/);
          assert.ok(Number.isInteger(e.args?.bytes) && (e.args?.bytes as number) >= 0, `${e.name} has its bytes`);
          assert.ok(Number.isInteger(e.args?.seq), `${e.name} has its place in the call order`);
        }
        // the same collectives in the same order on every rank
        assert.deepEqual(mpi.map((e) => e.name), onRank(t, 0, (e) => e.cat === 'mpi').map((e) => e.name));
        const rss = onRank(t, p, (e) => e.ph === 'C' && e.name === 'RSS');
        assert.ok(rss.length >= 2 && rss.every((e) => (e.args?.bytes as number) > 1 << 20), `rank ${p}: RSS samples`);
      }
      // one rank runs in-process (it is the launcher); more start through mpiexec, whose track comes first
      const launcher = [...t.names.entries()].find(([, name]) => name.startsWith('launcher'));
      if (n === 1) assert.equal(launcher, undefined);
      else {
        assert.ok(launcher, 'the launcher has a track');
        assert.deepEqual(onRank(t, launcher[0], (e) => e.ph === 'X').map((e) => e.name).sort(), ['dnd create', 'job (mpiexec)', 'start and check'].sort());
      }
      assert.equal(t.names.size, n + (n > 1 ? 1 : 0));
      // the gathered layout's bytes: rank p's Gatherv of its report reaches rank 0
      if (n > 1) {
        const s = dndJson<TraceSummary>(['trace', 'summary', file]);
        assert.ok(s.bytes_matrix[1][0] > 0 && s.bytes_matrix[0][1] >= 0);
      }
    });
  }

  it('resplit with --out on 3 ranks: plan, exchange, write; the all-to-all carries bytes per peer; the summary agrees with --json timing', () => {
    const dir = tempDir();
    const file = `${dir}/resplit.json`;
    const r = dndJson<MoveReport>(['resplit', 'randn:300,40', '--axis', '1', '-n', '3', '--out', `${dir}/o.h5`, '--trace', file]);
    const t = readTrace(file);
    for (let p = 0; p < 3; p++) {
      for (const want of ['build', 'resplit', 'plan', 'exchange', 'write']) assert.ok(phaseNames(t, p).has(want), `rank ${p}: ${want}`);
      const a2a = onRank(t, p, (e) => /^MPI_Alltoall[vw]$/.test(e.name));
      assert.equal(a2a.length, 1);
      const to = a2a[0].args?.to as number[];
      assert.equal(to.length, 3);
      assert.equal(to[p], 0, 'nothing counted to itself');
      assert.equal(a2a[0].args?.bytes, r.moved.ranks[p].sent_bytes);
      assert.equal(to.reduce((a, b) => a + b, 0), r.moved.ranks[p].sent_bytes);
      const write = onRank(t, p, (e) => e.name === 'H5Dwrite');
      assert.equal(write.length, 1);
      assert.equal(write[0].args?.bytes, r.ranks[p].lnbytes);
    }
    const s = dndJson<TraceSummary>(['trace', 'summary', file]);
    assertSchema('trace-summary', s);
    const phase = (name: string) => s.phases.find((x) => x.name === name && x.cat === 'phase');
    close(phase('resplit')?.max_s ?? -1, r.timing.op_s, 'resplit (slowest rank)');
    close(phase('write')?.max_s ?? -1, r.timing.write_s ?? -1, 'write');
    // what crossed between ranks in the exchange is in the matrix (plus the small report gathers)
    for (let p = 0; p < 3; p++) {
      const row = s.bytes_matrix[p].reduce((a, b) => a + b, 0);
      assert.ok(row >= r.moved.ranks[p].sent_bytes, `rank ${p}: ${row} >= ${r.moved.ranks[p].sent_bytes}`);
      assert.equal(s.bytes_matrix[p][p], 0);
    }
    assert.equal(s.nprocs, 3);
    assert.equal(s.timeline.rows.length, 3);
    assert.ok(s.timeline.rows.every((row) => [...row].length === s.timeline.width));
  });

  it('started by an outside mpiexec: rank 0 writes the trace', () => {
    const dir = tempDir();
    const file = `${dir}/outer.json`;
    const r = spawnSync('mpiexec', ['-n', '2', process.execPath, BIN, 'create', 'ones', '10,3', '--trace', file, '--json'], { encoding: 'utf8', env: mpiEnv() });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as ArrayReport).nprocs, 2);
    const t = readTrace(file);
    assert.deepEqual([...t.names.values()].map((v) => v.replace(/ \(.*/, '')).sort(), ['rank 0', 'rank 1']);
  });
});

describe('dnd run --trace: a script\'s own spans, and a slow rank', () => {
  it('nested script spans and counters on every rank; rank 2, slow on purpose, is the one the summary names', () => {
    const dir = tempDir();
    const script = `${dir}/slow.mjs`;
    writeFileSync(
      script,
      `const spin = (ms) => { const t = performance.now(); while (performance.now() - t < ms); };
dnd.trace.span('step', () => {
  dnd.trace.span('compute', () => spin(rank === 2 ? 900 : 5));
  dnd.trace.counter('residual', 1 / (rank + 1));
  dnd.trace.span('sum', () => comm.allreduceNumber(rank, 'sum'));
});
await dnd.trace.span('settle', async () => new Promise((r) => setTimeout(r, 5)));
if (dnd.trace.span('value', () => 42) !== 42) throw new Error('span must return what fn returns');
`,
    );
    const file = `${dir}/run.json`;
    const r = dndJson<RunReport>(['run', script, '-n', '4', '--trace', file]);
    const t = readTrace(file);
    for (let p = 0; p < 4; p++) {
      const user = onRank(t, p, (e) => e.cat === 'user');
      assert.deepEqual(user.filter((e) => e.ph === 'X').map((e) => e.name), ['step', 'compute', 'sum', 'value']);
      assert.deepEqual(user.filter((e) => e.ph !== 'X').map((e) => `${e.ph}:${e.name}`), ['b:settle', 'e:settle']);
      assert.ok((t.depth.get(p) ?? 0) >= 5, `rank ${p}: job > script > step > sum > MPI_Allreduce`);
      const c = onRank(t, p, (e) => e.ph === 'C' && e.name === 'residual');
      assert.deepEqual(c.map((e) => e.args?.value), [1 / (p + 1)]);
    }
    const s = dndJson<TraceSummary>(['trace', 'summary', file]);
    assertSchema('trace-summary', s);
    assert.equal(s.slowest_rank?.rank, 2, JSON.stringify(s.collectives.ranks));
    const compute = s.phases.find((x) => x.name === 'compute' && x.cat === 'user');
    assert.equal(compute?.slowest_rank, 2);
    assert.ok((compute?.imbalance ?? 0) > 2);
    // the others waited for rank 2 in the allreduce; rank 2 hardly waited
    for (const k of s.collectives.ranks) {
      if (k.rank === 2) assert.ok(k.wait_s < 0.3, `rank 2 waited ${k.wait_s} s`);
      else assert.ok(k.wait_s > 0.5, `rank ${k.rank} waited only ${k.wait_s} s`);
    }
    close(s.phases.find((x) => x.name === 'script')?.max_s ?? -1, r.seconds, 'script');
    // the timeline shows the others waiting (lower case) while rank 2 works
    const text = dnd(['trace', 'summary', file, '--width', '80']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /slowest rank 2 \(/);
    const rows = text.stdout.split('\n').filter((l) => /^ {2}[0-3] \S/.test(l));
    assert.ok(rows.length >= 4);
  });
});

describe('dnd px --trace', () => {
  it('each cell is a span on every rank\'s track, with the cell\'s own spans and collectives inside', () => {
    const dir = tempDir();
    const file = `${dir}/px.json`;
    const cells = ['const x = dnd.trace.span("mine", () => comm.allreduceNumber(rank, "sum"))', 'x', '.exit', ''].join('\n');
    const r = spawnSync(process.execPath, [BIN, 'px', '-n', '2', '--history', `${dir}/h`, '--trace', file], { input: cells, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120000 });
    assert.equal(r.status, 0, r.stderr);
    const t = readTrace(file);
    for (let p = 0; p < 2; p++) {
      const cellSpans = onRank(t, p, (e) => e.name === 'cell');
      assert.equal(cellSpans.length, 2, `rank ${p}: two cells`);
      const mine = onRank(t, p, (e) => e.name === 'mine')[0];
      const first = cellSpans[0];
      assert.ok((first.ts as number) <= (mine.ts as number) && (mine.ts as number) + (mine.dur as number) <= (first.ts as number) + (first.dur as number), 'the script span is inside its cell');
      assert.ok(onRank(t, p, (e) => e.name === 'MPI_Allreduce').length >= 1);
    }
  });
});

describe('--trace and trace summary: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['a directory that does not exist', ['create', 'ones', '4', '--trace', '/nonexistent-dir/t.json'], /--trace .*directory .* does not exist/],
    ['--dry-run starts no job', ['resplit', 'randn:4,4', '--axis', '1', '-n', '2', '--dry-run', '--trace', 't.json'], /--dry-run starts none/],
    ['chunk without --launch', ['chunk', '10', '--trace', 't.json'], /--launch/],
    ['summary of a missing file', ['trace', 'summary', '/nonexistent-dir/t.json'], /no such file/],
  ];
  for (const [what, args, msg] of cases) {
    it(what, () => {
      const r = dnd(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    });
  }

  it('a name of 250 bytes: its temporary name is shortened, the trace is written and replaced by a second job, nothing else is left', () => {
    const dir = tempDir();
    const name = `${'t'.repeat(245)}.json`;
    for (let i = 0; i < 2; i++) {
      const r = dnd(['create', 'ones', '4', '-n', '2', '--trace', `${dir}/${name}`]);
      assert.equal(r.code, 0, r.stderr);
      checkTrace(JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')));
      assert.deepEqual(readdirSync(dir), [name]);
    }
  });

  it('summary of something that is not a trace: exit 2, one line', () => {
    const dir = tempDir();
    writeFileSync(`${dir}/a.json`, '{"x": 1}');
    writeFileSync(`${dir}/b.json`, 'not json');
    writeFileSync(`${dir}/c.json`, '{"traceEvents": [{"name": "x", "ph": "X", "pid": 0, "tid": 0, "ts": 0, "dur": 1}]}');
    for (const [f, msg] of [['a', /traceEvents/], ['b', /not JSON/], ['c', /no rank tracks/]] as const) {
      const r = dnd(['trace', 'summary', `${dir}/${f}.json`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});

describe('dnd trace summary as a command', () => {
  it('--help with examples, a man page, and the topic listed in dnd --help', () => {
    const h = dnd(['trace', 'summary', '--help']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /EXAMPLES/);
    assert.match(h.stdout, /\$ dnd trace summary t\.json/);
    assert.match(readFileSync(`${ROOT}man/dnd-trace-summary.1`, 'utf8'), /^\.TH "DND\\-TRACE\\-SUMMARY"/);
    assert.match(dnd(['--help']).stdout, /\n {2}trace\s/);
  });
});
