/**
 * A rank's records go straight to its descriptors (src/runtime/fd-write.ts): all of a
 * record arrives, in order, when the reader is slow to drain the pipe, also when the pipe
 * was left non-blocking (a full pipe then says EAGAIN instead of waiting).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

// the built module, in a plain node: a loader such as tsx builds process.stdout, which leaves the pipe non-blocking
const MODULE = new URL('../../dist/runtime/fd-write.js', import.meta.url).href;
const RECORDS = 40;
const RECORD_BYTES = 100_003; // 40 records: ~4 MB, far beyond what a pipe holds

async function writer(nonBlocking: boolean): Promise<{ out: Buffer; code: number | null; err: string }> {
  const program = `import { writeFully } from ${JSON.stringify(MODULE)};
${nonBlocking ? "import { Socket } from 'node:net'; new Socket({ fd: 1, readable: false });" : ''}
for (let i = 0; i < ${RECORDS}; i++) writeFully(1, String.fromCharCode(65 + (i % 26)).repeat(${RECORD_BYTES - 1}) + '\\n');
`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause(); // let the pipe fill before reading anything
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await sleep(500);
  const parts: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => parts.push(d));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { out: Buffer.concat(parts), code, err };
}

function check(r: { out: Buffer; code: number | null; err: string }): void {
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.length, RECORDS * RECORD_BYTES);
  const lines = r.out.toString('latin1').split('\n');
  assert.equal(lines.pop(), '');
  lines.forEach((l, i) => assert.equal(l, String.fromCharCode(65 + (i % 26)).repeat(RECORD_BYTES - 1), `record ${i} whole and in order`));
}

describe('writeFully: whole records on a slow pipe', () => {
  it('a blocking pipe (as mpiexec gives a rank)', async () => check(await writer(false)));
  it('a pipe left non-blocking: EAGAIN is waited out', async () => check(await writer(true)));
});
