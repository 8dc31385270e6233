/**
 * The house rules of DESIGN.md §3, checked on resolved import paths (not on the text of
 * an import, which a deeper folder or a `../..` would slip past): layers point one way,
 * commands → cli/runtime → dnd → native, and no module imports itself in a cycle.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Value imports (type-only imports vanish at run time) and re-exports, resolved to files. */
function imports(file: string): { spec: string; target: string | null }[] {
  const text = readFileSync(file, 'utf8');
  const out: { spec: string; target: string | null }[] = [];
  const re = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[1]) continue;
    const spec = m[2];
    out.push({ spec, target: spec.startsWith('.') ? resolve(dirname(file), spec).replace(/\.js$/, '.ts') : null });
  }
  return out;
}

/** The layer of a file under src/: higher layers may import lower ones only. */
function layer(file: string): { name: string; level: number } {
  const top = relative(SRC, file).split('/')[0];
  const levels: Record<string, number> = { commands: 4, cli: 3, runtime: 2.5, 'index.ts': 2, dnd: 2, native: 1 };
  return { name: top, level: levels[top] ?? 0 };
}

const files = sources(SRC);

describe('house rules (DESIGN.md §3)', () => {
  it('every file belongs to a known layer', () => {
    for (const f of files) assert.ok(layer(f).level > 0, `${relative(SRC, f)} is outside commands/cli/runtime/dnd/native`);
  });

  it('layers point one way: commands → cli → runtime → dnd → native', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layer(f);
      for (const { spec, target } of imports(f)) {
        if (target) {
          const to = layer(target);
          if (to.level > from.level) bad.push(`${relative(SRC, f)} imports ${spec} (${from.name} → ${to.name})`);
        } else if (from.level <= 2.5 && /^(@oclif\/|chalk$|cli-table3$)/.test(spec)) {
          bad.push(`${relative(SRC, f)} imports ${spec}: rank processes and the library never load the CLI's packages`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it('no import cycles', () => {
    const graph = new Map(files.map((f) => [f, imports(f).flatMap((i) => (i.target ? [i.target] : []))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    assert.deepEqual(cycles, []);
  });

  it('the checker sees what it must (a deeper folder, a type-only import)', () => {
    const deep = join(SRC, 'dnd/ops/move.ts');
    assert.ok(imports(deep).some((i) => i.target?.endsWith('dnd/layout.ts')));
    assert.equal(layer(join(SRC, 'dnd/ops/x.ts')).name, 'dnd');
  });
});
