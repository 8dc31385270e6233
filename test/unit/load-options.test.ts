/**
 * Which command lines load oclif's plugins (src/cli/load-options.ts): only those that may
 * run a plugin's command or list every command; dnd's own commands, their help, its topics
 * and --version load dnd's package.json with its plugins left out (and nothing else of it
 * changed). Against this repository's manifest and a made-up package.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { oclifLoad } from '../../src/cli/load-options.js';

const ROOT = new URL('../../', import.meta.url);
const ENTRY = new URL('bin/run.js', ROOT).href;
const ownIds = Object.keys((JSON.parse(readFileSync(new URL('oclif.manifest.json', ROOT), 'utf8')) as { commands: Record<string, unknown> }).commands);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { oclif: { plugins: string[] } };

function lean(load: ReturnType<typeof oclifLoad>): { root: string; pjson: { oclif: { plugins: string[] } } } {
  assert.equal(typeof load, 'object', `expected dnd's commands alone, got ${String(load)}`);
  return load as { root: string; pjson: { oclif: { plugins: string[] } } };
}

describe("oclif's plugins are loaded only where a command line may need them", () => {
  it("every command of dnd's (topics by their first word), with flags and help: no plugins, the package.json otherwise as it is", () => {
    assert.ok(ownIds.length >= 9 && pkg.oclif.plugins.length === 3);
    for (const id of ownIds) {
      for (const argv of [id.split(':'), [...id.split(':'), '--help'], [id.split(':')[0]]]) {
        const l = lean(oclifLoad(argv, ENTRY));
        assert.deepEqual(l.pjson.oclif.plugins, []);
        assert.equal(l.root, new URL('.', ROOT).pathname.replace(/\/$/, ''));
        assert.deepEqual({ ...l.pjson, oclif: { ...l.pjson.oclif, plugins: pkg.oclif.plugins } }, pkg);
      }
    }
    assert.deepEqual(lean(oclifLoad(['--version'], ENTRY)).pjson.oclif.plugins, []);
  });

  it("the plugins' commands, the root listing and a word that is no command of dnd's: everything, from the entry", () => {
    const entry = new URL('bin/run.js', ROOT).pathname;
    for (const argv of [['help'], ['help', 'create'], ['commands'], ['autocomplete'], ['autocomplete', 'bash'], [], ['--help'], ['-h'], ['craete'], ['help:create'], ['--json', 'create']]) {
      assert.equal(oclifLoad(argv, ENTRY), entry, argv.join(' '));
    }
  });

  it('a package without a manifest (a checkout before its first build) or without a package.json: everything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnd-load-'));
    mkdirSync(join(dir, 'bin'));
    const entry = pathToFileURL(join(dir, 'bin', 'run.js')).href;
    assert.equal(oclifLoad(['create'], entry), join(dir, 'bin', 'run.js'));
    writeFileSync(join(dir, 'oclif.manifest.json'), JSON.stringify({ commands: { create: {}, 'trace:summary': {} } }));
    assert.equal(oclifLoad(['create'], entry), join(dir, 'bin', 'run.js'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', oclif: { plugins: ['@oclif/plugin-help'], bin: 'x' } }));
    assert.deepEqual(oclifLoad(['trace', 'summary'], entry), { root: dir, pjson: { name: 'x', oclif: { plugins: [], bin: 'x' } } });
    assert.equal(oclifLoad(['info'], entry), join(dir, 'bin', 'run.js'));
  });
});
