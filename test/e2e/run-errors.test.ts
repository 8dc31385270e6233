/**
 * A failing user script says where: the failure line of `dnd run` names the file, line
 * and column of the throw (the first frame in the user's files, not dnd's), and of a
 * syntax error, which Node 20 reports for an ES module without any place.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dnd } from '../helpers/run.js';
import { tempDir } from '../helpers/files.js';

const dir = tempDir();
mkdirSync(`${dir}/odd dir é`);
const write = (name: string, code: string) => {
  writeFileSync(`${dir}/${name}`, code);
  return name;
};
const cases: { file: string; n: string; want: RegExp }[] = [
  { file: write('odd dir é/throw 1.mjs', "comm.barrier();\nif (rank === 1) throw new Error('boom on one');\ncomm.barrier();\n"), n: '2', want: /^dnd: rank 1 \(\S+\): boom on one \(at odd dir é\/throw 1\.mjs:2:23\)\n$/ },
  { file: write('deep.mjs', 'function f() {\n  return null.foo;\n}\nf();\n'), n: '2', want: /^dnd: rank \d \(\S+\): Cannot read properties of null \(reading 'foo'\) \(at deep\.mjs:2:15\)\n$/ },
  // dnd's own error for a bad call names the script's line, not dnd's
  { file: write('call.mjs', 'const a = dnd.zeros([4], { split: 0 });\n\na.resplit(3);\n'), n: '2', want: /^dnd: rank \d \(\S+\): axis 3 is out of range for 1-D shape: expected -1\.\.0 or none \(at call\.mjs:3:3\)\n$/ },
  { file: write('syntax.mjs', "comm.barrier();\nconst x = 1 +;\n"), n: '2', want: /^dnd: rank \d \(\S+\): Unexpected token ';' \(at syntax\.mjs:2:14\)\n$/ },
  { file: write('syntax.cjs', 'const ok = 1;\nlet let = 2;\n'), n: '1', want: /^dnd: rank 0 \(\S+\): let is disallowed as a lexically bound name \(at syntax\.cjs:2\)\n$/ },
];

describe('dnd run: where a script failed', () => {
  it('a directory given as the script: exit 2, says so', () => {
    const r = dnd(['run', 'odd dir é', '-n', '2'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'dnd: odd dir é is a directory, not a script file\n');
  });

  for (const c of cases) {
    it(`${c.file} -n ${c.n}: exit 3, one line naming the place`, () => {
      const r = dnd(['run', c.file, '-n', c.n], { cwd: dir });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, c.want);
    });
  }
});
