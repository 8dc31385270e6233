/**
 * The link between dnd px and its rank 0 (src/runtime/px-link.ts), over real loopback
 * sockets: the secret is required, strangers are closed and reported, and a line that
 * arrives in the same packet as the welcome is not lost (nor read twice).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { connectToLauncher, listenForRank0, newSecret } from '../../src/runtime/px-link.js';

/** The next n lines of a socket (listening only until then; the socket stays open). */
function firstLines(s: import('node:net').Socket, n: number): Promise<string[]> {
  return new Promise((resolve) => {
    const out: string[] = [];
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += String(chunk);
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0 && out.length < n) {
        out.push(pending.slice(0, i));
        pending = pending.slice(i + 1);
      }
      if (out.length >= n) {
        s.off('data', onData);
        resolve(out);
      }
    };
    s.on('data', onData);
    s.on('close', () => resolve(out));
    s.resume();
  });
}

describe('px link', () => {
  it('welcomes the secret; the lines sent right after the welcome arrive once, in order', async () => {
    const secret = newSecret();
    const refused: string[] = [];
    const l = await listenForRank0(['127.0.0.1'], 0, secret, { named: null, onRefused: (f) => refused.push(f) });
    const rank0 = connectToLauncher(l.endpoints, secret);
    const launcherSide = await l.connected;
    // in the same tick as the welcome: one packet on loopback
    launcherSide.write('{"cell":"1"}\n{"cell":"2"}\n');
    const s = await rank0;
    assert.deepEqual(await firstLines(s, 2), ['{"cell":"1"}', '{"cell":"2"}']);
    // the other way too
    s.write('{"outputs":[]}\n');
    assert.deepEqual(await firstLines(launcherSide, 1), ['{"outputs":[]}']);
    s.destroy();
    launcherSide.destroy();
    l.close();
    assert.deepEqual(refused, []);
  });

  it('a wrong secret, a non-hello and an oversized line are closed unanswered and reported; the right one still gets in', async () => {
    const secret = newSecret();
    const refused: string[] = [];
    const l = await listenForRank0(['127.0.0.1'], 0, secret, { named: null, onRefused: (f) => refused.push(f) });
    const { host, port } = l.endpoints[0];
    const stranger = (payload: string) =>
      new Promise<string>((resolve) => {
        const c = connect({ host, port }, () => c.write(payload));
        let got = '';
        c.on('data', (d) => (got += d));
        c.on('error', () => undefined);
        c.on('close', () => resolve(got));
      });
    assert.equal(await stranger(`${JSON.stringify({ hello: 'guess' })}\n`), '');
    assert.equal(await stranger('hello\n'), '');
    assert.equal(await stranger('x'.repeat(10000)), '');
    assert.equal(refused.length, 3);
    await assert.rejects(connectToLauncher(l.endpoints, 'not-it'), /it did not accept this session/);
    const s = await connectToLauncher(l.endpoints, secret);
    await l.connected;
    s.destroy();
    l.close();
    // listening stopped once rank 0 was in
    await assert.rejects(connectToLauncher(l.endpoints, secret), /connection refused/);
  });

  it('nothing listening: one message naming every endpoint tried', async () => {
    const l = await listenForRank0(['127.0.0.1', '127.0.0.1'], 0, 's', { named: null });
    const endpoints = l.endpoints;
    l.close();
    await assert.rejects(connectToLauncher(endpoints, 's'), (e: Error) => endpoints.every((p) => e.message.includes(`127.0.0.1:${p.port} (connection refused)`)) && !e.message.includes('\n'));
  });
});
