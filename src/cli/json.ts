/**
 * --json output: one JSON object, indented, with arrays of numbers kept on one line
 * (`"lshape_map": [[2,4,3],[2,4,3]]`), so a 64-rank layout stays readable. Plain
 * JSON.parse reads it like any other JSON.
 */
function isFlat(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object')));
}

/**
 * Numbers JSON cannot spell: NaN and ±Infinity become the strings "nan", "inf" and
 * "-inf" (as numpy prints them; the schemas in schemas/ allow them where they can occur),
 * -0 stays -0, and a BigInt is written with all its digits.
 */
function scalar(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '"nan"';
    if (v === Infinity) return '"inf"';
    if (v === -Infinity) return '"-inf"';
    if (Object.is(v, -0)) return '-0';
  }
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? 'null';
}

function flat(v: unknown[]): string {
  return `[${v.map((x) => (Array.isArray(x) ? flat(x) : scalar(x))).join(',')}]`;
}

/**
 * Durations in seconds (keys ending in `_s`, and `seconds`) are rounded to the
 * microsecond, rates (`_per_s`) to a whole number: MPI_Wtime and performance.now() carry
 * float noise below that (1.4722599059999997), which is no information. Applied once, to
 * the whole object, by DndCommand.logJson, so every command and every key added later
 * gets it.
 */
export function roundTimings(value: unknown, key = ''): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return value;
    if (/_per_s$/.test(key)) return Math.round(value);
    if (/_s$/.test(key) || key === 'seconds') return Math.round(value * 1e6) / 1e6;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => roundTimings(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, roundTimings(v, k)]));
  }
  return value;
}

export function formatJson(value: unknown, indent = ''): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return scalar(value);
  if (isFlat(value)) return flat(value as unknown[]);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${formatJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
