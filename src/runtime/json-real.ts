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

/**
 * For tables: `digits` significant digits, and at least the integer part and two decimals
 * (an int64 mean of 12345678903.5 must not read 12345679000), or nan / inf / -inf, or '-'
 * for null. Trailing zeros are left out.
 */
export function showReal(v: JsonReal | null | undefined, digits = 8): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  const whole = Math.abs(v) >= 1 ? Math.floor(Math.log10(Math.abs(v))) + 1 : 0;
  return String(Number(v.toPrecision(Math.min(17, Math.max(digits, whole + 2)))));
}

/**
 * For tables: a value of the array itself (a min or a max), as short as reads back to it in
 * the array's dtype: float32 in the fewest digits that give the same float32 (what numpy
 * prints), every other dtype as the float64 it is (integers whole).
 */
export function showDatum(v: JsonReal | null | undefined, dtype: string): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (dtype === 'float32') {
    for (let p = 1; p < 9; p++) {
      const short = Number(v.toPrecision(p));
      if (Math.fround(short) === v) return String(short);
    }
    return String(Number(v.toPrecision(9)));
  }
  return String(v);
}
