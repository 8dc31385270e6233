/**
 * Real numbers in --json output. JSON has no NaN or infinity (JSON.stringify turns them
 * into null, which reads as "missing"), so dnd writes the strings "nan", "inf" and "-inf"
 * for them, as schemas/array-report.json says (definitions.real). Finite numbers stay
 * numbers. Applied on the rank, before the result crosses to the launcher as JSON.
 */
export type JsonReal = number | 'nan' | 'inf' | '-inf';

export function jsonReal(v: number): JsonReal {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

/** The same, keeping null (an empty array's min, max, mean and std). */
export function jsonRealOrNull(v: number | null): JsonReal | null {
  return v === null ? null : jsonReal(v);
}

/** For tables: 8 significant digits, or nan / inf / -inf, or '-' for null. */
export function showReal(v: JsonReal | null | undefined, digits = 8): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  return String(Number(v.toPrecision(digits)));
}
