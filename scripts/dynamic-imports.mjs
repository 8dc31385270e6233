// import() inside dnd's CommonJS bundles. Node 20 loses what import() needs (vm's
// host-defined options) in a script V8 restores from its code cache: import() there fails
// with "A dynamic import callback was not specified" (src/runtime/code-cache.ts loads
// the bundles so). So every import(x) of such a bundle becomes __dndImport(x), found with
// acorn's parser (not by text: "import(" also appears in oclif's messages), and the
// bundle's banner defines __dndImport: it hands the specifier, made absolute against the
// bundle's own directory, to the loader code-cache.ts registered, which is an ES module's
// import(), or, when plain require() loaded the bundle, to the bundle's own import().
// Used by scripts/bundle-oclif.mjs and scripts/bundle-rank.mjs.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'acorn';

export const IMPORT_BANNER =
  "const __dndImport = (s) => { const u = /^\\.\\.?\\//.test(s) ? require('node:url').pathToFileURL(require('node:path').resolve(__dirname, s)).href : s; const load = globalThis[Symbol.for('dnd.import')]; return load ? load(u) : import(u); };";

/** Every node of an ESTree, depth first. */
function* nodes(node) {
  if (!node || typeof node.type !== 'string') return;
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const v of value) yield* nodes(v);
    else if (value && typeof value === 'object' && typeof value.type === 'string') yield* nodes(value);
  }
}

/** Rewrites the bundle's import(x) as __dndImport(x), except the banner's own; returns how many. */
export function rewriteDynamicImports(file) {
  const text = readFileSync(file, 'utf8');
  const ast = parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
  const banner = text.indexOf(IMPORT_BANNER);
  const bannerEnd = banner < 0 ? -1 : banner + IMPORT_BANNER.length;
  const at = [...nodes(ast)].filter((n) => n.type === 'ImportExpression' && !(n.start >= banner && n.end <= bannerEnd)).map((n) => n.start);
  let out = '';
  let from = 0;
  for (const start of at.sort((a, b) => a - b)) {
    if (text.slice(start, start + 6) !== 'import') throw new Error(`${file}: no import() at ${start}`);
    out += `${text.slice(from, start)}__dndImport`;
    from = start + 6;
  }
  writeFileSync(file, out + text.slice(from));
  return at.length;
}
