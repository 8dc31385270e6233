/**
 * The TCP link between `dnd px` and its rank 0, which may run on another host.
 *
 * The launcher listens on the addresses px-address.ts chose; the session's random secret
 * reaches the ranks in their environment (DND_PX_SECRET: mpiexec hands it on, never on a
 * command line that `ps` shows). Rank 0 connects to every endpoint at once and sends
 * `{"hello": SECRET}`; the launcher answers `{"welcome": true}` to the first connection
 * that presents the secret, then stops listening. A connection that presents anything
 * else, or nothing within HELLO_MS, is closed. After the welcome the link carries
 * newline-delimited JSON both ways (jobs/px.ts, commands/px.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { usageError } from '../dnd/errors.js';

export const SECRET_VAR = 'DND_PX_SECRET';
/** how long a connection may take to say who it is (launcher) / to be welcomed (rank 0) */
export const HELLO_MS = 10000;
/** a hello is one short line: more than this is not one */
const MAX_HELLO = 4096;

export interface Endpoint {
  host: string;
  port: number;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** `a:p` or `[v6]:p`, for messages. */
export function endpointText(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

function sameSecret(a: string, b: string): boolean {
  // equal-length digests: the comparison's time says nothing about the secret
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Reads one line (up to `max` bytes) from a socket; the rest stays in the socket. */
function firstLine(s: Socket, max: number, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const finish = (line: string | null) => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onEnd);
      s.off('close', onEnd);
      s.pause();
      resolve(line);
    };
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const i = got.indexOf(10);
      if (i >= 0) {
        const rest = got.subarray(i + 1);
        // paused and without this listener first: an unshift into a flowing stream would
        // be emitted again at once (a line that came in the same packet as the hello or
        // welcome, as a first cell does)
        finish(got.subarray(0, i).toString('utf8'));
        if (rest.length) s.unshift(rest);
      } else if (got.length > max) finish(null);
    };
    const onEnd = () => finish(null);
    const timer = setTimeout(() => finish(null), ms);
    s.on('data', onData);
    s.once('end', onEnd);
    s.once('error', onEnd);
    s.once('close', onEnd);
  });
}

function helloOf(line: string | null): string | null {
  if (line === null) return null;
  try {
    const m = JSON.parse(line) as { hello?: unknown };
    return typeof m.hello === 'string' ? m.hello : null;
  } catch {
    return null;
  }
}

export interface Rank0Listener {
  endpoints: Endpoint[];
  /** rank 0's link, once it connected with the secret */
  connected: Promise<Socket>;
  /** stops listening and closes connections not yet welcomed; idempotent */
  close(): void;
}

/**
 * Listens on each address (port 0: any free one). An address this machine cannot listen
 * on is a usage error when the user named it, and is skipped when it was found here.
 */
export async function listenForRank0(addresses: string[], port: number, secret: string, opts: { named: string | null; onRefused?: (from: string) => void }): Promise<Rank0Listener> {
  const servers: Server[] = [];
  const pending = new Set<Socket>();
  let welcomed = false;
  let closed = false;
  let accept: (s: Socket) => void = () => undefined;
  const connected = new Promise<Socket>((resolve) => (accept = resolve));
  const close = () => {
    closed = true;
    for (const s of servers) s.close();
    for (const p of pending) p.destroy();
    pending.clear();
  };
  const onConnection = async (s: Socket) => {
    if (welcomed || closed) return s.destroy();
    pending.add(s);
    s.on('error', () => undefined);
    const hello = helloOf(await firstLine(s, MAX_HELLO, HELLO_MS));
    pending.delete(s);
    // rank 0 has its link (another of its attempts, px-link's connectToLauncher, may come
    // late), or the session is over: just close
    if (welcomed || closed) return s.destroy();
    if (hello === null || !sameSecret(hello, secret)) {
      opts.onRefused?.(`${s.remoteAddress ?? '?'}:${s.remotePort ?? '?'}`);
      s.destroy();
      return;
    }
    welcomed = true;
    close();
    s.setNoDelay(true);
    s.write(`${JSON.stringify({ welcome: true })}\n`);
    accept(s);
  };
  const endpoints: Endpoint[] = [];
  const failures: string[] = [];
  for (const host of addresses) {
    const server = createServer((s) => void onConnection(s));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port, exclusive: true }, () => resolve());
      });
    } catch (e) {
      failures.push(`${host}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    servers.push(server);
    const a = server.address();
    endpoints.push({ host, port: typeof a === 'object' && a ? a.port : port });
  }
  if (opts.named && failures.length > 0) {
    close();
    const code = failures[0].replace(/^.*: /, '');
    const why = code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'not an address of this machine' : code === 'EADDRINUSE' ? 'that port is in use' : code === 'EACCES' ? 'not allowed (a port below 1024 needs privileges)' : code;
    throw usageError(`${opts.named} '${addresses[0]}${port ? `:${port}` : ''}': dnd px cannot listen there (${why}); give an address of this machine that rank 0's host can reach`);
  }
  if (endpoints.length === 0) throw usageError(`dnd px cannot listen on any address of this machine (${failures.join('; ')}): give one with --address`);
  return { endpoints, connected, close };
}

/** Why a connection attempt failed, in words. */
function reason(e: NodeJS.ErrnoException | null): string {
  const code = e?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return 'no route to it';
  if (code === 'ETIMEDOUT' || code === 'TIMEOUT') return `no answer within ${HELLO_MS / 1000} s`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host name';
  if (code === 'WRONG') return 'it did not accept this session';
  return code ?? e?.message ?? 'failed';
}

/**
 * Rank 0: connects to every endpoint at once; the first that welcomes this session wins,
 * the others are closed. Throws one line naming every endpoint tried when none does.
 */
export async function connectToLauncher(endpoints: Endpoint[], secret: string, timeoutMs = HELLO_MS): Promise<Socket> {
  const tried = endpoints.map(async (e) => {
    const s = connect({ host: e.host, port: e.port });
    s.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), timeoutMs);
        s.once('connect', () => {
          clearTimeout(t);
          resolve();
        });
        s.once('error', (err) => {
          clearTimeout(t);
          reject(err);
        });
      });
      s.write(`${JSON.stringify({ hello: secret })}\n`);
      const line = await firstLine(s, MAX_HELLO, timeoutMs);
      let welcome = false;
      try {
        welcome = line !== null && (JSON.parse(line) as { welcome?: unknown }).welcome === true;
      } catch {
        // not our launcher
      }
      if (!welcome) throw Object.assign(new Error('not welcomed'), { code: 'WRONG' });
      // as the launcher's end: a cell's outputs that fill more than one segment would
      // otherwise hold their last one back until the launcher's delayed ACK (40 ms)
      s.setNoDelay(true);
      return s;
    } catch (err) {
      s.destroy();
      throw Object.assign(new Error(`${endpointText(e)} (${reason(err as NodeJS.ErrnoException)})`), { endpoint: e });
    }
  });
  try {
    const s = await Promise.any(tried);
    // the others, when they connect too, are not needed
    for (const t of tried) void t.then((o) => o !== s && o.destroy(), () => undefined);
    return s;
  } catch (e) {
    const all = (e as AggregateError).errors.map((x: Error) => x.message).join(', ');
    throw new Error(`cannot reach dnd px's launcher at ${all}: this host must reach the launcher's address (set DND_PX_ADDRESS or --address to an address of the launcher's machine that this host can reach, and let the port through)`);
  }
}
