/** Transfers in pieces (dnd/pieces.ts) and the progress line that shows them (runtime/progress.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pieceCount, rowRuns } from '../../src/dnd/pieces.js';
import { formatEta, ProgressLine } from '../../src/runtime/progress.js';

describe('pieces', () => {
  it('rowRuns: every row exactly once, in order, lengths differing by at most one, longer first', () => {
    for (let rows = 0; rows <= 40; rows++) {
      for (let count = 1; count <= 12; count++) {
        const runs = rowRuns(rows, count);
        assert.equal(runs.length, count);
        let at = 0;
        for (const [a, b] of runs) {
          assert.equal(a, at);
          assert.ok(b >= a);
          at = b;
        }
        assert.equal(at, rows);
        const lens = runs.map(([a, b]) => b - a);
        assert.ok(Math.max(...lens) - Math.min(...lens) <= 1);
        for (let i = 1; i < lens.length; i++) assert.ok(lens[i] <= lens[i - 1]);
      }
    }
  });

  it('pieceCount: one piece unless the largest block is larger than a piece; never a piece above the size', () => {
    assert.equal(pieceCount(0, 64), 1);
    assert.equal(pieceCount(100, 0), 1, 'nobody watching: one call');
    for (let piece = 1; piece <= 50; piece++) {
      for (let bytes = 0; bytes <= 400; bytes += 7) {
        const n = pieceCount(bytes, piece);
        assert.ok(n >= 1);
        if (bytes > 0) assert.ok(Math.ceil(bytes / n) <= piece || n === 1, `${bytes} in ${n} pieces of ${piece}`);
        if (n > 1) assert.ok(Math.ceil(bytes / (n - 1)) > piece, 'no more pieces than needed');
      }
    }
  });
});

describe('progress line', () => {
  const sink = { write: () => true, columns: 120 } as unknown as NodeJS.WriteStream;

  it('is silent before its delay, then shows step, phase, size, percent, ETA and finished phases', () => {
    const p = new ProgressLine(sink, 0);
    try {
      const t0 = performance.now();
      p.update({ phase: 'building randn blocks', bytes: 2 ** 30, t: 0, step: 1, steps: 2 });
      p.update({ phase: 'writing HDF5', bytes: 2 ** 30, t: 1, step: 2, steps: 2 });
      p.update({ done: 2 ** 28, total: 2 ** 30 });
      const line = p.line(t0 + 4000) ?? '';
      assert.match(line, /^dnd: \[2\/2\] writing HDF5 1 GiB · 25% · ETA \d+ s · \d+\.\d s · done: building randn blocks \S+ \S+\/s$/);
      // 25% after ~4 s: about 12 s to go
      const eta = Number(/ETA (\d+) s/.exec(line)?.[1]);
      assert.ok(eta >= 11 && eta <= 13, line);
      p.update({ done: 2 ** 30, total: 2 ** 30 });
      assert.doesNotMatch(p.line(t0 + 5000) ?? '', /ETA/, 'no ETA when done');
      assert.equal(new ProgressLine(sink, 10).line(), null);
    } finally {
      p.stop();
    }
  });

  it('formatEta', () => {
    assert.equal(formatEta(0.2), '1 s');
    assert.equal(formatEta(59.5), '60 s');
    assert.equal(formatEta(200), '3 min 20 s');
    assert.equal(formatEta(3 * 3600 + 5 * 60), '3 h 05 min');
    assert.equal(formatEta(Number.NaN), '-');
  });
});
