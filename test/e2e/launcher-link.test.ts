/**
 * Rank 0's link to the launcher (src/runtime/link.ts, src/native/lifeline.cc): its stdin
 * is a pipe only the launcher holds, watched by a thread of the binding. The end of that
 * pipe ends the rank at once, even while its JavaScript thread is blocked; data on it is
 * ignored. Once through the binding alone, once through a real mpiexec with the rank
 * program, where the job must then end on every rank.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { encodeEnvelope, parseRecord, recordPrefix, type JobEnvelope } from '../../src/runtime/job.js';
import { RANK_NODE_FLAGS } from '../../src/runtime/launcher.js';
import { tempDir } from '../helpers/files.js';
import { processesOf, jobTag } from '../helpers/procs.js';
import { mpiEnv, ROOT } from '../helpers/run.js';

/** a JavaScript thread that does nothing for a minute: no listener of it could run */
const BLOCK = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);';

function collect(child: ChildProcess): { out: () => string; err: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  return { out: () => out, err: () => err, exited };
}

/** alive and not a zombie (an orphan's zombie waits for an init that may not reap it) */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, ms = 30000): Promise<void> {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("rank 0's link to the launcher", () => {
  it('the binding: data is ignored; end-of-file ends a blocked process with SIGKILL and its message after the grace; one watch', async () => {
    const program = `import { loadNative } from ${JSON.stringify(`${ROOT}dist/native/index.js`)};
const n = loadNative();
const first = n.watchLifeline(0, 'test: the link closed\\n', 400);
const second = n.watchLifeline(0, 'a second watch\\n', 0);
let bad = null;
try { n.watchLifeline(0, 'no grace'); } catch (e) { bad = e.code; }
console.log(JSON.stringify({ first, second, bad }));
${BLOCK}
console.log('woke');
`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['pipe', 'pipe', 'pipe'], env: mpiEnv() });
    const c = collect(child);
    try {
      await until('the watch', () => c.out().includes('\n'));
      assert.deepEqual(JSON.parse(c.out().split('\n')[0]), { first: true, second: false, bad: 'EARG' });
      child.stdin?.write('anything the launcher might write\n');
      await sleep(300);
      assert.equal(child.exitCode, null, 'data on the link does not end the process');
      assert.equal(child.signalCode, null);
      const closed = performance.now();
      child.stdin?.end();
      const { signal, at } = await Promise.race([c.exited, sleep(10000).then(() => ({ signal: null, at: Infinity }))]);
      assert.equal(signal, 'SIGKILL', `ended by the watch: ${c.err()}`);
      assert.ok(at - closed >= 400 && at - closed < 5000, `after the grace of 400 ms, within seconds of the end of the link (${(at - closed).toFixed(0)} ms)`);
      assert.equal(c.err(), 'test: the link closed\n');
      assert.ok(!c.out().includes('woke'));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it("mpiexec: closing its stdin while rank 0 is blocked ends the job on every rank, rank 0 saying why", async () => {
    const script = join(tempDir(), 'blocked.mjs');
    writeFileSync(script, `console.log('rank ' + rank + ' up');\nif (rank === 0) { ${BLOCK} } else setInterval(() => {}, 1000);\n`);
    const envelope: JobEnvelope = { v: 1, token: randomBytes(6).toString('hex'), nprocs: 2, color: false, job: { op: 'run', script, args: [] }, link: true };
    const { tag, env } = jobTag();
    const child = spawn('mpiexec', ['-n', '2', process.execPath, ...RANK_NODE_FLAGS, `${ROOT}dist/runtime/rank.js`, encodeEnvelope(envelope)], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...mpiEnv(), ...env } });
    const c = collect(child);
    try {
      await until('both ranks up', () => /rank 0 up/.test(c.out()) && /rank 1 up/.test(c.out()));
      const prefix = recordPrefix(envelope.token, 'rank');
      const pids = c
        .err()
        .split('\n')
        .filter((l) => l.includes(prefix))
        .map((l) => parseRecord<{ pid: number }>(l, l.indexOf(prefix), prefix).pid);
      assert.equal(pids.length, 2, `each rank's record: ${c.err()}`);
      await sleep(300);
      assert.equal(child.exitCode, null, 'the job runs while its link is open');
      child.stdin?.end();
      const { code } = await Promise.race([c.exited, sleep(20000).then(() => ({ code: 'still running' as const }))]);
      assert.notEqual(code, 'still running', 'mpiexec ended');
      assert.notEqual(code, 0);
      assert.match(c.err(), /dnd rank 0: the dnd launcher is gone \(its link closed\); ending the job/);
      await until('no process of the job left', () => processesOf(tag).length === 0, 10000);
      for (const pid of pids) assert.ok(!running(pid), `rank process ${pid} is gone`);
    } finally {
      child.kill('SIGKILL');
      for (const p of processesOf(tag)) process.kill(Number(p.split(' ')[0]), 'SIGKILL');
    }
  });
});
