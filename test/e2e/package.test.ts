/**
 * dnd as a user gets it (issue #16, item 1): `npm pack`, then `npm install` of the tarball
 * in a fresh project. The package's own install script (scripts/install.mjs) builds the
 * native binding there with node-gyp and the repository's MPI / HDF5 discovery; the CLI,
 * the library, the shipped schemas and man pages are then used from that project only.
 * The native build is the slow part (30-80 s on our 2 cores); npm takes the other
 * packages from its cache (--prefer-offline).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { ROOT } from '../helpers/run.js';

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { name: string; version: string; man: string[]; files: string[] };

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const env = { ...process.env, NO_COLOR: '1', ...(opts.env ?? {}) };
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300000, ...opts, env });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('the packed package, installed in a fresh project', { timeout: 600000 }, () => {
  let work = '';
  let app = '';
  let installed = '';
  let dnd = '';

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'dnd-package-'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
    assert.equal(packed.code, 0, packed.stderr);
    const tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
    // a space in the path, as in many home directories: every script builds paths with fileURLToPath
    app = join(work, 'my app');
    run('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    const t0 = Date.now();
    const inst = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: app });
    assert.equal(inst.code, 0, inst.stderr);
    process.stderr.write(`# npm install of the tarball, native build included: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    installed = join(app, 'node_modules', ...pkg.name.split('/'));
    dnd = join(app, 'node_modules/.bin/dnd');
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships what it needs at run time, and no test or build leftovers', () => {
    for (const f of ['LICENSE', 'README.md', 'oclif.manifest.json', 'dist/index.js', 'dist/commands/create.js', 'dist/commands/create.cjs', 'dist/commands/create.cjs.v8cache', 'dist/vendor/oclif-core.cjs', 'schemas/array-report.json', 'bin/run.js', 'build/Release/mpi_napi.node', 'build/Release/mpi_h5.node']) {
      assert.ok(existsSync(join(installed, f)), f);
    }
    assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
    for (const f of ['test', 'bench', 'src/commands', 'dist/.stamp', 'scripts/build.sh', '.git']) assert.equal(existsSync(join(installed, f)), false, f);
    // every man page, and only those, is declared in package.json `man`
    assert.deepEqual([...pkg.man].sort(), readdirSync(`${ROOT}man`).filter((f) => f.endsWith('.1')).map((f) => `./man/${f}`).sort());
    for (const m of pkg.man) assert.ok(existsSync(join(installed, m)), m);
    assert.match(readFileSync(join(installed, 'build/install.log'), 'utf8'), /^built in \d/);
  });

  it('the install wrote code caches this Node accepts, under a path with a space', () => {
    assert.match(installed, / /);
    const probe = `const D = process.argv[1];
const m = await import(D + '/dist/runtime/code-cache.js');
await import(D + '/dist/cli/oclif.js');
await import(D + '/dist/commands/create.js');
console.log(m.codeCacheUse(D + '/dist/vendor/oclif-core.cjs'), m.codeCacheUse(D + '/dist/commands/create.cjs'));`;
    const r = run(process.execPath, ['--input-type=module', '-e', probe, installed]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'accepted accepted', r.stderr);
  });

  it('dnd create runs 2 ranks with the binding built at install; its JSON passes the shipped schema', () => {
    const r = run(dnd, ['create', 'randn', '7,4,3', '-n', '2', '--json', '--checksum'], { cwd: app });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { lshape_map: number[][]; nprocs: number; checksum: string };
    assert.deepEqual(out.lshape_map, [
      [4, 4, 3],
      [3, 4, 3],
    ]);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(installed, 'schemas/array-report.json'), 'utf8')));
    assert.ok(validate(out), ajv.errorsText(validate.errors));
    // the same global array as the repository's own build gives
    const own = run(process.execPath, [`${ROOT}bin/run.js`, 'create', 'randn', '7,4,3', '-n', '3', '--json', '--checksum']);
    assert.equal((JSON.parse(own.stdout) as { checksum: string }).checksum, out.checksum);
  });

  it('dnd --help, dnd help create and the shipped man page read as documented', () => {
    const h = run(dnd, ['--help'], { cwd: app });
    assert.equal(h.code, 0, h.stderr);
    for (const c of ['create', 'info', 'resplit', 'redistribute', 'chunk', 'doctor', 'px', 'run', 'commands', 'help']) assert.match(h.stdout, new RegExp(`\\n  ${c}\\s`), c);
    assert.match(run(dnd, ['help', 'create'], { cwd: app }).stdout, /\$ dnd create randn 7,4,3 --split 0 -n 4/);
    const man = run('man', ['-l', join(installed, 'man/dnd-create.1')], { cwd: app, env: { MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '80' } });
    assert.equal(man.code, 0, man.stderr);
    assert.match(man.stdout, /DND-CREATE\(1\)/);
    assert.match(man.stdout, /EXIT STATUS/);
  });

  it('a user script imports the library by the package name, under dnd run', () => {
    writeFileSync(join(app, 'hello.mjs'), "import * as dnd from '@dnd-hpc/dnd';\nconst a = dnd.random.randn(5, 2, { split: 0 });\nconsole.log(`[${a.comm.rank}] ${JSON.stringify(a.lshape)}`);\n");
    const r = run(dnd, ['run', 'hello.mjs', '-n', '2', '--quiet'], { cwd: app });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[0\] \[3,2\]/);
    assert.match(r.stdout, /\[1\] \[2,2\]/);
  });

  it('installed where MPI is missing: the install still succeeds and the CLI says why and how to rebuild', () => {
    // the install step again, as npm would run it, on a PATH without mpicc or pkg-config
    renameSync(join(installed, 'build'), join(installed, 'build.kept'));
    try {
      const inst = run(process.execPath, ['scripts/install.mjs'], { cwd: installed, env: { PATH: '/nonexistent' } });
      assert.equal(inst.code, 0, inst.stderr);
      assert.match(inst.stderr, /the native binding was not built: native-flags: no MPI found/);
      const r = run(dnd, ['create', 'randn', '3'], { cwd: app });
      assert.equal(r.code, 3);
      assert.match(r.stderr, /Could not load dnd's native binding/);
      assert.match(r.stderr, /when dnd was installed: native-flags: no MPI found/);
      assert.match(r.stderr, /npm rebuild @dnd-hpc\/dnd/);
      assert.doesNotMatch(r.stderr, /npm run setup/, 'no advice that only works in a clone');
    } finally {
      rmSync(join(installed, 'build'), { recursive: true, force: true });
      renameSync(join(installed, 'build.kept'), join(installed, 'build'));
    }
  });
});
