/**
 * The per-rank trace recorder behind `--trace FILE.json` (and `dnd.trace` in scripts).
 *
 * Off by default, and then every instrumented call site costs one boolean read
 * (`recorder.on`) and allocates nothing. A job turns it on before MPI starts
 * (runtime/trace-rank.ts); events are kept here, in this process's own clock
 * (milliseconds since `performance.timeOrigin`, i.e. since the process started), and
 * handed over at the end with take(). Clock alignment across ranks and the file format
 * are the runtime's business (runtime/trace-file.ts), not the library's.
 *
 * Spans recorded here are properly nested on the one thread of a rank: begin/end form
 * a stack, and a span that encloses async work (span() of a function returning a
 * promise) becomes an async event pair instead, which viewers draw on a track of its own.
 */

/** One recorded event, local clock (ms since this process started). */
export interface LocalEvent {
  /** X: complete span; C: counter sample; b/e: async span begin/end; i: instant */
  ph: 'X' | 'C' | 'b' | 'e' | 'i';
  name: string;
  cat: string;
  ts: number;
  dur?: number;
  id?: number;
  args?: Record<string, unknown>;
}

interface Open {
  name: string;
  cat: string;
  ts: number;
  args: Record<string, unknown> | undefined;
}

/** Most events one rank keeps; past it, events are counted as dropped. */
const MAX_EVENTS = 1_000_000;

class Recorder {
  /** the one check every instrumented call site makes */
  on = false;
  events: LocalEvent[] = [];
  dropped = 0;
  private stack: Open[] = [];
  private seq = 0;
  private asyncId = 0;

  now(): number {
    return performance.now();
  }

  push(e: LocalEvent): void {
    if (this.events.length < MAX_EVENTS) this.events.push(e);
    else this.dropped++;
  }

  begin(name: string, cat: string, args?: Record<string, unknown>): void {
    this.stack.push({ name, cat, ts: this.now(), args });
  }

  /** Ends the innermost open span; `args` are merged into its own. */
  end(args?: Record<string, unknown>): void {
    const o = this.stack.pop();
    if (!o) return;
    const t = this.now();
    this.push({ ph: 'X', name: o.name, cat: o.cat, ts: o.ts, dur: t - o.ts, args: args ? { ...o.args, ...args } : o.args });
  }

  /** Closes spans left open by a throw, down to `depth` open ones. */
  unwind(depth: number): void {
    while (this.stack.length > depth) this.end({ unwound: true });
  }

  /** Forgets the open spans above `depth` without recording them. */
  drop(depth: number): void {
    this.stack.length = Math.min(this.stack.length, depth);
  }

  get depth(): number {
    return this.stack.length;
  }

  /** A collective that began at `t0`: one complete span with its bytes and its place in the call order. */
  collective(name: string, t0: number, args: Record<string, unknown>): void {
    args.seq = this.seq++;
    this.push({ ph: 'X', name, cat: 'mpi', ts: t0, dur: this.now() - t0, args });
  }

  counter(name: string, values: Record<string, number>): void {
    this.push({ ph: 'C', name, cat: 'counter', ts: this.now(), args: values });
  }

  /** async spans begun and not yet ended: id → name */
  private openAsync = new Map<number, string>();

  asyncBegin(name: string, ts: number): number {
    const id = ++this.asyncId;
    this.openAsync.set(id, name);
    this.push({ ph: 'b', name, cat: 'user', ts, id });
    return id;
  }

  asyncEnd(id: number): void {
    const name = this.openAsync.get(id);
    if (name === undefined) return; // taken already: the trace was handed over
    this.openAsync.delete(id);
    this.push({ ph: 'e', name, cat: 'user', ts: this.now(), id });
  }

  /** Everything recorded so far (open spans closed at this moment); the recorder is emptied. */
  take(): { events: LocalEvent[]; dropped: number } {
    this.unwind(0);
    for (const [id, name] of this.openAsync) this.push({ ph: 'e', name, cat: 'user', ts: this.now(), id, args: { unfinished: true } });
    this.openAsync.clear();
    const out = { events: this.events, dropped: this.dropped };
    this.events = [];
    this.dropped = 0;
    return out;
  }

  reset(): void {
    this.on = false;
    this.events = [];
    this.dropped = 0;
    this.stack = [];
    this.seq = 0;
    this.openAsync.clear();
  }
}

/** The process's recorder. Call sites read `recorder.on` and nothing else when tracing is off. */
export const recorder = new Recorder();

/** Resident memory now, as a counter sample (Node reads /proc/self/stat: a few µs). */
export function sampleRss(): void {
  recorder.counter('RSS', { bytes: process.memoryUsage.rss() });
}

/** A phase of a job begins (a no-op when tracing is off); RSS is sampled at both ends. */
export function phaseBegin(name: string, args?: Record<string, unknown>): void {
  if (!recorder.on) return;
  sampleRss();
  recorder.begin(name, 'phase', args);
}

export function phaseEnd(args?: Record<string, unknown>): void {
  if (!recorder.on) return;
  recorder.end(args);
  sampleRss();
}

/**
 * A span inside a library operation (plan, exchange): no RSS sample at its start, and at
 * its end only when asked. A sample costs ~14 µs here (Node reads /proc/self/stat), which
 * at every boundary would be ~0.5% of a 10 ms exchange; one after the exchange (the new
 * block is resident by then) keeps the curve's peak.
 */
export function spanBegin(name: string): void {
  if (!recorder.on) return;
  recorder.begin(name, 'phase');
}

export function spanEnd(args?: Record<string, unknown>, rss = false): void {
  if (!recorder.on) return;
  recorder.end(args);
  if (rss) sampleRss();
}

/** `name`, `to[q]` bytes for each peer (self excluded), for the per-pair matrix. */
export function peerBytes(bytesPerPeer: ArrayLike<number>, self: number): number[] {
  const out = Array.from(bytesPerPeer, Number);
  out[self] = 0;
  return out;
}
