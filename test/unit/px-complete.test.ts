/** px tab completion from a live context (runtime/jobs/px-complete.ts): names, chains, and never a getter. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContext, Script } from 'node:vm';
import { declaredNames } from '../../src/runtime/jobs/cell-await.js';
import { Completer } from '../../src/runtime/jobs/px-complete.js';

function session() {
  let calls = 0;
  class Arr {
    lshape = [2, 3];
    nested = { deep: { leaf: 1 } };
    get lshapeMap(): number[][] {
      calls++; // a collective in real life: completion must not call it
      return [[1]];
    }
    resplit(): void {}
  }
  const ctx = createContext({ dnd: { randn: () => new Arr(), rand: 1, zeros: 2 }, rank: 0, console });
  const c = new Completer(ctx);
  // as jobs/px.ts: what a cell declares is noted whether or not it threw
  const run = (code: string) => {
    try {
      new Script(code).runInContext(ctx);
    } finally {
      c.declare(declaredNames(code));
    }
  };
  return { c, run, ctx, calls: () => calls };
}

describe('px completion', () => {
  it('globals, builtins, keywords and what cells declared (const lives in the lexical scope)', () => {
    const { c, run } = session();
    run('const alpha = dnd.randn(); let [beta, { gamma }] = [1, { gamma: 2 }]; function delta() {} class Epsilon {}');
    assert.deepEqual(c.complete('al')[0], ['alpha']);
    assert.deepEqual(c.complete('x = be')[0], ['beta']);
    assert.deepEqual(c.complete('gam'), [['gamma'], 'gam']);
    assert.ok(c.complete('del')[0].includes('delta') && c.complete('del')[0].includes('delete'));
    assert.deepEqual(c.complete('Epsi')[0], ['Epsilon']);
    assert.ok(c.complete('Mat')[0].includes('Math'), 'builtins of the context');
    assert.ok(c.complete('ra')[0].includes('rank'));
    assert.deepEqual(c.complete('zzz')[0], []);
  });

  it('a chain completes from the object it names, prototypes included; getters are listed, never called', () => {
    const { c, run, calls } = session();
    run('const a = dnd.randn()');
    assert.deepEqual(c.complete('dnd.ra'), [['dnd.rand', 'dnd.randn'], 'dnd.ra']);
    const props = c.complete('a.')[0];
    for (const p of ['a.lshape', 'a.lshapeMap', 'a.resplit', 'a.nested', 'a.hasOwnProperty']) assert.ok(props.includes(p), p);
    assert.deepEqual(c.complete('x = a.nested.deep.l')[0], ['a.nested.deep.leaf']);
    assert.deepEqual(c.complete('a.lshapeMap.')[0], [], 'through a getter: nothing, and no call');
    assert.deepEqual(c.complete('a.lshape.le')[0], ['a.lshape.length']);
    assert.deepEqual(c.complete('"x".toU')[0], [], 'not an identifier chain');
    assert.deepEqual(c.complete('nothing.here.')[0], []);
    assert.equal(calls(), 0, 'the getter was never called');
  });

  it('a getter on the global object and a binding whose cell threw complete to nothing, quietly', () => {
    const { c, run, ctx } = session();
    run("Object.defineProperty(globalThis, 'trap', { get() { throw new Error('called'); } })");
    assert.deepEqual(c.complete('trap.')[0], []);
    try {
      run('const broken = (() => { throw new Error("no") })()');
    } catch {
      // the cell failed; `broken` is declared but not initialised
    }
    assert.deepEqual(c.complete('broken.')[0], []);
    // a Proxy's traps are code (a collective, for all completion knows): not looked into
    run("let trapped = 0; const prox = new Proxy({ a: 1 }, { ownKeys() { trapped++; return ['a']; }, getOwnPropertyDescriptor(t, k) { trapped++; return Reflect.getOwnPropertyDescriptor(t, k); } }); const holder = { prox }");
    assert.deepEqual(c.complete('prox.')[0], []);
    assert.deepEqual(c.complete('holder.prox.')[0], []);
    assert.equal(new Script('trapped').runInContext(ctx), 0, 'no trap ran');
  });
});
