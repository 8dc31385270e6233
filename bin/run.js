#!/bin/sh
":" //; [ -z "$NODE_EXTRA_CA_CERTS" ] || { DND_CLI_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export DND_CLI_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; }; exec node "$0" "$@"
// dnd's command-line entry. Errors end as one line on stderr and an exit code
// (2 usage, 3 job failed on a rank, 128+N a signal): see src/cli/exit.ts.
//
// Started as a program (`dnd`, a link to this file), the line above runs in sh: a JS string
// and comment to Node, a command to sh. Node 20 reads and parses NODE_EXTRA_CA_CERTS at
// every start, before any JS runs (~60 ms here for Debian's 220 KB bundle: a third of
// `dnd create -n 1`), and this process opens no TLS connection; so sh moves the variable
// aside, execs Node on this file (same PID, same arguments, no shell string), and the first
// statement below puts it back, so that every process dnd starts sees the environment the
// user gave it (dnd run keeps it for the user's script; the ranks of dnd's own jobs get it
// emptied, src/runtime/launcher.ts). `node bin/run.js` skips sh and pays the parse.
import { stamp } from '../dist/runtime/timing.js';

if (process.env.DND_CLI_EXTRA_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.DND_CLI_EXTRA_CA_CERTS;
  delete process.env.DND_CLI_EXTRA_CA_CERTS;
}

stamp('cli', 'node ready'); // DND_TIMING: where a launch spends its time (src/runtime/timing.ts)

// NO_COLOR wins over FORCE_COLOR (src/cli/color.ts). Node itself would let FORCE_COLOR win and
// print a warning about it on the first coloured output: take FORCE_COLOR away before anything
// (oclif, chalk, the ranks this process starts) reads the environment.
if (process.env.NO_COLOR && process.env.FORCE_COLOR !== undefined) delete process.env.FORCE_COLOR;
const { flush, run } = await import('../dist/cli/oclif.js'); // oclif in one file (scripts/bundle-oclif.mjs)
const { oclifLoad } = await import('../dist/cli/load-options.js'); // its plugins only where they are needed

// The reader of stdout went away (`dnd … | head`): stop at once and quietly, as Unix tools
// do on SIGPIPE (128 + 13); a running job ends with dnd (see src/runtime/launcher.ts).
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(141);
  throw e;
});

try {
  await run(process.argv.slice(2), oclifLoad(process.argv.slice(2), import.meta.url));
  await flush();
  stamp('cli', 'done');
} catch (error) {
  const { exitPlan } = await import('../dist/cli/exit.js');
  const { outerRank } = await import('../dist/runtime/detect.js');
  const plan = exitPlan(error);
  // started as one of N ranks by mpiexec/srun: every rank found the same bad usage; rank 0 says it
  const rank = outerRank()?.rank ?? 0;
  if (plan.message && !(plan.code === 2 && rank > 0)) process.stderr.write(`dnd: ${plan.message}\n`);
  if (process.env.DND_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = plan.code;
  // a failure on this rank alone (bad usage fails alike on every rank): end the others too
  // (a world of one has nobody to end, and MPI_Abort would add its banner to the one line)
  if ((outerRank()?.size ?? 1) > 1 && plan.code === 3) (await import('../dist/runtime/outer-abort.js')).abortOuterJob(3);
}
