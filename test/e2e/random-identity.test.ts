/**
 * `dnd create rand|randn|randint --checksum` gives the fingerprints recorded before the
 * batched random kernel (test/fixtures/philox-golden.json, "cli_*"), on 1 to 4 ranks and
 * with the array split along each axis or not at all: a rank's share starts at odd and
 * even global indices, so every edge of the kernel's batches is crossed somewhere.
 * (test/unit/random-identity.test.ts checks the kernel's instruction sets one by one.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ArrayReport } from '../../src/runtime/report.js';
import { dndJson, ROOT } from '../helpers/run.js';

interface Rec {
  kind: string;
  dtype: string;
  seed: string;
  shape: string;
  fingerprint: string;
}
const golden = JSON.parse(readFileSync(`${ROOT}test/fixtures/philox-golden.json`, 'utf8')) as { cli_fma: Rec[]; cli_nofma: Rec[] };
const flags = (/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/);
// glibc's log/sincos pick their FMA variant on CPUs with FMA and AVX2 (see the unit test)
const records = process.arch === 'x64' && flags.includes('fma') && flags.includes('avx2') ? golden.cli_fma : golden.cli_nofma;

describe('random arrays from the CLI: the recorded fingerprints on 1-4 ranks', () => {
  // seed 7 and the largest seed, every kind and dtype; -n and split vary across the cases
  const cases = records.filter((r) => r.seed !== '0');
  cases.forEach((r, i) => {
    const n = (i % 4) + 1;
    const splits = r.shape.includes(',') ? ['none', '0', '1'] : ['none', '0'];
    const split = splits[(i >> 2) % splits.length];
    const range = r.kind === 'randint' ? ['--low', '-3', '--high', '1000'] : [];
    it(`${r.kind} ${r.shape} ${r.dtype} seed ${r.seed} -n ${n} --split ${split}`, () => {
      const out = dndJson<ArrayReport>(['create', r.kind, r.shape, '--dtype', r.dtype, '--seed', r.seed, ...range, '--split', split, '-n', String(n), '--oversubscribe', '--checksum']);
      assert.equal(out.nprocs, n);
      assert.equal(out.checksum, r.fingerprint);
    });
  });
});
