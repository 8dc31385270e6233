/**
 * The largest and smallest of many numbers. `Math.max(...xs)` passes every element as an
 * argument, and past about 125,000 of them V8 throws "Maximum call stack size exceeded":
 * a trace of 80,000 barriers on 2 ranks failed that way. Anything that grows with a
 * trace's events or the number of ranks goes through these instead.
 */
/** `Math.max(first, ...xs)`, the same value in every case (NaN wins, +0 over -0). */
export function maxOf(xs: Iterable<number>, first = -Infinity): number {
  let m = first;
  for (const x of xs) if (x > m || Number.isNaN(x) || (x === 0 && m === 0 && Object.is(m, -0))) m = x;
  return Number.isNaN(first) ? first : m;
}

/** `Math.min(first, ...xs)`, the same value in every case (NaN wins, -0 over +0). */
export function minOf(xs: Iterable<number>, first = Infinity): number {
  let m = first;
  for (const x of xs) if (x < m || Number.isNaN(x) || (x === 0 && m === 0 && Object.is(x, -0))) m = x;
  return Number.isNaN(first) ? first : m;
}
