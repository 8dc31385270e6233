import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAxis, parseCounts, parseSeed, parseShape } from '../../src/cli/parse.js';
import { parseScalar } from '../../src/dnd/scalar.js';
import { colorLevel } from '../../src/cli/color.js';
import { exitPlan } from '../../src/cli/exit.js';
import { usageError } from '../../src/dnd/errors.js';
import { InterruptedError, JobError } from '../../src/runtime/failure.js';

describe('parseShape', () => {
  it('accepts comma-separated non-negative integers', () => {
    assert.deepEqual(parseShape('7,4,3'), [7, 4, 3]);
    assert.deepEqual(parseShape('0'), [0]);
    assert.deepEqual(parseShape(' 5,0 '), [5, 0]);
  });
  for (const bad of ['', '7,,3', '-1', '7.5', '1e3', 'abc', '7,4,', ',7', '7;4', '0x10']) {
    it(`rejects '${bad}' saying what is allowed`, () => {
      assert.throws(() => parseShape(bad), /Expected shape as comma-separated non-negative integers/);
    });
  }
  it('limits the number of axes', () => {
    assert.throws(() => parseShape(Array(33).fill('1').join(',')), /at most 32/);
  });
  it('rejects extents beyond 2^53', () => {
    assert.throws(() => parseShape('99999999999999999999'), /too large/);
    // the message repeats the digits given, not the double they round to (2^53)
    assert.throws(() => parseShape('4,9007199254740993'), /^DndError: shape extent 9007199254740993 is too large: at most 9007199254740991$/);
    assert.deepEqual(parseShape('9007199254740991'), [Number.MAX_SAFE_INTEGER]);
    // counts alike: a rounded count could make a wrong sum look right
    assert.throws(() => parseCounts('1,9007199254740993', '--target'), /^DndError: --target entry 9007199254740993 is too large: at most 9007199254740991$/);
  });
});

describe('parseAxis / parseCounts / parseScalar / parseSeed', () => {
  it('axes', () => {
    assert.equal(parseAxis('none'), null);
    assert.equal(parseAxis('-2'), -2);
    assert.throws(() => parseAxis('1.5'), /integer.*or none/);
  });
  it('counts', () => {
    assert.deepEqual(parseCounts('4,0,2,1'), [4, 0, 2, 1]);
    assert.throws(() => parseCounts('4,-1'), /non-negative integers/);
  });
  it('numbers: nan, ±inf, -0 kept; integers beyond 2^53 become exact BigInts', () => {
    assert.equal(parseScalar('-2.5e3', '--value'), -2500);
    assert.equal(parseScalar('inf', '--value'), Infinity);
    assert.equal(parseScalar('-Infinity', '--value'), -Infinity);
    assert.ok(Number.isNaN(parseScalar('nan', '--value')));
    assert.ok(Object.is(parseScalar('-0', '--value'), -0));
    assert.equal(parseScalar('9007199254740991', '--value'), 9007199254740991);
    assert.equal(parseScalar('9007199254740993', '--value'), 9007199254740993n);
    assert.equal(parseScalar('-9223372036854775808', '--value'), -(2n ** 63n));
    assert.throws(() => parseScalar('1,2', '--value'), /Expected --value as a number/);
  });
  it('seeds: 0..2^64-1, exact', () => {
    assert.equal(parseSeed('42'), 42);
    assert.equal(parseSeed('18446744073709551615'), 2n ** 64n - 1n);
    for (const bad of ['-1', '1.5', 'x', '18446744073709551616', '99999999999999999999']) assert.throws(() => parseSeed(bad), /Expected --seed/);
  });
});

describe('colour decision', () => {
  it('NO_COLOR wins, then FORCE_COLOR, then the terminal', () => {
    assert.equal(colorLevel({ NO_COLOR: '1', FORCE_COLOR: '3' }, true), 0);
    assert.equal(colorLevel({ FORCE_COLOR: '0' }, true), 0);
    assert.equal(colorLevel({ FORCE_COLOR: '1' }, false), 1);
    assert.equal(colorLevel({}, false), 0);
    assert.equal(colorLevel({ TERM: 'xterm-256color' }, true), 2);
    assert.equal(colorLevel({ TERM: 'dumb' }, true), 0);
  });
});

describe('exit codes', () => {
  it('maps usage to 2, job to 3, a signal to 128+N, anything else to 3', () => {
    assert.deepEqual(exitPlan(usageError('bad shape')), { code: 2, message: 'bad shape' });
    assert.equal(exitPlan(new JobError('rank 1: boom')).code, 3);
    assert.deepEqual(exitPlan(new JobError('rank 1: boom', [], true)), { code: 3, message: null }, 'already said by the rank');
    assert.equal(exitPlan(new InterruptedError('SIGINT')).code, 130);
    assert.equal(exitPlan(new InterruptedError('SIGTERM')).code, 143);
    assert.equal(exitPlan(new InterruptedError('SIGHUP')).code, 129);
    assert.deepEqual(exitPlan(new TypeError('x is not a function\n  at y')), { code: 3, message: 'x is not a function' });
    assert.equal(exitPlan(Object.assign(new Error('Nonexistent flag: --x\nSee more help with --help'), { oclif: { exit: 2 } })).message, 'Nonexistent flag: --x (see --help)');
  });
  it('keeps the reason of oclif\'s multi-line parse errors, on one line', () => {
    const wrapped = Object.assign(new Error('Parsing --nprocs \n\tExpected an integer greater than or equal to 1 but received: 0\nSee more help with --help'), { oclif: { exit: 2 } });
    assert.equal(exitPlan(wrapped).message, 'Expected an integer greater than or equal to 1 but received: 0 (see --help)');
    const flag = Object.assign(new Error('The following error occurred:\n  Missing required flag axis\nSee more help with --help'), { oclif: { exit: 2 } });
    assert.equal(exitPlan(flag).message, 'Missing required flag axis (see --help)');
    const args = Object.assign(new Error('Missing 2 required args:\nkind   (zeros|ones) factory:\n       zeros, ones\nshape  global shape\nSee more help with --help'), { oclif: { exit: 2 } });
    assert.equal(exitPlan(args).message, 'Missing 2 required argument(s): kind, shape (see --help)');
    assert.equal(exitPlan(usageError("Parsing --split \n\tExpected --split as an axis but received 'x'\nSee more help with --help")).message, "Expected --split as an axis but received 'x'");
  });
});
