/** px cells with top-level await behave as in the node REPL: values shown, declarations kept. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContext, Script } from 'node:vm';
import { asyncCellSource } from '../../src/runtime/jobs/cell-await.js';

/** Runs cells one after another in one context, as a px session does; returns each value. */
async function session(cells: string[]): Promise<unknown[]> {
  const ctx = createContext({ rank: 3 });
  const out: unknown[] = [];
  for (const cell of cells) {
    const rewritten = asyncCellSource(cell);
    out.push(await new Script(rewritten ?? cell).runInContext(ctx));
  }
  return out;
}

describe('top-level await in px cells', () => {
  it('await anywhere in a statement; the last expression is the value', async () => {
    const v = await session(['const [p, q] = await Promise.all([1, 2])', 'p + q', 'await 1; rank', 'let {a, b: [c]} = await ({a: 5, b: [6]}); a + c']);
    assert.deepEqual(v, [undefined, 3, 3, 11]);
  });

  it('declarations outlive the cell: functions hoisted, classes and let kept', async () => {
    const v = await session(['const r = f(await 2); function f(x) { return x * 10 }', 'r', 'class K { static v = 7 }; await null; let z;', 'K.v', 'typeof z']);
    assert.deepEqual(v, [undefined, 20, undefined, 7, 'undefined']);
  });

  it('awaits inside nested functions do not count; for await does', async () => {
    assert.equal(asyncCellSource('async function g() { await 1 }'), null);
    assert.equal(asyncCellSource('const h = async () => await 1'), null);
    assert.notEqual(asyncCellSource('for await (const x of [1]) {}'), null);
    const v = await session(['let s = 0; for await (const x of [Promise.resolve(4), 5]) s += x; s']);
    assert.deepEqual(v, [9]);
  });

  it("every line keeps its number: an error names the cell's own line", async () => {
    const code = 'const x = await 1;\nconst y = [\n  2,\n];\nthrow new Error("line 5")';
    const rewritten = asyncCellSource(code) as string;
    try {
      await new Script(rewritten, { filename: 'cell' }).runInContext(createContext({}));
      assert.fail('should throw');
    } catch (e) {
      assert.match(String((e as Error).stack), /cell:5/);
    }
  });

  it('code that is not JavaScript is a SyntaxError, as in the REPL', () => {
    assert.throws(() => asyncCellSource('const = await'), SyntaxError);
  });
});
