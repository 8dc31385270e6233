/**
 * The ranks' side of `dnd px`. Rank 0 connects to the launcher over TCP (px-link.ts: it
 * may be on another host, with another /tmp) and relays each cell to every rank
 * (MPI_Bcast); every rank evaluates it in its own persistent context (a vm context:
 * declarations persist, top-level await works as in the node REPL) with the dnd library
 * ready; outputs are gathered to rank 0 and sent back as one line of JSON.
 *
 * Cells run on every rank in the same order, so collective calls inside them (a.resplit,
 * a.lshapeMap) match up. A cell that throws on some ranks reports the error there and the
 * session goes on.
 * Ctrl-C: the launcher sends SIGUSR1 to its own mpiexec (or srun), which forwards it to
 * every rank on every host; each rank turns it into a SIGINT to itself (native
 * signals.cc), so a synchronous cell is stopped by vm's breakOnSigint and an awaiting one
 * is abandoned. No rank is ever signalled by its PID from the launcher's host. A second
 * Ctrl-C ends the session.
 */
import { constants } from 'node:os';
import { Writable } from 'node:stream';
import { Console } from 'node:console';
import { createContext, Script } from 'node:vm';
import { inspect } from 'node:util';
import type { Comm } from '../../dnd/comm.js';
import type { PxJob } from '../job.js';
import { setSitePhase } from '../call-site.js';
import { installSessionGlobals } from './session-globals.js';
import { asyncCellSource, declaredNames } from './cell-await.js';
import { Completer } from './px-complete.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';
import { loadNative } from '../../native/index.js';
import { connectToLauncher, SECRET_VAR } from '../px-link.js';

export interface CellOutput {
  rank: number;
  text: string;
  error: boolean;
}

type Message = { cell: string } | { exit: true } | { complete: string };

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
  // Ctrl-C reaches every rank as SIGUSR1 from its MPI launcher, made a SIGINT here: a
  // busy cell stops (breakOnSigint), an awaiting one is abandoned
  loadNative().interruptOn([constants.signals.SIGUSR1]);
  process.on('SIGINT', () => interrupt());
  process.on('unhandledRejection', (e) => ev.note(`unhandled rejection: ${e instanceof Error ? e.message : String(e)}\n`));
  // the session's secret: read once, and not left for cells or their child processes to see
  const secret = process.env[SECRET_VAR];
  delete process.env[SECRET_VAR];
  let socket: import('node:net').Socket | null = null;
  if (comm.rank === 0) {
    if (!secret) throw new Error(`the session's secret (${SECRET_VAR}) did not reach rank 0: its launcher did not pass dnd px's environment on`);
    socket = await connectToLauncher(job.endpoints, secret);
  }
  const incoming = socket ? lines(socket) : null;
  const completer = new Completer(ev.context);
  let cells = 0;
  for (;;) {
    let msg: Message | undefined;
    if (incoming && socket) {
      const next = await incoming.next();
      msg = next.done ? { exit: true } : (JSON.parse(next.value) as Message);
      // tab completion: rank 0 alone, from its own context, while the others wait for the next cell
      if ('complete' in msg) {
        socket.write(`${JSON.stringify({ completions: completer.complete(msg.complete) })}\n`);
        continue;
      }
    }
    const m = comm.bcastJSON<Message>(msg, 0);
    if ('exit' in m) break;
    if ('complete' in m) continue; // never sent to the others
    cells++;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    setSitePhase('a cell');
    phaseBegin('cell', { n: cells });
    const r = await ev.evaluate(m.cell, interrupted);
    if (comm.rank === 0) completer.declare(declaredNames(m.cell));
    phaseEnd();
    setSitePhase('after the cell ended');
    const all = comm.gatherJSON<CellOutput>({ rank: comm.rank, ...r }, 0);
    if (socket && all) socket.write(`${JSON.stringify({ outputs: all })}\n`);
  }
  socket?.end();
  return comm.rank === 0 ? { command: 'px', cells } : null;
}
