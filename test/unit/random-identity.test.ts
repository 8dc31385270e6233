/**
 * The batched random kernel (src/native/philox.h) gives the values dnd gave before it,
 * bit for bit, under each of its instruction sets: test/fixtures/philox-golden.json
 * holds hashes of philoxFill's output recorded from the old one-block-at-a-time kernel
 * (kinds rand/randn/randint, float and integer dtypes, several seeds, odd and even stream
 * starts, lengths around the batch size, and runs of 3 million values: float32 normals
 * come from the kernel's own vector arithmetic, checked against the float rounding
 * midpoints, and a few in 10^4 are redone with libm, so long runs are what tests them).
 *
 * randn goes through glibc's log and sincos, which glibc picks at load time in an FMA or
 * a non-FMA variant by CPU; they differ in the last bits of some float64 values. Both were
 * recorded (the non-FMA one under GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA, which any
 * x86-64 CPU can be asked for), and each is checked here under every instruction set.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/run.js';

interface Golden {
  native_common: Record<string, string>;
  native_fma: Record<string, string>;
  native_nofma: Record<string, string>;
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

function check(got: Record<string, string>, variant: 'fma' | 'nofma', what: string): void {
  const want = { ...golden.native_common, ...(variant === 'fma' ? golden.native_fma : golden.native_nofma) };
  assert.equal(Object.keys(got).length, Object.keys(want).length, `${what}: the probe's cases changed; re-record only from a kernel known to be right`);
  const wrong = Object.keys(want).filter((k) => got[k] !== want[k]);
  assert.deepEqual(wrong, [], `${what}: cases whose values changed`);
}

describe('random fill: the same bits as before the batched kernel', () => {
  for (const isa of isas) {
    it(`DND_RANDOM_ISA=${isa}, this CPU's libm (${libmFma ? 'FMA' : 'non-FMA'} variant)`, () => {
      const r = probe(isa, false);
      assert.equal(r.isa, isa, 'the forced instruction set is the one the kernel reports');
      check(r.hashes, libmFma ? 'fma' : 'nofma', isa);
    });
    if (x86 && libmFma) {
      it(`DND_RANDOM_ISA=${isa}, libm's non-FMA variant (GLIBC_TUNABLES)`, () => {
        check(probe(isa, true).hashes, 'nofma', `${isa} without FMA libm`);
      });
    }
  }

  it('the two libm variants do differ for float64 randn (so the records above are not vacuous)', () => {
    assert.ok(Object.keys(golden.native_fma).length > 0);
    assert.ok(Object.keys(golden.native_fma).every((k) => k.includes('randn float64') && golden.native_nofma[k] !== golden.native_fma[k]));
  });
});
