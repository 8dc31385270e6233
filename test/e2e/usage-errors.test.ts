/**
 * Bad input and odd names (split from failures.test.ts, whose job faults need the machine
 * alone; these start no job or small ones and run beside other files):
 *
 * 1. A corpus of bad invocations: each exits 2 with one line on stderr that says what was
 *    wrong, no stack trace, no job started (mpiexec is replaced by a recorder that would
 *    leave a mark) and no file created.
 * 2. File names with spaces, quotes, $() and newlines are plain names (no shell).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { describe, it, before } from 'node:test';
import { py, tempDir } from '../helpers/files.js';
import { dnd, dndJson } from '../helpers/run.js';
import type { ArrayReport } from '../../src/runtime/report.js';

describe('bad input: exit 2, one line, no job, no file', () => {
  const dir = tempDir();
  const marker = `${dir}/mpiexec-was-called`;
  const recorder = `${dir}/fake-mpiexec`;
  const h5 = `${dir}/ok.h5`;
  before(() => {
    writeFileSync(recorder, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
    chmodSync(recorder, 0o755);
    dndJson(['create', 'arange', '6,4', '--out', `${h5}:/x`]);
    writeFileSync(`${dir}/text.h5`, 'plain text');
    mkdirSync(`${dir}/folder.h5`);
    // what --out may not replace, and HDF5 content dnd cannot read (test/e2e/writes.test.ts)
    execFileSync('mkfifo', [`${dir}/pipe.h5`]);
    symlinkSync('nowhere.h5', `${dir}/dangling.h5`);
    copyFileSync(h5, `${dir}/linked.h5`);
    linkSync(`${dir}/linked.h5`, `${dir}/linked-too.h5`);
    dndJson(['create', 'ones', '3', '--out', `${dir}/grp.h5:/data/inner`]);
    copyFileSync(h5, `${dir}/cut.h5`);
    truncateSync(`${dir}/cut.h5`, 1200);
    py('make_special.py', [dir]);
  });

  const corpus: [string[], RegExp][] = [
    // shapes
    [['create', 'randn', '7,,3', '-n', '2'], /Expected shape as comma-separated non-negative integers like 7,4,3 but received '7,,3'/],
    [['create', 'randn', '-1', '-n', '2'], /Expected shape|Nonexistent flag/],
    [['create', 'randn', '7.5', '-n', '2'], /received '7\.5'/],
    [['create', 'randn', '1e3', '-n', '2'], /received '1e3'/],
    [['create', 'randn', '', '-n', '2'], /received ''/],
    [['create', 'randn', 'abc', '-n', '2'], /received 'abc'/],
    [['create', 'randn', '3,x', '-n', '2'], /received '3,x'/],
    [['create', 'randn', Array(33).fill('1').join(','), '-n', '2'], /33 axes: at most 32/],
    [['create', 'randn', '99999999999999999999', '-n', '2'], /too large/],
    // split
    [['create', 'randn', '7,4', '--split', '2', '-n', '2'], /axis 2 is out of range for 2-D shape: expected -2\.\.1 or none/],
    [['create', 'randn', '7,4', '--split', '-3', '-n', '2'], /axis -3 is out of range/],
    [['create', 'randn', '7,4', '--split', '0.5', '-n', '2'], /Expected --split as an axis .* but received '0\.5'/],
    [['create', 'randn', '7,4', '--split', 'one', '-n', '2'], /Expected --split/],
    // ranks
    [['create', 'randn', '7', '-n', '0'], /Expected an integer greater than or equal to 1 but received: 0/],
    [['create', 'randn', '7', '-n', '-1'], /greater than or equal to 1|Expected an integer/],
    [['create', 'randn', '7', '-n', '2.5'], /Expected an integer but received: 2\.5/],
    [['create', 'randn', '7', '-n', 'four'], /Expected an integer but received: four/],
    [['create', 'randn', '7', '-n', '2', '--launcher', 'none'], /--launcher none runs one rank in-process, but -n 2/],
    [['create', 'randn', '7', '-n', '2', '--launcher', 'ssh'], /Expected --launcher=ssh to be one of: auto, mpiexec, srun, none/],
    // kinds and dtypes
    [['create', 'gauss', '7', '-n', '2'], /Expected gauss to be one of: zeros, ones/],
    [['create', 'randn', '7', '--dtype', 'float16', '-n', '2'], /Expected --dtype=float16 to be one of: float32, float64/],
    [['create', 'randn', '7', '--dtype', 'int32', '-n', '2'], /randn makes floating-point values: --dtype must be float32 or float64, got int32/],
    [['create', 'rand', '7', '--dtype', 'bool', '-n', '2'], /rand makes floating-point values/],
    [['create', 'eye', '3,3,3', '-n', '2'], /eye needs a 2-D shape/],
    // values
    [['create', 'full', '7', '-n', '2'], /full needs --value/],
    [['create', 'full', '7', '--value', '300', '--dtype', 'uint8', '-n', '2'], /--value 300 does not fit uint8 \(0\.\.255\)/],
    [['create', 'full', '7', '--value', '-1', '--dtype', 'uint32', '-n', '2'], /--value -1 does not fit uint32/],
    [['create', 'full', '7', '--value', '1.5', '--dtype', 'int16', '-n', '2'], /--value 1\.5 is not an integer, as int16 needs/],
    [['create', 'full', '7', '--value', 'lots', '-n', '2'], /Expected --value as a number \(e\.g\. 1\.5, -2, 1e-3, nan, inf\) but received 'lots'/],
    [['create', 'zeros', '7', '--value', '3', '-n', '2'], /--value does not apply to zeros/],
    [['create', 'randint', '7', '--low', '5', '--high', '5', '-n', '2'], /randint needs --low < --high, got 5 and 5/],
    [['create', 'randint', '7', '--low', '0', '--high', '1000', '--dtype', 'int8', '-n', '2'], /randint range \[0, 1000\) does not fit --dtype int8 \(-128\.\.127\)/],
    [['create', 'arange', '300', '--dtype', 'int8', '-n', '2'], /arange end value 299 does not fit int8/],
    // seeds
    [['create', 'randn', '7', '--seed', '-1', '-n', '2'], /Expected --seed as an integer from 0 to|Expected --seed/],
    [['create', 'randn', '7', '--seed', '1.5', '-n', '2'], /Expected --seed as an integer/],
    [['create', 'randn', '7', '--seed', 'abc', '-n', '2'], /Expected --seed as an integer/],
    [['create', 'randn', '7', '--seed', '123456789012345678901', '-n', '2'], /Expected --seed as an integer/],
    // counts and targets
    [['create', 'randn', '7', '--counts', '4,3', '-n', '3'], /--counts has 2 entries but there are 3 ranks/],
    [['create', 'randn', '7', '--counts', '4,4', '-n', '2'], /--counts sums to 8 but the split axis has 7 rows/],
    [['create', 'randn', '7', '--counts', '8,-1', '-n', '2'], /Expected --counts as comma-separated non-negative integers/],
    [['create', 'randn', '7', '--split', 'none', '--counts', '7', '-n', '1'], /--counts needs a split axis/],
    [['redistribute', 'randn:7,2', '--target', '7,0', '-n', '3'], /target has 2 entries but there are 3 ranks/],
    [['redistribute', 'randn:7,2', '--target', '8,-1', '-n', '2'], /Expected --target as comma-separated non-negative integers/],
    [['redistribute', 'randn:7,2', '--target', '3.5,3.5', '-n', '2'], /Expected --target/],
    [['redistribute', 'randn:7,2', '--target', '3,3', '-n', '2'], /sums to 6 but the split axis has 7 rows/],
    [['redistribute', 'randn:7,2', '-n', '2'], /give --target c0,c1,\.\.\. \(rows per rank\) or --balance/],
    [['resplit', 'randn:7,2', '--axis', '5', '-n', '2'], /axis 5 is out of range for 2-D shape/],
    [['resplit', 'randn:7,2', '-n', '2'], /Missing required flag axis/],
    // flags and arguments
    [['create', 'randn', '7', '--bogus', '-n', '2'], /Nonexistent flag: --bogus/],
    [['create', 'randn'], /Missing 1 required argument\(s\): shape/],
    [['create'], /Missing 2 required argument\(s\): kind, shape/],
    [['info'], /Missing 1 required argument\(s\): source/],
    [['create', 'randn', '7', 'extra', '-n', '2'], /Unexpected argument: extra/],
    [['teleport'], /"teleport" is not a dnd command/],
    // sources
    [['info', `${dir}/missing.h5`, '-n', '2'], /missing\.h5: no such file/],
    [['info', `${dir}/folder.h5`, '-n', '2'], /folder\.h5 is a directory, not an HDF5 file/],
    [['info', `${dir}/text.h5`, '-n', '2'], /text\.h5 is not an HDF5 file/],
    [['info', `${h5}:/nope`, '-n', '2'], /has no dataset \/nope: it holds \/x/],
    [['info', `${h5}`, '--dtype', 'float64', '-n', '2'], /--dtype applies to generator sources only/],
    [['info', 'randn:7,4', '--split', '3', '-n', '2'], /axis 3 is out of range/],
    // outputs
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/no/such/dir/x.h5`], /directory .*no\/such\/dir does not exist/],
    [['create', 'randn', '7', '-n', '2', '--out', `${h5}:/x`], /already has a dataset \/x; use --force to replace it/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/text.h5`], /exists and is not an HDF5 file; use --force/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/folder.h5`], /is a directory/],
    // dataset names as HDF5 reads them: '.' and empty parts dropped, '..' never created
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/y.h5:/`], /--out .*y\.h5:\/: dataset name '\/' names the root group, not a dataset/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/y.h5:/g/../x`], /--out .*: dataset name '\/g\/\.\.\/x' contains '\.\.', which HDF5 does not read as the parent group/],
    [['create', 'randn', '7', '-n', '2', '--out', `${h5}:/./x//`], /already has a dataset \/x; use --force/],
    [['resplit', `${h5}://x`, '--axis', '1', '-n', '2', '--out', `${h5}:/./x`], /is the input itself \(.*ok\.h5:\/x\); use --force/],
    [['info', `${h5}:/`, '-n', '2'], /dataset name '\/' names the root group, not a dataset/],
    [['info', `${h5}:/g/../x`, '-n', '2'], /has no dataset \/g\/\.\.\/x \('\.\.' is a link name in HDF5, not the parent group\): it holds \/x/],
    [['info', `${h5}:/x/.`, '-n', '2'], /dataset name '\/x\/\.' ends in '\.', which names a group, not a dataset/],
    [['create', 'randn', '7', '-n', '2', '--out', ''], /Expected --out as FILE\.h5\[:\/dataset\]/],
    [['create', 'randn', '7', '-n', '2', '--force'], /--force only applies with --out/],
    // files that are not regular, links, the input itself, HDF5 paths, unreadable storage
    [['info', `${dir}/pipe.h5`, '-n', '2'], /pipe\.h5 is a FIFO \(named pipe\), not a regular file/],
    [['info', '/dev/zero', '-n', '2'], /\/dev\/zero is a character device, not a regular file/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/pipe.h5`], /pipe\.h5 is a FIFO \(named pipe\): --out writes regular files only/],
    [['create', 'randn', '7', '-n', '2', '--out', '/dev/null', '--force'], /\/dev\/null is a character device: --out writes regular files only/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/dangling.h5`], /dangling\.h5 is a symbolic link to a file that does not exist/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/linked-too.h5:/y`], /linked-too\.h5 has 2 hard links; .*use --force/],
    [['resplit', `${h5}:/x`, '--axis', '1', '-n', '2', '--out', `${h5}:/x`], /--out .*ok\.h5:\/x is the input itself \(.*ok\.h5:\/x\); use --force/],
    [['create', 'randn', '7', '-n', '2', '--out', `${h5}:/x/b/c`], /\/x is a dataset, so \/x\/b\/c cannot be created inside it/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/grp.h5`], /\/data is a group in it, not a dataset/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/cut.h5:/y`], /cut\.h5 cannot be opened as HDF5 \(truncated\?\)/],
    [['info', `${dir}/lzf.h5`, '-n', '2'], /lzf\.h5:\/x is compressed with lzf \(id 32000\), a filter this HDF5 library does not have/],
    [['info', `${dir}/virtual.h5`, '-n', '2'], /virtual\.h5:\/v is a virtual dataset/],
    [['info', `${dir}/external.h5`, '-n', '2'], /external\.h5:\/x keeps its values in 1 external file\(s\)/],
    [['info', `${dir}/scalar.h5`, '-n', '2'], /scalar\.h5:\/s is a scalar dataset/],
    // --trace never replaces what is not a trace: a device node, a FIFO, a data file, the job's own --out
    [['create', 'randn', '7', '-n', '2', '--trace', '/dev/null'], /--trace \/dev\/null: \/dev\/null is a character device: --trace writes regular files only/],
    [['create', 'randn', '7', '-n', '2', '--trace', `${dir}/pipe.h5`], /pipe\.h5 is a FIFO \(named pipe\): --trace writes regular files only/],
    [['info', h5, '-n', '2', '--trace', h5], /--trace .*ok\.h5: .*ok\.h5 exists and is not a trace, so it is not replaced/],
    [['create', 'randn', '7', '-n', '2', '--out', `${dir}/both.json`, '--trace', `${dir}/both.json`], /--trace .*both\.json and --out .*both\.json name the same file/],
    // memory
    [['create', 'randn', '100000,100000', '-n', '2'], /array of 100000,100000 float32 does not fit: the blocks of 2 rank\(s\) need 37\.3 GiB but this machine has/],
    [['resplit', 'zeros:2000000000', '--axis', 'none', '-n', '4', '--dtype', 'float64'], /does not fit/],
  ];

  it(`has at least 50 cases (${corpus.length})`, () => assert.ok(corpus.length >= 50));

  for (const [args, re] of corpus) {
    it(`dnd ${args.map((a) => (a.length > 40 ? `${a.slice(0, 37)}...` : a)).join(' ')}`, () => {
      const before = new Set(readdirSync(dir));
      const r = dnd(args, { env: { DND_MPIEXEC: recorder }, cwd: dir });
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at |Error:|stack/i, 'no stack trace');
      assert.equal(r.stdout, '');
      assert.equal(existsSync(marker), false, 'no job was started');
      assert.deepEqual(new Set(readdirSync(dir)), before, 'no file was created');
    });
  }
});


describe('no shell: odd file names are plain names', () => {
  const dir = tempDir();
  const names = ['with space.h5', "quote'single.h5", 'quote"double.h5', '$(touch pwned).h5', 'back`tick`.h5', 'new\nline.h5', 'semi;colon&amp.h5'];
  for (const name of names) {
    it(JSON.stringify(name), () => {
      const file = `${dir}/${name}`;
      const made = dndJson<ArrayReport>(['create', 'arange', '5,2', '-n', '2', '--out', file, '--checksum'], { cwd: dir });
      assert.equal(made.out?.file, file);
      assert.ok(statSync(file).isFile());
      const again = dndJson<ArrayReport>(['info', file, '-n', '2', '--checksum'], { cwd: dir });
      assert.equal(again.checksum, made.checksum);
      const moved = dndJson<ArrayReport>(['resplit', file, '--axis', '1', '-n', '2', '--out', `${file}:/t`], { cwd: dir });
      assert.equal(moved.split, 1);
      assert.equal(py<{ equals_arange: boolean }>('read_back.py', [file, '/t', 'arange']).equals_arange, true);
      assert.equal(existsSync(`${dir}/pwned`), false, 'nothing was run by a shell');
    });
  }
});

