#!/usr/bin/env node
// Generates man/dnd.1 and man/dnd-<command>.1 from oclif.manifest.json, i.e. from each
// command's own summary, description, arguments, flags and examples, so the man pages
// cannot drift from --help. Run by scripts/build.sh; the test suite checks that the
// committed pages match.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const manifest = JSON.parse(readFileSync(`${root}oclif.manifest.json`, 'utf8'));
const bin = pkg.oclif.bin;
const date = 'dnd ' + pkg.version;

/** troff-escape one line of text */
const esc = (s) =>
  String(s ?? '')
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');

const para = (text) =>
  String(text ?? '')
    .split(/\n\s*\n/)
    .map((p) => esc(p.replace(/\n/g, ' ')))
    .join('\n.PP\n');

const example = (e) => (typeof e === 'string' ? { command: e } : e);
const fill = (s, id) => String(s).replace(/<%= config.bin %>/g, bin).replace(/<%= command.id %>/g, id);

/**
 * A default as the reader should see it: a path under the builder's home is written
 * with ~, since the pages are committed and read by other users (a flag should say so
 * itself through defaultHelp; this keeps a forgotten one from baking /root into them).
 */
const home = homedir();
const shownDefault = (v) => {
  const s = String(v);
  return home.length > 1 && (s === home || s.startsWith(`${home}/`)) ? `~${s.slice(home.length)}` : s;
};

function flagLine(name, f) {
  const short = f.char ? `\\fB\\-${f.char}\\fR, ` : '';
  const value = f.type === 'option' ? ` \\fI${f.options ? f.options.join('|') : 'VALUE'}\\fR` : '';
  return `.TP\n${short}\\fB\\-\\-${esc(name)}\\fR${value}\n${esc(f.summary ?? f.description ?? '')}${f.summary && f.description ? ` ${esc(f.description)}` : ''}${f.default !== undefined && f.type === 'option' ? ` Default: ${esc(shownDefault(f.default))}.` : ''}${f.env ? ` Environment: ${esc(f.env)}.` : ''}`;
}

function commandPage(id, c) {
  const args = Object.values(c.args ?? {});
  const flags = Object.entries(c.flags ?? {}).filter(([, f]) => !f.hidden);
  const synopsis = `${bin} ${id} ${args.map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`)).join(' ')} [FLAGS]`;
  const out = [
    `.TH "${bin.toUpperCase()}\\-${id.toUpperCase().replace(/ /g, '\\-')}" 1 "" "${date}" "dnd manual"`,
    '.SH NAME',
    `${bin}\\-${id.replace(/ /g, '\\-')} \\- ${esc(c.summary ?? '')}`,
    '.SH SYNOPSIS',
    `.B ${esc(synopsis)}`,
    '.SH DESCRIPTION',
    para(c.description ?? c.summary),
  ];
  if (args.length) {
    out.push('.SH ARGUMENTS');
    for (const a of args) out.push(`.TP\n\\fI${a.name.toUpperCase()}\\fR\n${esc(a.description ?? '')}`);
  }
  if (flags.length) {
    out.push('.SH OPTIONS');
    for (const [name, f] of flags) out.push(flagLine(name, f));
  }
  if (c.examples?.length) {
    out.push('.SH EXAMPLES');
    for (const e of c.examples.map(example)) {
      if (e.description) out.push(`.PP\n${esc(fill(e.description, id))}`);
      out.push(`.PP\n.RS\n.nf\n${esc(fill(e.command, id))}\n.fi\n.RE`);
    }
  }
  out.push('.SH EXIT STATUS', exitStatus(), '.SH SEE ALSO', `.BR ${bin} (1)`);
  return out.join('\n') + '\n';
}

function exitStatus() {
  return [
    '.TP\n0\nSuccess.',
    '.TP\n2\nBad usage or input, found before any rank started (one line on stderr).',
    '.TP\n3\nThe job failed on a rank; the message names the rank and the cause. Every rank was ended and no partial output file was left.',
    '.TP\n130\nInterrupted (SIGINT or SIGTERM); every rank was ended.',
    '.PP\nA failing rank writes one error record and calls MPI_Abort, so no rank waits forever in a collective operation. --timeout ends a job that runs too long (exit 3). Output files are written under a temporary name and renamed into place only when every rank succeeded; after any failure nothing that existed before is changed.',
  ].join('\n');
}

function mainPage(ids) {
  return [
    `.TH "${bin.toUpperCase()}" 1 "" "${date}" "dnd manual"`,
    '.SH NAME',
    `${bin} \\- ${esc(pkg.description)}`,
    '.SH SYNOPSIS',
    `.B ${bin} COMMAND [ARGS] [FLAGS]`,
    '.SH DESCRIPTION',
    para(
      `${bin} starts an MPI job whose ranks build or load DNDarrays (a global N-D array cut along one split axis into one block per rank, as in the Python library Heat), do the operation with MPI collectives, and gather the layout to rank 0, which prints it as a table or, with --json, as one JSON object.\n\nOutside a job, ${bin} starts the ranks itself (mpiexec, or srun inside a Slurm allocation). Started as a rank by an outside launcher (mpiexec -n 4 ${bin} ..., srun ${bin} ...), it runs the operation directly and rank 0 prints.\n\n${bin} help COMMAND (or ${bin} COMMAND --help, -h) explains a command, ${bin} commands lists them, and ${bin} autocomplete sets up shell completion.`,
    ),
    '.SH COMMANDS',
    ...ids.map((id) => `.TP\n\\fB${esc(id)}\\fR\n${esc(manifest.commands[spaced.get(id)].summary ?? '')} See \\fB${bin}\\-${id.replace(/ /g, '\\-')}\\fR(1).`),
    '.SH ENVIRONMENT',
    '.TP\nNO_COLOR, FORCE_COLOR\nColour of the tables; off when stdout is not a terminal.',
    '.TP\nSLURM_NTASKS\nDefault rank count inside a Slurm allocation.',
    '.TP\nOMPI_MCA_*\nYour own Open MPI settings always win. For local jobs dnd defaults OMPI_MCA_pml=ob1 (faster start-up on one node) and OMPI_MCA_io=romio321 (faster collective HDF5 I/O).',
    '.TP\nNODE_EXTRA_CA_CERTS\nKept for dnd run and dnd px scripts; emptied for the ranks of dnd\'s own jobs, which open no TLS connection (Node reads the file at every start). The dnd command, started as a program, does not read it either: a sh preamble sets it aside before Node starts, and dnd puts it back into its environment.',
    '.TP\nDND_DEBUG\nShow stack traces and the launcher\'s raw output on failure.',
    '.TP\nDND_CODE_CACHE\n0: load oclif\'s bundle and the rank program without the V8 code cache the build wrote beside them (a cache is otherwise used only when it matches the file and this Node).',
    '.TP\nDND_SOLO\nOne\\-rank jobs of create, info, chunk, resplit and redistribute run without MPI (a world of one, same output and files, no MPI start\\-up; files are read and written through the HDF5 POSIX driver, durable writes with fsync); DND_SOLO=0 runs them under MPI.',
    '.TP\nDND_MAP\ninfo \\-\\-stats/\\-\\-checksum, resplit and redistribute map the byte range of a contiguous dataset on each rank instead of reading it (same values, no copy); DND_MAP=0 reads it.',
    '.TP\nDND_REUSE\nIn the library and dnd run scripts, a released block (dispose(), the old block of an in\\-place move) keeps its pages for up to a second of the event loop, or until another large allocation: the next block of the same size that dnd writes whole (a receive, a load, a draw, a copy) takes them instead of fresh memory. An in\\-place move (dnd redistribute and dnd resplit too) hands the rows a rank keeps (16 MiB and more) to a fresh new block as pages instead of copying them. DND_REUSE=off gives every block fresh pages and copies kept rows.',
    '.TP\nDND_DIRECT\nEach rank writes its range of a contiguous dataset (split along its first axis or none) itself: durable writes (the default) straight to the disk (O_DIRECT), \\-\\-no\\-fsync writes through the page cache until it proves slower than the disk. DND_DIRECT=on writes every such dataset directly, DND_DIRECT=off leaves all writes to HDF5.',
    '.TP\nDND_NAGLE\nEvery rank sets TCP_NODELAY on the sockets MPI_Init opened (Open MPI\'s connection to its local daemon lacks it, and MPI_Finalize then waits 40 ms for a delayed acknowledgement); DND_NAGLE=1 leaves them as MPI made them.',
    '.TP\nDND_TIMING\nWrite one line per launch step (dnd\\-timing PID ROLE EPOCH_MS STEP) on stderr, from the launcher and every rank: where the start\\-up time goes.',
    '.SH EXIT STATUS',
    exitStatus(),
    '.SH SEE ALSO',
    ids.map((id) => `.BR ${bin}\\-${id.replace(/ /g, '\\-')} (1)`).join(',\n'),
  ].join('\n') + '\n';
}

// oclif's ids join topics with ':'; with topicSeparator " " users type `dnd trace summary`
const spaced = new Map(Object.keys(manifest.commands).map((id) => [id.replace(/:/g, ' '), id]));
const ids = [...spaced.keys()].filter((id) => !manifest.commands[spaced.get(id)].hidden && !id.startsWith('autocomplete')).sort();
mkdirSync(`${root}man`, { recursive: true });
for (const f of readdirSync(`${root}man`)) if (f.endsWith('.1')) rmSync(`${root}man/${f}`);
writeFileSync(`${root}man/${bin}.1`, mainPage(ids));
for (const id of ids) writeFileSync(`${root}man/${bin}-${id.replace(/ /g, '-')}.1`, commandPage(id, manifest.commands[spaced.get(id)]));
