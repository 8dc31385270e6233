/**
 * dnd across several hosts, on a simulated cluster (scripts/cluster-up.sh): each host is a
 * network + UTS namespace with its own hostname and address on a private test subnet, on a
 * shared file system, entered by mpiexec through an rsh agent. Outputs must be byte-identical
 * to single-node runs, ranks on one host talk through shared memory and across hosts
 * through TCP, a remote failure names its host, and Ctrl-C / --timeout leave no process
 * on any host. Skips only where namespaces are impossible (not root, no iproute2).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InfoReport } from '../../src/runtime/jobs/info.js';
import type { MoveReport } from '../../src/runtime/jobs/move.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import type { DoctorReport } from '../../src/runtime/doctor.js';
import { cannotMakeHosts, clusterDir, clusterDown, clusterUp, ended, pidsOn } from '../helpers/cluster.js';
import { py } from '../helpers/files.js';
import { BIN, dnd, faultEnv } from '../helpers/run.js';
import { background } from '../helpers/procs.js';
import { SLOW_PAGES } from '../../src/dnd/io.js';

const skip = cannotMakeHosts();
if (skip) process.stderr.write(`[hosts tests] skipped: ${skip}\n`);


describe('across hosts of a simulated cluster', { skip }, () => {
  const { dir, settings } = clusterDir('dnd-hosts-test-');
  const hosts = ['h1', 'h2', 'h3'];
  let env: Record<string, string | undefined> = {};
  before(() => {
    const cluster = clusterUp(3, settings);
    // the hosts are named on the command line, not through the cluster's DND_HOSTFILE;
    // no OMPI_MCA_pml: dnd must not add its single-node default here
    env = { ...cluster, DND_HOSTFILE: undefined, DND_HOST: undefined, OMPI_MCA_pml: undefined };
  });

  const three = ['--host', 'h1:1,h2:1,h3:1'];
  const run = (args: string[], extra: Record<string, string | undefined> = {}) => dnd(args, { env: { ...env, ...extra }, timeoutMs: 60000 });
  const json = <T>(args: string[], extra: Record<string, string | undefined> = {}): T => {
    const r = run([...args, '--json'], extra);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const digest = (f: string, ds = '/data') => py<{ shape: number[]; dtype: string; sha256: string }>('digest.py', [f, ds]);

  it('create, resplit, redistribute and info: byte-identical to one node, hosts as MPI reports them', () => {
    const one = (f: string) => `${dir}/one-${f}`;
    const many = (f: string) => `${dir}/many-${f}`;
    // one node (no hosts), then three hosts, same commands
    for (const [out, extra] of [[one, ['--launcher', 'mpiexec']], [many, three]] as const) {
      const c = json<ArrayReport>(['create', 'randn', '33,7,2', '-n', '3', '--seed', '5', '--out', out('a.h5'), ...extra]);
      if (out === many) assert.deepEqual(c.ranks.map((r) => r.host), hosts, 'the host column is each rank\'s own host');
      const r = json<MoveReport>(['resplit', out('a.h5'), '--axis', '1', '-n', '3', '--checksum', '--out', out('b.h5'), ...extra]);
      assert.equal(r.checksum, r.before.checksum);
      const d = json<MoveReport>(['redistribute', out('b.h5'), '--split', '1', '--target', '0,5,2', '-n', '3', '--out', out('c.h5'), ...extra]);
      assert.deepEqual(d.counts, [0, 5, 2]);
    }
    for (const f of ['a.h5', 'b.h5', 'c.h5']) assert.deepEqual(digest(many(f)), digest(one(f)), f);
    const i1 = json<InfoReport>(['info', one('a.h5'), '-n', '3', '--stats', '--checksum']);
    const i3 = json<InfoReport>(['info', many('a.h5'), '-n', '3', '--stats', '--checksum', ...three]);
    assert.deepEqual(i3.stats, i1.stats);
    assert.equal(i3.checksum, i1.checksum);
    assert.deepEqual(i3.ranks.map((r) => r.host), hosts);
  });

  it('run: a user script on every host, each rank on its own hostname', () => {
    const script = `${dir}/where.mjs`;
    writeFileSync(script, "import { hostname } from 'node:os';\nconst a = dnd.arange(12, { split: 0 });\nconsole.log(`rank ${rank} on ${hostname()} holds ${a.lshape}`);\n");
    const r = run(['run', script, '-n', '3', '-q', ...three]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['rank 0 on h1 holds 4', 'rank 1 on h2 holds 4', 'rank 2 on h3 holds 4']);
  });

  it('shared memory within a host, TCP only between hosts, only on the test subnet', () => {
    // 4 ranks on 2 hosts; a resplit makes every pair exchange data. Open MPI's tcp BTL says
    // whom it connects to: never a rank on the same host.
    const r = run(['resplit', 'randn:64,64', '--axis', '1', '-n', '4', '--host', 'h1:2,h2:2', '--json'], { OMPI_MCA_btl_base_verbose: '30' });
    assert.equal(r.code, 0, r.stderr);
    const hostOf = ['h1', 'h1', 'h2', 'h2'];
    const conns = [...r.stderr.matchAll(/\[(h\d):\d+\] btl:tcp: now connected to (\S+), process \[\[\d+,\d+\],(\d+)\]/g)].map((m) => ({ from: m[1], addr: m[2], to: hostOf[Number(m[3])] }));
    assert.ok(conns.length >= 2, `tcp connections between hosts were made: ${r.stderr.slice(0, 400)}`);
    for (const c of conns) {
      assert.notEqual(c.from, c.to, `a tcp connection within ${c.from}: shared memory should carry it`);
      assert.ok(c.addr.startsWith(`${settings.DND_CLUSTER_NET}.`), `traffic to ${c.addr} leaves the test subnet`);
    }
    assert.match(r.stderr, /component vader open function successful/);
  });

  it('doctor names the hosts and proves a job across them', () => {
    const d = json<DoctorReport>(['doctor', '--host', 'h2:2,h3:2']);
    assert.equal(d.ok, true, d.problems.join('; '));
    assert.deepEqual(d.hosts?.hosts.map((h) => h.host), ['h2', 'h3']);
    assert.deepEqual(d.check?.hosts.sort(), ['h2', 'h3']);
    assert.equal(d.check?.nprocs, 2);
  });

  it('bad hosts are exit 2 before anything starts', () => {
    for (const [args, re] of [
      [['--hostfile', `${dir}/none`], /--hostfile .*none: cannot read it/],
      [['--host', 'h1:2,h2:x'], /expected a slot count/],
      [['--host', 'h1:1,h2:1', '-n', '3'], /-n 3 ranks do not fit the 2 slot/],
      [['--host', 'h1:2', '--launcher', 'srun'], /places ranks for mpiexec/],
    ] as const) {
      const r = run(['create', 'zeros', '4', ...((args as readonly string[]).includes('-n') ? [] : ['-n', '2']), ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });

  it('a rank failing on a remote host is named with its host', () => {
    const r = run(['create', 'randn', '30,2', '-n', '3', ...three], faultEnv('rank=2,at=op,do=throw'));
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 2 \(h3\): injected fault at op/);
    const k = run(['create', 'randn', '30,2', '-n', '3', ...three], faultEnv('rank=1,at=op,do=exit'));
    assert.equal(k.code, 3, k.stderr);
    assert.match(k.stderr, /rank 1 exited with code 7/);
  });

  async function assertNothingLeft(what: string): Promise<void> {
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = hosts.flatMap((h) => pidsOn(settings.DND_CLUSTER_NAME, h).map((p) => `${h}:${p}`));
      if (left.length === 0) return;
      await sleep(100);
    }
    const ps = left.map((hp) => `${hp} ${spawnSync('ps', ['-o', 'args=', '-p', hp.split(':')[1]], { encoding: 'utf8' }).stdout.trim()}`);
    assert.fail(`${what}: processes left on the hosts: ${ps.join('; ')}`);
  }

  it('Ctrl-C (SIGINT to dnd) ends every rank on every host', async () => {
    const pidfile = `${dir}/pid-int`;
    const { child, done } = background(['create', 'randn', '30,2', '-n', '3', ...three], { ...env, ...faultEnv(`rank=all,at=op,do=sleep:60,pidfile=${pidfile}`) });
    for (let p = 0; p < 3; p++) {
      for (let i = 0; !existsSync(`${pidfile}.${p}`); i++) {
        assert.ok(i < 300, `rank ${p} did not start`);
        await sleep(50);
      }
    }
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    await assertNothingLeft('SIGINT');
  });

  it('--timeout ends every rank on every host', async () => {
    const r = await background(['create', 'randn', '30,2', '-n', '3', '--timeout', '2', ...three], { ...env, ...faultEnv('rank=1,at=op,do=sleep:60') }).done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /--timeout 2 s/);
    await assertNothingLeft('--timeout');
  });
});

describe('the simulated cluster itself', { skip }, () => {
  const { settings } = clusterDir('dnd-cluster-test-');

  it('hosts have their own names and addresses; tear-down leaves no namespace, link, mount or process', () => {
    const env = clusterUp(2, settings);
    const name = settings.DND_CLUSTER_NAME;
    const rsh = (host: string, cmd: string) => execFileSync(env.OMPI_MCA_plm_rsh_agent, [host, cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    assert.equal(rsh('h2', 'hostname'), 'h2');
    assert.match(rsh('h1', 'ip -4 -o addr show eth0'), new RegExp(`inet ${settings.DND_CLUSTER_NET.replace(/\./g, '\\.')}\\.1/24`));
    assert.throws(() => rsh('h9', 'true'), /no host 'h9'/);
    // a stray process on a host, as a crashed job might leave
    spawn(env.OMPI_MCA_plm_rsh_agent, ['h1', 'sleep 600'], { stdio: 'ignore', detached: true }).unref();
    for (let i = 0; pidsOn(name, 'h1').length === 0; i++) {
      assert.ok(i < 100, 'the stray process started');
      execFileSync('sleep', ['0.05']);
    }
    const stray = pidsOn(name, 'h1');
    clusterDown(settings);
    assert.equal(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(`${name}-`), false, 'no namespace');
    assert.equal(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).includes(name), false, 'no link or bridge');
    assert.equal(readFileSync('/proc/mounts', 'utf8').includes(settings.DND_CLUSTER_DIR), false, 'no mount');
    for (const p of stray) assert.ok(ended(p), `process ${p} ended`);
    assert.equal(existsSync(settings.DND_CLUSTER_DIR), false, 'no directory');
  });
});

const skipSsh = cannotMakeHosts(true);
if (skipSsh) process.stderr.write(`[hosts tests, ssh mode] skipped: ${skipSsh}\n`);

describe('hosts as real nodes: an sshd and a /tmp of their own (DND_CLUSTER_SSH=1)', { skip: skipSsh }, () => {
  // outside /tmp, which each host has of its own: the shared file system of the cluster
  const { dir, settings } = clusterDir('dnd-hosts-ssh-test-', true);
  const name = () => settings.DND_CLUSTER_NAME;
  let env: Record<string, string | undefined> = {};
  let cluster: Record<string, string> = {};
  before(() => {
    cluster = clusterUp(2, settings);
    env = { ...cluster, DND_HOSTFILE: undefined, DND_HOST: undefined, OMPI_MCA_pml: undefined };
  });
  const two = ['--host', 'h1:1,h2:1'];
  const digest = (f: string, ds = '/data') => py<{ shape: number[]; dtype: string; sha256: string }>('digest.py', [f, ds]);

  it('Open MPI starts its daemons through ssh; each host has its own /tmp', () => {
    assert.match(cluster.OMPI_MCA_plm_rsh_agent, /\/ssh$/);
    const ssh = (host: string, cmd: string) => execFileSync(cluster.OMPI_MCA_plm_rsh_agent, [host, cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    assert.equal(ssh('h2', 'hostname'), 'h2');
    ssh('h1', `touch /tmp/mark-${name()}`);
    assert.equal(ssh('h1', `ls /tmp/mark-${name()}`), `/tmp/mark-${name()}`);
    assert.equal(ssh('h2', `ls /tmp/mark-${name()} 2>/dev/null || echo none`), 'none', "h2 does not see h1's /tmp");
    assert.equal(existsSync(`/tmp/mark-${name()}`), false, "nor does this machine");
  });

  it('create and resplit across the hosts: identical to one node (h5py)', () => {
    const one = json<ArrayReport>(['create', 'randn', '21,6', '-n', '2', '--seed', '9', '--launcher', 'mpiexec', '--out', `${dir}/one.h5`], {});
    const many = json<ArrayReport>(['create', 'randn', '21,6', '-n', '2', '--seed', '9', '--out', `${dir}/many.h5`, ...two], env);
    assert.deepEqual(many.ranks.map((r) => r.host), ['h1', 'h2']);
    assert.deepEqual(many.lshape_map, one.lshape_map);
    const moved = json<MoveReport>(['resplit', `${dir}/many.h5`, '--axis', '1', '-n', '2', '--checksum', '--out', `${dir}/moved.h5`, ...two], env);
    assert.deepEqual(moved.lshape_map, [[21, 3], [21, 3]]);
    assert.equal(moved.checksum, moved.before.checksum);
    const ref = digest(`${dir}/one.h5`);
    assert.deepEqual(digest(`${dir}/many.h5`), ref);
    assert.deepEqual(digest(`${dir}/moved.h5`), ref, 'a resplit keeps the global array');
  });

  it('a durable write across the hosts goes to the disk directly from both (O_DIRECT), identical to one node', () => {
    // 8 MB: each rank's range holds whole pages that direct-write.cc writes with O_DIRECT
    const one = `${dir}/direct-one.h5`;
    const many = `${dir}/direct-many.h5`;
    const trace = `${dir}/direct-many.json`;
    json<ArrayReport>(['create', 'randn', '2001,1001', '-n', '2', '--seed', '4', '--launcher', 'mpiexec', '--out', one], { DND_DIRECT: 'off' });
    json<ArrayReport>(['create', 'randn', '2001,1001', '-n', '2', '--seed', '4', '--out', many, '--trace', trace, ...two], env);
    const writes = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { name: string; args?: { direct?: number } }[] }).traceEvents.filter((e) => e.name === 'H5Dwrite');
    assert.equal(writes.length, 2);
    assert.ok(writes.every((e) => (e.args?.direct ?? 0) > 0), `direct bytes: ${writes.map((e) => e.args?.direct).join(',')}`);
    assert.deepEqual(digest(many), digest(one));
  });

  it('a --no-fsync write counts a step as slow against the writers on its own host, not every rank', () => {
    // 4 ranks, 2 per host; the last rank holds no rows (--counts): it does not write
    const trace = `${dir}/nofsync-many.json`;
    json<ArrayReport>(['create', 'randn', '3000,1000', '-n', '4', '--counts', '1000,1000,1000,0', '--no-fsync', '--out', `${dir}/nofsync-many.h5`, '--trace', trace, '--host', 'h1:2,h2:2'], env);
    const writes = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { name: string; pid: number; args?: { slow_s_per_gib?: number } }[] }).traceEvents.filter((e) => e.name === 'H5Dwrite');
    assert.deepEqual(writes.sort((a, b) => a.pid - b.pid).map((e) => e.args?.slow_s_per_gib), [2 * SLOW_PAGES, 2 * SLOW_PAGES, SLOW_PAGES, SLOW_PAGES]);
  });

  it('px across the hosts, whose /tmp is not the launcher\'s', async () => {
    const child = spawn(process.execPath, [BIN, 'px', '-n', '2', ...two, '--history', `${dir}/hist`], { env: Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1', ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end('comm.host()\nconst a = dnd.arange(7, { split: 0 }); a.lshape\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /\[0\/2\] 'h1'\n\[1\/2\] 'h2'/);
    assert.match(stdout, /\[0\/2\] \[ 4 \]\n\[1\/2\] \[ 3 \]/);
  });

  it('tear-down leaves no namespace, link, mount, sshd or other process', () => {
    const sshd = ['h1', 'h2'].map((h) => readFileSync(`${settings.DND_CLUSTER_DIR}/ssh/sshd-${h}.pid`, 'utf8').trim());
    for (const p of sshd) assert.equal(ended(p), false, `sshd ${p} runs`);
    const inside = ['h1', 'h2'].flatMap((h) => pidsOn(name(), h));
    clusterDown(settings);
    assert.equal(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(`${name()}-`), false, 'no namespace');
    assert.equal(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).includes(name()), false, 'no link or bridge');
    assert.equal(readFileSync('/proc/mounts', 'utf8').includes(settings.DND_CLUSTER_DIR), false, 'no mount');
    assert.equal(readFileSync('/proc/mounts', 'utf8').includes(`${name()}-h`), false, "no host's /tmp");
    for (const p of [...sshd, ...inside]) assert.ok(ended(p), `process ${p} ended`);
    assert.equal(existsSync(settings.DND_CLUSTER_DIR), false, 'no directory');
  });

  function json<T>(args: string[], extra: Record<string, string | undefined>): T {
    const r = dnd([...args, '--json'], { env: extra, timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  }
});
