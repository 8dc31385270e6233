/**
 * How ranks start: the bundled rank program (dist/rank/rank.cjs, scripts/bundle-rank.mjs)
 * for dnd's own jobs, the modules (dist/runtime/rank.js) for user scripts, and the
 * DND_TIMING lines that bench/launch.mjs reads. The bundle must be the same program: the
 * same job envelope, run under a real mpiexec by each, gives the same result records and
 * the same failures.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'acorn';
import { fromWire } from '../../src/dnd/wire.js';
import { validateCreate } from '../../src/runtime/jobs/create.js';
import { encodeEnvelope, recordPrefix, type JobEnvelope, type JobSpec } from '../../src/runtime/job.js';
import { launchCommand } from '../../src/runtime/launcher.js';
import { dnd, faultEnv, mpiEnv, ROOT } from '../helpers/run.js';
import { tempDir, PYTHON } from '../helpers/files.js';

const BUNDLE = `${ROOT}dist/rank/rank.cjs`;
const MODULES = `${ROOT}dist/runtime/rank.js`;

interface Step {
  pid: number;
  role: string;
  ms: number;
  step: string;
}

function steps(stderr: string): Step[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('dnd-timing '))
    .map((l) => {
      const [, pid, role, ms, ...rest] = l.split(' ');
      return { pid: Number(pid), role, ms: Number(ms), step: rest.join(' ') };
    });
}

/** Runs one job envelope on n ranks with the given rank program; the records it printed. */
function runProgram(program: string, job: JobSpec, n: number, env: Record<string, string> = {}): { code: number | null; result: unknown; errors: { rank: number; message: string }[] } {
  const envelope: JobEnvelope = { v: 1, token: 'feedc0ffee42', nprocs: n, color: false, job };
  const r = spawnSync('mpiexec', ['-n', String(n), process.execPath, program, encodeEnvelope(envelope)], { env: { ...mpiEnv(), ...env }, encoding: 'utf8', timeout: 60000 });
  const pick = (text: string, kind: 'result' | 'error') => {
    const prefix = recordPrefix(envelope.token, kind);
    return text
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.includes(prefix))
      .map((l) => fromWire<unknown>(l.slice(l.indexOf(prefix) + prefix.length)));
  };
  const results = pick(r.stdout, 'result');
  return { code: r.status, result: results[0] ?? null, errors: pick(r.stderr, 'error') as { rank: number; message: string }[] };
}

/** what differs from run to run: times and memory (the bundle's ranks start ~7 MB smaller) */
const VARYING = new Set(['timing', 'memory', 'baseline_rss', 'peak_rss', 'peak_ratio', 'throughput_bytes_per_s']);

function stable(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (k, x: unknown) => (VARYING.has(k) ? undefined : x));
}

describe('the bundled rank program is the same program as the modules', () => {
  it("is strict code, as the ES modules are (and oclif's and the data commands' bundles, as their modules are): the first statement is the directive", () => {
    const commands = ['create', 'info', 'resplit', 'redistribute', 'chunk'].map((c) => `${ROOT}dist/commands/${c}.cjs`);
    for (const file of [BUNDLE, `${ROOT}dist/rank/program.cjs`, `${ROOT}dist/vendor/oclif-core.cjs`, ...commands]) {
      const ast = parse(readFileSync(file, 'utf8'), { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
      assert.equal((ast.body[0] as { directive?: string }).directive, 'use strict', file);
    }
  });

  it('create (random, checksum, unbalanced counts) on 1, 2 and 3 ranks: identical results', () => {
    for (const n of [1, 2, 3]) {
      const job = validateCreate({ op: 'create', kind: 'randn', gshape: [7, 4, 3], checksum: true, ...(n === 3 ? { counts: [4, 0, 3] } : {}) }, n);
      const a = runProgram(BUNDLE, job, n);
      const b = runProgram(MODULES, job, n);
      assert.equal(a.code, 0, JSON.stringify(a.errors));
      assert.equal(b.code, 0);
      assert.notEqual(a.result, null);
      assert.deepEqual(stable(a.result), stable(b.result));
    }
  });

  it('resplit and info of an HDF5 file written by h5py (NaN, inf), stats and checksum: identical results', () => {
    const dir = tempDir();
    const file = join(dir, 'odd name.h5');
    writeFileSync(join(dir, 'mk.py'), `import h5py, numpy as np\nx = np.arange(30, dtype=np.float64).reshape(6, 5)\nx[1, 2] = np.nan\nx[4, 0] = np.inf\nwith h5py.File(${JSON.stringify(file)}, 'w') as f: f['d'] = x\n`);
    assert.equal(spawnSync(PYTHON, [join(dir, 'mk.py')]).status, 0);
    const source = { type: 'file' as const, file, dataset: '/d' };
    const jobs: JobSpec[] = [
      { op: 'info', source, split: 0, stats: true, checksum: true },
      { op: 'resplit', source, split: 0, counts: null, axis: 1, checksum: true, out: null },
      { op: 'redistribute', source, split: 0, counts: null, target: [6, 0], checksum: true, out: null },
    ];
    for (const job of jobs) {
      const a = runProgram(BUNDLE, job, 2);
      const b = runProgram(MODULES, job, 2);
      assert.equal(a.code, 0, `${job.op}: ${JSON.stringify(a.errors)}`);
      assert.deepEqual(stable(a.result), stable(b.result), job.op);
    }
  });

  it('a rank that fails: the same error record from the same rank, exit 3 for both', () => {
    const job = validateCreate({ op: 'create', kind: 'ones', gshape: [4, 2] }, 2);
    const a = runProgram(BUNDLE, job, 2, faultEnv('rank=1,at=start,do=throw'));
    const b = runProgram(MODULES, job, 2, faultEnv('rank=1,at=start,do=throw'));
    assert.notEqual(a.code, 0);
    assert.equal(a.result, null);
    assert.equal(a.errors.length, 1);
    assert.equal(a.errors[0].rank, 1);
    assert.deepEqual(a.errors, b.errors);
  });
});

describe('DND_TIMING: where a launch spends its time', () => {
  it('create -n 2 --json: stdout is still the one JSON object; the launcher and each rank report their steps in order', () => {
    const plain = dnd(['create', 'randn', '7,4,3', '-n', '2', '--json']);
    const timed = dnd(['create', 'randn', '7,4,3', '-n', '2', '--json'], { env: { DND_TIMING: '1' } });
    assert.equal(timed.code, 0, timed.stderr);
    assert.deepEqual(stable(JSON.parse(timed.stdout)), stable(JSON.parse(plain.stdout)));
    assert.equal(steps(plain.stderr).length, 0, 'nothing without DND_TIMING');
    const all = steps(timed.stderr);
    const cli = all.filter((s) => s.role === 'cli');
    assert.deepEqual(
      cli.map((s) => s.step),
      ['process start bin/run.js', 'node ready', 'command parsed', 'mpiexec spawned', 'result received', 'mpiexec closed', 'done'],
    );
    const rankPids = [...new Set(all.filter((s) => s.role === 'rank').map((s) => s.pid))];
    assert.equal(rankPids.length, 2);
    for (const pid of rankPids) {
      const mine = all.filter((s) => s.pid === pid);
      // dnd's own jobs run the bundle
      assert.deepEqual(
        mine.map((s) => s.step),
        ['process start dist/rank/rank.cjs', 'node ready', 'program loaded', 'job code loaded', 'MPI up', 'job done', 'MPI finalized', 'result sent'],
      );
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i].ms >= mine[i - 1].ms, `${mine[i].step} after ${mine[i - 1].step}`);
      // a rank starts after mpiexec was spawned, and its result is written after 'MPI
      // finalized' and before the launcher receives it ('result sent' is stamped after the
      // write returns, which may be after the launcher has read it). Clocks of different
      // processes: each maps its monotonic clock to the wall clock once, early in Node's
      // start, so two processes agree only to within a few ms on a busy machine (a CI run
      // with 1 ms of slack failed here once under load)
      const skew = 20;
      assert.ok(mine[0].ms >= cli[3].ms - skew, `rank start ${mine[0].ms} before mpiexec spawned ${cli[3].ms}`);
      assert.ok(mine[mine.length - 2].ms <= cli[4].ms + skew, `MPI finalized ${mine[mine.length - 2].ms} after result received ${cli[4].ms}`);
    }
  });

  it('-n 1 runs in-process: one process, the rank steps inside the launcher', () => {
    const r = dnd(['create', 'ones', '3,2', '-n', '1', '--json'], { env: { DND_TIMING: '1' } });
    assert.equal(r.code, 0, r.stderr);
    JSON.parse(r.stdout);
    const all = steps(r.stderr);
    assert.equal(new Set(all.map((s) => s.pid)).size, 1);
    assert.deepEqual(
      all.map((s) => s.step),
      ['process start bin/run.js', 'node ready', 'command parsed', 'job code loaded', 'MPI up', 'job done', 'MPI finalized', 'done'],
    );
  });

  it('user scripts (dnd run) run the modules, which share one MPI world with the library the script imports', () => {
    const dir = tempDir();
    const script = join(dir, 's.mjs');
    writeFileSync(script, `import { Comm, randn } from ${JSON.stringify(`${ROOT}dist/index.js`)};\nconst x = randn([6, 2], { split: 0 });\nconst c = Comm.world();\nconst rows = x.lshapeMap.map((r) => r[0]).join(',');\nif (c.rank === 0) console.log('ranks ' + c.size + ' rows ' + rows);\n`);
    const r = dnd(['run', script, '-n', '2'], { env: { DND_TIMING: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ranks 2 rows 3,3/);
    const starts = steps(r.stderr).filter((s) => s.role === 'rank' && s.step.startsWith('process start'));
    assert.deepEqual(starts.map((s) => s.step), ['process start dist/runtime/rank.js', 'process start dist/runtime/rank.js']);
  });

  it("every rank dnd starts collects garbage on its own thread (RANK_NODE_FLAGS): dnd's jobs and user scripts", () => {
    const dir = tempDir();
    const script = join(dir, 'flags.mjs');
    writeFileSync(script, `import { Comm } from ${JSON.stringify(`${ROOT}dist/index.js`)};
console.log('rank ' + Comm.world().rank + ' ' + JSON.stringify(process.execArgv));
`);
    const r = dnd(['run', script, '-n', '2']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('rank '));
    assert.equal(lines.length, 2, r.stdout);
    for (const l of lines) assert.ok((JSON.parse(l.split(' ').slice(2).join(' ')) as string[]).includes('--single-threaded-gc'), l);
    // dnd's own jobs: the command line the launcher gives mpiexec and srun
    for (const launcher of ['mpiexec', 'srun'] as const) {
      const { args } = launchCommand(launcher, 2, 'envelope', { ...process.env, DND_SRUN: process.execPath, DND_MPIEXEC: process.execPath });
      const node = args.indexOf(process.execPath);
      assert.ok(node >= 0 && args[node + 1] === '--single-threaded-gc' && args.at(-1) === 'envelope', `${launcher}: ${args.join(' ')}`);
    }
  });
});

describe("ranks of dnd's own jobs start without the user's extra CA certificates", () => {
  // Node 20 reads NODE_EXTRA_CA_CERTS at every start (~80 ms of CPU here); a file it cannot
  // read makes each Node process say so once on stderr, which counts the processes that read it
  const CERTS = '/nonexistent-dnd-test/ca.pem';
  const warnings = (stderr: string) => stderr.split('Warning: Ignoring extra certs from').length - 1;

  it("a data command's ranks do not read it; only the CLI's own process does", () => {
    for (const n of ['2', '4']) {
      const r = dnd(['create', 'randn', '7,4,3', '-n', n, '--json'], { env: { NODE_EXTRA_CA_CERTS: CERTS } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).nprocs, Number(n));
      assert.equal(warnings(r.stderr), 1, `-n ${n}: ${r.stderr}`);
    }
  });

  it('a user script (dnd run) keeps it on every rank: a script may open TLS connections', () => {
    const script = join(tempDir(), 'certs.mjs');
    writeFileSync(script, `console.log('certs ' + process.env.NODE_EXTRA_CA_CERTS);\n`);
    const r = dnd(['run', script, '-n', '2'], { env: { NODE_EXTRA_CA_CERTS: CERTS } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('certs ')), [`certs ${CERTS}`, `certs ${CERTS}`]);
    assert.equal(warnings(r.stderr), 3, r.stderr);
  });

  it('started as a program (`dnd` on PATH), the CLI does not read it either, and still hands it on unchanged', () => {
    const r = dnd(['create', 'randn', '7,4,3', '-n', '2', '--json'], { env: { NODE_EXTRA_CA_CERTS: CERTS }, program: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).nprocs, 2);
    assert.equal(warnings(r.stderr), 0, r.stderr);
    const script = join(tempDir(), 'env.mjs');
    writeFileSync(script, `console.log('env ' + JSON.stringify([process.env.NODE_EXTRA_CA_CERTS, Object.keys(process.env).filter((k) => k.includes('EXTRA_CA'))]));\n`);
    const seen = (env: Record<string, string | undefined>) => {
      const run = dnd(['run', script, '-n', '2'], { env, program: true });
      assert.equal(run.code, 0, run.stderr);
      return { lines: run.stdout.split('\n').filter((l) => l.startsWith('env ')), warnings: warnings(run.stderr) };
    };
    // the user's script reads it (both ranks warn), the CLI did not; no helper variable is left behind
    assert.deepEqual(seen({ NODE_EXTRA_CA_CERTS: CERTS }), { lines: Array(2).fill(`env ${JSON.stringify([CERTS, ['NODE_EXTRA_CA_CERTS']])}`), warnings: 2 });
    assert.deepEqual(seen({ NODE_EXTRA_CA_CERTS: '' }).lines, Array(2).fill(`env ${JSON.stringify(['', ['NODE_EXTRA_CA_CERTS']])}`));
    assert.deepEqual(seen({ NODE_EXTRA_CA_CERTS: undefined }).lines, Array(2).fill('env [null,[]]'));
  });

  it('started as a program, arguments reach dnd exactly as given (no shell string) and its exit code comes back', () => {
    const odd = join(tempDir(), `a b $HOME "q" 'x' \\ *; \n.h5`);
    const r = dnd(['create', 'zeros', '4', '--out', odd, '--json'], { env: { NODE_EXTRA_CA_CERTS: CERTS }, program: true });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(odd), `${odd} not written: ${r.stdout}`);
    const bad = dnd(['create', 'randn', '7,x'], { env: { NODE_EXTRA_CA_CERTS: CERTS }, program: true });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^dnd: [^\n]*7,x[^\n]*\n$/); // one line: nothing read the certificates
  });
});

describe('what a launch loads: node:crypto only where a job writes a file, node:zlib in no rank', () => {
  // each 2-6 ms per process here (src/runtime/job-token.ts, src/native/crc32.ts); every process of the job reports at its exit
  const loads = (stderr: string, what: 'crypto' | 'zlib') =>
    [...stderr.matchAll(/^probe (\d+) (cli|rank) crypto=(true|false) zlib=(true|false)$/gm)].map((m) => `${m[2]}:${m[what === 'crypto' ? 3 : 4]}`).sort();

  it('create -n 2: neither the CLI nor a rank loads crypto; with --out the CLI does (the temporary name), so the probe sees it; ranks check their code cache without zlib', () => {
    const dir = tempDir();
    const probe = join(dir, 'probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => { const m = process.moduleLoadList; process._rawDebug(`probe ${process.pid} ${/rank\\.c?js$/.test(process.argv[1]) ? 'rank' : 'cli'} crypto=${m.includes('NativeModule crypto')} zlib=${m.includes('NativeModule zlib')}`); });\n",
    );
    const env = { NODE_OPTIONS: `--require ${probe}` };
    const r = dnd(['create', 'randn', '7,4,3', '-n', '2', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(loads(r.stderr, 'crypto'), ['cli:false', 'rank:false', 'rank:false'], r.stderr);
    // the CLI checks oclif's code cache with zlib (it never loads the binding); ranks use the binding's CRC-32
    assert.deepEqual(loads(r.stderr, 'zlib'), ['cli:true', 'rank:false', 'rank:false'], r.stderr);
    const w = dnd(['create', 'randn', '7,4,3', '-n', '2', '--json', '--out', join(dir, 'a.h5')], { env });
    assert.equal(w.code, 0, w.stderr);
    assert.ok(loads(w.stderr, 'crypto').includes('cli:true'), w.stderr);
  });
});

describe("oclif's configuration is loaded once per command", () => {
  it('create, info and run: one "config done", no "reloading config" in oclif\'s debug output (DndCommand.run)', () => {
    const script = join(tempDir(), 'noop.mjs');
    writeFileSync(script, 'export {};\n');
    for (const args of [['create', 'randn', '7,4,3', '-n', '1', '--json'], ['info', 'randn:7,4', '-n', '1', '--json'], ['run', script, '-n', '1']]) {
      const r = dnd(args, { env: { DEBUG: 'oclif:config' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.split('oclif:config config done').length - 1, 1, `${args[0]}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /reloading config/, args[0]);
    }
  });
});

describe('the data commands are bundled (scripts/bundle-commands.mjs)', () => {
  const COMMANDS = ['create', 'info', 'resplit', 'redistribute', 'chunk'];

  it('each is one CommonJS file: no module of dist/ loaded but the user-script jobs and the one oclif; oclif names a stub that loads it', () => {
    for (const c of COMMANDS) {
      const text = readFileSync(`${ROOT}dist/commands/${c}.cjs`, 'utf8');
      const relative = [...text.matchAll(/(?:require|__dndImport|import)\(\s*["'](\.[^"']+)["']/g)].map((m) => m[1]);
      const allowed = (p: string) => /^\.\.\/runtime\/(jobs\/run|jobs\/px|watchdog)\.js$/.test(p) || p === '../vendor/oclif-core.cjs';
      assert.deepEqual([...new Set(relative)].filter((p) => !allowed(p)), [], `${c}: ${relative.join(' ')}`);
      assert.ok(relative.includes('../vendor/oclif-core.cjs'), `${c}: oclif, the CLI's one copy, required by path`);
      assert.ok(!existsSync(`${ROOT}dist/commands/${c}.js.map`), `${c}: a stale source map of the unbundled file`);
      const stub = readFileSync(`${ROOT}dist/commands/${c}.js`, 'utf8');
      assert.match(stub, new RegExp(`requireBundle\\(fileURLToPath\\(new URL\\('\\./${c}\\.cjs', import\\.meta\\.url\\)\\)\\)\\.default`), `${c}: ${stub}`);
    }
  });

  it('the CLI loads oclif from its one-file bundle (scripts/bundle-oclif.mjs), never the package files', () => {
    const dir = tempDir();
    const hook = join(dir, 'loads.cjs');
    // every CommonJS file the process loads (through require, or into require.cache as
    // src/runtime/code-cache.ts loads a bundle), written when it exits
    writeFileSync(hook, `const M = require('module'); const load = M._load; const seen = new Set();\nM._load = function (r, p) { try { seen.add(M._resolveFilename(r, p)); } catch {} return load.apply(this, arguments); };\nprocess.on('exit', () => require('fs').writeFileSync(${JSON.stringify(join(dir, 'loaded.json'))}, JSON.stringify([...seen, ...Object.keys(require.cache)])));\n`);
    for (const args of [['create', 'randn', '7,4,3', '-n', '1', '--json'], ['info', '--help'], ['create', 'randn', '7,x']]) {
      const r = spawnSync(process.execPath, ['-r', hook, `${ROOT}bin/run.js`, ...args], { env: mpiEnv(), encoding: 'utf8', timeout: 60000 });
      assert.ok(r.status === 0 || (args[2] === '7,x' && r.status === 2), `${args.join(' ')}: ${r.status} ${r.stderr}`);
      const loaded = JSON.parse(readFileSync(join(dir, 'loaded.json'), 'utf8')) as string[];
      assert.ok(loaded.includes(`${ROOT}dist/vendor/oclif-core.cjs`), `${args.join(' ')}: the bundle was not loaded`);
      assert.deepEqual(loaded.filter((f) => f.includes('/node_modules/@oclif/core/') || f.includes('/node_modules/semver/')), [], args.join(' '));
    }
    // oclif's engine check is switched off for the load only: a script (in this process at
    // -n 1, a rank at -n 2) sees the user's environment as it was
    const script = join(dir, 'env.mjs');
    writeFileSync(script, "console.log('engine warning:', process.env.OCLIF_DISABLE_ENGINE_WARNING ?? 'unset');\n");
    for (const n of ['1', '2']) {
      const unset = dnd(['run', script, '-n', n]);
      assert.equal(unset.code, 0, unset.stderr);
      assert.match(unset.stdout, /engine warning: unset/);
      const set = dnd(['run', script, '-n', n], { env: { OCLIF_DISABLE_ENGINE_WARNING: 'mine' } });
      assert.match(set.stdout, /engine warning: mine/);
    }
  });

  it('their errors keep their exit codes and one-line messages: usage 2 before any job, a rank failure 3', () => {
    const usage = dnd(['create', 'randn', '7,4,3', '--split', '5', '-n', '2']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, 'dnd: axis 5 is out of range for 3-D shape: expected -3..2 or none\n');
    const missing = dnd(['resplit', join(tempDir(), 'none.h5'), '--axis', '1', '-n', '2']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^dnd: .*none\.h5: no such file\n$/);
    const rank = dnd(['create', 'zeros', '8', '-n', '2'], { env: faultEnv('rank=1,at=op,do=throw') });
    assert.equal(rank.code, 3, rank.stderr);
    assert.match(rank.stderr, /^dnd: rank 1\b/m);
  });

  it('-n 1 in-process and -n 2 under mpiexec: the bundled command starts the bundled rank program', () => {
    for (const n of ['1', '2']) {
      const r = dnd(['create', 'arange', '10,3', '-n', n, '--checksum', '--json'], { env: { DND_TIMING: '1' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).nprocs, Number(n));
      const starts = steps(r.stderr).filter((s) => s.role === 'rank' && s.step.startsWith('process start'));
      assert.deepEqual(starts.map((s) => s.step), n === '1' ? [] : ['process start dist/rank/rank.cjs', 'process start dist/rank/rank.cjs']);
    }
  });
});
