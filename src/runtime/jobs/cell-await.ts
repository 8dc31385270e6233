/**
 * Top-level await in a px cell, as the node REPL users know it: `await` may appear
 * anywhere in a statement (`const [p, q] = await Promise.all([1, 2])`, `await 1; rank`).
 *
 * A cell with a top-level await runs inside an async function. So that what it declares
 * outlives that function (the next cell must see it), its top-level declarations become
 * assignments to variables declared before the function (`var`, so they land on the
 * session's global object, as in the REPL); function and class declarations are assigned
 * first, so they are hoisted as usual; and the last expression statement is returned,
 * so its value is shown.
 */
import { parse, type Node } from 'acorn';

interface AnyNode extends Node {
  [key: string]: unknown;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Whether `node` holds an await (or for-await) outside any nested function. */
function hasTopLevelAwait(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasTopLevelAwait);
  const n = node as AnyNode;
  if (typeof n.type !== 'string') return false;
  if (n.type === 'AwaitExpression') return true;
  if (n.type === 'ForOfStatement' && n.await === true) return true;
  if (FUNCTION_TYPES.has(n.type) || n.type === 'MethodDefinition' || n.type === 'PropertyDefinition' || n.type === 'StaticBlock') return false;
  return Object.entries(n).some(([k, v]) => k !== 'type' && typeof v === 'object' && hasTopLevelAwait(v));
}

/** The names a binding pattern declares. */
function boundNames(p: AnyNode | null, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier':
      out.push(p.name as string);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties as AnyNode[]) boundNames(prop.type === 'RestElement' ? (prop.argument as AnyNode) : (prop.value as AnyNode), out);
      break;
    case 'ArrayPattern':
      for (const el of p.elements as (AnyNode | null)[]) boundNames(el, out);
      break;
    case 'RestElement':
      boundNames(p.argument as AnyNode, out);
      break;
    case 'AssignmentPattern':
      boundNames(p.left as AnyNode, out);
      break;
  }
  return out;
}

/**
 * The cell rewritten to run with top-level await, or null when it has none (then it
 * runs as it is, as a script). Every line of the cell stays on its own line number, so
 * errors and the deadlock watchdog name the user's lines: the prologue shares the first
 * line, and each rewritten statement keeps its line count. Throws the parser's
 * SyntaxError for code that is not JavaScript.
 */
export function asyncCellSource(code: string): string | null {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: false }) as unknown as AnyNode;
  const body = program.body as AnyNode[];
  if (!hasTopLevelAwait(body)) return null;
  const hoisted = new Set<string>();
  const functions: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const src = (n: AnyNode) => code.slice(n.start, n.end);
  body.forEach((stmt, i) => {
    const last = i === body.length - 1;
    switch (stmt.type) {
      case 'VariableDeclaration': {
        const parts: string[] = [];
        for (const d of stmt.declarations as AnyNode[]) {
          const id = d.id as AnyNode;
          boundNames(id).forEach((n) => hoisted.add(n));
          if (d.init) parts.push(`void (${src(id)} = ${src(d.init as AnyNode)})`);
          else if (stmt.kind !== 'var') parts.push(`void (${src(id)} = undefined)`);
        }
        edits.push({ start: stmt.start, end: stmt.end, text: parts.length ? `${parts.join(', ')};` : ';' });
        break;
      }
      case 'FunctionDeclaration': {
        // stays a declaration (hoisted inside the wrapper); the prologue publishes it
        const name = (stmt.id as AnyNode).name as string;
        hoisted.add(name);
        functions.push(name);
        break;
      }
      case 'ClassDeclaration': {
        const name = (stmt.id as AnyNode).name as string;
        hoisted.add(name);
        edits.push({ start: stmt.start, end: stmt.end, text: `${name} = ${src(stmt)};` });
        break;
      }
      case 'ExpressionStatement':
        if (last) edits.push({ start: stmt.start, end: stmt.end, text: `return (${src(stmt.expression as AnyNode)});` });
        break;
    }
  });
  let out = '';
  let at = 0;
  for (const e of edits) {
    const lost = (code.slice(e.start, e.end).match(/\n/g) ?? []).length - (e.text.match(/\n/g) ?? []).length;
    out += code.slice(at, e.start) + e.text + '\n'.repeat(Math.max(0, lost));
    at = e.end;
  }
  out += code.slice(at);
  const decl = hoisted.size ? `var ${[...hoisted].join(', ')}; ` : '';
  const publish = functions.map((f) => `globalThis.${f} = ${f}; `).join('');
  return `${decl}(async () => { ${publish}${out}\n})()`;
}

/**
 * The names a cell declares at its top level (var, let, const, function, class), for tab
 * completion: a `const` of a script lives in the context's lexical scope, not on its
 * global object, so nothing else lists it. Code that does not parse declares nothing.
 */
export function declaredNames(code: string): string[] {
  let program: AnyNode;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true }) as unknown as AnyNode;
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const stmt of program.body as AnyNode[]) {
    if (stmt.type === 'VariableDeclaration') for (const d of stmt.declarations as AnyNode[]) boundNames(d.id as AnyNode, out);
    else if ((stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') && stmt.id) out.push((stmt.id as AnyNode).name as string);
  }
  return out;
}
