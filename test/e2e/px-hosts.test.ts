/**
 * `dnd px` with its ranks on two hosts of a simulated cluster (helpers/cluster.ts): rank 0
 * reaches the launcher over TCP with the session's secret (src/runtime/px-link.ts), cells
 * run on both hosts, Ctrl-C reaches both through mpiexec, a connection without the secret
 * is refused, and a rank 0 that cannot connect ends the session with one line. The same
 * in ssh mode (each host with its own /tmp and sshd) is in hosts.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cannotMakeHosts, clusterDir, clusterUp, jobProcessesOn } from '../helpers/cluster.js';
import { background, jobTag, TAG_VAR } from '../helpers/procs.js';
import { hasTmux, Terminal } from '../helpers/terminal.js';
import { BIN, faultEnv } from '../helpers/run.js';

const skip = cannotMakeHosts() || (hasTmux ? false : 'tmux is not installed (bash scripts/setup.sh --test installs it)');
if (skip) process.stderr.write(`[px-hosts tests] skipped: ${skip}\n`);

type Env = Record<string, string | undefined>;

/** dnd px in the background with its input on a pipe. */

/** Connects, sends `line`, and resolves with what came back before the launcher closed the connection. */
function probe(host: string, port: number, line: string): Promise<{ data: string; error: string | null }> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let data = '';
    let error: string | null = null;
    s.on('connect', () => s.write(`${line}\n`));
    s.on('data', (d) => (data += d));
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('close', () => resolve({ data, error }));
    setTimeout(() => s.destroy(), 15000).unref();
  });
}

/** A port free on `host` now (the launcher is told to listen there). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The secret in the environment of one of the job's processes (mpiexec's: set at its start). */
function sessionSecret(tag: string): string | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      if (!environ.includes(`${TAG_VAR}=${tag}`)) continue;
      const s = environ.find((v) => v.startsWith('DND_PX_SECRET='));
      if (s) return s.slice('DND_PX_SECRET='.length);
    } catch {
      // gone, or not readable
    }
  }
  return null;
}

/** Command lines (of every process on the machine, the hosts' too) that contain `text`. */
function commandLinesWith(text: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1');
      if (cmd.includes(text)) found.push(`${name} ${cmd.split('\0').join(' ').slice(0, 100)}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe('dnd px with ranks on two hosts', { skip }, () => {
  const { dir, settings } = clusterDir('dnd-px-hosts-test-');
  const hosts = ['h1', 'h2'];
  let env: Env = {};
  before(() => {
    // hosts on the command line, not the cluster's DND_HOSTFILE; no single-node pml
    env = { ...clusterUp(2, settings), DND_HOSTFILE: undefined, DND_HOST: undefined, OMPI_MCA_pml: undefined };
  });
  const bridge = () => `${settings.DND_CLUSTER_NET}.254`;

  async function assertNothingLeft(what: string): Promise<void> {
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = jobProcessesOn(settings.DND_CLUSTER_NAME, hosts);
      if (left.length === 0) return;
      await sleep(100);
    }
    assert.fail(`${what}: processes left on the hosts: ${left.join('; ')}`);
  }

  it('cells run on both hosts; Ctrl-C interrupts a busy cell on both; the secret is on no command line', async () => {
    const t = Terminal.start(`dndpxh${process.pid}`, ['bash', '--norc', '--noprofile']);
    const { tag, env: tagEnv } = jobTag();
    try {
      const vars = { ...env, ...tagEnv, NO_COLOR: '1' };
      const set = Object.entries(vars).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
      t.type(`env -u DND_HOSTFILE -u DND_HOST -u OMPI_MCA_pml ${set.join(' ')} node ${BIN} px -n 2 --host h1:1,h2:1 --history ${dir}/hist; echo "px-exit=$?"`);
      await t.waitFor(/dnd px: 2 rank\(s\) ready/, 60000);
      t.type('comm.host()');
      await t.waitFor(/\[1\/2\] 'h2'/);
      assert.match(t.screen(), /\[0\/2\] 'h1'/);
      t.type('const a = dnd.arange(9, { split: 0 }); JSON.stringify(a.lshapeMap)');
      await t.waitFor(/\[all\] '\[\[5\],\[4\]\]'/);
      // a busy synchronous loop on both hosts: only an interrupt that reaches both ends it
      // (the cell's outputs are gathered from every rank)
      t.type('for (;;) {}');
      await sleep(1500);
      const secret = sessionSecret(tag);
      assert.ok(secret && secret.length >= 32, 'the session has a secret, in mpiexec\'s environment');
      assert.deepEqual(commandLinesWith(secret), [], 'no command line shows the secret');
      t.keys('C-c');
      await t.waitFor(/\[all\] Error: Script execution was interrupted by `SIGINT`/);
      t.type('rank * 10');
      await t.waitFor(/\[1\/2\] 10\b/);
      t.type('.exit');
      await t.waitFor(/px-exit=0/);
      await assertNothingLeft('.exit');
    } finally {
      t.kill();
    }
  });

  it('a connection without the secret is refused and closed; the session goes on', async () => {
    const port = await freePort(bridge());
    const pidfile = `${dir}/px0`;
    // rank 0 waits at the start, so the strangers come first
    const { child, done } = background(['px', '-n', '2', '--host', 'h1:1,h2:1', '--history', `${dir}/hist2`], { ...env, DND_PX_ADDRESS: `${bridge()}:${port}`, ...faultEnv(`rank=0,at=start,do=sleep:3,pidfile=${pidfile}`) }, { stdin: 'pipe' });
    for (let i = 0; !existsSync(`${pidfile}.0`); i++) {
      assert.ok(i < 600, 'rank 0 started');
      await sleep(50);
    }
    const wrong = await probe(bridge(), port, JSON.stringify({ hello: 'not-the-secret' }));
    assert.equal(wrong.data, '', 'nothing is said to a wrong secret');
    const garbage = await probe(bridge(), port, 'GET / HTTP/1.0');
    assert.equal(garbage.data, '');
    child.stdin?.end('comm.host()\n');
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[0\/2\] 'h1'\n\[1\/2\] 'h2'/);
    assert.equal((r.stderr.match(/dnd px: refused a connection from 10\.213\.\d+\.254:\d+: it did not present this session's secret/g) ?? []).length, 2, r.stderr);
    // the session is over: nothing listens there any more
    const after = await probe(bridge(), port, '{}');
    assert.equal(after.error, 'ECONNREFUSED');
    await assertNothingLeft('the session');
  });

  it('rank 0 unable to reach the launcher: one line, exit 3, no hang, nothing left on any host', async () => {
    // loopback as seen from h1 is h1's own: nothing listens there
    const t0 = Date.now();
    const { child, done } = background(['px', '-n', '2', '--host', 'h1:1,h2:1', '--history', `${dir}/hist3`], { ...env, DND_PX_ADDRESS: '127.0.0.1' }, { stdin: 'pipe' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    const r = await done; // stdin stays open: the session must end by itself
    clearTimeout(timer);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 0 \(h1\): cannot reach dnd px's launcher at 127\.0\.0\.1:\d+ \(connection refused\): this host must reach the launcher's address/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(Date.now() - t0 < 30000, `ended in ${Date.now() - t0} ms`);
    await assertNothingLeft('the failed connection');
  });

  it('an address this machine does not have is exit 2 before anything starts', async () => {
    const r = await background(['px', '-n', '2', '--host', 'h1:1,h2:1', '--address', '192.0.2.250:7000'], env, { stdin: 'pipe' }).done;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^dnd: --address '192\.0\.2\.250:7000': dnd px cannot listen there \(not an address of this machine\)/);
    const bad = await background(['px', '-n', '2', '--address', 'x:99999'], env, { stdin: 'pipe' }).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /port '99999' is not 0\.\.65535/);
  });
});
