/**
 * complex64 and complex128 both ways with h5py (compound {r, i}, as h5py stores them), on
 * 1-4 ranks: dnd reads what h5py wrote (its fingerprint the same for every -n and split,
 * and equal to dnd's own create of the same array), h5py reads what dnd wrote bit for bit
 * (NaN and infinite parts too), and resplit/redistribute keep every bit of complex data.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { balancedLshapeMap } from '../../src/dnd/layout.js';
import type { InfoReport } from '../../src/runtime/jobs/info.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { PYTHON, tempDir } from '../helpers/files.js';
import { dnd, dndJson, mpiEnv, ROOT } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import { sweep, type SweepItem } from '../helpers/sweep.js';

interface Made {
  dataset: string;
  shape: number[];
  dtype: 'complex64' | 'complex128';
}

interface Dumped {
  dtype: string;
  shape: number[];
  bits: number[];
  values: [string, string][];
  fields: string[] | null;
}

function py<T>(args: string[]): T {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OMPI_') || k.startsWith('PMIX_')) delete env[k];
  return JSON.parse(execFileSync(PYTHON, [`${ROOT}test/py/complex_files.py`, ...args], { encoding: 'utf8', env })) as T;
}

describe('complex: dnd reads what h5py wrote', () => {
  const dir = tempDir();
  const file = `${dir}/h5py.h5`;
  let made: Made[] = [];
  before(() => {
    made = py<Made[]>(['make', dir]);
  });

  it('h5py complex datasets: dtype, shape, one fingerprint for every -n (1-4) and split', () => {
    const items: SweepItem[] = made.flatMap((m) => ['none', ...m.shape.map((_, i) => String(i))].map((split): SweepItem => [file, m.dataset, split]));
    // every (dataset, split) pair at every -n: one job per rank count (helpers/sweep.ts)
    const swept = [1, 2, 3, 4].map((n) => sweep(n, items, dir));
    made.forEach((m, k) => {
      const src = `${file}:${m.dataset}`;
      // through the command line once per dataset, at a rank count and split that rotate
      const splits = ['none', ...m.shape.map((_, i) => String(i))];
      const split = splits[k % splits.length];
      const ranks = (k % 4) + 1;
      const r = dndJson<InfoReport>(['info', src, '-n', String(ranks), '--split', split, '--checksum']);
      assertSchema('array-report', r);
      assert.equal(r.dtype, m.dtype, src);
      assert.deepEqual(r.gshape, m.shape, src);
      assert.equal(r.gnbytes, m.shape.reduce((a, b) => a * b, 1) * (m.dtype === 'complex64' ? 8 : 16), `${src}: itemsize`);
      assert.equal(r.sum, undefined, 'complex has no sum');
      assert.deepEqual(r.lshape_map, balancedLshapeMap(m.shape, split === 'none' ? null : Number(split), ranks));
      const want = split === 'none' ? r.ranks[0].checksum : r.checksum;
      swept.forEach((results, i) => {
        items.forEach(([, dataset, s], j) => {
          if (dataset !== m.dataset) return;
          const got = results[j];
          const axis = s === 'none' ? null : Number(s);
          assert.equal(got.dtype, m.dtype, src);
          assert.deepEqual(got.gshape, m.shape, src);
          assert.deepEqual(got.lshape_map, balancedLshapeMap(m.shape, axis, i + 1), `${src} split ${s} n ${i + 1}`);
          for (const fp of axis === null ? (got.copies ?? []) : [got.checksum]) assert.equal(fp, want, `${src} split ${s} n ${i + 1}`);
        });
      });
    });
  });

  it('equals dnd create of the same array (full 1.5-2j, eye), and parts swapped differ', () => {
    for (const dtype of ['complex64', 'complex128']) {
      const full = dndJson<ArrayReport>(['create', 'full', '5,3', '--dtype', dtype, '--value', '1.5-2j', '-n', '2', '--checksum']).checksum;
      const eye = dndJson<ArrayReport>(['create', 'eye', '4,6', '--dtype', dtype, '-n', '3', '--checksum']).checksum;
      for (const n of [1, 3, 4]) {
        assert.equal(dndJson<InfoReport>(['info', `${file}:/full_${dtype}`, '-n', String(n), '--checksum']).checksum, full, `full ${dtype} n ${n}`);
        assert.equal(dndJson<InfoReport>(['info', `${file}:/eye_${dtype}`, '-n', String(n), '--split', '1', '--checksum']).checksum, eye, `eye ${dtype} n ${n}`);
      }
      const swapped = dndJson<InfoReport>(['info', `${file}:/swapped_${dtype}`, '-n', '2', '--checksum']).checksum;
      assert.notEqual(swapped, full, `${dtype}: re and im swapped must differ`);
    }
    const c64 = dndJson<ArrayReport>(['create', 'ones', '4', '--dtype', 'complex64', '--checksum']).checksum;
    const c128 = dndJson<ArrayReport>(['create', 'ones', '4', '--dtype', 'complex128', '--checksum']).checksum;
    const f32 = dndJson<ArrayReport>(['create', 'ones', '4,2', '--dtype', 'float32', '--checksum']).checksum;
    assert.equal(new Set([c64, c128, f32]).size, 3, 'complex64, complex128 and the float32 of the same parts differ');
  });

  it('the fingerprint covers every byte of an item: one bit flipped in any of its 8 or 16 bytes changes it', () => {
    const base = dndJson<InfoReport>(['info', `${file}:/bits_complex64`, '-n', '2', '--checksum']).checksum;
    for (const [dtype, nbytes] of [['complex64', 8], ['complex128', 16]] as const) {
      const items: SweepItem[] = [[file, `/bits_${dtype}`, '0'], ...Array.from({ length: nbytes }, (_, b): SweepItem => [file, `/bits_${dtype}_${b}`, '0'])];
      const [two, three] = [2, 3].map((n) => sweep(n, items, dir).map((x) => x.checksum));
      assert.deepEqual(three, two, `${dtype}: the same at -n 2 and 3`);
      if (dtype === 'complex64') assert.equal(two[0], base, 'the sweep agrees with dnd info --checksum');
      assert.equal(new Set(two).size, nbytes + 1, `${dtype}: all different`);
    }
  });

  it('chunked and gzip complex datasets read the same as contiguous ones', () => {
    for (const name of ['chunked_complex64', 'chunked_complex128', 'gzip_complex64']) {
      const out = `${dir}/copy_${name}.h5`;
      const r = dnd(['resplit', `${file}:/${name}`, '--axis', '1', '-n', '3', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(py<{ same: boolean }>(['same', out, '/data', `${dir}/${name}.npy`]).same, true, name);
    }
  });

  it('a compound that is not h5py complex is refused before launch, naming what is supported', () => {
    for (const name of ['mixed', 'other_names']) {
      const r = dnd(['info', `${file}:/${name}`, '-n', '2']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /compound values, which dnd cannot load: supported are .*complex64\/128/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });

  it('resplit and redistribute of complex data keep every bit (h5py reads the result), 1-4 ranks', () => {
    const moves: string[][] = [
      ['resplit', '--axis', '1', '-n', '3'], // not contiguous: subarray datatypes of 8/16-byte items
      ['resplit', '--axis', 'none', '-n', '2'],
      ['resplit', '--split', 'none', '--axis', '0', '-n', '4'], // local copy of my box, no MPI
      ['redistribute', '--target', '0,5,0,2', '-n', '4'],
      ['redistribute', '--split', '1', '--target', '4,1', '-n', '2'],
      ['resplit', '--axis', '1', '-n', '1'],
    ];
    let i = 0;
    const checks: { dtype: string; move: string[]; args: string[] }[] = [];
    for (const dtype of ['complex64', 'complex128']) {
      const name = `varied_${dtype}_7x5`;
      for (const move of moves) {
        const out = `${dir}/moved${i++}.h5`;
        const [cmd, ...rest] = move;
        const r = dndJson<ArrayReport>([cmd, `${file}:/${name}`, ...rest, '--checksum', '--out', out]);
        assert.equal(r.dtype, dtype);
        checks.push({ dtype, move, args: [out, '/data', `${dir}/${name}.npy`] });
      }
    }
    // h5py reads them all in one Python process
    const got = py<{ same: boolean; dtype: string }[]>(['same-many', ...checks.flatMap((c) => c.args)]);
    checks.forEach((c, k) => {
      assert.equal(got[k].dtype, c.dtype, c.move.join(' '));
      assert.equal(got[k].same, true, `${c.dtype} ${c.move.join(' ')}: every bit`);
    });
  });
});

describe('complex: h5py reads what dnd wrote', () => {
  const dir = tempDir();

  it('full with NaN, inf and -0 parts: exact values and h5py complex dtype, 1-4 ranks', () => {
    const cases: [string, string, [string, string]][] = [
      ['complex64', 'nan+infj', ['nan', 'inf']],
      ['complex128', '-inf-0j', ['-inf', '-0.0']],
      ['complex128', '(1e-300-2.5e+300j)', ['1e-300', '-2.5e+300']],
      ['complex64', '-j', ['0.0', '-1.0']],
      ['complex64', '3', ['3.0', '0.0']],
      ['complex128', '0.1+0.2j', ['0.1', '0.2']],
    ];
    cases.forEach(([dtype, value, want], k) => {
      const n = (k % 4) + 1;
      const out = `${dir}/full${k}.h5`;
      const r = dnd(['create', 'full', '3,2', '--dtype', dtype, '--value', value, '-n', String(n), '--out', `${out}:/z`]);
      assert.equal(r.code, 0, r.stderr);
      const d = py<Dumped>(['dump', out, '/z']);
      assert.equal(d.dtype, dtype);
      assert.deepEqual(d.shape, [3, 2]);
      const wantRe = dtype === 'complex64' && want[0] === '0.1' ? String(Math.fround(0.1)) : want[0];
      for (const v of d.values) assert.deepEqual(v, [wantRe, want[1]], `${dtype} ${value}`);
    });
  });

  it('zeros, ones, empty, eye as complex: h5py values, -n 1..4, every split (eye), splits in turn (the others)', () => {
    const expect: Record<string, (r: number, c: number) => string> = { zeros: () => '0.0', empty: () => '0.0', ones: () => '1.0', eye: (r, c) => (r === c ? '1.0' : '0.0') };
    let n = 1;
    const made: { kind: string; dtype: string; split: string; out: string }[] = [];
    for (const kind of Object.keys(expect)) {
      for (const dtype of ['complex64', 'complex128']) {
        // eye's diagonal depends on where a block starts: every split; the others in turn
        const splits = kind === 'eye' ? ['0', '1', 'none'] : [['0', '1', 'none'][made.length % 3]];
        for (const split of splits) {
          const out = `${dir}/${kind}-${dtype}-${split}.h5`;
          const r = dnd(['create', kind, '5,3', '--dtype', dtype, '--split', split, '-n', String(n), '--out', out]);
          assert.equal(r.code, 0, r.stderr);
          n = (n % 4) + 1;
          made.push({ kind, dtype, split, out });
        }
      }
    }
    // h5py reads them all in one Python process
    const dumped = py<Dumped[]>(['dump-many', ...made.flatMap((m) => [m.out, '/data'])]);
    made.forEach(({ kind, dtype, split }, k) => {
      const d = dumped[k];
      assert.equal(d.dtype, dtype);
      assert.deepEqual(d.fields, ['r', 'i'], 'h5py sees its own complex compound');
      d.values.forEach(([re, im], i) => {
        assert.equal(re, expect[kind](Math.floor(i / 3), i % 3), `${kind} ${dtype} split ${split} [${i}]`);
        assert.equal(im, '0.0');
      });
    });
  });

  it('empty dimensions and ranks without rows', () => {
    const out = `${dir}/empty.h5`;
    const r = dnd(['create', 'ones', '0,3', '--dtype', 'complex128', '-n', '3', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(py<Dumped>(['dump', out, '/data']).shape, [0, 3]);
    const few = `${dir}/few.h5`;
    const r2 = dnd(['create', 'full', '2,2', '--dtype', 'complex64', '--value', '1+1j', '--counts', '0,2,0', '-n', '3', '--out', few]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(py<Dumped>(['dump', few, '/data']).values, Array(4).fill(['1.0', '1.0']));
  });
});

describe('complex: bad input is exit 2 before launch, one line', () => {
  const dir = tempDir();
  before(() => {
    py<Made[]>(['make', dir]);
  });
  const cases: [string[], RegExp][] = [
    [['create', 'arange', '4', '--dtype', 'complex64'], /arange cannot make complex64: complex arrays come from zeros, ones, empty, full, eye/],
    [['create', 'linspace', '4', '--dtype', 'complex128'], /linspace cannot make complex128/],
    [['create', 'randn', '4', '--dtype', 'complex64'], /randn cannot make complex64/],
    [['create', 'rand', '4', '--dtype', 'complex128'], /rand cannot make complex128/],
    [['create', 'randint', '4', '--dtype', 'complex64'], /randint cannot make complex64/],
    [['info', 'randn:4', '--dtype', 'complex64'], /randn cannot make complex64/],
    [['create', 'full', '4', '--dtype', 'float32', '--value', '1+2j'], /--value \[1, 2\] is a complex value: it needs dtype complex64 or complex128, got float32/],
    [['create', 'full', '4', '--dtype', 'complex64', '--value', '1+2x'], /Expected --value as a complex number .* but received '1\+2x'/],
    [['create', 'full', '4', '--dtype', 'complex64', '--value', '1e39j'], /--value imaginary part 1e\+39 does not fit float32/],
    [['create', 'full', '4', '--dtype', 'complex64'], /full needs --value/],
  ];
  for (const [args, re] of cases) {
    it(args.join(' '), () => {
      const r = dnd([...args, '-n', '2']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
  it('info --stats of a complex file and generator', () => {
    for (const src of [`${dir}/h5py.h5:/full_complex64`, 'zeros:4']) {
      const r = dnd(['info', src, '--stats', '-n', '2', ...(src.startsWith('zeros') ? ['--dtype', 'complex128'] : [])]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--stats is for real dtypes: complex(64|128) has no min or max/);
    }
  });
});

describe('complex in the library, on real ranks (test/mpi/complex-ranks.mjs)', () => {
  const dir = tempDir();
  for (const n of [1, 2, 3, 4]) {
    it(`${n} rank(s): factories, array, copy, resplit, redistribute, save/load, refusals`, () => {
      const file = `${dir}/lib${n}.h5`;
      const r = spawnSync('mpiexec', ['-n', String(n), process.execPath, `${ROOT}test/mpi/complex-ranks.mjs`, file], { encoding: 'utf8', env: mpiEnv(), timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { size: number; cases: number; failures: string[] };
      assert.equal(out.size, n);
      assert.deepEqual(out.failures, []);
      assert.ok(out.cases >= 140, `${out.cases} cases`);
      // h5py reads the library's save as its own complex
      for (const dtype of ['complex64', 'complex128']) {
        const d = py<Dumped>(['dump', file, `/${dtype}`]);
        assert.equal(d.dtype, dtype);
        assert.deepEqual(d.shape, [7, 4, 3]);
        assert.deepEqual(d.values[0], ['-2.0', '100.0']);
        assert.deepEqual(d.values[1], ['-1.5', '-inf']);
        assert.deepEqual(d.values[3], ['-0.0', '97.0']);
      }
    });
  }
});
