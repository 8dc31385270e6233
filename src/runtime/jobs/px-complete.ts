/**
 * Tab completion in `dnd px` from the live session, as the node REPL does it: rank 0
 * looks the words up in its own context (what cells declared, the globals, dnd's API,
 * the properties of the object before the last dot).
 *
 * Completing must never run code: a getter such as `a.lshapeMap` is a collective, and
 * calling it on rank 0 alone would leave it waiting for the others forever. So a chain
 * `a.b.c` is followed only through data properties; at a getter (or anything unknown)
 * there is nothing to offer. Listing property names calls nothing, except on a Proxy,
 * whose traps are code: a Proxy is not looked into.
 */
import { types } from 'node:util';
import { Script, type Context } from 'node:vm';

const KEYWORDS = ['await', 'async', 'break', 'case', 'catch', 'class', 'const', 'continue', 'delete', 'do', 'else', 'false', 'finally', 'for', 'function', 'if', 'in', 'instanceof', 'let', 'new', 'null', 'return', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'undefined', 'var', 'void', 'while', 'yield'];
const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Property names of `value` and its prototypes (Object.prototype's last, as noise). */
function propertyNames(value: unknown): string[] {
  const names = new Set<string>();
  let o: unknown = value !== null && (typeof value === 'object' || typeof value === 'function') ? value : Object(value);
  for (let depth = 0; o && depth < 20 && !types.isProxy(o); depth++) {
    for (const n of Object.getOwnPropertyNames(o)) if (IDENT.test(n) && n !== 'constructor' && !n.startsWith('__')) names.add(n);
    o = Object.getPrototypeOf(o);
  }
  return [...names];
}

/** The value of one property of `o`, through its prototypes, if it is a data property. */
function dataProperty(o: unknown, name: string): { value: unknown } | null {
  let at: unknown = o !== null && (typeof o === 'object' || typeof o === 'function') ? o : Object(o);
  for (let depth = 0; at && depth < 50; depth++) {
    if (types.isProxy(at)) return null;
    const d = Object.getOwnPropertyDescriptor(at, name);
    if (d) return 'value' in d ? { value: d.value } : null;
    at = Object.getPrototypeOf(at);
  }
  return null;
}

export class Completer {
  private readonly lexical = new Set<string>();

  constructor(private readonly context: Context) {}

  /** Names a cell declared (cell-await.ts's declaredNames). */
  declare(names: readonly string[]): void {
    for (const n of names) this.lexical.add(n);
  }

  /** The context's global object (builtins included: they are not on the sandbox object). */
  private global(): object {
    return new Script('globalThis').runInContext(this.context) as object;
  }

  /** The value a bare identifier names in the session, if it can be had without running code. */
  private identifier(name: string): { value: unknown } | null {
    const g = this.global();
    const own = dataProperty(g, name);
    if (own) return own;
    if (Object.getOwnPropertyDescriptor(g, name)) return null; // a getter on the global
    if (!this.lexical.has(name)) return null;
    try {
      // reading a declared let/const/class binding: a reference, no user code runs
      return { value: new Script(name).runInContext(this.context) as unknown };
    } catch {
      return null; // declared but not initialised (its cell threw)
    }
  }

  /** readline's completer result for `line`: the candidates and the word they complete. */
  complete(line: string): [string[], string] {
    const word = /[\w$.]*$/.exec(line)?.[0] ?? '';
    const dot = word.lastIndexOf('.');
    if (dot < 0) {
      const names = new Set([...propertyNames(this.global()), ...this.lexical, ...KEYWORDS]);
      return [[...names].filter((n) => n.startsWith(word)).sort(), word];
    }
    const [head, ...rest] = word.slice(0, dot).split('.');
    if (!IDENT.test(head) || rest.some((r) => !IDENT.test(r))) return [[], word];
    let at = this.identifier(head);
    for (const r of rest) at = at && at.value !== null && at.value !== undefined ? dataProperty(at.value, r) : null;
    if (!at || at.value === null || at.value === undefined) return [[], word];
    const prefix = word.slice(dot + 1);
    const base = word.slice(0, dot + 1);
    return [propertyNames(at.value).filter((n) => n.startsWith(prefix)).sort().map((n) => base + n), word];
  }
}
