/**
 * The CLI as a whole: version, help with examples for every command, doctor's live
 * check, dnd started as a rank by an outside mpiexec, the world-size check, chunk, and
 * the library's public names.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { balancedLshapeMap, countsDispls } from '../../src/dnd/layout.js';
import type { ChunkReport } from '../../src/runtime/jobs/chunk.js';
import type { DoctorReport } from '../../src/runtime/doctor.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { BIN, dnd, dndJson, mpiEnv, ROOT } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';

const COMMANDS = ['create', 'info', 'resplit', 'redistribute', 'chunk', 'doctor', 'px', 'run'];

describe('dnd as a program', () => {
  it('--version names the package and its version', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { name: string; version: string };
    const r = dnd(['--version']);
    assert.equal(r.code, 0);
    // the package's name (the command is dnd; the name dnd is another project's on npm)
    assert.equal(pkg.name, '@dnd-hpc/dnd');
    assert.match(r.stdout, new RegExp(`^@dnd-hpc/dnd/${pkg.version.replace(/\./g, '\\.')} `));
  });

  it('--help lists every command; each command has --help with real examples and a man page', () => {
    const top = dnd(['--help']);
    for (const c of COMMANDS) assert.match(top.stdout, new RegExp(`\\n  ${c}\\s`));
    for (const c of COMMANDS) {
      const h = dnd([c, '--help']);
      assert.equal(h.code, 0, c);
      assert.match(h.stdout, /EXAMPLES/, c);
      assert.match(h.stdout, new RegExp(`\\$ dnd ${c} `), c);
      const man = readFileSync(`${ROOT}man/dnd-${c}.1`, 'utf8');
      assert.match(man, new RegExp(`^\\.TH "DND\\\\-${c.toUpperCase()}"`), `man/dnd-${c}.1`);
      assert.match(man, /\.SH EXIT STATUS/);
    }
  });

  it('doctor: MPI, HDF5 and binding found, live 2-rank check passes', () => {
    const r = dndJson<DoctorReport>(['doctor']);
    assertSchema('doctor', r);
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    assert.match(r.mpi.library ?? '', /Open MPI|MPICH/);
    assert.equal(r.binding.loaded, true);
    assert.equal(r.hdf5.parallel, true);
    assert.equal(r.check?.ok, true);
    assert.equal(r.check?.nprocs, 2);
    assert.equal(r.launcher.choice, 'mpiexec');
  });

  it('started by an outside mpiexec, dnd runs as a rank and only rank 0 prints', () => {
    const r = spawnSync('mpiexec', ['-n', '3', process.execPath, BIN, 'create', 'randn', '7,4,3', '--json', '--checksum'], { encoding: 'utf8', env: mpiEnv() });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as ArrayReport; // exactly one JSON object
    assertSchema('array-report', out);
    assert.equal(out.nprocs, 3);
    assert.deepEqual(out.lshape_map, balancedLshapeMap([7, 4, 3], 0, 3));
    const own = dndJson<ArrayReport>(['create', 'randn', '7,4,3', '-n', '2', '--checksum']);
    assert.equal(out.checksum, own.checksum);
    const table = spawnSync('mpiexec', ['-n', '2', process.execPath, BIN, 'create', 'zeros', '4'], { encoding: 'utf8', env: mpiEnv() });
    assert.equal(table.status, 0, table.stderr);
    assert.equal(table.stdout.match(/DNDarray/g)?.length, 1, 'one table, from rank 0');
    assert.equal(table.stdout.includes('\u001b['), false, 'no colour leaks through the ranks\' pseudo-terminals');
  });

  it('a world size that does not match -n is refused, by rank 0 alone, exit 2', () => {
    const r = spawnSync('mpiexec', ['-n', '2', process.execPath, BIN, 'create', 'randn', '7', '-n', '3'], { encoding: 'utf8', env: mpiEnv() });
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.match(/dnd: -n 3 was given but dnd was started as one of 2 ranks/g)?.length, 1);
  });
});

describe('dnd chunk', () => {
  it('computes the plan without starting ranks, even with no mpiexec on PATH', () => {
    const r = dndJson<ChunkReport>(['chunk', '1000,30', '--split', '0', '-n', '7'], { env: { PATH: '/nonexistent' } });
    assertSchema('chunk-report', r);
    assert.equal(r.launched, false);
    assert.deepEqual(r.lshape_map, balancedLshapeMap([1000, 30], 0, 7));
    assert.deepEqual({ counts: r.counts, displs: r.displs }, countsDispls(r.lshape_map, 0));
    assert.deepEqual(r.ranks[6], { rank: 6, offset: 858, lshape: [142, 30], slices: [[858, 1000], [0, 30]] });
  });

  it('--rank shows one rank; --split none gives null counts', () => {
    const r = dndJson<ChunkReport>(['chunk', '7,4,3', '--split', '-1', '-n', '4', '--rank', '3']);
    assert.deepEqual(r.ranks, [{ rank: 3, offset: 3, lshape: [7, 4, 0], slices: [[0, 7], [0, 4], [3, 3]] }]);
    const none = dndJson<ChunkReport>(['chunk', '5,5', '--split', 'none', '-n', '2']);
    assert.equal(none.counts, null);
    assert.deepEqual(none.lshape_map, [
      [5, 5],
      [5, 5],
    ]);
    const bad = dnd(['chunk', '5,5', '-n', '2', '--rank', '2']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--rank 2 is out of range: with -n 2 ranks are 0..1/);
  });

  it('a table of 3,000 ranks (drawn in blocks) has one aligned row per rank, as --json has them; over 2^20 ranks is refused', () => {
    const n = 3000;
    const json = dndJson<ChunkReport>(['chunk', '10000,3', '-n', String(n)]);
    const text = dnd(['chunk', '10000,3', '-n', String(n)]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    const rows = lines.filter((l) => /^│ \d/.test(l));
    assert.equal(rows.length, n);
    const box = lines.filter((l) => l.startsWith('┌') || l.startsWith('└') || l.startsWith('│'));
    assert.equal(box.length, n + 3, 'top border, header, one row per rank, bottom border: no seam between blocks');
    assert.equal(new Set(box.map((l) => l.length)).size, 1, 'every line of the box has the same width');
    rows.forEach((l, p) => {
      const cells = l.split('│').slice(1, -1).map((x) => x.trim());
      const r = json.ranks[p];
      assert.deepEqual(cells, [String(r.rank), String(r.offset), `(${r.lshape.join(', ')})`, `[${r.slices.map(([a, b]) => `${a}:${b}`).join(', ')}]`]);
    });
    const over = dnd(['chunk', '7,4', '-n', String(2 ** 20 + 1)]);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /^dnd: -n 1048577 is more ranks than dnd chunk lists \(up to 1048576, 2\^20/);
  });

  it('--launch: the ranks of a real job confirm it', () => {
    const r = dndJson<ChunkReport>(['chunk', '10,3', '-n', '4', '--launch']);
    assertSchema('chunk-report', r);
    assert.equal(r.launched, true);
    assert.deepEqual(r.lshape_map, balancedLshapeMap([10, 3], 0, 4));
    assert.ok(r.ranks.every((k) => typeof k.host === 'string' && k.host.length > 0));
  });
});

describe('the library', () => {
  it('dist/index.js exposes the documented names', async () => {
    const lib = (await import(`${ROOT}dist/index.js`)) as Record<string, unknown>;
    const names = Object.keys(lib).sort();
    const documented = [
      'Comm', 'DNDarray', 'DTYPES', 'DndError', 'DndNativeError', 'FACTORY_KINDS', 'RandomState', 'arange', 'arangeOver', 'array', 'balancedLshapeMap', 'chunk',
      'chunkRows', 'countsDispls', 'empty', 'eye', 'finalize', 'finishFingerprint', 'fromTensor', 'full', 'globalFingerprint', 'globalMoments', 'globalRuns',
      'globalStats', 'isBalancedMap', 'isComplex', 'isDndError', 'isDtype', 'itemsize', 'lanes', 'linspace', 'linspaceOver', 'load', 'localLanes', 'localMoments', 'lshapeMapFromCounts',
      'normal', 'normalizeAxis', 'normalizeSplit', 'numel', 'ones', 'parseComplex', 'parseDtype', 'parseScalar', 'rand', 'randint', 'randn', 'random', 'save', 'seed', 'strides',
      'tfjs', 'toTensor', 'trace', 'usageError', 'validateCounts', 'zeros',
    ].sort();
    assert.deepEqual(names, documented);
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    for (const n of documented) assert.ok(readme.includes(`\`${n}\``), `README documents ${n}`);
  });
});
