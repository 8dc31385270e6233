/** The complex dtype plumbing without MPI: sizes, views, allocation, parsing, validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DTYPES, dtypeOfArray, isComplex, itemsize, lanes, partDtype, typedView } from '../../src/dnd/dtypes.js';
import { allocate } from '../../src/dnd/memory.js';
import { checkFillValue, complexParts, parseComplex } from '../../src/dnd/scalar.js';
import { checkFactorySpec, CLI_NAMES, COMPLEX_KINDS, FACTORY_KINDS } from '../../src/dnd/spec.js';

describe('complex dtypes', () => {
  it('are dtypes of 8 and 16 bytes, two float parts each', () => {
    assert.ok(DTYPES.includes('complex64') && DTYPES.includes('complex128'));
    assert.equal(itemsize('complex64'), 8);
    assert.equal(itemsize('complex128'), 16);
    assert.equal(lanes('complex64'), 2);
    assert.equal(lanes('float64'), 1);
    assert.equal(partDtype('complex64'), 'float32');
    assert.equal(partDtype('complex128'), 'float64');
    assert.equal(partDtype('int8'), 'int8');
    assert.ok(isComplex('complex128') && !isComplex('float64'));
  });

  it('allocate and typedView count items: 2 elements each, numpy layout', () => {
    const a = allocate('complex64', 5);
    assert.ok(a instanceof Float32Array);
    assert.equal(a.length, 10);
    assert.equal(a.byteLength, 40);
    const b = allocate('complex128', 3);
    assert.ok(b instanceof Float64Array);
    assert.equal(b.byteLength, 48);
    const buf = new ArrayBuffer(64);
    assert.equal(typedView('complex128', buf, 16, 2).length, 4);
    assert.equal(typedView('complex128', buf).length, 8, 'no length: the whole buffer in elements');
    assert.equal(dtypeOfArray(new Float32Array(4)), 'float32', 'a typed array alone is never taken for complex');
  });
});

describe('complex values', () => {
  const ok: [string, [number, number]][] = [
    ['1+2j', [1, 2]],
    ['1-2j', [1, -2]],
    ['-1.5e-3+2.5E+4j', [-1.5e-3, 2.5e4]],
    ['1e-3-1e-3j', [1e-3, -1e-3]],
    ['2j', [0, 2]],
    ['-j', [0, -1]],
    ['+j', [0, 1]],
    ['j', [0, 1]],
    ['(3-4J)', [3, -4]],
    ['7', [7, 0]],
    ['-0', [-0, 0]],
    ['nan+infj', [NaN, Infinity]],
    ['-inf-nanj', [-Infinity, NaN]],
    [' 0.5-0j ', [0.5, -0]],
  ];
  for (const [text, want] of ok) {
    it(`parses ${JSON.stringify(text)}`, () => {
      const got = parseComplex(text, '--value');
      assert.ok(Object.is(got[0], want[0]) && Object.is(got[1], want[1]), `${got} vs ${want}`);
    });
  }
  for (const bad of ['', '1+2', '1+2i', 'j2', '1++2j', '1+2jj', '(1+2j', 'abc', '1+2x']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseComplex(bad, '--value'), (e: Error) => /Expected --value as a complex number/.test(e.message) || /Expected --value as a number/.test(e.message));
    });
  }
  it('checks fill values against the dtype of each part', () => {
    checkFillValue([1, -2], 'complex64', 'value');
    checkFillValue([NaN, -Infinity], 'complex128', 'value');
    checkFillValue(3, 'complex64', 'value');
    assert.throws(() => checkFillValue([1e39, 0], 'complex64', 'value'), /value real part 1e\+39 does not fit float32/);
    checkFillValue([1e39, 0], 'complex128', 'value');
    assert.throws(() => checkFillValue([1, 2], 'float64', 'value'), /is a complex value: it needs dtype complex64 or complex128, got float64/);
    assert.throws(() => checkFillValue([1, 2, 3] as unknown as [number, number], 'complex64', 'value'), /a \[re, im\] pair/);
    assert.deepEqual(complexParts(2), [2, 0]);
    assert.deepEqual(complexParts([2, 3]), [2, 3]);
  });
});

describe('complex in the factory validator', () => {
  for (const kind of FACTORY_KINDS) {
    const takes = COMPLEX_KINDS.includes(kind);
    it(`${kind} ${takes ? 'makes' : 'refuses'} complex`, () => {
      const shape = kind === 'eye' ? [3, 3] : [4];
      const input = { kind, gshape: shape, dtype: 'complex64' as const, ...(kind === 'full' ? { value: [1, 2] as const } : {}) };
      if (takes) assert.equal(checkFactorySpec(input, 2).dtype, 'complex64');
      else assert.throws(() => checkFactorySpec(input, 2, CLI_NAMES), (e: Error) => new RegExp(`^${kind} cannot make complex64: complex arrays come from zeros, ones, empty, full, eye, or from a file$`).test(e.message));
    });
  }
});
