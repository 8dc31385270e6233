/**
 * What oclif loads for a command line. dnd's package.json names three oclif plugins (help,
 * commands, autocomplete); finding and loading them (their package.json and manifests,
 * minimatch over dnd's dependencies) was ~9 ms of every start here (Config.load 18-25 ms
 * with them, 10-19 without). Only their own commands and the lists of all commands need
 * them: the root help (`dnd`, `dnd --help`) and the suggestions for a command line that
 * names no command of dnd's. A command of dnd's, its own help, a topic of dnd's and
 * `--version` run with dnd's own commands alone: the same package.json, its plugins left out.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** oclif's load options: the entry's path (everything), or the root with a package.json without plugins */
export type OclifLoad = string | { root: string; pjson: Record<string, unknown> };

interface PackageJson {
  oclif?: { plugins?: string[]; topicSeparator?: string };
  [key: string]: unknown;
}

/** The first words of dnd's own command ids (`trace:summary` → `trace`), from the manifest oclif reads. */
function ownCommandWords(root: string): Set<string> | null {
  try {
    const manifest = JSON.parse(readFileSync(`${root}/oclif.manifest.json`, 'utf8')) as { commands?: Record<string, unknown> };
    return new Set(Object.keys(manifest.commands ?? {}).map((id) => id.split(':')[0]));
  } catch {
    return null; // no manifest (a development checkout before its first build): load everything
  }
}

export function oclifLoad(argv: string[], entryUrl: string): OclifLoad {
  const entry = fileURLToPath(entryUrl);
  const root = fileURLToPath(new URL('..', entryUrl)).replace(/\/$/, '');
  const first = argv[0];
  const version = first === '--version';
  const own = first !== undefined && !first.startsWith('-') ? ownCommandWords(root)?.has(first.split(':')[0]) === true : false;
  if (!version && !own) return entry;
  let pjson: PackageJson;
  try {
    pjson = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as PackageJson;
  } catch {
    return entry;
  }
  return { root, pjson: { ...pjson, oclif: { ...pjson.oclif, plugins: [] } } };
}
