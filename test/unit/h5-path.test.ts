/**
 * Dataset names (src/dnd/h5-path.ts): every spelling of length up to five components over
 * {'', '.', '..', 'a', 'b', 'x'}, each checked for the canonical form's own rules and
 * against what HDF5 itself opens under that spelling, in a real file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { datasetPath, newDatasetPath } from '../../src/dnd/h5-path.js';
import { isDndError } from '../../src/dnd/errors.js';
import { loadH5 } from '../../src/native/index.js';

const PARTS = ['', '.', '..', 'a', 'b', 'x'];

function* spellings(maxParts: number): Generator<string> {
  function* rec(prefix: string[]): Generator<string[]> {
    if (prefix.length > 0) yield prefix;
    if (prefix.length === maxParts) return;
    for (const p of PARTS) yield* rec([...prefix, p]);
  }
  for (const parts of rec([])) {
    yield parts.join('/');
    yield `/${parts.join('/')}`;
  }
}

function usage(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    assert.ok(isDndError(e) && e.tag === 'usage', `not a usage error: ${String(e)}`);
    return e.message;
  }
}

describe('dataset names as HDF5 reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnd-h5path-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the canonical form: rooted, no empty or "." parts, stable, and the same parts otherwise', () => {
    let n = 0;
    for (const name of spellings(5)) {
      n++;
      const given = name.split('/').filter((p) => p !== '');
      const kept = given.filter((p) => p !== '.');
      const err = usage(() => datasetPath(name));
      if (kept.length === 0) {
        assert.match(err ?? '', /names the root group, not a dataset/, name);
        continue;
      }
      if (given.at(-1) === '.') {
        assert.match(err ?? '', /ends in '\.', which names a group, not a dataset/, name);
        continue;
      }
      assert.equal(err, null, name);
      const path = datasetPath(name);
      assert.equal(path, `/${kept.join('/')}`, name);
      assert.equal(datasetPath(path), path, `${name}: not stable`);
      assert.ok(!path.includes('//') && !path.split('/').includes('.') && !(path.length > 1 && path.endsWith('/')), path);
      // a new dataset is never created under a '..' link
      const created = usage(() => newDatasetPath(name));
      if (kept.includes('..')) assert.match(created ?? '', /contains '\.\.', which HDF5 does not read as the parent group/, name);
      else assert.equal(newDatasetPath(name), path, name);
    }
    assert.equal(n, 2 * (6 + 36 + 216 + 1296 + 7776));
  });

  it('HDF5 opens a spelling exactly when its canonical form names a dataset there', () => {
    const h5 = loadH5();
    const file = join(dir, 'paths.h5');
    // '..' is an ordinary link name in HDF5: /a/../x is a dataset inside a group called '..'
    const datasets = ['/x', '/a/x', '/a/b/x', '/b/x', '/a/../x'];
    const fid = h5.h5Open(file, 'create', false);
    try {
      for (const d of datasets) h5.h5Create(fid, d, 'float32', [1]);
      let checked = 0;
      for (const name of spellings(4)) {
        const canonical = usage(() => datasetPath(name)) === null ? datasetPath(name) : null;
        let opened = false;
        try {
          opened = h5.h5Describe(fid, name) !== null;
        } catch {
          opened = false;
        }
        assert.equal(opened, canonical !== null && datasets.includes(canonical), `HDF5 and datasetPath disagree on '${name}' (canonical ${canonical})`);
        checked++;
      }
      assert.ok(checked > 3000);
    } finally {
      h5.h5Close(fid);
    }
  });
});
