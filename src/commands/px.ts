import { Flags } from '../cli/oclif.js';
import type { ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DndCommand } from '../cli/base.js';
import { prose } from '../cli/prose.js';
import { deadlockFlag, hostFlags, launcherFlag, nprocsFlag, oversubscribeFlag } from '../cli/flags.js';
import { planTrace, saveTrace, traceFlag } from '../cli/trace-out.js';
import { isIncomplete, renderCell } from '../cli/px-view.js';
import { usageError } from '../dnd/errors.js';
import { outerRank } from '../runtime/detect.js';
import type { CellOutput } from '../runtime/jobs/px.js';
import { launch } from '../runtime/launcher.js';
import { checkSlots, launcherForHosts } from '../runtime/hosts.js';
import { JobError } from '../runtime/failure.js';
import { planListen } from '../runtime/px-address.js';
import { listenForRank0, newSecret, SECRET_VAR } from '../runtime/px-link.js';
import { availableTensorBackend } from '../runtime/tensor.js';
import { newJobToken } from '../runtime/job-token.js';

const HELP = `.break    abandon the statement being entered on several lines
.exit     end the session and every rank (also Ctrl-D)
.help     show this
Tab       complete a name from the live session (rank 0's context); getters are not called
Ctrl-C    interrupt the running cell on every rank; again: end the session`;

export default class Px extends DndCommand {
  static override summary = 'An interactive session on N ranks: each line you type runs on every rank.';

  static override description = prose`Starts a job and opens a REPL. Each line or block you enter is sent to every rank and evaluated
there (JavaScript with top-level await) in a context where the dnd library is ready as \`dnd\`,
with \`comm\`, \`rank\` and \`size\`. Output is shown in rank order, each line prefixed [r/N];
identical output from every rank is shown once as [all]. An error on some ranks is shown with
their ranks and the session goes on. Unfinished statements continue on the next line; history
is kept in ~/.dnd_px_history. .exit, Ctrl-D or the end of piped input ends every rank cleanly;
.help lists the commands; Tab completes names from the live session (rank 0's context).
Ctrl-C while a cell runs interrupts it on every rank (a busy loop too); a second Ctrl-C always
ends the session and every rank (exit 130). At the prompt, two Ctrl-C in a row end it cleanly. A cell that leaves the ranks waiting in different
collectives (if (rank === 0) comm.barrier()) ends the session after --deadlock-timeout seconds
with exit 3, naming where each rank waits. If dnd is killed or its terminal closes, every rank
ends too.

Cells run on every rank in the same order, so collectives inside them (a.lshapeMap,
a.resplit(1)) match up.

Rank 0 reaches this terminal over TCP, presenting a secret made for the session (handed to
the ranks in their environment, never on a command line); any other connection is closed.
With every rank on this machine that is loopback. Across hosts (--host, --hostfile) dnd
listens on the address the routes toward those hosts use (and on this machine's addresses
in OMPI_MCA_oob_tcp_if_include), on a free port: rank 0's host must be able to reach it.
--address (or $DND_PX_ADDRESS) names the address, and a port if a firewall allows only
some. If rank 0 cannot connect, the session ends with one line (exit 3). Ctrl-C reaches
the ranks through mpiexec (or srun), which forwards it to every host as SIGUSR1.`;

  static override examples = [
    { description: 'Four ranks; then type: const a = dnd.randn([7,4,3], {split: 0}); a.lshape', command: '<%= config.bin %> <%= command.id %> -n 4' },
    { description: 'Ranks on two hosts; rank 0 (on n01) connects back to this machine at 10.0.0.5, port 7000', command: '<%= config.bin %> <%= command.id %> -n 4 --host n01:2,n02:2 --address 10.0.0.5:7000' },
  ];

  static override enableJsonFlag = false;

  static override flags = {
    nprocs: nprocsFlag,
    oversubscribe: oversubscribeFlag,
    'deadlock-timeout': deadlockFlag,
    launcher: launcherFlag,
    // described, not computed, in --help and the man page: $HOME differs per user
    history: Flags.string({ summary: 'History file.', default: join(homedir(), '.dnd_px_history'), defaultHelp: async () => '~/.dnd_px_history' }),
    trace: traceFlag,
    address: Flags.string({
      summary: 'Where rank 0 connects back to this session: ADDRESS[:PORT] of this machine (default: loopback on one machine, else the address toward the hosts; any free port).',
      env: 'DND_PX_ADDRESS',
      helpGroup: 'HOSTS',
    }),
    ...hostFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Px);
    if (outerRank()) throw usageError('dnd px starts its own ranks: run it from a shell, not under mpiexec or srun');
    const nprocs = this.resolveNprocs(flags.nprocs);
    const trace = planTrace(flags.trace, 'px');
    const c = this.c;
    const hosts = this.placement;
    const launcher = hosts ? launcherForHosts(flags.launcher, hosts) : flags.launcher;
    if (hosts) checkSlots(hosts, nprocs);
    const plan = await planListen(flags.address, '--address', hosts, process.env);
    // the secret reaches the ranks in mpiexec's environment (and -x for other hosts), never
    // on a command line; a rank in this process (-n 1) reads it from here
    const secret = newSecret();
    process.env[SECRET_VAR] = secret;
    const listener = await listenForRank0(plan.addresses, plan.port, secret, {
      named: flags.address ? '--address' : null,
      onRefused: (from) => process.stderr.write(`${c.yellow(`dnd px: refused a connection from ${from}: it did not present this session's secret`)}\n`),
    });
    const stop = new AbortController();
    const tensor = availableTensorBackend().backend ?? 'none installed';
    // mpiexec (or srun): Ctrl-C is forwarded to every rank through it
    let jobProcess: ChildProcess | null = null;
    let job: Promise<{ result: { command: 'px'; cells: number }; launcher: string }>;
    try {
      job = launch<{ command: 'px'; cells: number }>({ op: 'px', endpoints: listener.endpoints }, {
        nprocs,
        launcher,
        color: false,
        oversubscribe: flags.oversubscribe,
        deadlockS: flags['deadlock-timeout'],
        stop: stop.signal,
        interactive: { onSpawn: (child) => (jobProcess = child) },
        trace: trace !== null,
        hosts,
        forward: [SECRET_VAR],
      });
    } catch (e) {
      listener.close();
      throw e;
    }
    const started = performance.now();
    const ended = job.then(
      (run) => {
        // each cell is a span on every rank's track (the session's trace is written at its end)
        saveTrace(run.result, trace, run.launcher === 'none' ? null : { at: started, launcher: run.launcher }, newJobToken());
        return null;
      },
      (e: Error) => e,
    );
    // the job ended (rank 0 could not connect, a rank failed): nothing is listening any more,
    // so dnd does not wait for a connection that cannot come
    void ended.then(() => listener.close());
    // before the session: Ctrl-C (a real SIGINT: no readline yet) ends the job
    const early = () => stop.abort('SIGINT');
    process.on('SIGINT', early);
    const first = await Promise.race([listener.connected, ended.then((e) => e ?? new JobError('the job ended before rank 0 connected'))]);
    process.off('SIGINT', early);
    if (first instanceof Error) {
      listener.close();
      throw first;
    }
    const conn = first;
    conn.on('error', () => undefined); // the job ended: its end is reported through `ended`
    this.log(c.dim(`dnd px: ${nprocs} rank(s) ready; dnd, comm, rank, size are defined; tensors: ${tensor}. .exit or Ctrl-D ends.`));

    let pending = '';
    const replies: ((o: CellOutput[]) => void)[] = [];
    const completions: ((c: [string[], string]) => void)[] = [];
    conn.setEncoding('utf8');
    conn.on('data', (d: string) => {
      pending += d;
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        const msg = JSON.parse(pending.slice(0, i)) as { outputs?: CellOutput[]; completions?: [string[], string] };
        pending = pending.slice(i + 1);
        if (msg.outputs) replies.shift()?.(msg.outputs);
        else if (msg.completions) completions.shift()?.(msg.completions);
      }
    });

    conn.resume(); // paused after the welcome (px-link.ts): nothing is lost before this listener

    const interactive = Boolean(process.stdin.isTTY);
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      prompt: `px [${nprocs}]> `,
      historySize: 1000,
      // from the live session: rank 0 looks the word up in its context (jobs/px-complete.ts)
      completer: (line: string, done: (err: null, result: [string[], string]) => void) => {
        const word = /[\w$.]*$/.exec(line)?.[0] ?? '';
        if (running || conn.destroyed) return done(null, [[], word]);
        let answered = false;
        const answer = (c: [string[], string]) => {
          if (answered) return;
          answered = true;
          done(null, c);
        };
        completions.push(answer);
        setTimeout(() => answer([[], word]), 2000).unref();
        conn.write(`${JSON.stringify({ complete: line })}\n`);
      },
    });
    await loadHistory(rl, flags.history);
    // the job ended by itself (a deadlock, a rank died): stop waiting for input
    void ended.then(() => rl.close());
    let buffer = '';
    let running = false;
    let interrupts = 0;
    let idleInterrupts = 0;
    rl.on('line', () => (idleInterrupts = 0));
    /**
     * Ctrl-C: from readline on a terminal, or a real SIGINT (`kill -INT`, or input that is
     * not a terminal). The first, while a cell runs, interrupts it on every rank; a second
     * always ends the job: mpiexec stops every rank, and px exits 130.
     */
    const onInterrupt = () => {
      if (running) {
        interrupts++;
        if (interrupts === 1) {
          this.log(c.yellow('\n(interrupting the cell on every rank; Ctrl-C again ends the session)'));
          // through the job, never by PID: mpiexec (or srun) forwards SIGUSR1 to every rank on
          // every host, which makes it a SIGINT to itself (jobs/px.ts); a rank in this
          // process (-n 1) is interrupted directly
          if (jobProcess) jobProcess.kill('SIGUSR1');
          else process.kill(process.pid, 'SIGINT');
        } else {
          this.log(c.yellow('\nending the session'));
          stop.abort('SIGINT');
        }
        return;
      }
      if (!interactive) return stop.abort('SIGINT');
      // at the prompt, as in Node's REPL: a second Ctrl-C in a row ends the session cleanly
      if (++idleInterrupts >= 2) return rl.close();
      buffer = '';
      this.log('\n(To exit, press Ctrl-C again or Ctrl-D, or type .exit)');
      rl.setPrompt(`px [${nprocs}]> `);
      rl.prompt();
    };
    rl.on('SIGINT', onInterrupt);
    process.on('SIGINT', onInterrupt);
    rl.prompt();
    for await (const line of rl) {
      const keyword = /^\s*(\.[A-Za-z]\w*)\s*$/.exec(line)?.[1];
      if (keyword === '.exit') {
        rl.close();
        break;
      }
      // REPL commands, as node's (`.5` is a number); inside a statement on several lines,
      // `.lshape` alone may continue it: there only the known ones are commands
      if (keyword && (buffer === '' || keyword === '.break' || keyword === '.help')) {
        if (keyword === '.help') this.log(HELP);
        else if (keyword !== '.break') this.log(c.yellow(`Invalid REPL keyword ${keyword} (.help lists them)`));
        buffer = '';
        rl.setPrompt(`px [${nprocs}]> `);
        rl.prompt();
        continue;
      }
      buffer += (buffer ? '\n' : '') + line;
      if (buffer.trim() === '') {
        buffer = '';
        rl.prompt();
        continue;
      }
      if (isIncomplete(buffer)) {
        rl.setPrompt('... ');
        rl.prompt();
        continue;
      }
      const code = buffer;
      buffer = '';
      running = true;
      interrupts = 0;
      const reply = new Promise<CellOutput[] | null>((resolve) => {
        replies.push(resolve);
        void ended.then(() => resolve(null));
      });
      conn.write(`${JSON.stringify({ cell: code })}\n`);
      const outputs = await reply;
      running = false;
      if (!outputs) break;
      const shown = renderCell(outputs, c);
      if (shown) this.log(shown);
      rl.setPrompt(`px [${nprocs}]> `);
      rl.prompt();
    }
    // .exit, Ctrl-D or the end of piped input: every rank finalizes
    if (!conn.destroyed) {
      conn.write(`${JSON.stringify({ exit: true })}\n`);
      conn.end();
    }
    await saveHistory(rl, flags.history);
    const err = await ended;
    process.off('SIGINT', onInterrupt);
    listener.close();
    if (err) {
      this.log(''); // end the prompt's line: the error goes below it
      throw err;
    }
  }
}

async function loadHistory(rl: ReturnType<typeof createInterface>, file: string): Promise<void> {
  try {
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-1000).reverse();
    (rl as unknown as { history: string[] }).history = lines;
  } catch {
    // no history yet
  }
}

async function saveHistory(rl: ReturnType<typeof createInterface>, file: string): Promise<void> {
  try {
    const { writeFileSync } = await import('node:fs');
    const h = (rl as unknown as { history: string[] }).history ?? [];
    writeFileSync(file, [...h].reverse().join('\n') + '\n');
  } catch {
    // history is a convenience
  }
}
