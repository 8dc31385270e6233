/**
 * Values between processes (launcher → ranks, rank → rank, ranks → launcher), exactly.
 *
 * Plain JSON turns NaN and ±Infinity into null, -0 into 0, and cannot hold a BigInt;
 * an int64 above 2^53 written as a number loses its low bits. Every message dnd sends
 * goes through this codec instead: JSON in which those values are tagged objects,
 * `{"$num":"nan"|"inf"|"-inf"|"-0"}` and `{"$big":"<decimal digits>"}`, and come back as
 * the same JavaScript values. A user object that happens to have a `$num` or `$big` key
 * is escaped as `{"$obj": {...}}`, so nothing is mistaken for a tag.
 */

type Tagged = { $num: 'nan' | 'inf' | '-inf' | '-0' } | { $big: string } | { $obj: Record<string, unknown> };

function tagNumber(v: number): Tagged | number {
  if (Number.isNaN(v)) return { $num: 'nan' };
  if (v === Infinity) return { $num: 'inf' };
  if (v === -Infinity) return { $num: '-inf' };
  if (Object.is(v, -0)) return { $num: '-0' };
  return v;
}

function encode(v: unknown): unknown {
  if (typeof v === 'number') return tagNumber(v);
  if (typeof v === 'bigint') return { $big: v.toString() };
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : encode(x)));
  if (ArrayBuffer.isView(v)) return encode(Array.from(v as unknown as ArrayLike<unknown>));
  const toJSON = (v as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return encode(toJSON.call(v));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined && typeof x !== 'function') out[k] = encode(x);
  return '$num' in out || '$big' in out || '$obj' in out ? { $obj: out } : out;
}

const NUM = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 } as const;

function decode(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decode);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    if (keys[0] === '$num' && typeof o.$num === 'string' && o.$num in NUM) return NUM[o.$num as keyof typeof NUM];
    if (keys[0] === '$big' && typeof o.$big === 'string' && /^-?\d+$/.test(o.$big)) return BigInt(o.$big);
    if (keys[0] === '$obj' && o.$obj && typeof o.$obj === 'object') return decodeFields(o.$obj as Record<string, unknown>);
  }
  return decodeFields(o);
}

function decodeFields(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decode(x);
  return out;
}

/** One line of text (no newline inside) that `fromWire` turns back into an equal value. */
export function toWire(value: unknown): string {
  return JSON.stringify(encode(value)) ?? 'null';
}

/** The value `toWire` encoded: NaN, ±Infinity, -0 and BigInt included. */
export function fromWire<T>(text: string): T {
  return decode(JSON.parse(text)) as T;
}
