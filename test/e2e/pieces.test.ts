/**
 * Transfers in pieces, as done when progress is shown on a terminal (dnd/pieces.ts):
 * DND_PIECE_BYTES forces tiny pieces, so every read, write and random fill is cut into many
 * collective calls, with ranks that have fewer rows than pieces (or none) taking part
 * empty. The bytes must be exactly those of one call: checked with h5py's digest of the
 * files and dnd's own fingerprint, against runs without pieces.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dnd, dndJson } from '../helpers/run.js';
import { py, tempDir } from '../helpers/files.js';

type Report = { checksum?: string };
const digest = (file: string) => py<{ sha256: string; shape: number[] }>('digest.py', [file, '/data']);

describe('transfers in pieces give the bytes of one transfer', () => {
  const dir = tempDir();
  const cases: { n: number; split: string; shape: string; extra: string[]; kind: string; dtype: string }[] = [
    { n: 1, split: '0', shape: '37,5,3', extra: [], kind: 'randn', dtype: 'float32' },
    { n: 3, split: '0', shape: '7,4,3', extra: ['--counts', '5,0,2'], kind: 'randint', dtype: 'int16' },
    { n: 4, split: '2', shape: '3,5,13', extra: [], kind: 'randn', dtype: 'float64' },
    { n: 2, split: 'none', shape: '6,7', extra: [], kind: 'rand', dtype: 'float64' },
    { n: 3, split: '0', shape: '2,1000', extra: [], kind: 'ones', dtype: 'complex64' },
  ];
  for (const c of cases) {
    it(`${c.kind} ${c.shape} ${c.dtype} split ${c.split} -n ${c.n}${c.extra.length ? ` ${c.extra.join(' ')}` : ''}: create, read back, resplit`, () => {
      const tag = `${c.kind}-${c.n}-${c.split}-${c.dtype}`;
      const args = ['create', c.kind, c.shape, '--dtype', c.dtype, '--split', c.split, '-n', String(c.n), '--seed', '11', '--checksum', ...c.extra];
      if (c.kind === 'randint') args.push('--low', '-50', '--high', '50');
      const whole = dndJson<Report>([...args, '--out', `${dir}/${tag}-one.h5:/data`]);
      const cut = dndJson<Report>([...args, '--out', `${dir}/${tag}-cut.h5:/data`], { env: { DND_PIECE_BYTES: '24' } });
      assert.equal(cut.checksum, whole.checksum, 'the random fill in pieces draws the same values');
      assert.deepEqual(digest(`${dir}/${tag}-cut.h5`), digest(`${dir}/${tag}-one.h5`), 'the file written in pieces holds the same bytes');
      // read in pieces, at another rank count, and moved and written again in pieces
      const m = String(5 - c.n);
      const read = dndJson<Report>(['info', `${dir}/${tag}-one.h5:/data`, '-n', m, '--checksum'], { env: { DND_PIECE_BYTES: '40' } });
      assert.equal(read.checksum, whole.checksum);
      const moved = dnd(['resplit', `${dir}/${tag}-one.h5:/data`, '--axis', '0', '-n', m, '--out', `${dir}/${tag}-moved.h5:/data`], { env: { DND_PIECE_BYTES: '16' } });
      assert.equal(moved.code, 0, moved.stderr);
      assert.deepEqual(digest(`${dir}/${tag}-moved.h5`), digest(`${dir}/${tag}-one.h5`));
    });
  }

  it('a bad DND_PIECE_BYTES is ignored (one piece) with one warning, not an error', () => {
    const r = dnd(['create', 'randn', '5,3', '-n', '2', '--out', `${dir}/bad.h5:/data`], { env: { DND_PIECE_BYTES: 'lots' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'dnd: warning: DND_PIECE_BYTES="lots" is not a whole number of bytes: it acts as unset (pieces only while progress is shown)\n');
  });
});
