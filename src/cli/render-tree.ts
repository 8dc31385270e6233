/**
 * Human rendering of `dnd info FILE`'s listing (src/runtime/file-tree.ts) and of a
 * dataset's attributes: one table row per link, indented by depth, attribute rows under
 * their object; long attribute values are shortened (--json has them whole).
 */
import { grid } from './grid.js';
import type { ChalkInstance } from 'chalk';
import type { AttrValue, AttributeJson, FileListing, TreeObject } from '../runtime/file-tree.js';
import { showReal, type JsonReal } from '../runtime/json-real.js';
import { bytes, seconds, tuple } from './render.js';
import { maxOf } from '../runtime/extent.js';
import { printable } from './printable.js';

/** Items of an array value shown before "…" */
const MAX_ITEMS = 6;
/** Characters of a shown value (a string, or an array's items) */
const MAX_CHARS = 60;
/** Deeper than this, rows are not indented further and show the path below this depth */
const MAX_INDENT = 10;

function shorten(s: string, max = MAX_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}… (${s.length} chars)`;
}

/** A string as the table shows it: quoted, with the \\xNN of bytes that are not UTF-8 kept as they are. */
function quote(s: string): string {
  return JSON.stringify(s).replace(/\\\\x([0-9a-f]{2})/g, '\\x$1');
}

function showItem(v: AttrValue, text: boolean): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    const [re, im] = v;
    const imag = showReal(im);
    return `${showReal(re)}${imag.startsWith('-') ? '' : '+'}${imag}j`;
  }
  if (typeof v === 'string' && text) return quote(shorten(v, 40));
  if (typeof v === 'string' && !/^(nan|-?inf)$/.test(v)) return v; // an integer beyond 2^53, or an enum member
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return showReal(v as JsonReal);
}

/** An attribute's value in at most about MAX_CHARS characters. */
export function showAttributeValue(a: AttributeJson): string {
  if (a.shape === null) return '(empty: no value)';
  if (a.value === null) return `(${a.not_shown ?? 'no value'})`;
  const text = a.type.includes('string');
  if (a.shape.length === 0) {
    const v = a.value as AttrValue;
    return typeof v === 'string' && text ? quote(shorten(v)) : showItem(v, text);
  }
  const items = a.value as AttrValue[];
  const shown: string[] = [];
  let len = 0;
  for (const v of items) {
    const s = showItem(v, text);
    if (shown.length >= MAX_ITEMS || len + s.length > MAX_CHARS) break;
    shown.push(s);
    len += s.length + 2;
  }
  const more = items.length - shown.length;
  return `[${shown.join(', ')}${more > 0 ? `, … ${more} more` : ''}]${a.shape.length > 1 ? ` shape ${tuple(a.shape)}` : ''}`;
}

/** The object column: indented by depth (up to MAX_INDENT levels, then `…/` and the name). */
function label(o: TreeObject): string {
  if (o.path === '/') return '/';
  const name = o.path.slice(o.path.lastIndexOf('/') + 1);
  const group = o.kind === 'group' && o.link === 'hard' && !o.same_as ? '/' : '';
  if (o.depth <= MAX_INDENT) return `${'  '.repeat(o.depth - 1)}${name}${group}`;
  return `${'  '.repeat(MAX_INDENT - 1)}…/${name}${group}`;
}

/** A path shortened from the left, for the attribute table. */
function shortPath(p: string, max = 40): string {
  return p.length <= max ? p : `…${p.slice(p.length - max + 1)}`;
}

function kindOf(o: TreeObject): string {
  if (o.link === 'soft') return 'soft link';
  if (o.link === 'external') return 'external link';
  if (o.link === 'user-defined') return 'user-defined link';
  if (o.same_as !== undefined) return `hard link (${o.kind ?? 'unknown'})`;
  return o.kind ?? 'unknown';
}

function maxshape(shape: number[], max: (number | null)[]): string {
  if (max.every((m, i) => m === shape[i])) return '=';
  return `(${max.map((m) => (m === null ? 'None' : String(m))).join(', ')}${max.length === 1 ? ',' : ''})`;
}

/** The header line, a table of the objects, and a table of their attributes. */
export function renderListing(l: FileListing, c: ChalkInstance): string {
  const n = l.counts;
  const plural = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts = [plural(n.datasets, 'dataset'), plural(n.groups, 'group')];
  if (n.datatypes) parts.push(plural(n.datatypes, 'committed datatype'));
  if (n.hard_links) parts.push(plural(n.hard_links, 'further hard link'));
  if (n.soft_links) parts.push(plural(n.soft_links, 'soft link'));
  if (n.external_links) parts.push(plural(n.external_links, 'external link'));
  const lines = [`${c.bold('file')}     ${l.file} (${bytes(l.bytes_on_disk)} on disk)  ${parts.join(', ')}`];
  const t = grid(c, ['object', 'kind', 'shape', 'type', 'layout', 'maxshape', 'filters', 'stored', 'attrs']);
  const attrs = grid(c, ['object', 'attribute', 'shape', 'type', 'value']);
  let nattrs = 0;
  for (const o of l.objects) {
    const d = o.dataset;
    const row = [c.cyan(printable(label(o))), kindOf(o)];
    if (o.same_as !== undefined) row.push('', printable(`same object as ${o.same_as}${o.link === 'soft' ? ` (→ ${o.target})` : ''}`));
    else if (o.link === 'soft') row.push('', `→ ${printable(o.target ?? '?')} ${c.yellow('(dangling: nothing there)')}`);
    else if (o.link === 'external') row.push('', printable(`→ ${o.target_file ?? '?'}:${o.target ?? '?'} (not followed)`));
    else if (d) {
      row.push(
        d.scalar ? 'scalar' : tuple(d.shape),
        printable(`${d.stored_type}${d.committed_type ? ' (committed)' : ''}`),
        d.layout + (d.chunks ? ` ${tuple(d.chunks)}` : ''),
        maxshape(d.shape, d.maxshape),
        d.filters.join(', ') || '-',
        bytes(d.storage_size),
      );
    } else if (o.kind === 'datatype') row.push('', printable(o.stored_type ?? ''));
    while (row.length < 8) row.push('');
    row.push(o.attributes?.length ? String(o.attributes.length) : '');
    t.push(row);
    for (const a of o.attributes ?? []) {
      attrs.push([c.cyan(printable(shortPath(o.path))), printable(a.name), a.shape === null ? '-' : a.shape.length === 0 ? 'scalar' : tuple(a.shape), printable(a.type), printable(showAttributeValue(a))]);
      nattrs++;
    }
  }
  lines.push(t.toString());
  if (n.datasets === 0) lines.push('no datasets');
  if (nattrs) lines.push(`${c.bold('attributes')} (long values shortened; --json has them whole)`, attrs.toString());
  lines.push(c.dim(`time ${seconds(l.timing.total_s)} total, metadata only, no job started`));
  return lines.join('\n');
}

/** The attributes of one dataset: `attrs` then one line each, or `attrs none`. */
export function renderAttributes(attrs: AttributeJson[], c: ChalkInstance): string[] {
  if (attrs.length === 0) return [`${c.bold('attrs')}    none`];
  const width = maxOf(attrs.map((a) => printable(a.name).length));
  return [`${c.bold('attrs')}`, ...attrs.map((a) => `  ${c.cyan(printable(a.name).padEnd(width))}  ${c.dim(printable(a.type))}${a.shape && a.shape.length ? c.dim(` ${tuple(a.shape)}`) : ''}  ${printable(showAttributeValue(a))}`)];
}
