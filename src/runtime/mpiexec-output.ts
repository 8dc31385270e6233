/**
 * What mpiexec itself prints, in the two dialects dnd meets: Open MPI's (ORTE/PRRTE
 * boxes on stderr, which name the rank) and MPICH's Hydra (also Intel MPI and MVAPICH:
 * a "BAD TERMINATION" banner on stdout that names only a PID and a host, and
 * `[proxy:0:0@host] FUNC (file.c:73): message` lines on stderr).
 *
 * The launcher (launcher.ts) feeds mpiexec's lines through here: the banner is kept off
 * the user's stdout (it would break --json), and a job that died without a record of
 * ours is described from these words. Ranks announce their PID (a `rank` record, see
 * job.ts), which turns Hydra's PID back into a rank.
 */

export interface RankPid {
  rank: number;
  host?: string;
  pid: number;
}

const RULE = /^={20,}$/;
const BANNER = [
  /^= {3}(BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES|PID \d+ RUNNING AT |EXIT CODE: |CLEANING UP REMAINING PROCESSES|YOU CAN IGNORE THE BELOW CLEANUP MESSAGES)/,
  /^YOUR APPLICATION TERMINATED WITH THE EXIT STRING: /,
  /^\[mpiexec@[^\]]*\] Exit codes: /,
  /^This typically refers to a problem with your application\.$/,
  /^Please see the FAQ page for debugging suggestions$/,
];

/**
 * Separates Hydra's banner from what the ranks print on stdout. Hydra writes a blank
 * line before the banner, so a blank line is held back until the next line shows
 * whether it belonged to the banner.
 */
export class StdoutSplitter {
  readonly banner: string[] = [];
  private heldBlank = false;

  /** The lines to pass on to the user, given one more line of mpiexec's stdout. */
  push(line: string): string[] {
    const out: string[] = [];
    if (RULE.test(line) || BANNER.some((r) => r.test(line))) {
      this.banner.push(line);
      this.heldBlank = false;
      return out;
    }
    if (this.heldBlank) out.push('');
    this.heldBlank = line === '';
    if (!this.heldBlank) out.push(line);
    return out;
  }

  /** At the end of the stream: a held blank line was the ranks' own. */
  end(): string[] {
    const out = this.heldBlank ? [''] : [];
    this.heldBlank = false;
    return out;
  }
}

function who(rank: string | number, host: string | undefined): string {
  return `rank ${rank}${host ? ` (${host})` : ''}`;
}

/**
 * Hydra's `-print-all-exitcodes` line, `[mpiexec@vm] Exit codes: [n01] 9,0,9 [n02] 0,0`,
 * as (rank, host, code): each host's processes are its ranks in ascending order (from the
 * ranks' own announcements).
 */
function exitCodes(text: string, pids: readonly RankPid[]): { rank: number; host: string; code: number }[] {
  const line = /Exit codes: (.*)$/m.exec(text);
  if (!line) return [];
  const out: { rank: number; host: string; code: number }[] = [];
  for (const m of line[1].matchAll(/\[([^\]]+)\] ([\d,]+)/g)) {
    const ranks = pids.filter((p) => p.host === m[1]).map((p) => p.rank).sort((a, b) => a - b);
    m[2].split(',').forEach((c, i) => {
      if (ranks[i] !== undefined) out.push({ rank: ranks[i], host: m[1], code: Number(c) });
    });
  }
  return out;
}

/**
 * Hydra's banner. Its PID line names the first process in Hydra's list that ended badly,
 * which may be one that Hydra itself killed (SIGKILL) while cleaning up after the real
 * failure; the exit string and the per-rank exit codes carry the real cause. So: the
 * rank whose code is the exit string's signal when only one has it; when several do
 * (SIGKILL, the signal of the clean-up too), all of them, said as such.
 */
function deathFromHydra(text: string, pids: readonly RankPid[]): string | null {
  const pid = /PID (\d+) RUNNING AT (\S+)/.exec(text);
  if (!pid) return null;
  const sig = /EXIT STRING: (.*?) \(signal (\d+)\)/.exec(text);
  const code = /EXIT CODE: (\d+)/.exec(text)?.[1];
  const what = sig ? `was killed by signal ${sig[2]} (${sig[1]})` : `ended with exit code ${code ?? '?'} before the job finished`;
  const cause = sig ? Number(sig[2]) : Number(code);
  const suspects = exitCodes(text, pids).filter((e) => e.code === cause);
  if (suspects.length === 1) return `${who(suspects[0].rank, suspects[0].host)} ${what}`;
  if (suspects.length > 1) {
    const hosts = [...new Set(suspects.map((e) => e.host))].join(', ');
    return `one of ranks ${suspects.map((e) => e.rank).join(', ')} (${hosts}) ${what}; Hydra stops the others with the same signal, so it cannot tell which`;
  }
  // no exit codes: the PID line, trusted only when its code is the cause itself
  const rank = pids.find((p) => p.pid === Number(pid[1]));
  if (code !== undefined && Number(code) !== cause) return `a rank ${what}`;
  const name = rank ? who(rank.rank, rank.host ?? pid[2]) : `a rank (PID ${pid[1]} on ${pid[2]})`;
  return `${name} ${what}`;
}

/** Open MPI's own words when a rank dies without a record of ours. */
function deathFromOpenMpi(text: string): string | null {
  const m = /process rank (\d+) with PID \d+ on node (\S+) exited on signal (\d+)(?: \(([^)]+)\))?/.exec(text);
  if (m) return `${who(m[1], m[2])} was killed by signal ${m[3]}${m[4] ? ` (${m[4]})` : ''}`;
  // a rank that exited by itself with a non-zero code, without MPI_Abort
  const e = /Process name:\s*\[\[\d+,\d+\],(\d+)\][\s\S]*?Exit code:\s*(\d+)/.exec(text);
  if (e) return `rank ${e[1]} exited with code ${e[2]} before the job finished`;
  if (/exited without calling "?finalize"?|did not call "?init"?/i.test(text)) return 'a rank exited before the job finished';
  return null;
}

/**
 * A rank's death in mpiexec's words, naming the rank and its host, or null.
 * `stdoutBanner` is what StdoutSplitter kept; `stderr` all of mpiexec's stderr.
 */
export function deathFromMpiexec(stderr: string, stdoutBanner: readonly string[] = [], pids: readonly RankPid[] = []): string | null {
  return deathFromHydra(stdoutBanner.join('\n'), pids) ?? deathFromOpenMpi(stderr) ?? deathFromHydra(stderr, pids);
}

/** Boilerplate that says nothing about the cause. */
const GENERIC = [
  /^-+$/,
  /^=+$/,
  /^Primary job +terminated normally, but \d+ process(es)? returned$/,
  /^a non-zero exit code\. Per user-direction, the job has been aborted\.$/,
  /^(mpiexec|mpirun|prterun)\S* (noticed|detected) that/,
];

/** Hydra's location prefix: `[proxy:0:0@vm] HYDU_create_process (utils/launch/launch.c:73): ` */
const HYDRA_PREFIX = /^\[(?:mpiexec|proxy:[\d:]+)@[^\]]*\]\s+(?:\w+ \([^)]*\):\s*)?/;

/**
 * The first line of mpiexec's stderr that says what went wrong (Hydra's location prefix
 * removed; an Open MPI box's first paragraph joined into one line), or null.
 */
export function firstMeaningfulLine(lines: readonly string[]): string | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(HYDRA_PREFIX, '').trim();
    if (!line || GENERIC.some((r) => r.test(line))) continue;
    // an Open MPI help box: a paragraph wrapped over several lines
    const para = [line];
    for (let j = i + 1; j < lines.length && lines[j].trim() && !/^-+$/.test(lines[j].trim()) && !HYDRA_PREFIX.test(lines[j]); j++) para.push(lines[j].trim());
    const text = para.join(' ');
    return text.length > 300 ? `${text.slice(0, 297)}...` : text;
  }
  return null;
}
