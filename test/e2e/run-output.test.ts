/**
 * Where a script's output goes and what it looks like: with --json, stdout is the one
 * JSON object and the ranks' output goes to stderr; colour only when dnd's own stdout is
 * a terminal (or FORCE_COLOR asks for it), and NO_COLOR beside FORCE_COLOR wins quietly.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dnd } from '../helpers/run.js';
import { tempDir } from '../helpers/files.js';
import { assertSchema } from '../helpers/schema.js';

const ESC = '\u001b[';
const dir = tempDir();
const script = `${dir}/show.mjs`;
// util.inspect colours numbers and strings whenever the console thinks it may
writeFileSync(script, "console.log({ rank, n: 42, s: 'text' });\nprocess.stdout.write(`last of ${rank}`);\n");
// output that comes after the script returned (a timer it left): still not on stdout
const late = `${dir}/late.mjs`;
writeFileSync(late, "setTimeout(() => console.log('printed late'), 200);\n");

describe('dnd run: output and colour', () => {
  for (const n of [1, 2, 3]) {
    it(`-n ${n} --json: stdout is exactly one JSON object, the script's output is on stderr`, () => {
      const r = dnd(['run', script, '-n', String(n), '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Record<string, unknown>;
      assertSchema('run-report', report);
      assert.equal(report.nprocs, n);
      for (let p = 0; p < n; p++) {
        assert.match(r.stderr, new RegExp(`\\{ rank: ${p}, n: 42, s: 'text' \\}`));
        assert.match(r.stderr, new RegExp(`last of ${p}`), 'a last line without newline is kept');
      }
      assert.ok(!r.stderr.includes(ESC), 'no colour under --json');
    });

    it(`-n ${n}: a redirected stdout gets no colour; FORCE_COLOR gets it; NO_COLOR wins over FORCE_COLOR without a warning`, () => {
      const plain = dnd(['run', script, '-n', String(n), '-q']);
      assert.equal(plain.code, 0, plain.stderr);
      assert.match(plain.stdout, /n: 42/);
      assert.ok(!plain.stdout.includes(ESC), `escape codes in a redirected stdout: ${JSON.stringify(plain.stdout)}`);
      const forced = dnd(['run', script, '-n', String(n), '-q'], { env: { FORCE_COLOR: '1' } });
      assert.equal(forced.code, 0, forced.stderr);
      assert.ok(forced.stdout.includes(`n: ${ESC}33m42`), `FORCE_COLOR=1 colours the ranks' output: ${JSON.stringify(forced.stdout)}`);
      const both = dnd(['run', script, '-n', String(n)], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
      assert.equal(both.code, 0, both.stderr);
      assert.ok(!both.stdout.includes(ESC) && !both.stderr.includes(ESC), 'NO_COLOR wins');
      assert.doesNotMatch(both.stderr, /Warning/);
    });
  }

  it('-n 1 --json: what a script prints after it returned goes to stderr too', () => {
    const r = dnd(['run', late, '-n', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { nprocs: number }).nprocs, 1);
    assert.match(r.stderr, /printed late/);
  });

  it('NO_COLOR with FORCE_COLOR: no Node warning from the CLI itself either', () => {
    const r = dnd(['--version'], { env: { FORCE_COLOR: '3', NO_COLOR: '1' } });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const h = dnd(['create', 'randn', '3', '-n', '1'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    assert.equal(h.code, 0, h.stderr);
    assert.doesNotMatch(h.stderr, /Warning/);
    assert.ok(!h.stdout.includes(ESC));
  });
});
