/**
 * `dnd px` through a real terminal (tmux: keys in, screen out; helpers/terminal.ts) with 2 and 4 ranks, and
 * `dnd run` with user scripts, including tfjs interop on the pure-JS cpu backend.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/files.js';
import { hasTmux, Terminal } from '../helpers/terminal.js';
import { jobTag, leftAfter } from '../helpers/procs.js';
import { BIN, dnd, faultEnv, ROOT } from '../helpers/run.js';

describe('dnd px in a real terminal', { skip: hasTmux ? false : 'tmux is not installed (bash scripts/setup.sh --test installs it)' }, () => {
  const dir = tempDir();
  for (const n of [2, 4]) {
    it(`${n} ranks: the seed session, an error on one rank, Ctrl-C in a long cell, .exit`, async () => {
      // a shell keeps the pane after dnd exits, so its exit status can be read
      const t = Terminal.start(`dndpx${n}${process.pid}`, ['bash', '--norc', '--noprofile']);
      // this session's own processes carry a tag: leftovers are looked for among them only
      const { tag, env } = jobTag();
      try {
        t.type(`${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} node ${BIN} px -n ${n} --history ${dir}/h${n}; echo "px-exit=$?"`);
        await t.waitFor(new RegExp(`dnd px: ${n} rank\\(s\\) ready`));
        t.type('const a = dnd.randn([7, 4, 3], { split: 0 })');
        t.type('a.comm.size');
        await t.waitFor(new RegExp(`\\[all\\] ${n}\\b`));
        t.type('a.lshape');
        const lshapes = n === 2 ? ['[ 4, 4, 3 ]', '[ 3, 4, 3 ]'] : ['[ 2, 4, 3 ]', '[ 2, 4, 3 ]', '[ 2, 4, 3 ]', '[ 1, 4, 3 ]'];
        await t.waitFor(new RegExp(`\\[${n - 1}/${n}\\] \\${lshapes[n - 1].replace(/ /g, ' ').replace(']', '\\]')}`));
        for (let r = 0; r < n; r++) assert.ok(t.screen().includes(`[${r}/${n}] ${lshapes[r]}`), `rank ${r} lshape`);
        t.type('JSON.stringify(a.lshapeMap)');
        const map = n === 2 ? '[[4,4,3],[3,4,3]]' : '[[2,4,3],[2,4,3],[2,4,3],[1,4,3]]';
        await t.waitFor(new RegExp(`\\[all\\] '${map.replace(/[[\]]/g, '\\$&')}'`));
        t.type('const b = a.resplit(1)');
        t.type('JSON.stringify([b.lshapeMap, b.counts, b.displs])');
        const after = n === 2 ? '[[[7,2,3],[7,2,3]],[2,2],[0,2]]' : '[[[7,1,3],[7,1,3],[7,1,3],[7,1,3]],[1,1,1,1],[0,1,2,3]]';
        await t.waitFor(new RegExp(`\\[all\\] '${after.replace(/[[\]]/g, '\\$&')}'`));
        // Tab completes from the live session (rank 0's context): `b` was declared by a cell,
        // lshapeMap is a getter (a collective): named, never called
        t.keys('-l', 'JSON.stringify(b.lshapeM');
        t.keys('Tab');
        await t.waitFor(/> JSON\.stringify\(b\.lshapeMap\s*$/m);
        t.type(')');
        const bmap = n === 2 ? '[[7,2,3],[7,2,3]]' : '[[7,1,3],[7,1,3],[7,1,3],[7,1,3]]';
        await t.waitFor(new RegExp(`\\[all\\] '${bmap.replace(/[[\]]/g, '\\$&')}'`));
        t.type('.help');
        await t.waitFor(/\.break\s+abandon the statement/);
        t.type('.nonsense');
        await t.waitFor(/Invalid REPL keyword \.nonsense/);
        // an error on one rank only: shown with its rank, the session goes on
        t.type('rank === 1 ? notDefinedAnywhere : "fine"');
        await t.waitFor(/\[1\/\d\] ReferenceError: notDefinedAnywhere is not defined/);
        assert.match(t.screen(), /\[0\/\d\] 'fine'/);
        // Ctrl-C interrupts a busy cell on every rank, not the session
        t.type('for (;;) {}');
        await sleep(700);
        t.keys('C-c');
        await t.waitFor(/Script execution was interrupted by `SIGINT`|\] Error: interrupted/);
        t.type('rank * 10');
        await t.waitFor(new RegExp(`\\[${n - 1}/${n}\\] ${(n - 1) * 10}\\b`));
        t.type('.exit');
        await t.waitFor(/px-exit=0/);
        assert.deepEqual(await leftAfter(tag), [], 'no rank left');
      } finally {
        t.kill();
      }
    });
  }
});

describe('progress on a terminal', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  it('a long operation shows its phase, size and time on stderr, then clears the line', async () => {
    const dir = tempDir();
    const t = Terminal.start(`dndprog${process.pid}`, ['bash', '--norc', '--noprofile']);
    try {
      const fault = Object.entries(faultEnv('rank=all,at=write,do=sleep:4'))
        .map(([k, v]) => `${k}='${v}'`)
        .join(' ');
      t.type(`${fault} node ${BIN} create randn 100,10 -n 2 --out ${dir}/p.h5 2>&1 | cat -v | tail -c 2000 > ${dir}/log & node ${BIN} create randn 100,10 -n 2 --out ${dir}/q.h5 --launcher mpiexec --json >/dev/null; ${fault} node ${BIN} create randn 100,10 -n 2 --out ${dir}/r.h5; echo done-$?`);
      const s = await t.waitFor(/dnd: \[2\/2\] writing HDF5 3\.91 KiB · \d\.\d s · done: building randn blocks/);
      assert.ok(s.length > 0);
      await t.waitFor(/done-0/, 20000);
      assert.doesNotMatch(t.screen(), /dnd: writing HDF5/, 'the status line is cleared at the end');
      // through a pipe (not a terminal) nothing is shown
      assert.doesNotMatch(readFileSync(`${dir}/log`, 'utf8'), /dnd: writing/);
    } finally {
      t.kill();
    }
  });
});

describe('dnd run', () => {
  it('runs a script on every rank with dnd, rank and size as globals', () => {
    const r = dnd(['run', `${ROOT}examples/scripts/layout.mjs`, '-n', '3']);
    assert.equal(r.code, 0, r.stderr);
    for (let p = 0; p < 3; p++) assert.match(r.stdout, new RegExp(`\\[${p}/3\\] lshape \\[${p === 0 ? 3 : 2},4,3\\] lshapeMap \\[\\[3,4,3\\],\\[2,4,3\\],\\[2,4,3\\]\\]`));
    assert.match(r.stdout, /\[0\/3\] after resplit\(1\): lshape \[7,2,3\] counts \[2,1,1\] displs \[0,2,3\]/);
  });

  it('passes arguments after --, and a throw on one rank ends the job with exit 3', () => {
    const dir = tempDir();
    writeFileSync(`${dir}/args.mjs`, "if (rank === 0) console.log(JSON.stringify(process.argv.slice(2)));\n");
    const a = dnd(['run', `${dir}/args.mjs`, '-n', '2', '-q', '--', 'x.h5', '--verbose']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout.trim(), '["x.h5","--verbose"]');
    writeFileSync(`${dir}/boom.mjs`, "if (rank === 1) throw new Error('boom on one rank');\ncomm.barrier();\n");
    const b = dnd(['run', `${dir}/boom.mjs`, '-n', '3']);
    assert.equal(b.code, 3);
    assert.match(b.stderr, /rank 1 \(\S+\): boom on one rank/);
    const missing = dnd(['run', `${dir}/nope.mjs`, '-n', '2']);
    assert.equal(missing.code, 2);
  });

  it('tfjs interop on the cpu backend: toTensor per rank, fromTensor back, float64 refused', () => {
    const r = dnd(['run', `${ROOT}test/mpi/tensor-ranks.mjs`, '-n', '3', '-q']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim()) as { shape: number[]; dtype: string; gshape: number[]; lshapeMap: number[][]; pkg: string; f64: string; sums: number[] };
    assert.deepEqual(out.shape, [3, 3]);
    assert.equal(out.dtype, 'float32');
    assert.deepEqual(out.gshape, [7, 3]);
    assert.deepEqual(out.lshapeMap, [
      [3, 3],
      [2, 3],
      [2, 3],
    ]);
    assert.equal(out.pkg, '@tensorflow/tfjs-backend-cpu');
    assert.match(out.f64, /tfjs has no float64/);
    assert.deepEqual(out.sums, [36, 69, 105], 'each rank\'s tensor holds its own rows of arange');
    assert.equal(r.stderr.includes('looks like you are running'), false);
  });
});
