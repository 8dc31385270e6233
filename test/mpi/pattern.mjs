// A position pattern for the big tests (test/big): element g of a global array holds
// g % M, with M prime and below 2^24, so float32 holds every value exactly and a block
// moved by any offset that is not a multiple of M reads wrong. Filling is a loop over
// one period, then memcpy doubling; checking reads every element near the edges and
// the given hot spots (the 2^31 boundaries) and a dense stride elsewhere, since reading
// every one of 2^31 elements in JS would take most of the big group's time budget.

/** 16777213 (prime, < 2^24) for float types, 251 for 8-bit ones. */
export function modulus(array) {
  return array.BYTES_PER_ELEMENT === 1 ? 251 : 16777213;
}

/** array[i] = (g0 + i) % M */
export function fill(array, g0) {
  const m = modulus(array);
  const n = array.length;
  const first = Math.min(n, m);
  for (let i = 0; i < first; i++) array[i] = (g0 + i) % m;
  // periodic with period m: copy what is there, doubling, in whole periods
  for (let filled = first; filled < n; filled *= 2) array.copyWithin(filled, 0, Math.min(filled, n - filled));
}

/**
 * Mismatches of array[i] against expected(i) (a global index whose value is g % M) at
 * every i near 0, near the end and near each hot index, and every `stride`-th elsewhere.
 */
export function check(array, globalOf, hot = [], stride = 4099) {
  const m = modulus(array);
  const n = array.length;
  const near = 1 << 16;
  let checked = 0;
  let bad = 0;
  let first = null;
  const at = (i) => {
    checked++;
    const want = globalOf(i) % m;
    if (array[i] !== want) {
      bad++;
      if (first === null) first = { i, got: array[i], want };
    }
  };
  const ranges = [[0, near], [n - near, n], ...hot.map((h) => [h - near, h + near])].map(([a, b]) => [Math.max(0, a), Math.min(n, b)]);
  for (const [a, b] of ranges) for (let i = a; i < b; i++) at(i);
  for (let i = near; i < n - near; i += stride) at(i);
  return { n, checked, bad, first };
}
