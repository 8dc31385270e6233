/**
 * The simulated cluster of scripts/cluster-up.sh, for tests: hosts that are network + UTS
 * namespaces on a bridge (and, with DND_CLUSTER_SSH=1, each with its own /tmp and sshd).
 * Every cluster gets its own directory, namespace prefix and subnet, so tests (and other
 * people's clusters) never meet.
 */
import { after } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './run.js';

/** Why hosts cannot be simulated here, or false. */
export function cannotMakeHosts(ssh = false): string | false {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const t of ['ip', 'unshare', 'nsenter', 'mpiexec', ...(ssh ? ['/usr/sbin/sshd', 'ssh', 'ssh-keygen'] : [])]) {
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed (bash scripts/setup.sh --test installs it)`;
  }
  const probe = spawnSync('unshare', ['--net', '--uts', 'true']);
  if (probe.status !== 0) return `this kernel refuses new network namespaces: ${String(probe.stderr).trim()}`;
  return false;
}

/** A cluster of its own: unique directory, namespace prefix and subnet. */
export function clusterSettings(dir: string, ssh = false): Record<string, string> {
  const id = Math.random().toString(36).slice(2, 7).replace(/^\d/, 'x');
  return { DND_CLUSTER_DIR: dir, DND_CLUSTER_NAME: `t${id}`.slice(0, 8), DND_CLUSTER_NET: `10.213.${10 + Math.floor(Math.random() * 240)}`, ...(ssh ? { DND_CLUSTER_SSH: '1' } : {}) };
}

/** Starts the cluster; returns the variables of its env file. */
export function clusterUp(n: number, settings: Record<string, string>): Record<string, string> {
  const envFile = execFileSync('bash', [`${ROOT}scripts/cluster-up.sh`, String(n)], { encoding: 'utf8', env: { ...process.env, ...settings } }).trim();
  const env: Record<string, string> = {};
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

export function clusterDown(settings: Record<string, string>): void {
  spawnSync('bash', [`${ROOT}scripts/cluster-down.sh`], { env: { ...process.env, ...settings } });
}

/**
 * A temporary directory holding a cluster: the cluster goes first (its namespace files
 * are mount points), even when a test failed. In ssh mode the directory is outside /tmp,
 * which each host has of its own: files the hosts share (outputs) belong there too.
 */
export function clusterDir(prefix: string, ssh = false): { dir: string; settings: Record<string, string> } {
  const dir = mkdtempSync(join(ssh ? '/var/tmp' : tmpdir(), prefix));
  const settings = clusterSettings(`${dir}/cluster`, ssh);
  after(() => {
    clusterDown(settings);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, settings };
}

/** Gone, or a zombie not yet reaped by its parent (the test process itself). */
export function ended(pid: string): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Processes inside host hN's namespaces (orted, ranks, sshd, anything else). */
export function pidsOn(name: string, host: string): string[] {
  const r = spawnSync('ip', ['netns', 'pids', `${name}-${host}`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

/** Processes of a job on the hosts, as `hN:pid command`. */
export function jobProcessesOn(name: string, hosts: string[], keep: (pid: string) => boolean = () => true): string[] {
  return hosts.flatMap((h) =>
    pidsOn(name, h)
      .filter(keep)
      .map((p) => `${h}:${p} ${spawnSync('ps', ['-o', 'args=', '-p', p], { encoding: 'utf8' }).stdout.trim()}`),
  );
}
