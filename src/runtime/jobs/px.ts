/**
 * The ranks' side of `dnd px`. Rank 0 connects to the launcher's Unix socket and relays
 * each cell to every rank (MPI_Bcast); every rank evaluates it in its own persistent
 * context (a vm context: declarations persist, top-level await works as in the node REPL) with the dnd
 * library ready; outputs are gathered to rank 0 and sent back as one line of JSON.
 *
 * Cells run on every rank in the same order, so collective calls inside them (a.resplit,
 * a.lshapeMap) match up. A cell that throws on some ranks reports the error there and the
 * session goes on.
 * Ctrl-C: the launcher sends SIGINT to every rank (their pids come with the first
 * message); a synchronous cell is stopped by vm's breakOnSigint, an awaiting one is
 * abandoned. A second Ctrl-C ends the session.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { Console } from 'node:console';
import { createContext, Script } from 'node:vm';
import { inspect } from 'node:util';
import type { Comm } from '../../dnd/comm.js';
import type { PxJob } from '../job.js';
import { setSitePhase } from '../call-site.js';
import { installSessionGlobals } from './session-globals.js';
import { asyncCellSource } from './cell-await.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';

export interface CellOutput {
  rank: number;
  text: string;
  error: boolean;
}

type Message = { cell: string } | { exit: true };

class Evaluator {
  private buffer = '';
  readonly context: Record<string, unknown>;

  constructor() {
    const capture = new Writable({
      write: (chunk, _enc, cb) => {
        this.buffer += String(chunk);
        cb();
      },
    });
    const console = new Console({ stdout: capture, stderr: capture, colorMode: false });
    this.context = createContext({
      console,
      process,
      Buffer,
      URL,
      TextEncoder,
      TextDecoder,
      structuredClone,
      performance,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      setImmediate,
    }) as Record<string, unknown>;
  }

  note(text: string): void {
    this.buffer += text;
  }

  /** Evaluates one cell; resolves with what it printed and its value (or its error). */
  async evaluate(code: string, interrupted: Promise<void>): Promise<{ text: string; error: boolean }> {
    this.buffer = '';
    const stop = interrupted.then(() => {
      throw new Error('interrupted');
    });
    stop.catch(() => undefined);
    try {
      // a cell with a top-level await runs in an async wrapper (see cell-await.ts)
      let rewritten: string | null = null;
      try {
        rewritten = asyncCellSource(code);
      } catch {
        // not parseable: let vm report the SyntaxError in its own words
      }
      const script = new Script(rewritten ?? code, { filename: 'cell' });
      // breakOnSigint: a SIGINT from the launcher stops even a busy synchronous loop
      let value = script.runInContext(this.context, { breakOnSigint: true });
      if (value && typeof (value as Promise<unknown>).then === 'function') value = await Promise.race([value as Promise<unknown>, stop]);
      const shown = value === undefined ? '' : inspect(value, { colors: false, depth: 4, breakLength: 100 });
      return { text: (this.buffer + shown).replace(/\n+$/, ''), error: false };
    } catch (e) {
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return { text: (this.buffer + msg).replace(/\n+$/, ''), error: true };
    }
  }
}

async function* lines(socket: import('node:net').Socket): AsyncGenerator<string> {
  let pending = '';
  for await (const chunk of socket) {
    pending += String(chunk);
    let i: number;
    while ((i = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, i);
      pending = pending.slice(i + 1);
    }
  }
}

export async function runPx(job: PxJob, comm: Comm): Promise<{ command: 'px'; cells: number } | null> {
  const ev = new Evaluator();
  await installSessionGlobals(ev.context, comm);
  let interrupt: () => void = () => undefined;
  // the launcher sends SIGINT to each rank (same node) for Ctrl-C: abandon the cell
  process.on('SIGINT', () => interrupt());
  process.on('unhandledRejection', (e) => ev.note(`unhandled rejection: ${e instanceof Error ? e.message : String(e)}\n`));
  const pids = comm.gatherJSON(process.pid, 0);
  const socket = comm.rank === 0 ? connect(job.socket) : null;
  const incoming = socket ? lines(socket) : null;
  if (socket) {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.write(`${JSON.stringify({ pids })}\n`);
  }
  let cells = 0;
  for (;;) {
    let msg: Message | undefined;
    if (incoming) {
      const next = await incoming.next();
      msg = next.done ? { exit: true } : (JSON.parse(next.value) as Message);
    }
    const m = comm.bcastJSON<Message>(msg, 0);
    if ('exit' in m) break;
    cells++;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    setSitePhase('a cell');
    phaseBegin('cell', { n: cells });
    const r = await ev.evaluate(m.cell, interrupted);
    phaseEnd();
    setSitePhase('after the cell ended');
    const all = comm.gatherJSON<CellOutput>({ rank: comm.rank, ...r }, 0);
    if (socket && all) socket.write(`${JSON.stringify({ outputs: all })}\n`);
  }
  socket?.end();
  return comm.rank === 0 ? { command: 'px', cells } : null;
}
