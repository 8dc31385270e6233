// HDF5 output across hosts: the same 64 MiB `resplit --out` (4 ranks) on one node and on two
// simulated hosts (scripts/cluster-up.sh; needs root), with Open MPI's defaults, with
// mpi_yield_when_idle, and with ROMIO hints (ROMIO_HINTS file, forwarded to every host).
// Both layouts dnd writes: rows (split 0, each rank one contiguous block) and columns
// (split 1, every rank's block interleaved with everyone's in the file).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, median, mpiEnv } from './lib.mjs';

export function benchHdf5Hosts({ reps = 5 } = {}) {
  if (process.getuid?.() !== 0) {
    process.stderr.write('[bench] hdf5-hosts skipped: needs root for network namespaces\n');
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'dnd-bench-hosts-'));
  const cluster = { DND_CLUSTER_DIR: `${dir}/cluster`, DND_CLUSTER_NAME: 'bench', DND_CLUSTER_NET: '10.213.250' };
  const out = [];
  try {
    const envFile = execFileSync('bash', [`${ROOT}scripts/cluster-up.sh`, '2'], { encoding: 'utf8', env: { ...process.env, ...cluster } }).trim();
    const clusterEnv = Object.fromEntries(readFileSync(envFile, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    delete clusterEnv.DND_HOSTFILE;
    const hints = (name, text) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const input = join(dir, 'in.h5');
    execFileSync(process.execPath, [BIN, 'create', 'randn', '4096,4096', '-n', '2', '--out', input], { env: mpiEnv() });
    const variants = [
      ['defaults', {}],
      // the simulated hosts share this machine's cores: Open MPI, told each host has 2 slots,
      // busy-polls in every wait, starving the rank that writes
      ['yield_when_idle', { OMPI_MCA_mpi_yield_when_idle: '1' }],
      ['yield + romio_cb_write disable', { OMPI_MCA_mpi_yield_when_idle: '1', ROMIO_HINTS: hints('nocb', 'romio_cb_write disable\n') }],
      ['yield + cb_nodes 1', { OMPI_MCA_mpi_yield_when_idle: '1', ROMIO_HINTS: hints('cb1', 'romio_cb_write enable\ncb_nodes 1\n') }],
    ];
    for (const [axis, layout] of [['0', 'rows'], ['1', 'columns']]) {
      for (const [name, extra] of variants) {
        for (const where of ['one node', 'two hosts']) {
          const args = where === 'one node' ? ['--launcher', 'mpiexec'] : ['--host', 'h1:2,h2:2'];
          const env = where === 'one node' ? mpiEnv(extra) : { ...process.env, ...clusterEnv, ...extra };
          const t = [];
          for (let i = 0; i < reps; i++) {
            const r = spawnSync(process.execPath, [BIN, 'resplit', input, '--axis', axis, '-n', '4', '--out', join(dir, 'o.h5'), '--force', '--json', ...args], { env, encoding: 'utf8' });
            if (r.status !== 0) throw new Error(r.stderr);
            t.push(JSON.parse(r.stdout).timing.write_s);
          }
          out.push({ figure: `hdf5 write 64 MiB ${layout}, ${where}, ${name}`, unit: 's', dnd: { median: median(t), min: Math.min(...t), max: Math.max(...t), runs: reps } });
        }
      }
    }
  } finally {
    spawnSync('bash', [`${ROOT}scripts/cluster-down.sh`], { env: { ...process.env, ...cluster } });
    rmSync(dir, { recursive: true, force: true });
  }
  // the floor of each row: the same layout on one node with defaults
  for (const r of out) {
    const base = out.find((b) => b.figure === r.figure.replace(/two hosts, .*$|one node, .*$/, 'one node, defaults'));
    r.floor = { what: 'same layout, one node, defaults', median: base.dnd.median };
    r.ratio = base.dnd.median / r.dnd.median;
    r.goal = 'two hosts within 2x of one node';
    r.met = !r.figure.includes('two hosts') || r.ratio >= 0.5;
    r.higherIsBetter = true;
  }
  return out;
}
