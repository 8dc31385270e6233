/**
 * `sbatch --wait`, without its wait: sbatch polls the job every 2 s at least, so each
 * batch job of a test cost a multiple of 2 s. This submits with --parsable and asks
 * scontrol every 50 ms until every task of the job (an array has several) has ended.
 */
import { spawnSync } from 'node:child_process';

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export interface Submitted {
  /** as sbatch --wait: the job's exit code (the highest of an array's tasks), null if it never ended */
  status: number | null;
  /** sbatch's own output, as without --parsable: "Submitted batch job N" */
  output: string;
}

export function sbatchWait(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120000): Submitted {
  const sub = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8', env });
  const id = /^(\d+)/.exec(sub.stdout.trim())?.[1];
  if (sub.status !== 0 || !id) return { status: sub.status ?? 1, output: sub.stdout + sub.stderr };
  const output = `Submitted batch job ${id}\n${sub.stderr}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const q = spawnSync('scontrol', ['show', 'job', '-o', id], { encoding: 'utf8', env });
    const tasks = q.stdout.split('\n').filter((l) => l.includes('JobState='));
    // a job is gone from scontrol MinJobAge seconds after it ended; before that it is listed
    if (tasks.length && tasks.every((t) => ENDED.has(/JobState=(\S+)/.exec(t)?.[1] ?? ''))) {
      const codes = tasks.map((t) => {
        const [code, signal] = (/ ExitCode=(\d+):(\d+)/.exec(t)?.slice(1) ?? ['1', '0']).map(Number);
        return code || (signal ? 128 + signal : 0);
      });
      return { status: Math.max(...codes), output };
    }
    pause(50);
  }
  spawnSync('scancel', [id], { env });
  return { status: null, output: `${output}timed out after ${timeoutMs} ms` };
}
