#!/usr/bin/env node
// Regenerates the output samples in README.md from real runs, so they cannot drift.
//
// A sample is a marker comment followed by a fenced block:
//
//   <!-- sample: dnd create randn 1000,30 -n 4 --out data.h5 ; dnd info data.h5 -n 4 -->
//   ```
//   $ dnd create randn 1000,30 -n 4 --out data.h5
//   ...its output...
//   $ dnd info data.h5 -n 4
//   ...
//   ```
//
// Commands are split on spaces and run as argument arrays (never through a shell) with
// this checkout's bin/run.js, all in one temporary directory, in README order, so a file one
// sample writes is there for the next. `--show` after a command: run it but print only
// its `$` line (a step whose own output would distract). The temporary directory's path is
// written as a relative name.
//
//   node scripts/gen-readme-samples.mjs            rewrite README.md in place
//   node scripts/gen-readme-samples.mjs --check    exit 1 and show the first difference if a
//                                                  sample drifted (timings and host names,
//                                                  which vary between runs, are ignored)
//   ... --readme FILE                              another file (the tests use a copy)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
const MARKER = /^<!-- sample: (.+?) -->\n```[a-z]*\n[\s\S]*?\n```$/gm;

/** Runs one documented command line; its output as a user sees it on a pipe. */
function runOne(line, cwd) {
  const quiet = line.endsWith(' --show');
  const cmd = quiet ? line.slice(0, -' --show'.length) : line;
  const [bin, ...args] = cmd.trim().split(/\s+/);
  if (bin !== 'dnd') throw new Error(`sample "${line}": only dnd commands are run`);
  const r = spawnSync(process.execPath, [`${root}bin/run.js`, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, COLUMNS: '100', OCLIF_COLUMNS: '100' },
    timeout: 120000,
  });
  if (r.status !== 0) throw new Error(`sample "${cmd}" exited ${r.status}: ${r.stderr}`);
  const out = (r.stdout + r.stderr).split(`${cwd}/`).join('').replace(/\n+$/, '');
  return quiet ? `$ ${cmd}` : `$ ${cmd}\n${out}`;
}

/** README text with every sample block replaced by fresh output. */
export function regenerate(text) {
  const cwd = mkdtempSync(join(tmpdir(), 'dnd-readme-'));
  try {
    return text.replace(MARKER, (_, spec) => {
      const body = spec
        .split(' ; ')
        .map((line) => runOne(line, cwd))
        .join('\n');
      return `<!-- sample: ${spec} -->\n\`\`\`\n${body}\n\`\`\``;
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** What may differ between two honest runs: timings, host names and the borders they widen. */
export function normalise(text) {
  const lines = [];
  let hostCol = -1;
  for (const line of text.split('\n')) {
    if (/^time /.test(line)) lines.push('time …');
    else if (/^[┌└├][─┬┴┼]*[┐┘┤]$/.test(line)) lines.push('border');
    else if (line.startsWith('│')) {
      const cells = line.split('│').slice(1, -1).map((c) => c.trim());
      if (cells.includes('host')) hostCol = cells.indexOf('host');
      else if (hostCol >= 0) cells[hostCol] = 'HOST';
      lines.push(cells.join(' | '));
    } else {
      lines.push(line.replace(/("host": )"[^"]*"/g, '$1"HOST"').replace(/("[a-z_]*_s"|"seconds"): [0-9.e-]+/g, '$1: 0'));
    }
  }
  return lines.join('\n');
}

function main() {
  const argv = process.argv.slice(2);
  const check = argv.includes('--check');
  const i = argv.indexOf('--readme');
  const file = i >= 0 ? argv[i + 1] : `${root}README.md`;
  const text = readFileSync(file, 'utf8');
  const count = [...text.matchAll(MARKER)].length;
  const fresh = regenerate(text);
  if (!check) {
    writeFileSync(file, fresh);
    process.stderr.write(`[readme] ${count} sample(s) regenerated in ${file}\n`);
    return;
  }
  const [a, b] = [normalise(text).split('\n'), normalise(fresh).split('\n')];
  const at = a.findIndex((l, k) => l !== b[k]);
  if (at < 0 && a.length === b.length) {
    process.stderr.write(`[readme] ${count} sample(s) match a fresh run\n`);
    return;
  }
  const k = at < 0 ? Math.min(a.length, b.length) : at;
  process.stderr.write(`[readme] ${file} line ${k + 1} drifted from a fresh run:\n  README: ${a[k] ?? '(end)'}\n  run:    ${b[k] ?? '(end)'}\nregenerate with: node scripts/gen-readme-samples.mjs\n`);
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
