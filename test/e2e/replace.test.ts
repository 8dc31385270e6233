/**
 * `--out FILE:/ds --force` onto an HDF5 file that holds nothing but that dataset writes a
 * new file instead of copying the old one and replacing the dataset in the copy (the copy
 * of 1 GiB was a second GiB through the page cache and to disk: bench/RESULTS.md). The
 * result must be what the copy gives: files with anything else in them (another dataset,
 * attributes of the root or of a group on the way, soft, external or second hard links,
 * empty groups, named datatypes, a user block) keep it, read back by h5py.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { holdsOnly } from '../../src/runtime/output.js';
import { dndJson } from '../helpers/run.js';
import { PYTHON, tempDir } from '../helpers/files.js';
import { ROOT } from '../helpers/run.js';

type Shown = Record<string, { link?: string; type?: string; attrs?: Record<string, string>; values?: unknown; userblock?: number }>;

function show(file: string): Shown {
  return JSON.parse(execFileSync(PYTHON, [`${ROOT}test/py/replace_cases.py`, 'show', file], { encoding: 'utf8' })) as Shown;
}

function make(): string {
  const dir = tempDir();
  execFileSync(PYTHON, [`${ROOT}test/py/replace_cases.py`, 'make', dir]);
  return dir;
}

const NEW = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]];

describe('--force onto a file that holds only the dataset: a new file, the same result', () => {
  it('which files hold nothing else (the decision, on files h5py wrote)', () => {
    const dir = make();
    const expect: [string, string, boolean][] = [
      ['only.h5', '/data', true],
      ['nested.h5', '/g/h/data', true],
      ['nested.h5', 'g/h/data', true],
      ['nested.h5', '/g/data', false], // another path: /g/h/data would be kept
      ['other.h5', '/data', false],
      ['rootattr.h5', '/data', false],
      ['groupattr.h5', '/g/data', false],
      ['soft.h5', '/data', false],
      ['external.h5', '/data', false],
      ['emptygroup.h5', '/data', false],
      ['userblock.h5', '/data', false],
      ['twonames.h5', '/data', false],
      ['datatype.h5', '/data', false],
    ];
    for (const [file, ds, only] of expect) assert.equal(holdsOnly(join(dir, file), ds), only, `${file}:${ds}`);
    assert.equal(holdsOnly(join(dir, 'missing.h5'), '/data'), false);
  });

  it('replaced on 1-3 ranks: the new values and nothing else; the file\'s mode kept', () => {
    for (const n of [1, 2, 3]) {
      const dir = make();
      for (const [file, ds] of [['only.h5', '/data'], ['nested.h5', '/g/h/data']]) {
        const path = join(dir, file);
        execFileSync('chmod', ['640', path]);
        const r = dndJson<{ out: { file: string; dataset: string } }>(['create', 'arange', '6,2', '--dtype', 'float64', '-n', String(n), '--out', `${path}:${ds}`, '--force']);
        assert.equal(r.out.dataset, ds);
        const s = show(path);
        const names = Object.keys(s).filter((k) => k !== '/');
        const groups = ds.split('/').filter(Boolean).slice(0, -1).map((_, i, a) => `/${a.slice(0, i + 1).join('/')}`);
        assert.deepEqual(names.sort(), [...groups, ds].sort(), `${file} -n ${n}`);
        assert.deepEqual(s[ds].values, NEW);
        assert.deepEqual(s[ds].attrs, {}, 'the old dataset\'s attributes went with it');
        assert.equal(statSync(path).mode & 0o777, 0o640);
      }
    }
  });

  it('anything else in the file outlives the replacement (copy path), on 2 ranks', () => {
    const dir = make();
    const cases: [string, string][] = [
      ['other.h5', '/data'],
      ['rootattr.h5', '/data'],
      ['groupattr.h5', '/g/data'],
      ['soft.h5', '/data'],
      ['external.h5', '/data'],
      ['emptygroup.h5', '/data'],
      ['userblock.h5', '/data'],
      ['datatype.h5', '/data'],
      ['twonames.h5', '/data'], // the second name keeps the old dataset
    ];
    for (const [file, ds] of cases) {
      const path = join(dir, file);
      const before = show(path);
      dndJson(['create', 'arange', '6,2', '--dtype', 'float64', '-n', '2', '--out', `${path}:${ds}`, '--force']);
      const after = show(path);
      assert.deepEqual(after[ds].values, NEW, file);
      // everything but the dataset is as it was
      const rest = (x: Shown) => Object.fromEntries(Object.entries(x).filter(([k]) => k !== ds));
      assert.deepEqual(rest(after), rest(before), file);
    }
  });
});
