/**
 * The batched random kernel (src/native/philox.h) gives the recorded values, bit for bit,
 * under each of its instruction sets and under both of glibc's libm variants:
 * test/fixtures/philox-golden.json holds hashes of philoxFill's output (kinds
 * rand/randn/randint, float and integer dtypes, several seeds, odd and even stream
 * starts, lengths around the batch size, and runs of 3 million values: float32 normals
 * come from the kernel's own vector arithmetic, checked against the float rounding
 * midpoints, and a few in 10^4 are redone with libm, so long runs are what tests them).
 *
 * glibc picks its log/sin/cos at load time in an FMA or a non-FMA variant by CPU; they
 * differ in the last bits of some doubles. float64 randn no longer uses them (dnd's own
 * log and sin/cos, src/native/normal64.h), so it has one record, and every instruction
 * set must give it both with this CPU's libm and with the non-FMA one
 * (GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA, which any x86-64 CPU can be asked for).
 * float32 randn, rand and randint keep the values of dnd 0.1.0.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/run.js';

interface Golden {
  native: Record<string, string>;
  glibc_0_1_0: { native_fma: Record<string, string>; native_nofma: Record<string, string> };
}
const golden = JSON.parse(readFileSync(`${ROOT}test/fixtures/philox-golden.json`, 'utf8')) as Golden;
const flags = (/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/);
const has = (f: string) => flags.includes(f);
const x86 = process.arch === 'x64';
// glibc's FMA variants need both (sysdeps/x86_64/fpu/multiarch: CPU_FEATURE_USABLE (FMA) && AVX2)
const libmFma = x86 && has('fma') && has('avx2');
const isas = ['base', ...(has('avx2') && has('fma') ? ['avx2'] : []), ...(['avx512f', 'avx512dq', 'avx512vl', 'avx512bw'].every(has) ? ['avx512'] : [])];

function probe(isa: string, noFma: boolean): { isa: string; hashes: Record<string, string> } {
  const env = { ...process.env, DND_RANDOM_ISA: isa === 'avx512' ? '' : isa, ...(noFma ? { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2,-FMA' } : {}) };
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}test/helpers/philox-probe.ts`], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { isa: string; hashes: Record<string, string> };
}

function check(got: Record<string, string>, what: string): void {
  const want = golden.native;
  assert.equal(Object.keys(got).length, Object.keys(want).length, `${what}: the probe's cases changed; re-record only from a kernel known to be right`);
  const wrong = Object.keys(want).filter((k) => got[k] !== want[k]);
  assert.deepEqual(wrong, [], `${what}: cases whose values changed`);
}

describe('random fill: the recorded bits on every instruction set and libm variant', () => {
  for (const isa of isas) {
    it(`DND_RANDOM_ISA=${isa}, this CPU's libm (${libmFma ? 'FMA' : 'non-FMA'} variant)`, () => {
      const r = probe(isa, false);
      assert.equal(r.isa, isa, 'the forced instruction set is the one the kernel reports');
      check(r.hashes, isa);
    });
    if (x86 && libmFma) {
      it(`DND_RANDOM_ISA=${isa}, libm's non-FMA variant (GLIBC_TUNABLES)`, () => {
        check(probe(isa, true).hashes, `${isa} without FMA libm`);
      });
    }
  }

  it("float64 randn differs from 0.1.0's glibc values in every case, under both variants (a deliberate, recorded change)", () => {
    const float64 = Object.keys(golden.native).filter((k) => k.includes('randn float64'));
    assert.ok(float64.length >= 25, 'the float64 randn cases are in the record');
    for (const old of [golden.glibc_0_1_0.native_fma, golden.glibc_0_1_0.native_nofma]) {
      assert.deepEqual(Object.keys(old).sort(), [...float64].sort());
      assert.deepEqual(float64.filter((k) => old[k] === golden.native[k]), []);
    }
  });
});
