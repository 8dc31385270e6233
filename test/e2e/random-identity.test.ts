/**
 * `dnd create rand|randn|randint --checksum` gives the recorded fingerprints
 * (test/fixtures/philox-golden.json, "cli"), on 1 to 4 ranks and with the array split
 * along each axis or not at all: a rank's share starts at odd and even global indices, so
 * every edge of the kernel's batches is crossed somewhere. float64 randn (dnd's own log
 * and sin/cos after 0.1.0, src/native/normal64.h) is also run on 1 to 4 ranks under every
 * instruction set (DND_RANDOM_ISA) and both glibc libm variants (GLIBC_TUNABLES), which
 * the ranks inherit, and in one job whose ranks each run a different one (as on mixed
 * CPUs; test/mpi/randn64-mixed-ranks.mjs): the global array must not depend on where its
 * blocks were computed.
 * (test/unit/random-identity.test.ts checks the kernel's instruction sets one by one.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ArrayReport } from '../../src/runtime/report.js';
import { loadNative } from '../../src/native/index.js';
import { dndJson, mpiEnv, ROOT } from '../helpers/run.js';

interface Rec {
  kind: string;
  dtype: string;
  seed: string;
  shape: string;
  fingerprint: string;
}
const golden = JSON.parse(readFileSync(`${ROOT}test/fixtures/philox-golden.json`, 'utf8')) as { cli: Rec[] };
const records = golden.cli;
const flags = (/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/);
const isas = ['base', ...(flags.includes('avx2') && flags.includes('fma') ? ['avx2'] : []), ...(['avx512f', 'avx512dq', 'avx512vl', 'avx512bw'].every((f) => flags.includes(f)) ? ['avx512'] : [])];
// glibc's non-FMA log/sin/cos, which an x86-64 CPU with FMA would otherwise not load
const libms = process.arch === 'x64' ? ['this CPU', 'non-FMA'] : ['this CPU'];
const envs = isas.flatMap((isa) => libms.map((libm) => ({ isa, libm })));

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

describe('float64 randn from the CLI: one array on every instruction set and libm variant, 1-4 ranks', () => {
  let i = 0;
  // two rank counts per record ({1,3} or {2,4} in turn): every -n is crossed with every
  // instruction set and libm variant, in half the jobs of all four per record
  records.filter((x) => x.kind === 'randn' && x.dtype === 'float64').forEach((r, k) => {
    const splits = r.shape.includes(',') ? ['none', '0', '1'] : ['none', '0'];
    for (let n = (k % 2) + 1; n <= 4; n += 2, i++) {
      const split = splits[(n + i) % splits.length];
      const { isa, libm } = envs[i % envs.length];
      it(`${r.shape} seed ${r.seed} -n ${n} --split ${split}, DND_RANDOM_ISA=${isa}, ${libm} libm`, () => {
        const env = { DND_RANDOM_ISA: isa === 'avx512' ? '' : isa, GLIBC_TUNABLES: libm === 'non-FMA' ? 'glibc.cpu.hwcaps=-AVX2,-FMA' : undefined };
        const out = dndJson<ArrayReport>(['create', 'randn', r.shape, '--dtype', 'float64', '--seed', r.seed, '--split', split, '-n', String(n), '--oversubscribe', '--checksum'], { env });
        assert.equal(out.nprocs, n);
        assert.equal(out.checksum, r.fingerprint);
      });
    }
  });
});

describe('float64 randn in one job whose ranks run different instruction sets and libm variants', () => {
  it('4 ranks, each its own DND_RANDOM_ISA / GLIBC_TUNABLES: the global randn and normal arrays of one process', () => {
    const n = 100_003; // odd: rank blocks start at odd and even elements
    // with 3 instruction sets x 2 libms: avx512, avx2 (non-FMA libm), avx2, base (non-FMA libm)
    const per = [0, 1, 2, 3].map((i) => envs[(5 * i + 4) % envs.length]);
    // MPMD: one app context per rank, each started through env(1) with its own settings
    const args = per.flatMap(({ isa, libm }, i) => [
      ...(i ? [':'] : []),
      '-n', '1', 'env', `DND_RANDOM_ISA=${isa === 'avx512' ? '' : isa}`, `GLIBC_TUNABLES=${libm === 'non-FMA' ? 'glibc.cpu.hwcaps=-AVX2,-FMA' : ''}`,
      process.execPath, `${ROOT}test/mpi/randn64-mixed-ranks.mjs`, String(n),
    ]);
    const r = spawnSync('mpiexec', args, { encoding: 'utf8', env: mpiEnv(), timeout: 120000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { ranks: { isa: string; tunables: string; rows: number }[]; randn: string; normal: string };
    assert.deepEqual(out.ranks.map((x) => x.isa), per.map((x) => x.isa), 'each rank ran the instruction set it was given');
    assert.deepEqual(out.ranks.map((x) => x.tunables !== ''), per.map((x) => x.libm === 'non-FMA'));
    assert.deepEqual(out.ranks.map((x) => x.rows), [25001, 25001, 25001, 25000]);
    // the same arrays drawn here, in this one process, with this CPU's defaults
    const z = new Float64Array(n);
    loadNative().philoxFill(z, 1, 7n, 0n, 0, 0);
    const y = Float64Array.from(z, (v) => 2 + 3 * v);
    assert.equal(out.randn, createHash('sha256').update(new Uint8Array(z.buffer)).digest('hex'));
    assert.equal(out.normal, createHash('sha256').update(new Uint8Array(y.buffer)).digest('hex'));
  });
});
