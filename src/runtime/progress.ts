/**
 * Progress of long operations, for a person at a terminal: rank 0 announces each phase
 * (what, how many bytes, which step of how many) and, inside a phase done in pieces (HDF5
 * reads and writes, the random fill: dnd/pieces.ts), how much of its own block is done.
 * The launcher shows, on stderr and only when stderr is a terminal, once the job has run
 * for two seconds: the step, the phase, its size, percent done with the rate and an ETA
 * when known, and the throughput of the phases done. Nothing otherwise.
 */
import { watchWork } from '../dnd/pieces.js';
import { formatBytes, formatRate } from './units.js';

export interface PhaseEvent {
  phase: string;
  bytes: number;
  /** MPI_Wtime on rank 0 when the phase began */
  t: number;
  /** 1-based step of the job, and how many it has (when the job planned them) */
  step?: number;
  steps?: number;
}

/** Inside the current phase: bytes of rank 0's block done, of `total`. */
export interface WorkEvent {
  done: number;
  total: number;
}

export type ProgressEvent = PhaseEvent | WorkEvent;

/** Pieces of this many bytes per rank when someone watches: small enough to move the
 * percentage every ~0.1 s at disk speed, large enough that the extra calls cost nothing. */
export const WATCHED_PIECE_BYTES = 64 * 2 ** 20;
/** rank 0 sends a work event at most this often */
const WORK_EVERY_MS = 100;

let sink: ((e: ProgressEvent) => void) | null = null;
let clock: () => number = () => performance.now() / 1000;
let steps = 0;
let step = 0;

/** Set on rank 0 by the rank program when the launcher asked for progress. */
export function setProgressSink(f: ((e: ProgressEvent) => void) | null, now?: () => number): void {
  sink = f;
  if (now) clock = now;
}

/**
 * The piece size of a job, decided once on the launcher and sent to every rank in the job
 * envelope: transfers in pieces are collective, so every rank must cut alike, and an
 * environment variable may not reach ranks on other hosts. `DND_PIECE_BYTES` sets it even
 * with nobody watching (tests, tuning); otherwise pieces only when progress is shown.
 */
export function pieceSizeFor(progress: boolean, env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.DND_PIECE_BYTES);
  return Number.isInteger(forced) && forced > 0 ? forced : progress ? WATCHED_PIECE_BYTES : 0;
}

/** Pieces of `piece` bytes on this rank (0: one call per transfer), reported on rank 0 when shown. */
export function watchJobWork(piece: number, progress: boolean, rank: number): void {
  if (!piece) return watchWork(null);
  let last = 0;
  const report =
    progress && rank === 0
      ? (done: number, total: number) => {
          const now = performance.now();
          if (now - last < WORK_EVERY_MS && done < total) return;
          last = now;
          sink?.({ done, total });
        }
      : undefined;
  watchWork({ pieceBytes: piece, report });
}

/** The job has `n` phases from here on (shown as "step k/n"). */
export function planSteps(n: number): void {
  steps = n;
  step = 0;
}

/** A phase begins (a no-op unless someone listens). */
export function phase(name: string, bytes: number): void {
  step++;
  sink?.({ phase: name, bytes, t: clock(), ...(steps > 0 ? { step: Math.min(step, steps), steps } : {}) });
}

/** "12 s", "3 min 20 s", "1 h 05 min" */
export function formatEta(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '-';
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The launcher's status line: shows after `delayS`, redraws, and clears at the end. */
export class ProgressLine {
  private current: { phase: string; bytes: number; since: number; step?: number; steps?: number; done?: number; total?: number } | null = null;
  private done: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private shown = false;
  private lastDraw = 0;
  private readonly start = performance.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly delayS = 2,
  ) {
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  update(e: ProgressEvent): void {
    const now = performance.now();
    if ('done' in e) {
      if (this.current) Object.assign(this.current, { done: e.done, total: e.total });
    } else {
      if (this.current && this.current.bytes > 0) {
        const s = (now - this.current.since) / 1000;
        this.done.push(`${this.current.phase} ${formatRate(this.current.bytes, Math.max(s, 1e-6))}`);
      }
      this.current = { phase: e.phase, bytes: e.bytes, since: now, step: e.step, steps: e.steps };
    }
    // a job run in this process blocks the event loop while it works: draw from here too
    if (now - this.lastDraw >= 250) this.draw();
  }

  /** The status text now (exported for its unit test through `line()`). */
  line(now = performance.now()): string | null {
    const c = this.current;
    if ((now - this.start) / 1000 < this.delayS || !c) return null;
    const inPhase = (now - c.since) / 1000;
    const parts = [`${c.steps ? `[${c.step}/${c.steps}] ` : ''}${c.phase}${c.bytes ? ` ${formatBytes(c.bytes)}` : ''}`];
    if (c.total && c.done !== undefined) {
      parts.push(`${Math.floor((100 * c.done) / c.total)}%`);
      if (c.done > 0 && c.done < c.total) parts.push(`ETA ${formatEta((inPhase * (c.total - c.done)) / c.done)}`);
    }
    parts.push(`${inPhase.toFixed(1)} s`);
    if (this.done.length) parts.push(`done: ${this.done.join(', ')}`);
    return `dnd: ${parts.join(' · ')}`;
  }

  private draw(): void {
    const line = this.line();
    if (line === null) return;
    this.lastDraw = performance.now();
    this.out.write(`\r\x1b[2K${line.slice(0, (this.out.columns ?? 100) - 1)}`);
    this.shown = true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.shown) this.out.write('\r\x1b[2K');
  }
}
