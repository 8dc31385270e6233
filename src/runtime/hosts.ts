/**
 * Where mpiexec puts the ranks: `--hostfile FILE` or `--host h1:2,h2:2` (defaults
 * $DND_HOSTFILE / $DND_HOST). Everything is checked here, before any job starts, so that a
 * typo is exit 2 with one line instead of an mpiexec error after launch. The hosts reach
 * mpiexec as argument-array entries, never through a shell.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { usageError } from '../dnd/errors.js';
import type { Env } from './detect.js';

export interface HostSlots {
  host: string;
  /** ranks the host takes; null when the hostfile leaves it to Open MPI (the host's cores) */
  slots: number | null;
}

export interface HostPlacement {
  /** how the user named the hosts: mpiexec gets the same form */
  kind: 'hostfile' | 'host';
  /** --host's normalised text, or the hostfile's absolute path */
  value: string;
  hosts: HostSlots[];
  /** where it came from, for messages: "--hostfile", "$DND_HOST", … */
  from: string;
}

// RFC 1123 host names and IPv4 addresses; nothing a shell or mpiexec would read specially
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/;
const MAX_SLOTS = 1 << 20;

function slotCount(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_SLOTS) {
    throw usageError(`${what}: expected a slot count 1..${MAX_SLOTS} but received '${text}'`);
  }
  return Number(text);
}

function hostName(text: string, what: string): string {
  if (!HOST_NAME.test(text)) throw usageError(`${what}: '${text}' is not a host name (letters, digits, '.' and '-')`);
  return text;
}

/** "h1:2,h2:2" (":N" optional, meaning 1 as in mpiexec) -> hosts, merged by name. */
export function parseHostList(input: string, from = '--host'): HostSlots[] {
  const s = input.trim();
  if (!s) throw usageError(`${from} is empty: expected hosts like h1:2,h2:2`);
  const byName = new Map<string, number>();
  for (const item of s.split(',')) {
    const m = /^([^:]*)(?::(.*))?$/.exec(item.trim()) as RegExpExecArray;
    const name = hostName(m[1], `${from} '${input}'`);
    const slots = m[2] === undefined ? 1 : slotCount(m[2], `${from} '${input}', host ${name}`);
    byName.set(name, (byName.get(name) ?? 0) + slots);
  }
  return [...byName].map(([host, slots]) => ({ host, slots }));
}

/**
 * An Open MPI hostfile: one host per line, `NAME [slots=N] [max_slots=N]`, `#` comments.
 * A line naming a host again adds its slots, as Open MPI does.
 */
export function parseHostfile(text: string, file: string): HostSlots[] {
  const hosts = new Map<string, number | null>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const where = `${file}:${i + 1}`;
    const [name, ...attrs] = line.split(/\s+/);
    hostName(name, where);
    let slots: number | null = null;
    for (const a of attrs) {
      const m = /^(slots|max_slots|max-slots|count|cpu|cpus)=(.*)$/.exec(a);
      if (!m) throw usageError(`${where}: '${a}' is not understood: expected 'HOST [slots=N] [max_slots=N]'`);
      const n = slotCount(m[2], `${where} ${m[1]}`);
      if (m[1] !== 'max_slots' && m[1] !== 'max-slots') slots = n;
    }
    const had = hosts.get(name);
    hosts.set(name, had === undefined ? slots : had === null || slots === null ? null : had + slots);
  });
  if (hosts.size === 0) throw usageError(`${file} names no hosts: expected lines like 'h1 slots=2'`);
  return [...hosts].map(([host, slots]) => ({ host, slots }));
}

export function readHostfile(path: string, from = '--hostfile'): HostPlacement {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(`${from} ${path}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? (e as Error).message)})`);
  }
  return { kind: 'hostfile', value: abs, hosts: parseHostfile(text, path), from };
}

/**
 * The hosts asked for: the flags, else $DND_HOSTFILE / $DND_HOST, else null (mpiexec's own
 * default: this host, or the allocation). Naming both forms at one level is an error.
 */
export function resolveHosts(flags: { hostfile?: string; host?: string }, env: Env = process.env): HostPlacement | null {
  const pick = (file: string | undefined, list: string | undefined, fileFrom: string, listFrom: string): HostPlacement | null => {
    if (file !== undefined && list !== undefined) throw usageError(`give ${fileFrom} or ${listFrom}, not both`);
    if (file !== undefined) return readHostfile(file, fileFrom);
    if (list !== undefined) {
      const hosts = parseHostList(list, listFrom);
      return { kind: 'host', value: hosts.map((h) => `${h.host}:${h.slots}`).join(','), hosts, from: listFrom };
    }
    return null;
  };
  const env1 = (k: string) => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  return pick(flags.hostfile, flags.host, '--hostfile', '--host') ?? pick(env1('DND_HOSTFILE'), env1('DND_HOST'), '$DND_HOSTFILE', '$DND_HOST');
}

/** Slots the placement offers, or null when a hostfile leaves some to Open MPI. */
export function totalSlots(p: HostPlacement): number | null {
  let sum = 0;
  for (const h of p.hosts) {
    if (h.slots === null) return null;
    sum += h.slots;
  }
  return sum;
}

/** More ranks than the named slots: mpiexec would refuse after start-up; say so first. */
export function checkSlots(p: HostPlacement, nprocs: number): void {
  const slots = totalSlots(p);
  if (slots !== null && nprocs > slots) {
    throw usageError(`-n ${nprocs} ranks do not fit the ${slots} slot(s) of ${p.from} (${p.hosts.map((h) => `${h.host}:${h.slots}`).join(',')}): add slots or lower -n`);
  }
}

/** Names this machine answers to. */
export function localNames(): Set<string> {
  const h = hostname();
  return new Set(['localhost', '127.0.0.1', '::1', h, h.split('.')[0]]);
}

/** True when every rank would run on this machine (so single-node defaults are right). */
export function allLocal(p: HostPlacement | null, local: Set<string> = localNames()): boolean {
  return p === null || p.hosts.every((h) => local.has(h.host) || local.has(h.host.split('.')[0]));
}

/**
 * mpiexec's arguments for the placement. `spread` puts consecutive ranks on different
 * hosts (doctor's check: two ranks on two hosts) instead of filling each host first.
 */
export function mpiexecHostArgs(p: HostPlacement | null, spread = false, env: Env = {}): string[] {
  if (!p) return [];
  return [p.kind === 'hostfile' ? '--hostfile' : '--host', p.value, ...(spread ? ['--map-by', 'node'] : []), ...forwardEnv(env)];
}

/**
 * Open MPI hands ranks on other hosts only its own variables (OMPI_*, PMIX_*), not the
 * launcher's environment (ssh starts a clean one), so dnd's own settings (DND_DEBUG, …)
 * and Node's are named for forwarding with `-x NAME` (the value travels with mpiexec, never
 * through a shell).
 */
export function forwardEnv(env: Env): string[] {
  return Object.keys(env)
    .filter((k) => env[k] !== undefined && (/^DND_[A-Z0-9_]+$/.test(k) || ['NODE_OPTIONS', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'ROMIO_HINTS'].includes(k)))
    .sort()
    .flatMap((k) => ['-x', k]);
}

/**
 * Whether every rank runs on this machine: the hosts named, else a hostfile Open MPI reads
 * from its own environment (OMPI_MCA_orte_default_hostfile); an unreadable one counts as
 * remote, since single-node defaults (pml=ob1) would be wrong on a real network.
 */
export function everyRankHere(p: HostPlacement | null, env: Env = process.env): boolean {
  if (p) return allLocal(p);
  const file = env.OMPI_MCA_orte_default_hostfile;
  if (!file) return true;
  try {
    return allLocal(readHostfile(file, 'OMPI_MCA_orte_default_hostfile'));
  } catch {
    return false;
  }
}

/**
 * Named hosts are mpiexec's to use: `auto` means mpiexec then (also for one rank, which
 * would otherwise run in-process here, and inside an allocation, where srun would ignore
 * them); srun and in-process runs cannot honour them.
 */
export function launcherForHosts<L extends string>(requested: L | 'auto', p: HostPlacement | null): L | 'auto' | 'mpiexec' {
  if (!p) return requested;
  if (requested === 'auto' || requested === 'mpiexec') return 'mpiexec';
  throw usageError(`${p.from} places ranks for mpiexec, but --launcher ${requested} was asked for: use --launcher mpiexec (or auto), or drop ${p.from}`);
}
