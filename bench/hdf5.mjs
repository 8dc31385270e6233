// Collective HDF5 write and read of a float32 dataset with dnd (create --out, info)
// against a C parallel-HDF5 program doing the same (bench/c/h5io.c), same file system.
// The --no-fsync write floor is the faster of C (one write per process into a new file,
// not synced, through the page cache) and dd oflag=direct of the same bytes; dnd's row
// against it is a new file with --no-fsync (an existing file with --force may add a copy
// of the old one: dnd keeps a file's other contents, src/runtime/output.ts). dnd's default
// writes are durable (fsync of the file on every rank, then of the directory) and go
// around the page cache (O_DIRECT, src/native/direct-write.cc); --no-fsync writes go
// through it while it is faster than the disk (the row DND_DIRECT=off is HDF5's own
// buffered write, as dnd wrote before). The durable row stands against
// the disk's own fsync'd write of the same bytes, the faster of dd conv=fsync through the
// page cache and dd oflag=direct conv=fsync.
// Every write starts SETTLE_MS after the previous file was removed: memory freed a moment
// ago is still backed by the hypervisor and fills the page cache ~10x faster than memory
// idle for a second (bench/RESULTS.md, "direct writes"), and a write that started right
// after its rm (the C floor, ~50 ms) would otherwise stand against one that starts after
// a launch (dnd, ~0.5 s). Settled is how a user's write finds memory.
// Reads twice: from the page cache (the file just written), and cold: before each rep the
// file's pages are dropped (bench/c/dropcache.c: fdatasync + POSIX_FADV_DONTNEED on that
// file only), for dnd and for the C floor alike. The C floor reads into memory it touched
// before the first rep (the fastest way). dnd's `info --checksum` maps each rank's range of
// the contiguous dataset (src/dnd/io-map.ts); the row "read, DND_MAP=0" is its read path,
// whose time includes pre-faulting its fresh block. Every row gives the floor's spread too.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, mpiEnv, median, compileC, settle, spread } from './lib.mjs';

const SETTLE_MS = 2000;

/** Removes a file and waits until memory freed with it is as idle memory is (see above). */
function removeAndSettle(path) {
  rmSync(path, { force: true });
  settle(SETTLE_MS);
}

/** Seconds for dd to write `bytes` of zeros to a new file (fsync'd or not, through the page cache or O_DIRECT): what the disk itself takes. */
function dd(path, bytes, { direct, fsync }) {
  removeAndSettle(path);
  const block = 8 << 20;
  const flags = [...(fsync ? ['conv=fsync'] : []), ...(direct ? ['oflag=direct'] : [])];
  const t0 = performance.now();
  const r = spawnSync('dd', ['if=/dev/zero', `of=${path}`, `bs=${block}`, `count=${Math.ceil(bytes / block)}`, ...flags], { stdio: 'ignore' });
  const s = (performance.now() - t0) / 1000;
  rmSync(path, { force: true });
  if (r.status !== 0) throw new Error(`dd ${flags.join(' ')} failed (${r.status})`);
  return s;
}

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
      const readPath = [];
      const ddTimes = [];
      const ddDirect = [];
      const ddDirectNoSync = [];
      const hdf5Fast = [];
      const create = (extra, env = {}) => {
        removeAndSettle(file); // a new file, as the C floor's H5F_ACC_TRUNC
        // ones: a block whose pages are written before the save, as the C floor fills its
        // buffer (a `zeros` block is never touched; dnd maps it for the write in one call,
        // src/dnd/io.ts, which made such writes 3x faster: bench/RESULTS.md)
        return JSON.parse(execFileSync(process.execPath, [BIN, 'create', 'ones', `${rows},${cols}`, '-n', String(n), '--out', file, ...extra, '--json'], { env: mpiEnv(env), encoding: 'utf8' })).timing.write_s;
      };
      const cRun = (k) => JSON.parse(execFileSync('mpiexec', ['-n', String(n), exe, join(dir, 'c.h5'), String(rows), String(cols), String(k)], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
      // The write floor is one write per process into a removed file, as each dnd command
      // is (a rep over the previous rep's file first truncates it and pays for dropping its
      // page cache: 1.17 s against 0.15-0.22 s for a new file, bench/RESULTS.md), and it
      // alternates with dnd's writes: the page cache and the disk's write-back drift during
      // a run, and measured one after the other the two differed by 2-3x either way.
      const cWrites = [];
      const cWrite = () => {
        removeAndSettle(join(dir, 'c.h5'));
        cWrites.push(cRun(1).write[0]);
      };
      for (let i = 0; i < reps; i++) {
        // side by side, taking turns at going first
        if (i % 2 === 0) cWrite();
        fast.push(create(['--no-fsync']));
        if (i % 2 === 1) cWrite();
        hdf5Fast.push(create(['--no-fsync'], { DND_DIRECT: 'off' }));
        writes.push(create([]));
        // the warm reads read the page cache: a durable write went around it (O_DIRECT)
        spawnSync('dd', [`if=${file}`, 'of=/dev/null', 'bs=8M'], { stdio: 'ignore' });
        const r = JSON.parse(execFileSync(process.execPath, [BIN, 'info', file, '-n', String(n), '--checksum', '--json'], { env: mpiEnv(), encoding: 'utf8' }));
        reads.push(r.timing.op_s);
        const rr = JSON.parse(execFileSync(process.execPath, [BIN, 'info', file, '-n', String(n), '--checksum', '--json'], { env: mpiEnv({ DND_MAP: '0' }), encoding: 'utf8' }));
        readPath.push(rr.timing.op_s);
        ddTimes.push(dd(join(dir, 'dd.bin'), bytes, { direct: false, fsync: true }));
        ddDirect.push(dd(join(dir, 'dd.bin'), bytes, { direct: true, fsync: true }));
        ddDirectNoSync.push(dd(join(dir, 'dd.bin'), bytes, { direct: true, fsync: false }));
      }
      const c = cRun(reps);
      // cold reads: the file's pages dropped before each rep (the last write above is on
      // disk after the drop's fdatasync), dnd's and the C floor's in turn, taking turns at
      // going first: the disk drifts as the page cache does (5 of dnd's reps, then 5 of
      // C's, put 0.58x on a row that was 0.82x an hour before)
      const cold = [];
      const left = [];
      const cColdFile = join(dir, 'c.h5'); // cRun just wrote it
      const cc = { read_cold: [], resident_after_drop: [] };
      const cCold = () => {
        const r = JSON.parse(execFileSync('mpiexec', ['-n', String(n), exe, cColdFile, String(rows), String(cols), '1', 'coldread'], { env: mpiEnv(), encoding: 'utf8' }).trim().split('\n')[0]);
        cc.read_cold.push(r.read_cold[0]);
        cc.resident_after_drop.push(r.resident_after_drop[0]);
      };
      for (let i = 0; i < reps; i++) {
        if (i % 2 === 0) cCold();
        left.push(JSON.parse(execFileSync(drop, [file], { encoding: 'utf8' })).resident_after);
        // --checksum: info without it reads metadata only (op_s is the load; the fingerprint comes after)
        const r = JSON.parse(execFileSync(process.execPath, [BIN, 'info', file, '-n', String(n), '--checksum', '--json'], { env: mpiEnv(), encoding: 'utf8' }));
        cold.push(r.timing.op_s);
        if (i % 2 === 1) cCold();
      }
      // the fastest way here to put the bytes into a new file without fsync: C's parallel
      // HDF5 write through the page cache, or dd around it (O_DIRECT)
      const directFloor = median(ddDirectNoSync) < median(cWrites);
      const writeFloor = directFloor ? ddDirectNoSync : cWrites;
      const writeWhat = directFloor
        ? `dd oflag=direct of the same bytes into a new file, no fsync (faster here than C parallel HDF5 through the page cache, ${median(cWrites).toFixed(2)} s)`
        : `C parallel HDF5 collective write, one per process, new file, no fsync (faster here than dd oflag=direct, ${median(ddDirectNoSync).toFixed(2)} s)`;
      for (const [what, d, f] of [['write', fast, writeFloor], ['write hdf5', hdf5Fast, writeFloor], ['read', reads, c.read], ['read path', readPath, c.read], ['read cold', cold, cc.read_cold]]) {
        const floorWhat = what.startsWith('write') ? writeWhat : what !== 'read cold' ? 'C parallel HDF5 collective read into pre-touched memory' : 'C parallel HDF5 collective read, page cache dropped before each rep';
        out.push({
          figure:
            what === 'read path'
              ? `hdf5 read ${(bytes / 2 ** 20).toFixed(0)} MiB -n ${n} (DND_MAP=0: read, not mapped)`
              : what === 'write hdf5'
                ? `hdf5 write ${(bytes / 2 ** 20).toFixed(0)} MiB -n ${n} (DND_DIRECT=off: HDF5's buffered write)`
                : `hdf5 ${what} ${(bytes / 2 ** 20).toFixed(0)} MiB -n ${n}`,
          unit: 's',
          dnd: { ...spread(d), gbps: bytes / median(d) / 1e9 },
          floor: { what: floorWhat, ...spread(f), ...(what.startsWith('write') ? { 'C parallel HDF5, no fsync': median(cWrites), 'dd oflag=direct, no fsync': median(ddDirectNoSync), 'C reps in one process': median(c.write) } : {}) },
          ...(what === 'read cold' ? { cache_pages_left: { dnd: Math.max(...left), floor: Math.max(...cc.resident_after_drop) } } : {}),
          ratio: median(f) / median(d),
          goal: '>= 0.8x of C throughput',
          met: median(f) / median(d) >= 0.8,
          higherIsBetter: true,
        });
      }
      // the disk's fastest fsync'd write: through the page cache, or around it
      const ddFloor =
        median(ddDirect) < median(ddTimes)
          ? { what: "the disk's own fsync'd write of the same bytes (dd oflag=direct conv=fsync, faster here than through the page cache)", ...spread(ddDirect), 'dd conv=fsync': median(ddTimes) }
          : { what: "the disk's own fsync'd write of the same bytes (dd conv=fsync, faster here than oflag=direct)", ...spread(ddTimes), 'dd oflag=direct conv=fsync': median(ddDirect) };
      out.push({
        figure: `hdf5 write ${(bytes / 2 ** 20).toFixed(0)} MiB -n ${n} durable`,
        unit: 's',
        dnd: { median: median(writes), min: Math.min(...writes), max: Math.max(...writes), runs: reps, gbps: bytes / median(writes) / 1e9 },
        floor: ddFloor,
        // what durability costs dnd: the same write with --no-fsync (page cache only)
        also: { 'dnd --no-fsync': median(fast), 'fsync cost (durable / --no-fsync)': median(writes) / median(fast) },
        ratio: ddFloor.median / median(writes),
        goal: ">= 0.8x of the disk's fsync'd throughput",
        met: ddFloor.median / median(writes) >= 0.8,
        higherIsBetter: true,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
