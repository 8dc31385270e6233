/**
 * dnd's error classes are recognised across copies of their modules: a bundled command
 * (scripts/bundle-commands.mjs) throws its own copy's DndError/JobError/InterruptedError,
 * and the entry maps them to exit codes with dist's classes (src/cli/exit.ts). A second
 * copy is loaded here as a separate module instance (a query string makes a new one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DndError, isDndError, usageError } from '../../src/dnd/errors.js';
import { InterruptedError, JobError } from '../../src/runtime/failure.js';
import { exitPlan } from '../../src/cli/exit.js';

const other = {
  errors: (await import(`../../src/dnd/errors.js?copy=${Date.now()}`)) as typeof import('../../src/dnd/errors.js'),
  failure: (await import(`../../src/runtime/failure.js?copy=${Date.now()}`)) as typeof import('../../src/runtime/failure.js'),
};

describe('error classes across module copies', () => {
  it('the copy is a separate module (its classes are other objects)', () => {
    assert.notEqual(other.errors.DndError, DndError);
    assert.notEqual(other.failure.JobError, JobError);
  });

  it('instanceof and isDndError hold for the other copy, in both directions', () => {
    const u = other.errors.usageError('bad axis');
    assert.ok(u instanceof DndError);
    assert.ok(isDndError(u));
    assert.ok(usageError('x') instanceof other.errors.DndError);
    assert.ok(new other.failure.JobError('rank 1: boom') instanceof JobError);
    assert.ok(new other.failure.InterruptedError('SIGINT') instanceof InterruptedError);
    assert.ok(u instanceof Error);
  });

  it('the classes stay distinct from each other and from plain errors', () => {
    const j = new other.failure.JobError('rank 1: boom');
    const i = new other.failure.InterruptedError('SIGTERM');
    const d = other.errors.usageError('bad');
    for (const [x, not] of [[j, [InterruptedError, DndError]], [i, [JobError, DndError]], [d, [JobError, InterruptedError]]] as const) {
      for (const C of not) assert.equal(x instanceof C, false, `${x.name} must not be a ${C.name}`);
    }
    assert.equal(new Error('x') instanceof DndError, false);
    assert.equal(Object.create(null) instanceof JobError, false);
    for (const v of [null, undefined, 1, 'JobError', { name: 'JobError' }]) assert.equal(v instanceof JobError, false);
    assert.equal(isDndError({ tag: 'usage', message: 'x' }), false);
  });

  it('a subclass of a branded class is an instance of it, not the other way round', () => {
    class Sub extends JobError {}
    assert.ok(new Sub('x') instanceof JobError);
    assert.equal(new JobError('x') instanceof Sub, false);
    assert.equal(new other.failure.JobError('x') instanceof Sub, false);
  });

  it('exit codes come out the same for errors of the other copy', () => {
    assert.deepEqual(exitPlan(other.errors.usageError('axis 5 is out of range')), { code: 2, message: 'axis 5 is out of range' });
    assert.deepEqual(exitPlan(new other.errors.DndError('job', 'rank 0: H5Dread failed\nmore')), { code: 3, message: 'rank 0: H5Dread failed' });
    assert.equal(exitPlan(new other.failure.JobError('rank 1: boom')).code, 3);
    assert.equal(exitPlan(new other.failure.JobError('told', [], true)).message, null);
    assert.equal(exitPlan(new other.failure.InterruptedError('SIGTERM')).code, 143);
  });
});
