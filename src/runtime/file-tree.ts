/**
 * The objects of an HDF5 file as `dnd info FILE` lists them (a better `h5ls -r` /
 * `h5dump -H`), read from metadata in the launcher process alone: no MPI job, no rank,
 * no dataset value read (the native h5Tree walks links and attributes only). The listing
 * is the same for any -n, so starting ranks would only cost time.
 *
 * Names are bytes in HDF5; they are shown as UTF-8, with every byte that is not part of
 * valid UTF-8 written `\xNN` (Python's "backslashreplace", so h5py users see the same
 * name) and `utf8: false` on the entry.
 */
import { statSync } from 'node:fs';
import { loadH5, type H5Attribute, type H5DatasetInfo, type H5TreeEntry } from '../native/index.js';
import { jsonReal, type JsonReal } from './json-real.js';
import { unreadableSource } from './h5-open-error.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 with invalid bytes as `\xNN`, and whether the bytes were valid UTF-8. */
export function decodeName(bytes: Uint8Array): { text: string; utf8: boolean } {
  try {
    return { text: strict.decode(bytes), utf8: true };
  } catch {
    // decode the longest valid runs; each byte that starts no valid sequence becomes \xNN
    let text = '';
    let i = 0;
    while (i < bytes.length) {
      const len = validSequence(bytes, i);
      if (len > 0) {
        text += strict.decode(bytes.subarray(i, i + len));
        i += len;
      } else {
        text += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
        i++;
      }
    }
    return { text, utf8: false };
  }
}

/** Length of the valid UTF-8 sequence starting at i (RFC 3629: no overlongs, surrogates or > U+10FFFF), 0 if none. */
function validSequence(b: Uint8Array, i: number): number {
  const x = b[i];
  if (x < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (x >= 0xc2 && x <= 0xdf) return cont(1) ? 2 : 0;
  if (x === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((x >= 0xe1 && x <= 0xec) || x === 0xee || x === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (x === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (x === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (x >= 0xf1 && x <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (x === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

export type AttrValue = JsonReal | string | boolean | null | [JsonReal, JsonReal];

/** An attribute as --json prints it (schemas/file-listing.json, schemas/array-report.json). */
export interface AttributeJson {
  name: string;
  type: string;
  /** the dnd dtype of the values, null when dnd has none (strings, compounds, uint64...) */
  dtype: string | null;
  /** null: an empty attribute (HDF5's null dataspace, h5py's Empty), which has no value */
  shape: number[] | null;
  /** the value: one item for a scalar, else a flat row-major list (`shape` gives the axes) */
  value: AttrValue | AttrValue[] | null;
  /** why `value` is null although the attribute has one */
  not_shown?: string;
}

function item(kind: H5Attribute['kind'], dtype: string | null, v: number | bigint | string | Uint8Array | null): AttrValue {
  if (v === null) return null;
  if (kind === 'float') return jsonReal(v as number);
  if (kind === 'int' || kind === 'uint') {
    // integers beyond 2^53 do not survive a JSON number: they are decimal strings
    const b = v as bigint;
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
  }
  if (kind === 'enum') return dtype === 'bool' ? v === 'TRUE' : (v as string);
  if (kind === 'string') return decodeName(v as Uint8Array).text;
  return null;
}

export function attributeJson(a: H5Attribute): AttributeJson {
  const out: AttributeJson = { name: decodeName(a.name).text, type: a.storedType, dtype: a.dtype, shape: a.shape, value: null };
  if (a.shape === null) return out;
  if (a.kind === null || a.value === null) {
    out.not_shown = a.kind === null && a.value === null && /^(compound|array|variable-length sequence|reference|opaque|bitfield|time)/.test(a.storedType) ? `${a.storedType.split(' ')[0]} values are not shown` : 'not read (over 1 MiB, or unreadable)';
    return out;
  }
  let values: AttrValue[];
  if (a.kind === 'complex') {
    values = [];
    for (let i = 0; i + 1 < a.value.length; i += 2) values.push([jsonReal(a.value[i] as number), jsonReal(a.value[i + 1] as number)]);
  } else {
    values = a.value.map((v) => item(a.kind, a.dtype, v));
  }
  out.value = a.shape.length === 0 ? (values[0] ?? null) : values;
  return out;
}

/** A dataset's facts as --json names them (snake_case). */
export interface DatasetJson {
  shape: number[];
  scalar: boolean;
  dtype: string | null;
  stored_type: string;
  itemsize: number;
  layout: H5DatasetInfo['layout'];
  chunks: number[] | null;
  maxshape: (number | null)[];
  filters: string[];
  storage_size: number;
  committed_type: boolean;
}

export function datasetJson(d: H5DatasetInfo): DatasetJson {
  return {
    shape: d.shape,
    scalar: d.scalar,
    dtype: d.dtype,
    stored_type: d.typeDetail,
    itemsize: d.itemsize,
    layout: d.layout,
    chunks: d.chunks,
    maxshape: d.maxshape,
    filters: d.filters,
    storage_size: d.storageSize,
    committed_type: d.committedType,
  };
}

export interface TreeObject {
  path: string;
  /** false: the path's bytes are not valid UTF-8 (shown with \xNN) */
  utf8: boolean;
  depth: number;
  link: H5TreeEntry['link'];
  /** what the link leads to; null: dangling soft link, external link (not followed) */
  kind: 'group' | 'dataset' | 'datatype' | 'unknown' | null;
  /** a further hard link (or a soft link) to an object listed at this path */
  same_as?: string;
  target?: string;
  target_file?: string;
  dataset?: DatasetJson;
  stored_type?: string;
  attributes?: AttributeJson[];
}

export interface FileListing {
  command: 'info';
  file: string;
  bytes_on_disk: number;
  counts: { groups: number; datasets: number; datatypes: number; soft_links: number; external_links: number; hard_links: number };
  objects: TreeObject[];
  timing: { total_s: number };
}

/** The tree of a checked file, exit 2 when HDF5 cannot read its objects. */
export function fileTree(file: string): FileListing {
  try {
    return readFileTree(file);
  } catch (e) {
    throw unreadableSource(file, e);
  }
}

/** Reads the file's tree on the launcher (the file was checked by inspectFileSource's rules). */
export function readFileTree(file: string): FileListing {
  const native = loadH5();
  const fid = native.h5Open(file, 'r', false);
  let entries: H5TreeEntry[];
  try {
    entries = native.h5Tree(fid);
  } finally {
    native.h5Close(fid);
  }
  return buildListing(file, statSync(file).size, entries);
}

export function buildListing(file: string, size: number, entries: H5TreeEntry[]): FileListing {
  const firstAt = new Map<number, string>();
  const counts = { groups: 0, datasets: 0, datatypes: 0, soft_links: 0, external_links: 0, hard_links: 0 };
  const objects = entries.map((e): TreeObject => {
    const { text, utf8 } = decodeName(e.path);
    const o: TreeObject = { path: text, utf8, depth: text === '/' ? 0 : text.split('/').length - 1, link: e.link, kind: e.kind };
    if (e.target) o.target = decodeName(e.target).text;
    if (e.targetFile) o.target_file = decodeName(e.targetFile).text;
    if (e.link === 'soft') counts.soft_links++;
    if (e.link === 'external') counts.external_links++;
    if (e.address !== undefined && e.link !== 'soft') {
      const first = firstAt.get(e.address);
      if (first !== undefined) {
        o.same_as = first;
        counts.hard_links++;
      } else {
        firstAt.set(e.address, text);
        if (e.kind === 'group') counts.groups++;
        if (e.kind === 'dataset') counts.datasets++;
        if (e.kind === 'datatype') counts.datatypes++;
      }
    }
    if (e.dataset) o.dataset = datasetJson(e.dataset);
    if (e.storedType !== undefined) o.stored_type = e.storedType;
    if (e.attributes) o.attributes = e.attributes.map(attributeJson);
    return o;
  });
  // a soft link names the object it leads to (links are visited in name order, so the
  // object may be listed after the link: resolved once every hard link is known)
  entries.forEach((e, i) => {
    if (e.link === 'soft' && e.address !== undefined) objects[i].same_as = firstAt.get(e.address);
  });
  return { command: 'info', file, bytes_on_disk: size, counts, objects, timing: { total_s: 0 } };
}

/** The attributes of one object (info FILE:/dataset), read on the launcher. */
export function readAttributes(file: string, path: string): AttributeJson[] {
  const native = loadH5();
  const fid = native.h5Open(file, 'r', false);
  try {
    return native.h5Attributes(fid, path).map(attributeJson);
  } finally {
    native.h5Close(fid);
  }
}
