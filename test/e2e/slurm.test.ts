/**
 * A real single-node Slurm (slurmctld, slurmd, munged from Debian's packages, started by
 * scripts/slurm-up.sh): the example batch scripts are submitted with `sbatch --wait`, and
 * their results are read back from the job output files (JSON parsed, HDF5 read with h5py).
 * Skips, saying what is missing, only where the machine cannot run Slurm.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { balancedLshapeMap } from '../../src/dnd/layout.js';
import type { InfoReport } from '../../src/runtime/jobs/info.js';
import type { MoveReport } from '../../src/runtime/jobs/move.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import type { DoctorReport } from '../../src/runtime/doctor.js';
import { py, tempDir } from '../helpers/files.js';
import { BIN, faultEnv, ROOT } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import { sbatchWait } from '../helpers/sbatch.js';

function cannotRunSlurm(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to start munged and slurmd';
  for (const t of ['slurmctld', 'slurmd', 'sbatch', 'munged']) {
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed (bash scripts/setup.sh --test installs it)`;
  }
  return false;
}

const skip = cannotRunSlurm();
if (skip) process.stderr.write(`[slurm tests] skipped: ${skip}\n`);

describe('Slurm batch scripts, on a real Slurm', { skip }, () => {
  const dir = tempDir('dnd-slurm-test-');
  let env: NodeJS.ProcessEnv = {};
  before(() => {
    const conf = execFileSync('bash', [`${ROOT}scripts/slurm-up.sh`], { encoding: 'utf8' }).trim().split('\n').pop() as string;
    chmodSync(dir, 0o755);
    mkdirSync(`${dir}/bin`);
    symlinkSync(BIN, `${dir}/bin/dnd`); // the examples call `dnd` from PATH
    env = { ...process.env, SLURM_CONF: conf, PATH: `${dir}/bin:${process.env.PATH}` };
    for (const k of Object.keys(env)) if (k.startsWith('OMPI_') || k.startsWith('PMIX_')) delete env[k];
  });
  after(() => {
    spawnSync('bash', [`${ROOT}scripts/slurm-down.sh`]);
  });

  /** sbatch, waited for: the script's exit status and its stdout/stderr files. */
  function sbatch(script: string, vars: Record<string, string>, ownOutput = false) {
    const name = `${script.replace(/\W/g, '_')}-${Math.random().toString(36).slice(2, 8)}`;
    const files = ownOutput ? [] : ['-o', `${dir}/${name}.out`, '-e', `${dir}/${name}.err`];
    const r = sbatchWait(['--chdir', dir, ...files, script], { ...env, ...vars });
    const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
    return { code: r.status, sbatch: r.output, out: read(`${dir}/${name}.out`), err: read(`${dir}/${name}.err`), name };
  }

  const example = (f: string) => `${ROOT}examples/slurm/${f}`;

  it('create-save: -n from the allocation, ranks started by srun, JSON in the .out file, HDF5 readable by h5py', () => {
    const r = sbatch(example('create-save.sbatch'), { OUT: `${dir}/data.h5`, SHAPE: '64,8', SEED: '3' });
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as ArrayReport;
    assertSchema('array-report', out);
    assert.equal(out.nprocs, 2, 'SLURM_NTASKS');
    assert.deepEqual(out.lshape_map, balancedLshapeMap([64, 8], 0, 2));
    assert.equal(py<{ shape: number[] }>('read_back.py', [`${dir}/data.h5`, '/data']).shape.join(','), '64,8');
    assert.ok(Math.abs(py<{ sum: number }>('read_back.py', [`${dir}/data.h5`, '/data']).sum - Number(out.sum ?? NaN)) < 1e-3);
  });

  it('resplit: srun dnd … runs as the ranks, rank 0 prints once', () => {
    const r = sbatch(example('resplit.sbatch'), { IN: `${dir}/data.h5`, OUT: `${dir}/cols.h5` });
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as MoveReport; // exactly one JSON object: only rank 0 printed
    assert.equal(out.split, 1);
    assert.equal(out.nprocs, 2);
    assert.equal(out.checksum, out.before.checksum);
    assert.equal(py<{ shape: number[] }>('read_back.py', [`${dir}/cols.h5`, '/data']).shape.join(','), '64,8');
  });

  it('redistribute: the plan on stderr, the result as JSON', () => {
    const r = sbatch(example('redistribute.sbatch'), { IN: `${dir}/data.h5`, TARGET: '64,0', OUT: `${dir}/one.h5` });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /plan redistribute \(64, 8\)/);
    const out = JSON.parse(r.out) as MoveReport;
    assert.deepEqual(out.counts, [64, 0]);
    assert.equal(out.checksum, out.before.checksum);
  });

  it('a job array over several files', () => {
    const files = ['a', 'b', 'c'].map((n, i) => {
      const f = `${dir}/${n}.h5`;
      execFileSync(process.execPath, [BIN, 'create', 'arange', `${10 + i},3`, '--out', f], { env });
      return f;
    });
    const r = sbatch(example('array.sbatch'), { FILES: files.join(' ') }, true);
    assert.equal(r.code, 0, r.sbatch);
    const jobId = /Submitted batch job (\d+)/.exec(r.sbatch)?.[1];
    assert.ok(jobId, r.sbatch);
    for (let i = 0; i < 3; i++) {
      // the script's own --output pattern: %x-%A_%a.out in the submit directory
      const out = JSON.parse(readFileSync(`${dir}/dnd-array-${jobId}_${i}.out`, 'utf8')) as InfoReport;
      assert.deepEqual(out.gshape, [10 + i, 3]);
      assert.equal(out.stats?.max, (10 + i) * 3 - 1);
      assert.equal(out.nprocs, 2);
    }
  });

  it('a failing rank fails the step with dnd\'s exit code, and the batch script with set -e', () => {
    const script = `${dir}/fail.sbatch`;
    writeFileSync(script, '#!/bin/bash\n#SBATCH --ntasks=2\nset -euo pipefail\ndnd create randn 10,2 --json\necho not reached\n');
    const r = sbatch(script, faultEnv('rank=1,at=op,do=throw'));
    assert.notEqual(r.code, 0);
    assert.match(r.err, /dnd: rank 1 \(\S+\): injected fault/);
    assert.doesNotMatch(r.out, /not reached/);
    const direct = `${dir}/fail-srun.sbatch`;
    writeFileSync(direct, '#!/bin/bash\n#SBATCH --ntasks=2\nsrun dnd create randn 10,2\necho "srun exit $?"\n');
    const d = sbatch(direct, faultEnv('rank=1,at=op,do=throw'));
    assert.match(d.out, /srun exit 3/);
  });

  it('one task failing before MPI starts (its --out is locked by a live job) ends the whole step, not a hang', () => {
    // the lock of another job that is alive: this test's own process
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(`${dir}/.held.h5.dnd-lock`, `${JSON.stringify({ host: hostname(), pid: process.pid, started, token: 'someone-else', since: new Date().toISOString() })}\n`);
    // task 1 alone writes to the locked file (srun --multi-prog: a command per task)
    writeFileSync(`${dir}/multi.conf`, `0 dnd create randn 10 --out ${dir}/free.h5\n1 dnd create randn 10 --out ${dir}/held.h5\n`);
    const script = `${dir}/multi.sbatch`;
    writeFileSync(script, `#!/bin/bash\n#SBATCH --ntasks=2\nsrun --multi-prog ${dir}/multi.conf\necho "srun exit $?"\n`);
    const r = sbatch(script, {});
    assert.equal(r.code, 0, `the batch script ended (a hang would time out): ${r.sbatch}`);
    assert.match(r.out, /srun exit [1-9]/);
    assert.match(r.err, /held\.h5 is being written by dnd on \S+, pid \d+/);
    assert.ok(!existsSync(`${dir}/free.h5`), 'nothing written by the rank that was fine');
  });

  it('srun without MPI support is caught before MPI starts, with the --mpi option to try', () => {
    const script = `${dir}/nompi.sbatch`;
    writeFileSync(script, '#!/bin/bash\n#SBATCH --ntasks=2\nsrun --mpi=none dnd create randn 10\necho "exit $?"\n');
    const r = sbatch(script, {});
    assert.match(r.out, /exit 2/);
    assert.equal(r.err.match(/without MPI support .* use srun --mpi=pmix/g)?.length, 1, r.err);
  });

  it('doctor inside an allocation: srun, with the --mpi plugin found by asking srun', () => {
    const script = `${dir}/doctor.sbatch`;
    writeFileSync(script, '#!/bin/bash\n#SBATCH --ntasks=2\ndnd doctor --json\n');
    const r = sbatch(script, {});
    assert.equal(r.code, 0, r.err);
    const d = JSON.parse(r.out) as DoctorReport;
    assert.equal(d.launcher.choice, 'srun');
    assert.match(d.launcher.why, /inside Slurm allocation \d+/);
    assert.equal(d.slurm.srun_mpi, 'pmix');
    assert.equal(d.check?.ok, true);
    assert.equal(d.check?.launcher, 'srun');
  });
});
