// The Python peer (bench/py/peer.py): beside each dnd row, what a Python user would write
// instead with Debian's mpi4py, h5py (MPI build) and numpy, run under the same mpiexec in
// the same bench run: a launch of the same small job, numpy's random normal fill, resplit as an Alltoallv of numpy blocks,
// redistribute as an Alltoallv of contiguous rows, h5py collective save/load
// (driver='mpio'). Rows get `peer` ({what, median, min, max} or {skipped}) and `vs_peer`
// (how many times dnd is ahead: > 1 means dnd is faster). Rows are matched by their
// figure names, so the sections that make them (fill, exchange, hdf5) need no change.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, measure, mpiEnv, median, timeProcess } from './lib.mjs';
import { redistributeTarget } from './exchange.mjs';

// Debian's packages are the system Python's; DND_BENCH_PYTHON names another (or a missing one, to see the skip)
export const PYTHON = process.env.DND_BENCH_PYTHON || '/usr/bin/python3';
const SCRIPT = `${ROOT}bench/py/peer.py`;

function py(n, args) {
  const out = execFileSync('mpiexec', ['-n', String(n), PYTHON, SCRIPT, ...args], { env: mpiEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop());
}

export const PEER_LAUNCH = 'mpiexec python3: mpi4py + numpy randn block, allgather of the layout';
/** Seconds of one launch of the peer's small job on n ranks. */
export const peerLaunch = (n) => timeProcess('mpiexec', ['-n', String(n), PYTHON, SCRIPT, 'launch']).seconds;

/** null when mpi4py, numpy and an MPI-enabled h5py all load; otherwise why not */
export function peerMissing() {
  try {
    return py(1, ['check']).ok ? null : 'h5py without MPI';
  } catch {
    return 'not installed';
  }
}

const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });

/** Adds the peer to every row it has an equivalent for; perRank: the fill section's samples per rank. */
export function attachPeers(rows, { reps = 5, perRank = 1 << 25 } = {}) {
  const missing = peerMissing();
  const dir = mkdtempSync(join(tmpdir(), 'dnd-bench-peer-'));
  try {
    for (const row of rows) {
      let m;
      let peer = null;
      let what = '';
      if ((m = /^launch create randn 7,4,3 -n (\d+)$/.exec(row.figure))) {
        if (row.peer) continue; // measured by bench/launch.mjs, interleaved with dnd's launches
        what = PEER_LAUNCH;
        peer = () => measure(row.dnd.runs ?? reps, () => peerLaunch(m[1]));
      } else if ((m = /^random fill randn float32 -n (\d+)$/.exec(row.figure))) {
        what = 'numpy default_rng().standard_normal(float32)';
        peer = () => spread(py(Number(m[1]), ['fill', String(perRank), String(reps)]).samples_per_s);
      } else if ((m = /^(resplit|redistribute) (\d+) MiB -n (\d+)$/.exec(row.figure))) {
        const [op, mib, n] = [m[1], Number(m[2]), Number(m[3])];
        const cols = 4096;
        const r = Math.round((mib * 2 ** 20) / 4 / cols);
        const target = redistributeTarget(r, n).join(','); // bench/exchange.mjs's target
        what = op === 'resplit' ? 'mpi4py Alltoallv of packed numpy blocks' : 'mpi4py Alltoallv of numpy rows';
        // as bench/exchange.mjs: one rep more, the first (cold) left out of the median, and as
        // many jobs as dnd's row had (the machine's state changes from one job to the next)
        peer = () => {
          const seconds = [];
          for (let k = 0; k < (row.dnd.jobs ?? 1); k++) seconds.push(...py(n, [op, String(r), String(cols), String(reps + 1), ...(op === 'redistribute' ? [target] : [])]).seconds.slice(1));
          return spread(seconds);
        };
      } else if ((m = /^hdf5 (write|read) (\d+) MiB -n (\d+)$/.exec(row.figure))) {
        const [op, mib, n] = [m[1], Number(m[2]), Number(m[3])];
        const cols = 4096;
        const r = Math.round((mib * 2 ** 20) / 4 / cols);
        const file = join(dir, 'peer.h5');
        what = `h5py driver='mpio', collective ${op === 'write' ? 'create + write + close' : 'open + read'}`;
        peer = () => {
          if (op === 'read') py(n, ['h5write', file, String(r), String(cols), '1']);
          return spread(py(n, [op === 'write' ? 'h5write' : 'h5read', file, String(r), String(cols), String(reps)]).seconds);
        };
      }
      if (!peer) continue;
      if (missing) {
        row.peer = { what, skipped: missing };
        continue;
      }
      row.peer = { what, ...peer() };
      row.vs_peer = row.unit === 's' ? row.peer.median / row.dnd.median : row.dnd.median / row.peer.median;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
