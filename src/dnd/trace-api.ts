/**
 * `dnd.trace` for scripts: your own spans and counters in the trace that `--trace
 * FILE.json` writes (dnd run, dnd px). Without --trace both cost next to nothing:
 * span() just calls fn, counter() returns.
 *
 *   const y = dnd.trace.span('normalise', () => x.resplit(1));
 *   dnd.trace.counter('residual', r);
 */
import { recorder } from './trace.js';

/** Whether this process is recording a trace. */
export function enabled(): boolean {
  return recorder.on;
}

/**
 * Runs fn inside a span named `name` on this rank's track and returns what fn returns.
 * A promise-returning fn gets an async span that ends when the promise settles. A throw
 * ends the span and passes through.
 */
export function span<T>(name: string, fn: () => T): T {
  if (!recorder.on) return fn();
  const label = String(name);
  const depth = recorder.depth;
  const t0 = recorder.now();
  recorder.begin(label, 'user');
  let value: T;
  try {
    value = fn();
  } catch (e) {
    recorder.unwind(depth);
    throw e;
  }
  if (value && typeof (value as { then?: unknown }).then === 'function') {
    // the span outlives this call: drop the stacked span, record an async pair instead,
    // so that it can never break the nesting of the synchronous spans around it
    recorder.drop(depth);
    const id = recorder.asyncBegin(label, t0);
    const done = () => {
      if (recorder.on) recorder.asyncEnd(id);
    };
    return (value as unknown as Promise<unknown>).then(
      (v) => {
        done();
        return v;
      },
      (e: unknown) => {
        done();
        throw e;
      },
    ) as T;
  }
  recorder.end();
  return value;
}

/** One sample of a counter named `name` on this rank's track (e.g. an error norm, a queue length). */
export function counter(name: string, value: number): void {
  if (!recorder.on) return;
  const v = Number(value);
  if (!Number.isFinite(v)) throw new RangeError(`dnd.trace.counter('${name}', ${String(value)}): the value must be a finite number`);
  recorder.counter(String(name), { value: v });
}
