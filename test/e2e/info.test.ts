/**
 * `dnd info` as a better h5ls -r / h5dump -H: a file's objects as a tree (no job), a
 * dataset's attributes, the warning of a split that cuts every chunk, and a layout that
 * reads no data without --stats/--checksum. Files are written by h5py and every fact is
 * checked against h5py's own view of the same file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PYTHON, py, tempDir } from '../helpers/files.js';
import { dnd, dndJson } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import { checkTrace } from '../helpers/trace-events.js';

interface PyView {
  objects: Record<string, { link: string; kind?: string; shape?: number[]; chunks?: number[] | null; maxshape?: (number | null)[] | null; compression?: string | null; addr?: number; target?: string; file?: string }>;
  attrs: Record<string, Record<string, unknown>>;
}

interface Obj {
  path: string;
  utf8: boolean;
  link: string;
  kind: string | null;
  same_as?: string;
  target?: string;
  target_file?: string;
  dataset?: { shape: number[]; scalar: boolean; chunks: number[] | null; maxshape: (number | null)[]; filters: string[]; stored_type: string; committed_type: boolean; dtype: string | null };
  stored_type?: string;
  attributes?: { name: string; type: string; dtype: string | null; shape: number[] | null; value: unknown; not_shown?: string }[];
}

interface Listing {
  command: string;
  counts: Record<string, number>;
  objects: Obj[];
}

/** h5py, written in a Python one-liner file: arguments only, never a shell string */
function h5py(code: string, ...args: string[]): void {
  execFileSync(PYTHON, ['-c', `import sys, h5py, numpy as np\n${code}`, ...args]);
}

describe('dnd info FILE: the objects of a file, as h5py sees them', () => {
  const dir = tempDir('dnd-info-');
  const tree = join(dir, 'tree.h5');
  const DEPTH = 40;
  let view: PyView;
  let listing: Listing;

  before(() => {
    view = py<PyView>('make_tree.py', [tree, String(DEPTH)]);
    listing = dndJson<Listing>(['info', tree]);
  });

  it('lists every link h5py visits, with the same kind, shape, chunks, maxshape and compression', () => {
    assertSchema('file-listing', listing);
    const byPath = new Map(listing.objects.map((o) => [o.path, o]));
    assert.equal(listing.objects[0].path, '/');
    assert.deepEqual([...byPath.keys()].slice(1).sort(), Object.keys(view.objects).sort());
    for (const [path, p] of Object.entries(view.objects)) {
      const o = byPath.get(path)!;
      assert.equal(o.link, p.link, path);
      if (p.link === 'hard' && !o.same_as) {
        assert.equal(o.kind, p.kind, path);
        if (p.kind === 'dataset') {
          assert.deepEqual(o.dataset!.shape, p.shape, path);
          assert.deepEqual(o.dataset!.chunks, p.chunks, path);
          assert.deepEqual(o.dataset!.maxshape, p.maxshape, path);
          assert.equal(o.dataset!.filters.length > 0, p.compression !== null, path);
        }
      }
    }
  });

  it('hard links to one object: listed once, the others say "same as" (h5py: one address)', () => {
    const byPath = new Map(listing.objects.map((o) => [o.path, o]));
    assert.equal(view.objects['/g/h'].addr, view.objects['/a'].addr);
    assert.equal(byPath.get('/g/h')!.same_as, '/a');
    assert.equal(byPath.get('/g/h')!.dataset, undefined);
    assert.equal(byPath.get('/a')!.same_as, undefined);
    assert.equal(listing.counts.hard_links, 1);
  });

  it('soft, dangling and external links: their targets, the external one not followed', () => {
    const byPath = new Map(listing.objects.map((o) => [o.path, o]));
    assert.deepEqual([byPath.get('/g/s')!.target, byPath.get('/g/s')!.kind, byPath.get('/g/s')!.same_as], [view.objects['/g/s'].target, 'dataset', '/g/b']);
    assert.deepEqual([byPath.get('/g/dangling')!.target, byPath.get('/g/dangling')!.kind], ['/nowhere', null]);
    const ext = byPath.get('/g/ext')!;
    assert.deepEqual([ext.target_file, ext.target, ext.kind], [view.objects['/g/ext'].file, view.objects['/g/ext'].target, null]);
    assert.equal(listing.counts.soft_links, 2);
    assert.equal(listing.counts.external_links, 1);
  });

  it('committed datatypes, scalar, compound and complex datasets, a name that is not UTF-8, deep groups', () => {
    const byPath = new Map(listing.objects.map((o) => [o.path, o]));
    assert.deepEqual([byPath.get('/t')!.kind, byPath.get('/t')!.stored_type], ['datatype', 'little-endian float64']);
    assert.equal(byPath.get('/tc')!.dataset!.committed_type, true);
    assert.equal(byPath.get('/a')!.dataset!.committed_type, false);
    assert.deepEqual([byPath.get('/scalar')!.dataset!.scalar, byPath.get('/scalar')!.dataset!.shape], [true, []]);
    assert.equal(byPath.get('/comp')!.dataset!.stored_type, 'compound {p: little-endian int32, q: little-endian float64}');
    assert.equal(byPath.get('/comp')!.dataset!.dtype, null);
    assert.equal(byPath.get('/cplx')!.dataset!.dtype, 'complex128');
    // Python's backslashreplace of the same bytes
    const bad = byPath.get('/bad\\xffname')!;
    assert.deepEqual([bad.utf8, bad.kind], [false, 'group']);
    assert.ok(listing.objects.filter((o) => o.path !== '/bad\\xffname').every((o) => o.utf8));
    const leaf = `${'/d'.repeat(DEPTH)}/leaf`;
    assert.deepEqual(byPath.get(leaf)!.dataset!.shape, [2]);
    assert.equal(listing.counts.groups, 1 + 1 + 1 + DEPTH); // root, /g, /bad\xffname, the chain of /d
    assert.equal(listing.counts.datasets, 7);
    assert.equal(listing.counts.datatypes, 1);
  });

  it('attributes: every value as h5py reads it (NaN, ±inf, int64 and uint64 extremes, strings, bool, complex, empty, long)', () => {
    for (const o of listing.objects) {
      if (o.same_as !== undefined || o.link !== 'hard' && o.link !== 'root') continue;
      const mine = Object.fromEntries((o.attributes ?? []).map((a) => [a.name, a.value]));
      assert.deepEqual(mine, view.attrs[o.path], o.path);
    }
    const a = new Map(listing.objects.find((o) => o.path === '/a')!.attributes!.map((x) => [x.name, x]));
    assert.deepEqual([a.get('nan')!.value, a.get('inf')!.value, a.get('ninf')!.value], ['nan', 'inf', '-inf']);
    assert.deepEqual([a.get('empty')!.shape, a.get('empty')!.value], [null, null]);
    assert.match(a.get('rec')!.not_shown!, /compound values are not shown/);
    assert.deepEqual(a.get('grid')!.shape, [2, 3]);
    assert.equal((a.get('long')!.value as number[]).length, 100); // whole in --json
  });

  it('the table: one row per link, attributes under it, long values shortened; no MPI needed at all', () => {
    // PATH holds node alone: had info started mpiexec, it would fail
    const r = dnd(['info', tree, '-n', '4'], { env: { PATH: dirname(process.execPath) } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /7 datasets, 43 groups, 1 committed datatype, 1 further hard link, 2 soft links, 1 external link/);
    assert.match(r.stdout, /│ +h +│ hard link \(dataset\) +│ +│ same object as \/a /);
    assert.match(r.stdout, /→ \/nowhere \(dangling: nothing there\)/);
    assert.match(r.stdout, /bad\\xffname\//);
    assert.match(r.stdout, /chunked \(10, 10\) +│ \(None, 10\) +│ gzip level 4/);
    assert.match(r.stdout, /│ longstr +│ scalar +│ variable-length string +│ "x{59}… \(500 chars\)"/);
    assert.match(r.stdout, /│ long +│ \(100,\) +│ little-endian float64 +│ \[0, 1, 2, 3, 4, 5, … 94 more\]/);
    assert.match(r.stdout, /│ notutf8 +│ scalar +│ fixed-length string \(4 bytes\) +│ "caf\\xe9"/);
    assert.match(r.stdout, /│ u64 +│ scalar +│ little-endian uint64 +│ 18446744073709551615 /);
    assert.match(r.stdout, /│ cplx +│ scalar +│ complex128 \(compound r, i\) +│ 1\+2j /);
    assert.match(r.stdout, /…\/leaf/); // deep groups stop indenting
    for (const line of r.stdout.split('\n')) assert.ok(line.length < 260, `a bounded line: ${line.length}`);
  });

  it('an empty file, a file of two datasets, and --list of a file with one', () => {
    h5py('h5py.File(sys.argv[1], "w").close()', join(dir, 'empty.h5'));
    const empty = dndJson<Listing>(['info', join(dir, 'empty.h5')]);
    assertSchema('file-listing', empty);
    assert.deepEqual([empty.objects.length, empty.counts.datasets, empty.counts.groups], [1, 0, 1]);
    const r = dnd(['info', join(dir, 'empty.h5')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no datasets/);
    h5py('f = h5py.File(sys.argv[1], "w"); f["a"] = np.arange(3.0); f["b"] = np.arange(2)', join(dir, 'two.h5'));
    const two = dndJson<Listing>(['info', join(dir, 'two.h5')]);
    assert.deepEqual(two.objects.map((o) => o.path), ['/', '/a', '/b']);
    h5py('f = h5py.File(sys.argv[1], "w"); f["only"] = np.arange(3.0)', join(dir, 'one.h5'));
    assert.deepEqual(dndJson<Listing>(['info', join(dir, 'one.h5'), '--list']).objects.map((o) => o.path), ['/', '/only']);
  });

  it('names and values with control characters: shown as escapes, never sent to the terminal; exact in --json', () => {
    const f = join(dir, 'escapes.h5');
    const evil = 'evil\u001b]0;pwned\u0007\u001b[2J';
    h5py('f = h5py.File(sys.argv[1], "w"); f[sys.argv[2]] = np.arange(3.0); f[sys.argv[2]].attrs[sys.argv[2]] = 1; f["plain"] = np.arange(2.0)', f, evil);
    const shown = 'evil\\x1b]0;pwned\\x07\\x1b[2J';
    const runs = [dnd(['info', f]), dnd(['info', `${f}:/plain`]), dnd(['info', `${f}:/${evil}`]), dnd(['info', `${f}:/nope`])];
    // no control character reaches the output (the runs are not on a terminal: no colour either)
    const control = (text: string) => [...text].some((ch) => ch !== '\n' && ch !== '\t' && (ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f)));
    for (const r of runs) assert.ok(!control(r.stdout + r.stderr), JSON.stringify(r.stdout + r.stderr));
    assert.ok(runs[0].stdout.includes(shown), runs[0].stdout);
    assert.ok(runs[2].stdout.includes(`dataset  /${shown}`) && runs[2].stdout.includes(shown.slice(0, 8)), runs[2].stdout);
    assert.equal(runs[3].code, 2);
    assert.ok(runs[3].stderr.includes(`it holds /${shown}, /plain`), runs[3].stderr);
    const listing = dndJson<Listing>(['info', f]);
    assert.ok(listing.objects.some((o) => o.path === `/${evil}`));
  });

  it('bad combinations: one line, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['info', tree, '--stats'], /--stats reads one dataset: .* holds 7 \(.*\); name one as/],
      [['info', tree, '--checksum'], /--checksum reads one dataset/],
      [['info', `${tree}:/a`, '--list'], /--list lists a whole file/],
      [['info', 'randn:3,4', '--list'], /--list lists a whole file/],
    ];
    for (const [args, re] of cases) {
      const r = dnd(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.equal(r.stdout, '');
    }
  });

  it('a named dataset shows its attributes (table and --json), equal to h5py\'s', () => {
    const j = dndJson<{ dataset: { attributes: { name: string; value: unknown }[]; maxshape: (number | null)[] }; read_bytes: number }>(['info', `${tree}:/a`, '-n', '2']);
    assertSchema('array-report', j);
    assert.deepEqual(Object.fromEntries(j.dataset.attributes.map((a) => [a.name, a.value])), view.attrs['/a']);
    assert.equal(j.read_bytes, 0);
    const g = dndJson<{ dataset: { maxshape: (number | null)[]; attributes: unknown[] } }>(['info', `${tree}:/g/b`, '-n', '2']);
    assert.deepEqual(g.dataset.maxshape, [null, 10]);
    assert.deepEqual(g.dataset.attributes, []);
    const r = dnd(['info', `${tree}:/a`, '-n', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^attrs$/m);
    assert.match(r.stdout, /^ {2}units +variable-length string {2}"m"$/m);
    assert.match(r.stdout, /^ {2}nan +little-endian float64 {2}nan$/m);
    assert.match(r.stdout, /^ {2}long +little-endian float64 \(100,\) {2}\[0, 1, 2, 3, 4, 5, … 94 more\]$/m);
    assert.match(r.stdout, /metadata only, no value read/);
    const b = dnd(['info', `${tree}:/g/b`, '-n', '2', '--split', '1']);
    assert.match(b.stdout, /shape \(100, 10\) {2}maxshape \(None, 10\)/);
    assert.match(b.stdout, /^attrs {4}none$/m);
  });
  it('a dataset named through a soft link or a further hard link is the one it leads to; a dangling link is refused', () => {
    const soft = dndJson<{ gshape: number[]; dataset: { path: string }; stats: { sum: number }; read_bytes: number }>(['info', `${tree}:/g/s`, '-n', '2', '--stats']);
    assert.deepEqual([soft.dataset.path, soft.gshape, soft.stats.sum, soft.read_bytes], ['/g/s', view.objects['/g/b'].shape, 1000, 8000]);
    const hard = dndJson<{ dataset: { attributes: { name: string; value: unknown }[] } }>(['info', `${tree}:/g/h`, '-n', '2']);
    assert.deepEqual(Object.fromEntries(hard.dataset.attributes.map((a) => [a.name, a.value])), view.attrs['/a']);
    const r = dnd(['info', `${tree}:/g/dangling`, '-n', '2']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /has no dataset \/g\/dangling/);
  });
});

describe('dnd info on a file of thousands of datasets', () => {
  const dir = tempDir('dnd-info-many-');
  const file = join(dir, 'many.h5');
  const GROUPS = 30;
  const EACH = 100;

  before(() => {
    h5py('f = h5py.File(sys.argv[1], "w")\nfor g in range(int(sys.argv[2])):\n  for i in range(int(sys.argv[3])): f[f"g{g}/d{i}"] = np.full(3, g * 1000 + i, dtype="f4")', file, String(GROUPS), String(EACH));
  });

  it('the listing has every dataset once; the text table one row per object, as wide as its widest cell', () => {
    const listing = dndJson<Listing>(['info', file, '--list']);
    assert.equal(listing.counts.datasets, GROUPS * EACH);
    assert.equal(listing.counts.groups, GROUPS + 1);
    assert.equal(new Set(listing.objects.map((o) => o.path)).size, listing.objects.length);
    const r = dnd(['info', file]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('│'));
    assert.equal(rows.length, 1 + 1 + GROUPS + GROUPS * EACH, 'header, root, groups, datasets');
    assert.equal(new Set(rows.map((l) => l.length)).size, 1, 'every row as wide as the header');
    assert.ok(rows.some((l) => /^│ {3}d99 +│ dataset │ \(3,\) +│ little-endian float32 │/.test(l)), rows[5]);
  });

  it('a named dataset is described alone, with its own values; errors name a few datasets and how many more, on one line', () => {
    const one = dndJson<{ gshape: number[]; dataset: { path: string }; stats: { sum: number } }>(['info', `${file}:/g17/d42`, '--stats']);
    assert.deepEqual([one.dataset.path, one.gshape, one.stats.sum], ['/g17/d42', [3], 3 * 17042]);
    const cases: [string[], RegExp][] = [
      [['info', `${file}:/g17/nope`], /has no dataset \/g17\/nope: it holds (\/g\d+\/d\d+, ){7}\/g\d+\/d\d+ and 2992 more$/],
      [['info', `${file}:/g17`], /has no dataset \/g17: it holds .* and 2992 more$/],
      [['info', file, '--stats'], /--stats reads one dataset: \S+ holds 3000 \((\/g\d+\/d\d+, ){7}\/g\d+\/d\d+ and 2992 more\); name one as/],
      [['resplit', file, '--axis', '0'], /holds 3000 datasets: name one as \S+:\/path \((\/g\d+\/d\d+, ){7}\/g\d+\/d\d+ and 2992 more\)$/],
    ];
    for (const [args, re] of cases) {
      const r = dnd(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr.slice(0, 300));
      assert.match(r.stderr.trim(), re);
    }
  });
});

describe('dnd info: a split that cuts every HDF5 chunk', () => {
  const dir = tempDir('dnd-info-chunks-');
  const f = join(dir, 'c.h5');

  before(() => {
    // chunks of 64 rows span the whole axis 0; axis 1 is tiled by chunks of 8 columns
    h5py('f = h5py.File(sys.argv[1], "w"); f.create_dataset("x", data=np.arange(64 * 64, dtype="f4").reshape(64, 64), chunks=(64, 8))', f);
  });

  it('--split 0 on 4 ranks: one line on stderr naming --split 1, and "warnings" in --json', () => {
    const r = dnd(['info', `${f}:/x`, '-n', '4', '--split', '0']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^dnd: warning: --split 0 cuts every HDF5 chunk of \/x \(chunks \(64, 8\) of shape \(64, 64\), 4 ranks\): its one chunk along that axis is read in parts by several ranks, each reading the whole chunk; --split 1 cuts 0 of 8$/);
    const j = dnd(['info', `${f}:/x`, '-n', '4', '--split', '0', '--json']);
    const report = JSON.parse(j.stdout) as { warnings: string[] };
    assertSchema('array-report', report);
    assert.equal(report.warnings.length, 1);
    assert.equal(`dnd: warning: ${report.warnings[0]}`, lines[0]);
  });

  it('no warning along the axis the chunks tile, nor on one rank, nor with --split none', () => {
    for (const args of [['--split', '1', '-n', '4'], ['--split', '0', '-n', '1'], ['--split', 'none', '-n', '2']]) {
      const r = dnd(['info', `${f}:/x`, ...args, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', args.join(' '));
      assert.equal((JSON.parse(r.stdout) as { warnings?: string[] }).warnings, undefined);
    }
  });

  it('the warning with --stats too (the values are read across the cut chunks), and the stats are right', () => {
    const r = dnd(['info', `${f}:/x`, '-n', '2', '--split', '0', '--stats', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--split 0 cuts every HDF5 chunk/);
    const j = JSON.parse(r.stdout) as { stats: { max: number }; read_bytes: number; gnbytes: number };
    assert.equal(j.stats.max, 64 * 64 - 1);
    assert.equal(j.read_bytes, j.gnbytes);
  });
});

describe('dnd info FILE:DSET without --stats/--checksum reads metadata only', () => {
  const dir = tempDir('dnd-info-big-');
  const big = join(dir, 'big.h5');
  // 2^20 × 2^18 float32: 1 TiB that was never written (h5py allocates chunks late)
  const SHAPE = [2 ** 20, 2 ** 18];

  before(() => {
    h5py('f = h5py.File(sys.argv[1], "w"); f.create_dataset("x", shape=(2**20, 2**18), dtype="f4", chunks=(1024, 1024), compression="gzip")', big);
  });

  it('a 1 TiB dataset in a small file: the layout on 4 ranks, no value read, no block allocated', () => {
    assert.ok(statSync(big).size < 1 << 20, 'the file is small');
    const trace = join(dir, 'trace.json');
    const r = dndJson<{ gshape: number[]; gnbytes: number; read_bytes: number; lshape_map: number[][]; counts: number[]; ranks: { lnbytes: number }[]; dataset: { layout: string; chunks: number[]; filters: string[] } }>([
      'info',
      `${big}:/x`,
      '-n',
      '4',
      '--trace',
      trace,
    ]);
    assertSchema('array-report', r);
    assert.deepEqual(r.gshape, SHAPE);
    assert.equal(r.gnbytes, 2 ** 40);
    assert.equal(r.read_bytes, 0);
    assert.deepEqual(r.counts, [2 ** 18, 2 ** 18, 2 ** 18, 2 ** 18]);
    assert.deepEqual(r.lshape_map, Array.from({ length: 4 }, () => [2 ** 18, 2 ** 18]));
    assert.deepEqual(r.ranks.map((k) => k.lnbytes), [2 ** 38, 2 ** 38, 2 ** 38, 2 ** 38]);
    assert.deepEqual([r.dataset.layout, r.dataset.chunks, r.dataset.filters], ['chunked', [1024, 1024], ['gzip level 4']]);
    // the ranks' own record of what they did: no HDF5 call at all, only the layout's collectives
    const events = checkTrace(JSON.parse(readFileSync(trace, 'utf8'))).events;
    const names = new Set(events.map((e) => e.name));
    for (const io of ['H5Fopen', 'H5Dread', 'load']) assert.ok(!names.has(io), `no ${io} in the trace: ${[...names].join(', ')}`);
    assert.ok(names.has('report'), [...names].join(', '));
  });

  it('a --dry-run resplit of the 1 TiB dataset shows the plan, and says the real run would be refused here', () => {
    const r = dnd(['resplit', `${big}:/x`, '--axis', '1', '-n', '4', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { gshape: number[]; ranks: { old_bytes: number; new_bytes: number }[] };
    assert.deepEqual(plan.gshape, SHAPE);
    assert.deepEqual(plan.ranks.map((k) => [k.old_bytes, k.new_bytes]), Array.from({ length: 4 }, () => [2 ** 38, 2 ** 38]));
    assert.match(r.stderr, /^dnd: without --dry-run this would be refused here: .*does not fit/);
    assert.equal(dnd(['resplit', `${big}:/x`, '--axis', '1', '-n', '4']).code, 2);
  });

  it('--stats still reads every value: 1 TiB is refused before launch (it does not fit), a small one is read whole', () => {
    const r = dnd(['info', `${big}:/x`, '-n', '4', '--stats']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /does not fit/);
    h5py('f = h5py.File(sys.argv[1], "w"); f.create_dataset("x", data=np.arange(1000, dtype="f8").reshape(100, 10), chunks=(10, 10))', join(dir, 'small.h5'));
    const s = dndJson<{ read_bytes: number; gnbytes: number; stats: { sum: number } }>(['info', join(dir, 'small.h5'), '-n', '3', '--stats']);
    assert.equal(s.read_bytes, 8000);
    assert.equal(s.stats.sum, 499500);
    const c = dndJson<{ read_bytes: number }>(['info', join(dir, 'small.h5'), '-n', '3', '--checksum', '--split', 'none']);
    assert.equal(c.read_bytes, 3 * 8000); // split none: every rank reads the whole dataset
  });
});
