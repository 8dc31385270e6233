/**
 * Progress of long operations, for a person at a terminal (DESIGN §4): rank 0 announces
 * each phase (what, how many bytes); the launcher shows, on stderr and only when stderr
 * is a terminal, the current phase, its size, the time in it and the throughput of the
 * phases done, once the job has run for two seconds. Nothing otherwise.
 */
import { formatBytes, formatRate } from './units.js';

export interface PhaseEvent {
  phase: string;
  bytes: number;
  /** MPI_Wtime on rank 0 when the phase began */
  t: number;
}

let sink: ((e: PhaseEvent) => void) | null = null;
let clock: () => number = () => performance.now() / 1000;

/** Set on rank 0 by the rank program when the launcher asked for progress. */
export function setProgressSink(f: ((e: PhaseEvent) => void) | null, now?: () => number): void {
  sink = f;
  if (now) clock = now;
}

/** A phase begins (a no-op unless someone listens). */
export function phase(name: string, bytes: number): void {
  sink?.({ phase: name, bytes, t: clock() });
}

/** The launcher's status line: shows after `delayS`, redraws, and clears at the end. */
export class ProgressLine {
  private current: { phase: string; bytes: number; since: number } | null = null;
  private done: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private shown = false;
  private readonly start = performance.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly delayS = 2,
  ) {
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  update(e: PhaseEvent): void {
    const now = performance.now();
    if (this.current && this.current.bytes > 0) {
      const s = (now - this.current.since) / 1000;
      this.done.push(`${this.current.phase} ${formatRate(this.current.bytes, Math.max(s, 1e-6))}`);
    }
    this.current = { phase: e.phase, bytes: e.bytes, since: now };
  }

  private draw(): void {
    if ((performance.now() - this.start) / 1000 < this.delayS || !this.current) return;
    const inPhase = ((performance.now() - this.current.since) / 1000).toFixed(1);
    const line = `dnd: ${this.current.phase}${this.current.bytes ? ` ${formatBytes(this.current.bytes)}` : ''} · ${inPhase} s${this.done.length ? ` · done: ${this.done.join(', ')}` : ''}`;
    this.out.write(`\r\x1b[2K${line.slice(0, (this.out.columns ?? 100) - 1)}`);
    this.shown = true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.shown) this.out.write('\r\x1b[2K');
  }
}
