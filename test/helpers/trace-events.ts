/**
 * A strict reader of Chrome trace-event files (the JSON Object Format that Perfetto and
 * chrome://tracing load), for the tests of --trace: it accepts only what those viewers
 * accept without guessing, and checks what they silently repair or drop: fields and
 * types of every event by phase, complete events ("X") properly nested on each track,
 * timestamps never going back on a track, async pairs ("b"/"e") matched, a name for
 * every process track.
 */
import assert from 'node:assert/strict';

export interface TraceEventT {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: string;
  args?: Record<string, unknown>;
}

export interface CheckedTrace {
  events: TraceEventT[];
  /** pid → process_name */
  names: Map<number, string>;
  /** pid → deepest nesting of X events on its track (1: no nesting) */
  depth: Map<number, number>;
}

const PHASES = new Set(['X', 'C', 'M', 'b', 'e']);
const META = new Set(['process_name', 'process_sort_index', 'thread_name', 'thread_sort_index']);

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const isTime = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** µs → integer ns, as Perfetto reads them */
const ns = (us: number) => Math.round(us * 1000);

export function checkTrace(value: unknown): CheckedTrace {
  assert.equal(typeof value, 'object');
  const obj = value as Record<string, unknown>;
  assert.ok(Array.isArray(obj.traceEvents), 'traceEvents is an array');
  assert.ok(obj.displayTimeUnit === 'ms' || obj.displayTimeUnit === 'ns', `displayTimeUnit is ms or ns, not ${String(obj.displayTimeUnit)}`);
  if (obj.otherData !== undefined) {
    assert.equal(typeof obj.otherData, 'object');
    for (const [k, v] of Object.entries(obj.otherData as object)) assert.equal(typeof v, 'string', `otherData.${k} is a string`);
  }
  const events = obj.traceEvents as TraceEventT[];
  const names = new Map<number, string>();
  const lastTs = new Map<string, number>();
  const byTrack = new Map<string, TraceEventT[]>();
  const open = new Map<string, TraceEventT>();
  events.forEach((e, i) => {
    const where = `event ${i} (${JSON.stringify(e).slice(0, 120)})`;
    assert.equal(typeof e, 'object', where);
    assert.ok(typeof e.name === 'string' && e.name.length > 0, `${where}: name`);
    assert.ok(PHASES.has(e.ph), `${where}: ph ${e.ph}`);
    assert.ok(isInt(e.pid) && e.pid >= 0, `${where}: pid`);
    assert.ok(isInt(e.tid) && e.tid >= 0, `${where}: tid`);
    if (e.args !== undefined) assert.ok(typeof e.args === 'object' && e.args !== null && !Array.isArray(e.args), `${where}: args is an object`);
    if (e.cat !== undefined) assert.equal(typeof e.cat, 'string', `${where}: cat`);
    const allowed = new Set(['name', 'ph', 'pid', 'tid', 'ts', 'dur', 'cat', 'id', 'args']);
    for (const k of Object.keys(e)) assert.ok(allowed.has(k), `${where}: unexpected field ${k}`);
    if (e.ph === 'M') {
      assert.ok(META.has(e.name), `${where}: metadata name`);
      if (e.name.endsWith('_name')) assert.equal(typeof e.args?.name, 'string', `${where}: args.name`);
      else assert.ok(isInt(e.args?.sort_index), `${where}: args.sort_index`);
      if (e.name === 'process_name') names.set(e.pid, e.args?.name as string);
      return;
    }
    assert.ok(isTime(e.ts), `${where}: ts`);
    const track = `${e.pid}/${e.tid}`;
    assert.ok((lastTs.get(track) ?? -Infinity) <= (e.ts as number), `${where}: timestamps go back on track ${track}`);
    lastTs.set(track, e.ts as number);
    if (e.ph === 'X') {
      assert.ok(isTime(e.dur), `${where}: dur`);
      byTrack.set(track, [...(byTrack.get(track) ?? []), e]);
    } else if (e.ph === 'C') {
      assert.ok(e.args && Object.keys(e.args).length > 0, `${where}: counter without values`);
      for (const v of Object.values(e.args)) assert.ok(typeof v === 'number' && Number.isFinite(v), `${where}: counter value`);
    } else {
      assert.ok(typeof e.id === 'string' && e.id.length > 0 && typeof e.cat === 'string', `${where}: async events need id and cat`);
      const key = `${e.pid}/${e.cat}/${e.id}`;
      if (e.ph === 'b') {
        assert.ok(!open.has(key), `${where}: async id reused while open`);
        open.set(key, e);
      } else {
        const b = open.get(key);
        assert.ok(b, `${where}: async end without begin`);
        assert.equal(b.name, e.name, `${where}: async end name`);
        open.delete(key);
      }
    }
  });
  assert.equal(open.size, 0, `async spans never ended: ${[...open.keys()].join(', ')}`);
  for (const e of events) if (e.ph !== 'M') assert.ok(names.has(e.pid), `pid ${e.pid} has events but no process_name`);

  const depth = new Map<number, number>();
  for (const [track, xs] of byTrack) {
    const stack: { end: number; name: string }[] = [];
    let deepest = 0;
    for (const e of xs) {
      const start = ns(e.ts as number);
      const end = start + ns(e.dur as number);
      while (stack.length && stack[stack.length - 1].end <= start) stack.pop();
      const parent = stack[stack.length - 1];
      assert.ok(!parent || end <= parent.end, `track ${track}: "${e.name}" [${start}, ${end}] ns overlaps "${parent?.name}" (ends ${parent?.end}) without nesting in it`);
      stack.push({ end, name: e.name });
      deepest = Math.max(deepest, stack.length);
    }
    const pid = Number(track.split('/')[0]);
    depth.set(pid, Math.max(depth.get(pid) ?? 0, deepest));
  }
  return { events, names, depth };
}
