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
