/**
 * A job's life ends with its launcher's (issue: "No orphan, no hang, no leftover").
 *
 * Each case runs dnd through the CLI with a tag of its own in the environment, so "no
 * process of the job is left" is checked among the job's own processes (dnd, mpiexec,
 * every rank), beside whatever else runs on the machine. Each asserts: it ends within
 * 10 s, the exit code and one message, no process left, no temporary file left, and the
 * inputs and earlier outputs byte-identical.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, it, before } from 'node:test';
import { tempDir } from '../helpers/files.js';
import { background, leftAfter, until, waitFor } from '../helpers/procs.js';
import { dnd, dndJson, faultEnv } from '../helpers/run.js';

function oneLine(stderr: string): void {
  assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
}

describe('killing or hanging up the launcher ends the whole job', () => {
  const dir = tempDir();
  const existing = `${dir}/existing.h5`;
  const forever = `${dir}/forever.mjs`;
  let existingBytes: Buffer;
  let foreverBytes: Buffer;
  before(() => {
    dndJson(['create', 'ones', '8', '--out', `${existing}:/keep`]);
    writeFileSync(forever, 'console.log(`rank ${rank} up`);\nsetInterval(() => {}, 1000);\n');
    existingBytes = readFileSync(existing);
    foreverBytes = readFileSync(forever);
  });

  /** Everything a finished case must leave as it was. */
  async function assertClean(what: string, tag: string, px?: string): Promise<void> {
    assert.deepEqual(await leftAfter(tag, 10000), [], `${what}: no process of the job left`);
    const left = readdirSync(dir).filter((f) => f.includes('.dnd-') || f.startsWith('out.h5'));
    if (what.startsWith('SIGKILL') && left.length) {
      // a launcher killed with -9 cannot clean up: its lock stays, and the next writer to
      // the same place finds it stale (its owner is dead) and takes it over
      assert.deepEqual(left, ['.out.h5.dnd-lock'], `${what}: only the dead job's lock is left`);
      const next = dnd(['create', 'ones', '8', '--out', `${dir}/out.h5`]);
      assert.equal(next.code, 0, `${what}: the next writer takes over the stale lock: ${next.stderr}`);
      rmSync(`${dir}/out.h5`);
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.dnd-') || f.startsWith('out.h5')), [], `${what}: no temporary or partial output`);
    // (Open MPI keeps its own session directory, ompi.HOST.UID, in TMPDIR too: not ours)
    if (px) assert.deepEqual(readdirSync(px).filter((f) => f.startsWith('dnd-')), [], `${what}: px left nothing in its temporary directory`);
    assert.ok(readFileSync(existing).equals(existingBytes), `${what}: the earlier output is unchanged`);
    assert.ok(readFileSync(forever).equals(foreverBytes), `${what}: the script is unchanged`);
  }

  const starts: Record<string, (tag: string) => { job: ReturnType<typeof background>; ready: () => Promise<void>; pxTmp?: string }> = {
    'create --out': (sig) => {
      const pidfile = `${dir}/pid-create-${sig}`;
      const job = background(['create', 'randn', '64,8', '-n', '2', '--out', `${dir}/out.h5`], faultEnv(`rank=all,at=write,do=sleep:60,pidfile=${pidfile}`));
      return { job, ready: async () => (await waitFor(`${pidfile}.0`), await waitFor(`${pidfile}.1`)) };
    },
    run: () => {
      const job = background(['run', forever, '-n', '2']);
      return { job, ready: () => until(() => /rank 0 up/.test(job.output().stdout) && /rank 1 up/.test(job.output().stdout), 'both ranks up') };
    },
    px: (sig) => {
      const pxTmp = `${dir}/px-${sig}`;
      mkdirSync(pxTmp);
      // px's socket directory goes to TMPDIR: this case's own, so it can be checked empty
      const job = background(['px', '-n', '2', '--history', `${dir}/.px-history`], { TMPDIR: pxTmp }, { stdin: 'pipe' });
      return {
        job,
        pxTmp,
        ready: async () => {
          await until(() => /rank\(s\) ready/.test(job.output().stdout), 'px ready');
          job.child.stdin?.write('await new Promise((r) => setTimeout(r, 60000))\n');
          await new Promise((r) => setTimeout(r, 500));
        },
      };
    },
  };

  for (const [name, start] of Object.entries(starts)) {
    for (const sig of ['SIGKILL', 'SIGHUP'] as const) {
      it(`${sig} of dnd during ${name}: every rank and mpiexec end`, async () => {
        const { job, ready, pxTmp } = start(sig);
        await ready();
        const t0 = performance.now();
        job.child.kill(sig);
        const r = await job.done;
        if (sig === 'SIGKILL') assert.equal(r.signal, 'SIGKILL', 'dnd itself was killed');
        else {
          assert.equal(r.code, 129, `${r.code} ${r.signal} ${r.stderr}`);
          assert.match(r.stderr, /^dnd: interrupted by SIGHUP \(the terminal or session closed\): [^\n]*(every rank was stopped|stopped on every rank)[^\n]*\n$/);
        }
        await assertClean(`${sig} ${name}`, job.tag, pxTmp);
        assert.ok((performance.now() - t0) / 1000 < 10, 'over within 10 s');
      });
    }
  }
});

describe('user scripts: deadlocks, process.exit, the last line', () => {
  const dir = tempDir();
  const script = (name: string, text: string) => {
    writeFileSync(`${dir}/${name}`, text);
    return `${dir}/${name}`;
  };

  it('a collective reached by only some ranks: exit 3 naming each rank, its collective and the line', async () => {
    const file = script('deadlock.mjs', 'console.log(`up ${rank}`);\nif (rank === 0) comm.barrier();\n');
    const job = background(['run', file, '-n', '3'], {}, { cwd: dir });
    await until(() => (job.output().stdout.match(/^up \d/gm) ?? []).length === 3, 'every rank started the script');
    const t0 = performance.now();
    const r = await job.done;
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: deadlock: every rank has waited inside MPI for \d+ s with no progress, in different collectives — rank 0 \(\S+\) in barrier at deadlock\.mjs:2; ranks 1,2 \(\S+\) in allreduce after the script ended; every rank was stopped\n$/);
    assert.ok(seconds < 10, `${seconds} s after the script started`);
    assert.deepEqual(await leftAfter(job.tag), []);
  });

  it('--deadlock-timeout 0 turns the watchdog off (then --timeout ends it)', async () => {
    const file = script('deadlock0.mjs', 'if (rank === 0) comm.barrier();\n');
    const job = background(['run', file, '-n', '2', '--deadlock-timeout', '0', '--timeout', '5']);
    const r = await job.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /ran longer than --timeout 5 s/);
    assert.deepEqual(await leftAfter(job.tag), []);
  });

  it('process.exit() on one rank: exit 3 naming that rank and the line', async () => {
    const file = script('exit.mjs', 'comm.barrier();\nif (rank === 1) process.exit(0);\ncomm.barrier();\n');
    const job = background(['run', file, '-n', '3'], {}, { cwd: dir });
    const r = await job.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 1 \(\S+\): the script called process\.exit\(0\) at exit\.mjs:2: a rank cannot leave the job alone/);
    oneLine(r.stderr);
    assert.ok(r.seconds < 10);
    assert.deepEqual(await leftAfter(job.tag), []);
  });

  it('a throw in-process (-n 1) and on every rank of a job: the same one line, exit 3', () => {
    const file = script('boom.mjs', "throw new Error('boom alone');\n");
    for (const n of ['1', '2']) {
      const r = dnd(['run', file, '-n', n]);
      assert.equal(r.code, 3, `-n ${n}: ${r.stderr}`);
      // every rank throws; whichever reports first ends the others
      assert.match(r.stderr, /^dnd: rank \d \(\S+\): boom alone \(at \S*boom\.mjs:1:7\)\n$/, `-n ${n}`);
    }
  });

  it('a last output line without its newline is kept', () => {
    const file = script('tail.mjs', 'if (rank === 0) process.stdout.write("first\\nno newline at the end");\n');
    const r = dnd(['run', file, '-n', '2', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'first\nno newline at the end\n');
    const one = dnd(['run', file, '-n', '1', '-q']);
    assert.equal(one.stdout, 'first\nno newline at the end');
  });
});

describe('dnd px: Ctrl-C, deadlocks and the end of input', () => {
  const dir = tempDir();

  it('the end of piped input ends the session: exit 0, every rank gone', async () => {
    const job = background(['px', '-n', '2', '--history', `${dir}/h1`], {}, { stdin: 'pipe' });
    job.child.stdin?.end('const a = dnd.zeros([5, 2], { split: 0 })\nJSON.stringify(a.lshapeMap)\n');
    const r = await job.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[all\] '\[\[3,2\],\[2,2\]\]'/);
    assert.ok(r.seconds < 10);
    assert.deepEqual(await leftAfter(job.tag), []);
  });

  it('SIGINT twice while a cell is blocked in a collective: exit 130, nothing left', async () => {
    const pxTmp = `${dir}/tmp-int`;
    mkdirSync(pxTmp);
    const job = background(['px', '-n', '2', '--history', `${dir}/h2`, '--deadlock-timeout', '0'], { TMPDIR: pxTmp }, { stdin: 'pipe' });
    await until(() => /rank\(s\) ready/.test(job.output().stdout), 'px ready');
    job.child.stdin?.write('if (rank === 0) comm.barrier()\n');
    await new Promise((r) => setTimeout(r, 800));
    const t0 = performance.now();
    job.child.kill('SIGINT');
    await until(() => /interrupting the cell/.test(job.output().stdout), 'first Ctrl-C seen');
    job.child.kill('SIGINT');
    const r = await job.done;
    assert.equal(r.code, 130, `${r.code} ${r.signal} ${r.stderr}`);
    assert.match(r.stderr, /^dnd: interrupted by SIGINT: every rank was stopped\n$/);
    assert.ok((performance.now() - t0) / 1000 < 10);
    assert.deepEqual(await leftAfter(job.tag), []);
    assert.deepEqual(readdirSync(pxTmp), []);
  });

  it('a deadlocked cell ends the session with exit 3 naming the cell line', async () => {
    const job = background(['px', '-n', '2', '--history', `${dir}/h3`], {}, { stdin: 'pipe' });
    await until(() => /rank\(s\) ready/.test(job.output().stdout), 'px ready');
    job.child.stdin?.write('1 + 1\nif (rank === 0) comm.barrier()\n');
    const r = await job.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: deadlock: .* rank 0 \(\S+\) in barrier at cell line 1; rank 1 \(\S+\) in \w+ after the cell ended; every rank was stopped\n$/);
    assert.deepEqual(await leftAfter(job.tag), []);
  });
});

describe('rank counts, missing tools and MPI settings: one line, the right code', () => {
  const dir = tempDir();
  const cores = availableParallelism();

  it('-n 10000 is refused before anything starts, naming the slots and the flag', async () => {
    const job = background(['create', 'zeros', '7,4', '-n', '10000']);
    const r = await job.done;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^dnd: -n 10000 is more than this machine can hold: it has ${cores} core\\(s\\), and up to ${Math.max(4, 2 * cores)} ranks run without asking; pass --oversubscribe`));
    oneLine(r.stderr);
    assert.deepEqual(await leftAfter(job.tag, 0), []);
    const flagged = dnd(['create', 'zeros', '7,4', '-n', '10000', '--oversubscribe']);
    assert.equal(flagged.code, 2);
    assert.match(flagged.stderr, /-n 10000 ranks need about [\d.]+ GiB of memory \(96 MiB per rank\) but this machine has/);
    const allowed = dndJson<{ nprocs: number }>(['create', 'zeros', '7,4', '-n', String(Math.max(4, 2 * cores))]);
    assert.equal(allowed.nprocs, Math.max(4, 2 * cores), 'the default allowance runs without the flag');
  });

  it('no mpiexec on PATH: exit 2, one line saying what is missing and how to get it', () => {
    for (const n of ['1', '2']) {
      const r = dnd(['create', 'zeros', '4', '-n', n], { env: { PATH: '/nonexistent' } });
      assert.equal(r.code, 2, `-n ${n}: ${r.stderr}`);
      assert.match(r.stderr, /^dnd: mpiexec not found on PATH.*apt-get install openmpi-bin/);
      oneLine(r.stderr);
    }
    const empty = dnd(['create', 'zeros', '4', '-n', '2'], { env: { DND_MPIEXEC: '' } });
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /^dnd: DND_MPIEXEC is set but empty/);
    oneLine(empty.stderr);
  });

  it('a reader that goes away (dnd … | head) ends dnd quietly with 128+SIGPIPE, not a hang', async () => {
    const own = tempDir();
    writeFileSync(`${own}/many.mjs`, 'if (rank === 0) for (let i = 0; i < 100000; i++) console.log(i);\n');
    const job = background(['run', `${own}/many.mjs`, '-n', '2', '-q']);
    job.child.stdout?.destroy();
    const r = await job.done;
    assert.equal(r.code, 141, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(await leftAfter(job.tag), []);
  });

  it('garbage in OMPI_MCA_pml or OMPI_MCA_io: exit 3, one line naming the variable', () => {
    const pml = dnd(['create', 'zeros', '4', '-n', '2'], { env: { OMPI_MCA_pml: 'garbage' } });
    assert.equal(pml.code, 3, pml.stderr);
    assert.match(pml.stderr, /^dnd: OMPI_MCA_pml=garbage: this Open MPI has no pml component "garbage" \(it has .*ob1.*\)/);
    oneLine(pml.stderr);
    const io = dnd(['create', 'zeros', '4', '-n', '2', '--out', `${dir}/io.h5`], { env: { OMPI_MCA_io: 'garbage' } });
    assert.equal(io.code, 3, io.stderr);
    assert.match(io.stderr, /OMPI_MCA_io=garbage: this Open MPI has no io component "garbage" \(it has ompio, romio321\)/);
    oneLine(io.stderr);
    assert.deepEqual(readdirSync(dir), [], 'no output, no temporary file');
  });

  it("mpiexec's own explanation (not enough slots) is shown whole, then one line", () => {
    const hostfile = `${dir}/hosts`;
    writeFileSync(hostfile, 'localhost slots=1\n');
    const r = dnd(['create', 'zeros', '4', '-n', '3'], { env: { OMPI_MCA_orte_default_hostfile: hostfile } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /There are not enough slots available in the system to satisfy the 3\nslots that were requested by the application:/);
    assert.match(r.stderr, /Alternatively, you can use the --oversubscribe option to ignore the\nnumber of available slots/);
    assert.doesNotMatch(r.stderr, /-{20}/, 'without its boxes of dashes');
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(last, /^dnd: mpiexec exited with code \d+ before rank 0 sent a result: There are not enough slots available in the system to satisfy the 3 slots that were requested by the application$/);
  });

  it("mpiexec's own explanation of an unreachable host is shown whole, then one line", () => {
    const hostfile = `${dir}/far-hosts`;
    writeFileSync(hostfile, 'no-such-host.invalid slots=2\n');
    const r = dnd(['create', 'zeros', '4', '-n', '2'], { env: { OMPI_MCA_orte_default_hostfile: hostfile }, timeoutMs: 60000 });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /ssh: Could not resolve hostname no-such-host/);
    assert.match(r.stderr, /ORTE was unable to reliably start one or more daemons\.\nThis usually is caused by:/, 'whole, line breaks kept');
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(last, /^dnd: mpiexec exited with code \d+ before rank 0 sent a result: ssh: Could not resolve hostname no-such-host/);
  });
});
