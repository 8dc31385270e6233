/**
 * Failures and bad input: never hang, never lose data (issue: "Failures and bad input").
 *
 * Faults inside real jobs: a rank throws, a rank exits, a rank is SIGKILLed in the
 *    middle of a resplit, SIGINT/SIGTERM during a long operation, the disk fills up
 *    during a write, the input disappears after launch, a hung rank and --timeout. Each:
 *    ends within 10 s with the right code, names the rank, leaves no process and no
 *    partial output, and the input and any earlier output are unchanged.
 * (Bad input and odd file names: usage-errors.test.ts.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { describe, it, before, after } from 'node:test';
import { tempDir } from '../helpers/files.js';
import { background, leftAfter, waitFor } from '../helpers/procs.js';
import { dndJson, faultEnv } from '../helpers/run.js';

describe('faults inside a job: fast, clear, clean', () => {
  const dir = tempDir();
  const input = `${dir}/input.h5`;
  const existing = `${dir}/existing.h5`;
  let inputStat = '';
  let existingBytes = '';
  before(() => {
    dndJson(['create', 'randn', '64,32', '-n', '2', '--out', `${input}:/x`]);
    dndJson(['create', 'ones', '8', '-n', '1', '--out', `${existing}:/keep`]);
    inputStat = readFileSync(input).toString('base64');
    existingBytes = readFileSync(existing).toString('base64');
  });

  async function assertClean(what: string, tag: string): Promise<void> {
    assert.deepEqual(await leftAfter(tag), [], `${what}: no process of the job left running`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.dnd-')), [], `${what}: no temporary output left`);
    assert.equal(readFileSync(input).toString('base64'), inputStat, `${what}: the input is unchanged`);
    assert.equal(readFileSync(existing).toString('base64'), existingBytes, `${what}: the earlier output is unchanged`);
  }

  it('a rank throws: exit 3 naming the rank and the cause, no output file', async () => {
    const { done, tag } = background(['resplit', `${input}:/x`, '--axis', '1', '-n', '3', '--out', `${dir}/out1.h5`], faultEnv('rank=1,at=op,do=throw'));
    const r = await done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 1 \(\S+\): injected fault at op/);
    assert.ok(r.seconds < 10, `${r.seconds} s`);
    assert.equal(existsSync(`${dir}/out1.h5`), false);
    await assertClean('rank throws', tag);
    const json = await background(['create', 'randn', '40,4', '-n', '2', '--json'], faultEnv('rank=1,at=op,do=throw')).done;
    assert.equal(json.code, 3, 'with --json too');
    assert.equal(json.stdout, '', 'stdout carries only a successful result');
    assert.match(json.stderr, /^dnd: rank 1 \(\S+\): injected fault/);
  });

  it('DND_TEST_FAULT alone does nothing: fault injection lives in a test-only preload', async () => {
    for (const n of ['1', '2']) {
      const r = await background(['create', 'randn', '40,4', '-n', n, '--out', `${dir}/nofault-${n}.h5`], { DND_TEST_FAULT: `rank=all,at=op,do=exit,pidfile=${dir}/nofault` }).done;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(statSync(`${dir}/nofault-${n}.h5`).isFile());
      assert.equal(existsSync(`${dir}/nofault.0`), false, 'no pidfile written');
    }
  });

  it('a rank exits without MPI_Abort: exit 3 naming the rank', async () => {
    const job = background(['create', 'randn', '40,4', '-n', '3'], faultEnv('rank=2,at=op,do=exit'));
    const r = await job.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /rank 2 exited with code 7/);
    assert.ok(r.seconds < 10);
    await assertClean('rank exits', job.tag);
  });

  it('a rank is killed with SIGKILL in the middle of a resplit of a large array', async () => {
    const pidfile = `${dir}/pid`;
    const { done, tag } = background(['resplit', 'randn:4096,4096', '--axis', '1', '-n', '3', '--out', `${existing}:/new`], faultEnv(`rank=1,at=op,do=sleep:60,pidfile=${pidfile}`));
    await waitFor(`${pidfile}.1`);
    const t0 = performance.now();
    process.kill(Number(readFileSync(`${pidfile}.1`, 'utf8')), 'SIGKILL');
    const r = await done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /rank 1 \(\S+\) was killed by signal 9/);
    assert.ok((performance.now() - t0) / 1000 < 10);
    await assertClean('SIGKILL', tag);
  });

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${sig} to dnd during a long operation: exit ${code}, one line, every rank stopped`, async () => {
      const pidfile = `${dir}/pid-${sig}`;
      const { child, done, tag } = background(['resplit', `${input}:/x`, '--axis', '1', '-n', '4', '--out', `${existing}:/other`], faultEnv(`rank=all,at=op,do=sleep:60,pidfile=${pidfile}`));
      for (let p = 0; p < 4; p++) await waitFor(`${pidfile}.${p}`);
      const t0 = performance.now();
      child.kill(sig);
      const r = await done;
      assert.equal(r.code, code, `${r.code} ${r.signal} ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^dnd: interrupted by ${sig}.*: resplit stopped on every rank; nothing was written to .*existing\\.h5\\n$`));
      assert.ok((performance.now() - t0) / 1000 < 5, 'a signal ends the job within 5 s');
      await assertClean(sig, tag);
    });
  }

  it('a hung rank and --timeout: the job is ended with its own message', async () => {
    const job = background(['create', 'randn', '40,4', '-n', '2', '--timeout', '2'], faultEnv('rank=0,at=op,do=sleep:60'));
    const r = await job.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /ran longer than --timeout 2 s and was ended; every rank was stopped/);
    assert.ok(r.seconds < 10, `${r.seconds}`);
    await assertClean('timeout', job.tag);
  });

  it('a --timeout beyond setTimeout\'s 2^31-1 ms does not fire at once', async () => {
    const r = await background(['create', 'randn', '40,4', '-n', '2', '--timeout', '3000000']).done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('the input disappears after launch: exit 3 naming the rank and the file', async () => {
    const moving = `${dir}/moving.h5`;
    dndJson(['create', 'zeros', '16,4', '--out', moving]);
    const pidfile = `${dir}/pid-gone`;
    // --checksum: the ranks open and read the file (without it, info reads metadata on the launcher only)
    const { done, tag } = background(['info', moving, '-n', '2', '--checksum'], faultEnv(`rank=all,at=start,do=sleep:2,pidfile=${pidfile}`));
    await waitFor(`${pidfile}.0`);
    renameSync(moving, `${moving}.away`);
    const r = await done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /rank \d \(\S+\): cannot open .*moving\.h5 as HDF5/);
    assert.ok(r.seconds < 10);
    await assertClean('input gone', tag);
  });

  describe('the disk fills up during a write', () => {
    const mnt = `${dir}/small-disk`;
    let mounted = false;
    before(() => {
      mkdirSync(mnt);
      // a 1 MiB tmpfs: needs root (CAP_SYS_ADMIN); CI and our machines run as root
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
      mounted = true;
      dndJson(['create', 'ones', '8', '--out', `${mnt}/kept.h5:/a`]);
    });
    after(() => {
      if (mounted) execFileSync('umount', [mnt]);
    });
    it('exit 3 naming the rank; the full disk keeps only what was there (MPI-IO at -n 2, without MPI at -n 1)', async () => {
      const keptBefore = readFileSync(`${mnt}/kept.h5`).toString('base64');
      for (const n of ['2', '1']) {
        const job = background(['create', 'randn', '1024,1024', '-n', n, '--out', `${mnt}/big.h5`]);
        const r = await job.done;
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /^dnd: rank \d \(\S+\): .*(writ|clos|creat|No space|flush)/i);
        assert.ok(r.seconds < 10);
        assert.deepEqual(readdirSync(mnt), ['kept.h5'], 'no partial output on the full disk');
        assert.equal(readFileSync(`${mnt}/kept.h5`).toString('base64'), keptBefore);
        const r2 = await background(['create', 'randn', '1024,1024', '-n', n, '--out', `${mnt}/kept.h5:/b`]).done;
        assert.equal(r2.code, 3, r2.stderr);
        assert.equal(readFileSync(`${mnt}/kept.h5`).toString('base64'), keptBefore, 'adding to a file on a full disk left it as it was');
        assert.deepEqual(readdirSync(mnt), ['kept.h5']);
        await assertClean('disk full', job.tag);
      }
    });
  });
});
