/**
 * What a user of other oclif CLIs expects (issue #16, item 2): `dnd help`, `dnd help
 * COMMAND`, `-h`, `dnd commands`, a suggestion for a mistyped command, help that wraps to
 * the terminal, shell completion of the values a flag takes, and generated docs that hold
 * nothing of the machine they were built on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DTYPES } from '../../src/dnd/dtypes.js';
import { FACTORY_KINDS } from '../../src/dnd/spec.js';
import { editDistance, suggestions } from '../../src/cli/not-found.js';
import { dnd, ROOT } from '../helpers/run.js';

const COMMANDS = ['chunk', 'create', 'doctor', 'info', 'px', 'redistribute', 'resplit', 'run'];

describe('help in the oclif way', () => {
  it('dnd help lists every command; dnd help create, create -h and create --help are the same page', () => {
    const top = dnd(['help']);
    assert.equal(top.code, 0, top.stderr);
    for (const c of [...COMMANDS, 'help', 'commands']) assert.match(top.stdout, new RegExp(`\\n  ${c}\\s`), c);
    const viaHelp = dnd(['help', 'create']);
    const short = dnd(['create', '-h']);
    const long = dnd(['create', '--help']);
    assert.equal(viaHelp.code, 0, viaHelp.stderr);
    assert.equal(short.code, 0, short.stderr);
    assert.match(viaHelp.stdout, /^Create a distributed array/);
    assert.match(viaHelp.stdout, /\$ dnd create randn 7,4,3/);
    assert.equal(short.stdout, viaHelp.stdout);
    assert.equal(long.stdout, viaHelp.stdout);
  });

  it('dnd commands lists the commands, also as JSON', () => {
    const r = dnd(['commands', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((c) => c.id);
    for (const c of COMMANDS) assert.ok(ids.includes(c), c);
  });

  it('a mistyped command gets one line with the nearest command, exit 2, and nothing starts', () => {
    const r = dnd(['creat', 'randn', '3']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'dnd: "creat" is not a dnd command: did you mean "dnd create"? (dnd commands lists them, dnd help COMMAND explains one)\n');
    assert.match(dnd(['resplti', 'x.h5']).stderr, /did you mean "dnd resplit"\?/);
    assert.match(dnd(['doc']).stderr, /did you mean "dnd doctor"\?/);
    const far = dnd(['frobnicate']);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /^dnd: "frobnicate" is not a dnd command \(dnd commands lists them/);
  });

  it('suggestions: transpositions and prefixes are near, unrelated words are not', () => {
    assert.equal(editDistance('resplti', 'resplit'), 1);
    assert.equal(editDistance('', 'info'), 4);
    assert.deepEqual(suggestions('inf', COMMANDS), ['info']);
    assert.deepEqual(suggestions('RUN', COMMANDS), ['run']);
    assert.deepEqual(suggestions('r', COMMANDS), []);
    assert.deepEqual(suggestions('xyzzyplugh', COMMANDS), []);
  });

  it('descriptions are paragraphs: help wraps them to the terminal width', () => {
    const narrow = dnd(['help', 'info'], { env: { OCLIF_COLUMNS: '60' } });
    const wide = dnd(['help', 'info'], { env: { OCLIF_COLUMNS: '220' } });
    const description = (s: string) => s.slice(s.indexOf('DESCRIPTION'), s.indexOf('EXAMPLES')).trim().split('\n').slice(1);
    for (const line of description(narrow.stdout)) assert.ok(line.length <= 60, `wider than 60: ${line}`);
    // paragraphs, not hard breaks: at 220 columns the text takes well under half the lines it takes at 60
    const lines = (s: string) => description(s).filter((l) => l.trim()).length;
    assert.ok(lines(wide.stdout) * 2.5 <= lines(narrow.stdout), description(wide.stdout).join('\n'));
    assert.ok(description(narrow.stdout).length > 10);
  });
});

describe('completion and generated docs', () => {
  it('the values of KIND, --dtype and --launcher are declared, and zsh completion offers the flags\' values', () => {
    const manifest = JSON.parse(readFileSync(`${ROOT}oclif.manifest.json`, 'utf8')) as {
      commands: Record<string, { args: Record<string, { options?: string[] }>; flags: Record<string, { options?: string[] }> }>;
    };
    assert.deepEqual(manifest.commands.create.args.kind.options, [...FACTORY_KINDS]);
    for (const id of ['create', 'info', 'resplit', 'redistribute']) {
      assert.deepEqual(manifest.commands[id].flags.dtype.options, [...DTYPES], id);
      assert.deepEqual(manifest.commands[id].flags.launcher.options, ['auto', 'mpiexec', 'srun', 'none'], id);
    }
    const cache = mkdtempSync(join(tmpdir(), 'dnd-complete-'));
    try {
      const r = dnd(['autocomplete', 'zsh', '--refresh-cache'], { env: { XDG_CACHE_HOME: cache } });
      assert.equal(r.code, 0, r.stderr);
      const zsh = readFileSync(join(cache, 'dnd/autocomplete/functions/zsh/_dnd'), 'utf8');
      assert.match(zsh, new RegExp(`--dtype"\\[Element type\\.\\]:dtype options:\\(${DTYPES.join(' ')}\\)"`));
      assert.match(zsh, /--launcher"\[[^\]]*\]:launcher options:\(auto mpiexec srun none\)"/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('man pages and the manifest hold no path of the machine that built them', () => {
    const home = homedir();
    const texts = [...readdirSync(`${ROOT}man`).map((f) => readFileSync(`${ROOT}man/${f}`, 'utf8')), readFileSync(`${ROOT}oclif.manifest.json`, 'utf8')];
    for (const t of texts) {
      assert.equal(t.includes(ROOT), false, 'the checkout path');
      if (home.length > 1) assert.equal(t.includes(`${home}/`), false, 'the home directory');
    }
    assert.match(readFileSync(`${ROOT}man/dnd-px.1`, 'utf8'), /History file\. Default: ~\/\.dnd_px_history\./);
  });
});
