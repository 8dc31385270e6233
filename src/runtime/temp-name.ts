/**
 * Names of the temporary files dnd writes beside a target (an --out file, a --trace file)
 * before renaming them into place: hidden, tagged with the job, and never longer than a
 * file name may be, however long the target's name is.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/** node:crypto, loaded only when a job writes a file (4-6 ms of a start here, src/runtime/job-token.ts) */
const load = createRequire(import.meta.url);
const sha256Hex = (text: string): string => (load('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(text).digest('hex');

/**
 * The stem of temporary and lock names: the target's name, shortened (with a hash of the
 * whole name) so that `.STEM.dnd-<12 hex>.tmp` stays within NAME_MAX (255 bytes) — a
 * longer temporary name aborts inside Open MPI — and without colons, which MPI-IO may
 * read as a file-system prefix (see mpioName in dnd/io.ts).
 */
export function tempStem(name: string): string {
  const hash = () => sha256Hex(name).slice(0, 16);
  const plain = name.replaceAll(':', '_');
  if (Buffer.byteLength(plain) <= 200) return plain === name ? name : `${plain}~${hash()}`;
  let cut = plain;
  while (Buffer.byteLength(cut) > 180) cut = cut.slice(0, -1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // never half a surrogate pair
  return `${cut}~${hash()}`;
}

/** The temporary file of one job: the token is hashed so the name is always 12 hex digits. */
export function tempPathFor(file: string, token: string): string {
  const tag = sha256Hex(token).slice(0, 12);
  return join(dirname(file), `.${tempStem(basename(file))}.dnd-${tag}.tmp`);
}
