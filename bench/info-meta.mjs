// Metadata-only info: `dnd info big.h5:/x -n N` of a never-written 1 TiB chunked dataset
// (2^20 x 2^18 float32, a file of a few KiB), against its floor: the launch of a job of
// the same N that does nothing with files (`dnd create zeros 1 -n N`), since without
// --stats/--checksum the ranks only gather the layout. And `dnd info big.h5 --list` (no
// job at all) against another command that starts none (`dnd chunk 1000,30 -n 4`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, measure, timeProcess } from './lib.mjs';

export function benchInfoMeta({ runs = 5, sizes = [1, 4] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dnd-bench-info-'));
  const big = join(dir, 'big.h5');
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import sys, h5py\nwith h5py.File(sys.argv[1], "w") as f: f.create_dataset("x", shape=(2**20, 2**18), dtype="f4", chunks=(1024, 1024))', big]);
    const rows = [];
    for (const n of sizes) {
      const dnd = measure(runs, () => {
        const r = timeProcess(process.execPath, [BIN, 'info', `${big}:/x`, '-n', String(n), '--json']);
        if (JSON.parse(r.stdout).read_bytes !== 0) throw new Error('info read data');
        return r.seconds;
      });
      const floor = measure(runs, () => timeProcess(process.execPath, [BIN, 'create', 'zeros', '1', '-n', String(n)]).seconds);
      rows.push({ figure: `info 1 TiB metadata only -n ${n}`, unit: 's', dnd, floor: { what: 'dnd create zeros 1 (same -n)', median: floor.median }, ratio: dnd.median / floor.median, goal: '<= 1.3x', met: dnd.median / floor.median <= 1.3 });
    }
    const list = measure(runs, () => timeProcess(process.execPath, [BIN, 'info', big, '--list']).seconds);
    const cli = measure(runs, () => timeProcess(process.execPath, [BIN, 'chunk', '1000,30', '-n', '4']).seconds);
    rows.push({ figure: 'info 1 TiB file --list (no job)', unit: 's', dnd: list, floor: { what: 'dnd chunk 1000,30 -n 4 (no job either)', median: cli.median }, ratio: list.median / cli.median, goal: '<= 1.3x', met: list.median / cli.median <= 1.3 });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
