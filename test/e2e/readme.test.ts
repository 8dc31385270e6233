/**
 * Docs that cannot drift (issue #16, item 7): every output sample in README.md is marked
 * with the commands that make it, and scripts/gen-readme-samples.mjs reruns them. The
 * samples must match a fresh run, up to what honestly varies (timings, host names).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/run.js';

const GEN = `${ROOT}scripts/gen-readme-samples.mjs`;
const check = (file?: string) => spawnSync(process.execPath, [GEN, '--check', ...(file ? ['--readme', file] : [])], { encoding: 'utf8', timeout: 300000 });

describe('README samples', () => {
  it('every output sample in README.md matches a fresh run of its commands', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const markers = [...readme.matchAll(/^<!-- sample: (.+?) -->$/gm)].map((m) => m[1]);
    assert.ok(markers.length >= 4, `${markers.length} samples`);
    // a sample that shows a file was written by a command before it, in the same sample
    assert.ok(markers.some((m) => /--out data\.h5.* ; dnd info data\.h5/.test(m)), 'info reads what the create before it wrote');
    const r = check();
    assert.equal(r.status, 0, r.stderr);
    // every sample shows the command and its time line (a table command prints one)
    for (const m of readme.matchAll(/^<!-- sample: (.+?) -->\n```\n([\s\S]*?)\n```$/gm)) {
      assert.match(m[2], /^\$ dnd /, m[1]);
      if (!m[1].includes('--json')) assert.match(m[2], /\ntime \d/, `${m[1]}: the time line`);
    }
  });

  it('a drifted sample fails the check and says where; timings and host names may differ', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const one = /^<!-- sample: dnd create arange 7,2 --counts 4,0,2,1 -n 4 --checksum -->\n```\n[\s\S]*?\n```$/m.exec(readme)?.[0];
    assert.ok(one, 'the arange sample is in README.md');
    const dir = mkdtempSync(join(tmpdir(), 'dnd-readme-test-'));
    try {
      const file = join(dir, 'README.md');
      // what varies honestly: another time, another host name (a longer one widens the table)
      writeFileSync(file, `# x\n\n${one.replace(/^time .*$/m, 'time 9.99 s total, 1 ms in the operation (slowest rank)').replace(/│ vm {3}│/g, '│ node-17.cluster │')}\n`);
      const same = check(file);
      assert.equal(same.status, 0, same.stderr);
      // a real drift: a count that is not what the command prints
      writeFileSync(file, `# x\n\n${one.replace('counts [4,0,2,1]', 'counts [4,1,1,1]')}\n`);
      const drift = check(file);
      assert.equal(drift.status, 1);
      assert.match(drift.stderr, /line \d+ drifted from a fresh run:\n {2}README: counts \[4,1,1,1\]/);
      assert.match(drift.stderr, /regenerate with: node scripts\/gen-readme-samples\.mjs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
