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
/** jobs of dnd and of C per row up to 256 MiB (1 GiB rows: two, they take seconds each) */
const ROUNDS = 4;

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
        // ROUNDS rounds of one dnd job and one C job, the order turned each round: this
        // machine switches between a fast and a slow state for minutes at a time (the same
        // job took 6.5 or 13.5 ms a rep at 64 MiB, C's alike), and one pair of jobs could
        // fall on either side of a switch
        const rounds = b <= 256 << 20 ? ROUNDS : 2;
        const times = [];
        const on = [];
        const cTimes = {};
        let firstRep = null;
        let cFirst = null;
        let events = 0;
        const runLib = () => {
          // each job starts on settled memory (see first_rep below)
          settle(SETTLE_MS);
          const lib = JSON.parse(
            execFileSync('mpiexec', ['-n', String(n), ...RANK_NODE, `${ROOT}bench/ranks/exchange.mjs`, op, String(r), String(c), String(reps + 1), target, 'traced'], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n').pop(),
          );
          // reps + 1 in every job, the first apart (first_rep): the medians are of the
          // `reps` that receive into memory a previous rep freed, dnd's, C's and the peer's
          // alike (before 2026-11-27 dnd's median took its cold first rep in, C's best did not)
          times.push(...lib.seconds.slice(1));
          on.push(...lib.traced_seconds);
          events += lib.events_per_rep;
          firstRep ??= lib.seconds[0];
        };
        const runC = () => {
          settle(SETTLE_MS);
          const cOut = JSON.parse(execFileSync('mpiexec', ['-n', String(n), exe, op, String(r), String(c), String(reps + 1), ...(op === 'redistribute' ? [String(targetRows[0])] : [])], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
          for (const [k, v] of Object.entries(cOut)) (cTimes[k] ??= []).push(...v.slice(1));
          // the first rep of the first job: its receive block is the job's first, on memory
          // idle for SETTLE_MS (cold, as a one-shot command finds it); the medians are of
          // blocks that reuse the memory the previous rep freed a moment before. In C, the
          // method that runs first in each rep.
          const [firstMethod, firstTimes] = Object.entries(cOut)[0];
          cFirst ??= { [firstMethod]: firstTimes[0] };
        };
        for (let k = 0; k < rounds; k++) for (const job of k % 2 === 0 ? [runLib, runC] : [runC, runLib]) job();
        const floors = Object.entries(cTimes).map(([k, v]) => ({ k, m: median(v) }));
        const best = floors.reduce((a, f) => (f.m < a.m ? f : a));
        const moved = cli.moved.bytes;
        rows.push({
          figure: `${op} ${(b / 2 ** 20).toFixed(0)} MiB -n ${n}`,
          unit: 's',
          dnd: { median: median(times), min: Math.min(...times), max: Math.max(...times), runs: times.length, jobs: rounds, method: cli.moved.method, gbps: moved / median(times) / 1e9, cli_op_s: cli.timing.op_s, first_rep: firstRep },
          floor: { what: `C ${best.k}`, median: best.m, all: Object.fromEntries(floors.map((f) => [f.k, f.m])), jobs: rounds, first_rep: cFirst },
          ratio: best.m / median(times),
          goal: '>= 0.8x of C throughput; peak RSS <= 2.2x block',
          met: best.m / median(times) >= 0.8 && peak <= 2.2,
          peak_rss_ratio: peak,
          higherIsBetter: true,
        });
        // the same exchange with tracing on (reps interleaved with the ones above, same jobs)
        rows.push({
          figure: `${op} ${(b / 2 ** 20).toFixed(0)} MiB -n ${n} traced`,
          unit: 's',
          dnd: { median: median(on), min: Math.min(...on), max: Math.max(...on), runs: on.length, events_per_rep: events / rounds },
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
