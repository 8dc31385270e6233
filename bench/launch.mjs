// Launch figure: `dnd create randn 7,4,3 --split 0 -n N` end to end, against its floor:
// CLI start alone (`dnd --version`) plus a bare MPI hello in C with the same N. Then the
// same command with DND_TIMING (src/runtime/timing.ts) to say where each millisecond goes:
// the steps of the launcher and of the slowest rank, medians over the runs. Beside them, the
// least a job of Node ranks can take: `mpiexec -n N node` of a program that only loads dnd's
// binding and does MPI_Init, a barrier and MPI_Finalize (Node's own start, N times on the
// cores there are, which no C rank pays).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN, RANK_NODE, ROOT, compileC, measureInterleaved, median, mpiEnv, timeProcess } from './lib.mjs';
import { PEER_LAUNCH, peerLaunch, peerMissing } from './peer.mjs';

const BINDING = `${ROOT}${process.env.DND_NATIVE_DIR ?? 'build/Release'}/mpi_napi.node`;

// the critical path of a launch, each segment ending at a step: [name, role, step]; a rank
// step is taken at its slowest rank (the job waits for the last one)
const SEGMENTS = [
  ['cli: Node start', 'cli', 'node ready'],
  ['cli: oclif, command modules, parse + validate', 'cli', 'command parsed'],
  ['cli: launch preparation', 'cli', 'mpiexec spawned'],
  ['mpiexec: until every rank process exists', 'rank', /^process start/],
  ['rank: Node start (+ bundle parse)', 'rank', 'node ready'],
  // the binding loads with the program (its CRC-32 checks the program's code cache)
  ['rank: binding load + rank program evaluated', 'rank', 'program loaded'],
  ['rank: job code loaded', 'rank', 'job code loaded'],
  ['rank: MPI_Init (all ranks)', 'rank', 'MPI up'],
  ['rank: the job', 'rank', 'job done'],
  ['rank: MPI_Finalize', 'rank', 'MPI finalized'],
  ['result to the launcher', 'cli', 'result received'],
  ['mpiexec: teardown until it exits', 'cli', 'mpiexec closed'],
  ['cli: render + exit', 'cli', 'done'],
];

/** One timed launch: ms from the launcher's process start to the end of each segment. */
function timedRun(n) {
  const r = spawnSync(BIN, ['create', 'randn', '7,4,3', '--split', '0', '-n', String(n)], { env: mpiEnv({ DND_TIMING: '1' }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dnd create failed (${r.status}): ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('dnd-timing ')).map((l) => {
    const [, pid, role, ms, ...step] = l.split(' ');
    return { pid, role, ms: Number(ms), step: step.join(' ') };
  });
  const t0 = lines.find((l) => l.role === 'cli' && l.step.startsWith('process start')).ms;
  const cliPid = lines.find((l) => l.role === 'cli').pid;
  const at = (role, step) => {
    const hits = lines.filter((l) => l.role === role && (typeof step === 'string' ? l.step === step : step.test(l.step)) && !(role === 'rank' && l.pid === cliPid && /^process start/.test(l.step)));
    return hits.length ? Math.max(...hits.map((l) => l.ms)) - t0 : null;
  };
  return SEGMENTS.map(([, role, step]) => at(role, step));
}

/** Median milliseconds of each segment over `runs` launches (a segment a launch lacks counts 0: -n 1 runs in-process). */
export function launchBreakdown(n, runs) {
  const all = Array.from({ length: runs }, () => timedRun(n));
  const out = {};
  SEGMENTS.forEach(([name], i) => {
    const d = all.map((ends) => {
      if (ends[i] === null) return 0;
      let prev = 0;
      for (let j = i - 1; j >= 0; j--) if (ends[j] !== null) { prev = ends[j]; break; }
      return ends[i] - prev;
    });
    out[name] = median(d);
  });
  out.total = median(all.map((ends) => ends[ends.length - 1]));
  return out;
}

export function benchLaunch({ runs = 7, sizes = [1, 2, 4], peer = true } = {}) {
  const hello = compileC('hello', [`${ROOT}src/native/quick-sockets.cc`]);
  // the Python peer's launch too, in the same series (bench/peer.mjs skips rows that have one)
  const peerSkipped = peer ? peerMissing() : 'not asked (--no-peer)';
  // Node ranks alone start as dnd's own ranks do: without the extra CA certificates Node
  // would parse at every start (src/runtime/launcher.ts, rankEnvironment)
  const rankEnv = mpiEnv({ NODE_EXTRA_CA_CERTS: '' });
  // every figure of every rank count in one interleaved series (lib.mjs measureInterleaved):
  // dnd's command and its floor's two parts are then measured in the same minutes
  const figures = {
    // dnd started as a user starts it: the program (its #! line), as `dnd` on PATH is
    cli: () => timeProcess(BIN, ['--version']).seconds,
    'node -e 0': () => timeProcess(process.execPath, ['-e', '0']).seconds,
  };
  for (const n of sizes) {
    figures[`dnd ${n}`] = () => timeProcess(BIN, ['create', 'randn', '7,4,3', '--split', '0', '-n', String(n)]).seconds;
    figures[`hello ${n}`] = () => timeProcess('mpiexec', ['-n', String(n), hello]).seconds;
    figures[`node ${n}`] = () => timeProcess('mpiexec', ['-n', String(n), ...RANK_NODE, '-e', '0'], rankEnv).seconds;
    if (!peerSkipped) figures[`peer ${n}`] = () => peerLaunch(n);
    if (existsSync(BINDING)) figures[`node hello ${n}`] = () => timeProcess('mpiexec', ['-n', String(n), ...RANK_NODE, '-e', `const m = require(${JSON.stringify(BINDING)}); m.init(); m.barrier(); m.finalize();`], rankEnv).seconds;
  }
  const m = measureInterleaved(runs, figures);
  const cli = m.cli;
  const nodeStart = m['node -e 0'];
  const rows = [];
  for (const n of sizes) {
    const dnd = m[`dnd ${n}`];
    const mpi = m[`hello ${n}`];
    const nodeMpi = m[`node ${n}`];
    const nodeHello = m[`node hello ${n}`] ?? null;
    const floor = cli.median + mpi.median;
    rows.push({
      figure: `launch create randn 7,4,3 -n ${n}`,
      unit: 's',
      dnd,
      floor: { what: 'dnd --version + mpiexec C hello', median: floor, parts: { cli: cli.median, mpi_hello: mpi.median } },
      also: {
        'mpiexec node -e 0': nodeMpi.median,
        'node -e 0': nodeStart.median,
        ...(nodeHello ? { 'mpiexec node MPI hello': nodeHello.median, least_ratio: (cli.median + nodeHello.median) / floor } : {}),
      },
      ...(peer && !peerSkipped ? { peer: { what: PEER_LAUNCH, ...m[`peer ${n}`] }, vs_peer: m[`peer ${n}`].median / dnd.median } : {}),
      breakdown_ms: launchBreakdown(n, runs),
      ratio: dnd.median / floor,
      goal: '<= 1.3x',
      met: dnd.median / floor <= 1.3,
    });
  }
  return rows;
}
