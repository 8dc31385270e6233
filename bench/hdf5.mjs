// Collective HDF5 write and read of a float32 dataset with dnd (create --out, info)
// against a C parallel-HDF5 program doing the same (bench/c/h5io.c), same file system.
// dnd's writes are durable by default (fsync of the file on every rank, then of the
// directory); the same writes with --no-fsync show what durability costs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, mpiEnv, median, compileC } from './lib.mjs';

export function benchHdf5({ reps = 5, sizes = [1, 2, 4], bytes = 1 << 30 } = {}) {
  const h5flags = execFileSync('pkg-config', ['--cflags', '--libs', 'hdf5-openmpi'], { encoding: 'utf8' }).trim().split(/\s+/);
  const exe = compileC('h5io', h5flags);
  const dir = mkdtempSync(join(tmpdir(), 'dnd-bench-'));
  const cols = 4096;
  const rows = Math.round(bytes / 4 / cols);
  const out = [];
  try {
    for (const n of sizes) {
      const file = join(dir, 'd.h5');
      const writes = [];
      const fast = [];
      const reads = [];
      for (let i = 0; i < reps; i++) {
        const w = JSON.parse(execFileSync(process.execPath, [BIN, 'create', 'zeros', `${rows},${cols}`, '-n', String(n), '--out', file, '--force', '--json'], { env: mpiEnv(), encoding: 'utf8' }));
        writes.push(w.timing.write_s);
        const r = JSON.parse(execFileSync(process.execPath, [BIN, 'info', file, '-n', String(n), '--json'], { env: mpiEnv(), encoding: 'utf8' }));
        reads.push(r.timing.op_s);
        const nf = JSON.parse(execFileSync(process.execPath, [BIN, 'create', 'zeros', `${rows},${cols}`, '-n', String(n), '--out', file, '--force', '--no-fsync', '--json'], { env: mpiEnv(), encoding: 'utf8' }));
        fast.push(nf.timing.write_s);
      }
      const c = JSON.parse(execFileSync('mpiexec', ['-n', String(n), exe, join(dir, 'c.h5'), String(rows), String(cols), String(reps)], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
      for (const [what, d, f] of [['write', writes, c.write], ['read', reads, c.read]]) {
        out.push({
          figure: `hdf5 ${what} ${(bytes / 2 ** 20).toFixed(0)} MiB -n ${n}`,
          unit: 's',
          dnd: { median: median(d), min: Math.min(...d), max: Math.max(...d), runs: reps, gbps: bytes / median(d) / 1e9 },
          floor: { what: `C parallel HDF5 collective ${what}`, median: median(f) },
          ratio: median(f) / median(d),
          goal: '>= 0.8x of C throughput',
          met: median(f) / median(d) >= 0.8,
          higherIsBetter: true,
        });
      }
      out.push({
        figure: `hdf5 write ${(bytes / 2 ** 20).toFixed(0)} MiB -n ${n} durable`,
        unit: 's',
        dnd: { median: median(writes), min: Math.min(...writes), max: Math.max(...writes), runs: reps, gbps: bytes / median(writes) / 1e9 },
        floor: { what: 'the same write with --no-fsync (page cache only)', median: median(fast), min: Math.min(...fast), max: Math.max(...fast) },
        ratio: median(fast) / median(writes),
        goal: 'shown: the cost of fsync (no goal)',
        met: true,
        higherIsBetter: true,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
