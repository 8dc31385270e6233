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

/** Hydra's banner: the PID, host and exit string of the first process that failed. */
function deathFromHydra(text: string, pids: readonly RankPid[]): string | null {
  const pid = /PID (\d+) RUNNING AT (\S+)/.exec(text);
  if (!pid) return null;
  const rank = pids.find((p) => p.pid === Number(pid[1]));
  const name = rank ? who(rank.rank, rank.host ?? pid[2]) : `a rank (PID ${pid[1]} on ${pid[2]})`;
  const sig = /EXIT STRING: (.*?) \(signal (\d+)\)/.exec(text);
  if (sig) return `${name} was killed by signal ${sig[2]} (${sig[1]})`;
  const code = /EXIT CODE: (\d+)/.exec(text);
  return `${name} ended with exit code ${code ? code[1] : '?'} before the job finished`;
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
