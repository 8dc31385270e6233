/**
 * Where `dnd px` listens for its rank 0, which may run on another host: nothing may assume
 * that the launcher and the ranks share /tmp (DESIGN.md §5), so the link is TCP.
 *
 * In order:
 * - the address the user gave (--address / $DND_PX_ADDRESS, `ADDR[:PORT]`);
 * - loopback when every rank runs on this machine (nothing else needs to reach it);
 * - else the addresses that routes choose to reach the named hosts (--host, --hostfile,
 *   Open MPI's default hostfile), found as the kernel does it: a UDP socket "connected"
 *   to the host (no packet is sent) is bound to the source address of that route; and the
 *   addresses of this machine on the networks Open MPI is told to use
 *   (OMPI_MCA_oob_tcp_if_include / btl_tcp_if_include: CIDRs or interface names);
 * - else (hosts unknown, e.g. inside a Slurm allocation of several nodes) every IPv4
 *   address of this machine but loopback: rank 0 tries them all at once (px-link.ts).
 * Every address listened on accepts only a connection that presents the session's secret.
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { usageError } from '../dnd/errors.js';
import { inSlurmAllocation, type Env } from './detect.js';
import { everyRankHere, localNames, readHostfile, type HostPlacement } from './hosts.js';

export interface ListenPlan {
  addresses: string[];
  /** 0: any free port (one per address) */
  port: number;
  /** how the addresses were chosen, for messages */
  why: string;
}

/** `ADDR`, `ADDR:PORT`, `[IPV6]:PORT` or `IPV6` -> host and port (0: any). */
export function parseListenAddress(text: string, from: string): { host: string; port: number } {
  const s = text.trim();
  const bad = (why: string) => usageError(`${from} '${text}': ${why}; expected ADDRESS or ADDRESS:PORT (e.g. 10.0.0.5 or 10.0.0.5:7000), an address of this machine that rank 0's host can reach`);
  let host = s;
  let port = '';
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (v6) [host, port] = [v6[1], v6[2] ?? ''];
  else if (isIP(s) !== 6 && s.includes(':')) [host, port] = [s.slice(0, s.lastIndexOf(':')), s.slice(s.lastIndexOf(':') + 1)];
  if (!host) throw bad('no address');
  if (!isIP(host) && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/.test(host)) throw bad('not an IP address or host name');
  if (port !== '' && (!/^\d+$/.test(port) || Number(port) > 65535)) throw bad(`port '${port}' is not 0..65535`);
  return { host, port: port === '' ? 0 : Number(port) };
}

/** Every rank on this machine (the launcher's own condition for single-node defaults). */
export function ranksAllHere(hosts: HostPlacement | null, env: Env): boolean {
  const oneNode = !inSlurmAllocation(env) || env.SLURM_JOB_NUM_NODES === '1' || env.SLURM_NNODES === '1';
  return oneNode && everyRankHere(hosts, env);
}

/** The source address the kernel's routes pick to reach `ip`; null without a route. */
export function routeSource(ip: string): Promise<string | null> {
  return new Promise((resolve) => {
    const s = createSocket(isIP(ip) === 6 ? 'udp6' : 'udp4');
    const done = (a: string | null) => {
      s.close();
      resolve(a);
    };
    s.on('error', () => done(null));
    // discard port; connect() on UDP only asks the routing table
    s.connect(9, ip, () => done(s.address().address));
  });
}

/** IPv4 `a.b.c.d` as a number. */
function ipv4(a: string): number {
  return a.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

/** This machine's addresses on the networks an Open MPI `*_if_include` value names. */
export function includedAddresses(value: string, interfaces = networkInterfaces()): string[] {
  const out: string[] = [];
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(item);
    for (const [name, addrs] of Object.entries(interfaces)) {
      for (const a of addrs ?? []) {
        if (a.family !== 'IPv4' || a.internal) continue;
        if (cidr) {
          const bits = Number(cidr[2]);
          const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
          if (((ipv4(a.address) & mask) >>> 0) === ((ipv4(cidr[1]) & mask) >>> 0)) out.push(a.address);
        } else if (name === item) out.push(a.address);
      }
    }
  }
  return out;
}

/** The hosts the ranks may run on, when they are known here. */
function namedHosts(hosts: HostPlacement | null, env: Env): string[] {
  if (hosts) return hosts.hosts.map((h) => h.host);
  const file = env.OMPI_MCA_orte_default_hostfile;
  if (!file) return [];
  try {
    return readHostfile(file, 'OMPI_MCA_orte_default_hostfile').hosts.map((h) => h.host);
  } catch {
    return [];
  }
}

export async function planListen(given: string | undefined, from: string, hosts: HostPlacement | null, env: Env): Promise<ListenPlan> {
  if (given !== undefined && given !== '') {
    const { host, port } = parseListenAddress(given, from);
    return { addresses: [host], port, why: from };
  }
  if (ranksAllHere(hosts, env)) return { addresses: ['127.0.0.1'], port: 0, why: 'every rank runs on this machine' };
  const found = new Set<string>();
  const local = localNames();
  for (const h of namedHosts(hosts, env)) {
    if (local.has(h) || local.has(h.split('.')[0])) continue;
    let ip: string;
    try {
      ip = isIP(h) ? h : (await lookup(h)).address;
    } catch {
      continue; // a name only mpiexec's agent knows (ssh config, the simulated cluster)
    }
    const src = await routeSource(ip);
    if (src && !src.startsWith('127.') && src !== '::1') found.add(src);
  }
  for (const k of ['OMPI_MCA_oob_tcp_if_include', 'OMPI_MCA_btl_tcp_if_include']) {
    const v = env[k];
    if (v) for (const a of includedAddresses(v)) found.add(a);
  }
  if (found.size > 0) return { addresses: [...found], port: 0, why: 'the addresses toward the ranks\' hosts' };
  const all = Object.values(networkInterfaces()).flatMap((l) => (l ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address));
  if (all.length === 0) return { addresses: ['127.0.0.1'], port: 0, why: 'this machine has no other address' };
  return { addresses: all, port: 0, why: 'every address of this machine (the ranks\' hosts are not known here)' };
}
