// Collective HDF5 write and read of a float32 dataset with dnd (create --out, info)
// against a C parallel-HDF5 program doing the same (bench/c/h5io.c), same file system.
// dnd's writes are durable by default (fsync of the file on every rank, then of the
// directory); the same writes with --no-fsync show what durability costs.
// Reads twice: from the page cache (the file just written), and cold: before each rep the
// file's pages are dropped (bench/c/dropcache.c: fdatasync + POSIX_FADV_DONTNEED on that
// file only), for dnd and for the C floor alike. The C floor reads into memory it touched
// before the first rep (the fastest way); dnd's read time includes pre-faulting its fresh
// block. Every row gives the floor's spread too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, mpiEnv, median, compileC, spread } from './lib.mjs';

export function benchHdf5({ reps = 5, sizes = [1, 2, 4], bytes = 1 << 30 } = {}) {
  const h5flags = execFileSync('pkg-config', ['--cflags', '--libs', 'hdf5-openmpi'], { encoding: 'utf8' }).trim().split(/\s+/);
  const exe = compileC('h5io', h5flags);
  const drop = compileC('dropcache');
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
      // cold reads: the file's pages dropped before each rep (the last write above is on disk after the drop's fdatasync)
      const cold = [];
      const left = [];
      for (let i = 0; i < reps; i++) {
        left.push(JSON.parse(execFileSync(drop, [file], { encoding: 'utf8' })).resident_after);
        const r = JSON.parse(execFileSync(process.execPath, [BIN, 'info', file, '-n', String(n), '--json'], { env: mpiEnv(), encoding: 'utf8' }));
        cold.push(r.timing.op_s);
      }
      const c = JSON.parse(execFileSync('mpiexec', ['-n', String(n), exe, join(dir, 'c.h5'), String(rows), String(cols), String(reps)], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
      const cc = JSON.parse(execFileSync('mpiexec', ['-n', String(n), exe, join(dir, 'c.h5'), String(rows), String(cols), String(reps), 'cold'], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
      for (const [what, d, f] of [['write', writes, c.write], ['read', reads, c.read], ['read cold', cold, cc.read_cold]]) {
        out.push({
          figure: `hdf5 ${what} ${(bytes / 2 ** 20).toFixed(0)} MiB -n ${n}`,
          unit: 's',
          dnd: { ...spread(d), gbps: bytes / median(d) / 1e9 },
          floor: { what: what === 'read cold' ? 'C parallel HDF5 collective read, page cache dropped before each rep' : `C parallel HDF5 collective ${what}${what === 'read' ? ' into pre-touched memory' : ''}`, ...spread(f) },
          ...(what === 'read cold' ? { cache_pages_left: { dnd: Math.max(...left), floor: Math.max(...cc.resident_after_drop) } } : {}),
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
