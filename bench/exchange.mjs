// resplit 0 -> 1 and redistribute (balanced -> rank 0 holds half; three quarters with 2
// ranks, see redistributeTarget) of float32 2-D arrays
// against the same exchanges in C (bench/c/exchange.c) on the same machine, same run.
// Both repeat the exchange in one job (the previous result released first, slowest rank,
// after a barrier): dnd through its library (bench/ranks/exchange.mjs), C with
// Alltoallw(subarray) and pack + Alltoallv, each into a fresh block and into the block of
// its previous rep (`_reused`, as dnd's released blocks are), the fastest as the floor. Each
// exchange also runs traced (what --trace records), interleaved with the untraced reps of
// the same job, as a row of its own against the untraced median. Peak RSS
// per rank above baseline against the larger block comes from one `dnd resplit|redistribute
// --json` run (the CLI end to end).
import { execFileSync } from 'node:child_process';
import { BIN, ROOT, mpiEnv, median, compileC, settle, RANK_NODE } from './lib.mjs';

/**
 * The redistribute target of these rows: rank 0 holds half the rows, the rest balanced
 * (Heat's "half on rank 0"); with 2 ranks three quarters, since half of them there is the
 * balanced layout the array starts from, where nothing would move. The C floor and the
 * Python peer (bench/peer.mjs) move to the same target.
 */
export function redistributeTarget(rows, n) {
  const first = n === 2 ? Math.floor((3 * rows) / 4) : Math.floor(rows / 2);
  return [first, ...Array.from({ length: n - 1 }, (_, p) => Math.floor((rows - first) / (n - 1)) + (p < (rows - first) % (n - 1) ? 1 : 0))];
}

/** memory freed more than ~1 s ago is handed back to the hypervisor here: a job started
 * this long after the previous one ended finds it cold (bench/README.md, HDF5 writes) */
const SETTLE_MS = 2000;

function shapeFor(bytes) {
  const cols = 4096;
  return [Math.round(bytes / 4 / cols), cols];
}

function dndRun(args) {
  return JSON.parse(execFileSync(process.execPath, [BIN, ...args, '--json'], { env: mpiEnv(), encoding: 'utf8', maxBuffer: 1 << 26 }));
}

export function benchExchange({ reps = 5, sizes = [1, 2, 4], bytes = [64 << 20, 256 << 20, 1 << 30] } = {}) {
  const exe = compileC('exchange');
  const rows = [];
  for (const b of bytes) {
    const [r, c] = shapeFor(b);
    for (const n of sizes.filter((s) => s > 1)) {
      const targetRows = redistributeTarget(r, n);
      const target = targetRows.join(',');
      for (const op of ['resplit', 'redistribute']) {
        const args = op === 'resplit' ? ['resplit', `zeros:${r},${c}`, '--axis', '1', '-n', String(n)] : ['redistribute', `zeros:${r},${c}`, '--target', target, '-n', String(n)];
        const cli = dndRun(args);
        const peak = cli.timing.peak_rss_ratio_max ?? 0;
        // each job starts on settled memory (see first_rep below)
        settle(SETTLE_MS);
        const lib = JSON.parse(
          execFileSync('mpiexec', ['-n', String(n), ...RANK_NODE, `${ROOT}bench/ranks/exchange.mjs`, op, String(r), String(c), String(reps + 1), target, 'traced'], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n').pop(),
        );
        // reps + 1 in every job, the first apart (first_rep): the medians are of the
        // `reps` that receive into memory a previous rep freed, dnd's, C's and the peer's
        // alike (before 2026-11-27 dnd's median took its cold first rep in, C's best did not)
        const times = lib.seconds.slice(1);
        settle(SETTLE_MS);
        const cOut = JSON.parse(execFileSync('mpiexec', ['-n', String(n), exe, op, String(r), String(c), String(reps + 1), ...(op === 'redistribute' ? [String(targetRows[0])] : [])], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
        const floors = Object.entries(cOut).map(([k, v]) => ({ k, m: median(v.slice(1)) }));
        // the first rep of each job: its receive block is the job's first, on memory idle
        // for SETTLE_MS (cold, as a one-shot command finds it); the medians are of blocks
        // that reuse the memory the previous rep freed a moment before. In C, the method
        // that runs first in each rep.
        const [firstMethod, firstTimes] = Object.entries(cOut)[0];
        const best = floors.reduce((a, f) => (f.m < a.m ? f : a));
        const moved = cli.moved.bytes;
        rows.push({
          figure: `${op} ${(b / 2 ** 20).toFixed(0)} MiB -n ${n}`,
          unit: 's',
          dnd: { median: median(times), min: Math.min(...times), max: Math.max(...times), runs: reps, method: cli.moved.method, gbps: moved / median(times) / 1e9, cli_op_s: cli.timing.op_s, first_rep: lib.seconds[0] },
          floor: { what: `C ${best.k}`, median: best.m, all: Object.fromEntries(floors.map((f) => [f.k, f.m])), first_rep: { [firstMethod]: firstTimes[0] } },
          ratio: best.m / median(times),
          goal: '>= 0.8x of C throughput; peak RSS <= 2.2x block',
          met: best.m / median(times) >= 0.8 && peak <= 2.2,
          peak_rss_ratio: peak,
          higherIsBetter: true,
        });
        // the same exchange with tracing on (reps interleaved with the ones above, same job)
        const on = lib.traced_seconds;
        rows.push({
          figure: `${op} ${(b / 2 ** 20).toFixed(0)} MiB -n ${n} traced`,
          unit: 's',
          dnd: { median: median(on), min: Math.min(...on), max: Math.max(...on), runs: on.length, events_per_rep: lib.events_per_rep },
          floor: { what: 'the same exchange untraced, interleaved', median: median(times) },
          ratio: median(times) / median(on),
          goal: '>= 0.98x of untraced (--trace costs < 2%)',
          met: median(times) / median(on) >= 0.98,
          higherIsBetter: true,
        });
      }
    }
  }
  return rows;
}

export { ROOT };
