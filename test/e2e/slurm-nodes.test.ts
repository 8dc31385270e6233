/**
 * A real Slurm over several simulated nodes: one slurmd per host of a simulated cluster
 * (scripts/cluster-up.sh, then scripts/slurm-up.sh --cluster), NodeName h1, h2. The example
 * batch scripts run with `sbatch --nodes=2` and their ranks must land on both nodes; the
 * outputs are read back with h5py. Skips only where the machine cannot run Slurm or make
 * network namespaces.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DoctorReport } from '../../src/runtime/doctor.js';
import type { MoveReport } from '../../src/runtime/jobs/move.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { py } from '../helpers/files.js';
import { BIN, ROOT } from '../helpers/run.js';
import { sbatchWait } from '../helpers/sbatch.js';

function cannotRun(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to start slurmd and make network namespaces';
  for (const t of ['slurmctld', 'slurmd', 'sbatch', 'munged', 'ip', 'unshare', 'nsenter']) {
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed (bash scripts/setup.sh --test installs it)`;
  }
  const probe = spawnSync('unshare', ['--net', '--uts', 'true']);
  if (probe.status !== 0) return `this kernel refuses new network namespaces: ${String(probe.stderr).trim()}`;
  return false;
}

const skip = cannotRun();
if (skip) process.stderr.write(`[slurm-nodes tests] skipped: ${skip}\n`);

describe('Slurm on two simulated nodes', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnd-slurm-nodes-'));
  const id = Math.random().toString(36).slice(2, 7).replace(/^\d/, 'x');
  const cluster = { DND_CLUSTER_DIR: `${dir}/cluster`, DND_CLUSTER_NAME: `s${id}`, DND_CLUSTER_NET: `10.213.${10 + Math.floor(Math.random() * 240)}` };
  const slurm = { DND_SLURM_DIR: `${dir}/slurm` };
  let env: NodeJS.ProcessEnv = {};
  before(() => {
    chmodSync(dir, 0o755);
    const envFile = execFileSync('bash', [`${ROOT}scripts/cluster-up.sh`, '2'], { encoding: 'utf8', env: { ...process.env, ...cluster } }).trim();
    const conf = execFileSync('bash', [`${ROOT}scripts/slurm-up.sh`, '--cluster', cluster.DND_CLUSTER_DIR], { encoding: 'utf8', env: { ...process.env, ...slurm } }).trim().split('\n').pop() as string;
    mkdirSync(`${dir}/bin`);
    symlinkSync(BIN, `${dir}/bin/dnd`); // the examples call `dnd` from PATH
    env = { ...process.env, SLURM_CONF: conf, PATH: `${dir}/bin:${process.env.PATH}` };
    for (const k of Object.keys(env)) if (k.startsWith('OMPI_') || k.startsWith('PMIX_') || k.startsWith('DND_')) delete env[k];
    // the cluster's Open MPI settings (traffic on the test subnet only), not its hostfile:
    // inside an allocation Slurm says where the ranks go
    for (const line of readFileSync(envFile, 'utf8').split('\n')) {
      const [k, ...v] = line.split('=');
      if (k.startsWith('OMPI_MCA_') && k !== 'OMPI_MCA_plm_rsh_agent') env[k] = v.join('=');
    }
  });
  after(() => {
    spawnSync('bash', [`${ROOT}scripts/slurm-down.sh`], { env: { ...process.env, ...slurm } });
    spawnSync('bash', [`${ROOT}scripts/cluster-down.sh`], { env: { ...process.env, ...cluster } });
    rmSync(dir, { recursive: true, force: true });
  });

  function sbatch(script: string, vars: Record<string, string>, opts: string[] = ['--nodes=2', '--ntasks=2']) {
    const name = `${script.replace(/\W/g, '_')}-${Math.random().toString(36).slice(2, 8)}`;
    const r = sbatchWait([...opts, '--chdir', dir, '-o', `${dir}/${name}.out`, '-e', `${dir}/${name}.err`, script], { ...env, ...vars });
    const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
    return { code: r.status, sbatch: r.output, out: read(`${dir}/${name}.out`), err: read(`${dir}/${name}.err`) };
  }
  const example = (f: string) => `${ROOT}examples/slurm/${f}`;
  const digest = (f: string) => py<{ shape: number[]; sha256: string }>('digest.py', [f, '/data']);

  it('sinfo shows the nodes h1 and h2, idle', () => {
    const s = execFileSync('sinfo', ['-h', '-N', '-o', '%N %T'], { encoding: 'utf8', env }).trim().split('\n').sort();
    assert.deepEqual(s, ['h1 idle', 'h2 idle']);
  });

  it('create-save, resplit, redistribute: ranks on both nodes, outputs equal to one node\'s', () => {
    const c = sbatch(example('create-save.sbatch'), { OUT: `${dir}/data.h5`, SHAPE: '64,8', SEED: '3' });
    assert.equal(c.code, 0, c.err + c.sbatch);
    const made = JSON.parse(c.out) as ArrayReport;
    assert.deepEqual(made.ranks.map((r) => r.host), ['h1', 'h2'], 'one rank per node');
    const r = sbatch(example('resplit.sbatch'), { IN: `${dir}/data.h5`, OUT: `${dir}/cols.h5` });
    assert.equal(r.code, 0, r.err);
    const moved = JSON.parse(r.out) as MoveReport;
    assert.deepEqual(moved.ranks.map((k) => k.host), ['h1', 'h2']);
    assert.equal(moved.checksum, moved.before.checksum);
    const d = sbatch(example('redistribute.sbatch'), { IN: `${dir}/data.h5`, TARGET: '64,0', OUT: `${dir}/one.h5` });
    assert.equal(d.code, 0, d.err);
    assert.match(d.err, /plan redistribute \(64, 8\)/);
    assert.deepEqual((JSON.parse(d.out) as MoveReport).counts, [64, 0]);
    // the same arrays made on this machine alone
    const local = { ...env, SLURM_CONF: undefined };
    execFileSync(process.execPath, [BIN, 'create', 'randn', '64,8', '--seed', '3', '-n', '2', '--out', `${dir}/local.h5`], { env: local });
    execFileSync(process.execPath, [BIN, 'resplit', `${dir}/local.h5`, '--axis', '1', '-n', '2', '--out', `${dir}/local-cols.h5`], { env: local });
    assert.deepEqual(digest(`${dir}/data.h5`), digest(`${dir}/local.h5`));
    assert.deepEqual(digest(`${dir}/cols.h5`), digest(`${dir}/local-cols.h5`));
    assert.deepEqual(digest(`${dir}/one.h5`), digest(`${dir}/local.h5`));
  });

  it('srun inside an allocation of two nodes: 4 ranks, two per node', () => {
    const script = `${dir}/four.sbatch`;
    writeFileSync(script, '#!/bin/bash\nset -euo pipefail\nsrun dnd create arange 8,2 --json\n');
    const r = sbatch(script, {}, ['--nodes=2', '--ntasks-per-node=2']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((JSON.parse(r.out) as ArrayReport).ranks.map((k) => k.host), ['h1', 'h1', 'h2', 'h2']);
  });

  it('doctor and mpiexec inside a two-node allocation: no single-node defaults, ranks on both nodes', () => {
    const script = `${dir}/doctor.sbatch`;
    writeFileSync(script, '#!/bin/bash\nset -euo pipefail\ndnd doctor --json --launcher mpiexec\n');
    const r = sbatch(script, {});
    assert.equal(r.code, 0, r.err);
    const d = JSON.parse(r.out) as DoctorReport;
    assert.equal(d.check?.ok, true, d.problems.join('; '));
    assert.deepEqual(d.check?.hosts.sort(), ['h1', 'h2']);
  });
});
