/** Runs the built CLI as a user would: a real process, real mpiexec underneath. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/run.js`;

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `program`: start bin/run.js itself (its #! line, as `dnd` on PATH is), not `node bin/run.js`. */
export function dnd(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number; program?: boolean } = {}): Ran {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const [file, argv] = opts.program ? [BIN, args] : [process.execPath, [BIN, ...args]];
  const r = spawnSync(file, argv, { encoding: 'utf8', env: env as NodeJS.ProcessEnv, cwd: opts.cwd ?? ROOT, timeout: opts.timeoutMs ?? 120000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs with --json and parses stdout, which must be exactly one JSON object. */
export function dndJson<T = Record<string, unknown>>(args: string[], opts: Parameters<typeof dnd>[1] = {}): T {
  const r = dnd([...args, '--json'], opts);
  if (r.code !== 0) throw new Error(`dnd ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Environment for running mpiexec directly in a test (as root, more ranks than cores). */
export function mpiEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OMPI_ALLOW_RUN_AS_ROOT: '1',
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
    OMPI_MCA_rmaps_base_oversubscribe: '1',
    OMPI_MCA_pml: process.env.OMPI_MCA_pml ?? 'ob1',
  };
}

/**
 * Environment that injects a fault (test/helpers/fault-preload.mjs): the preload is loaded
 * into dnd and every rank through NODE_OPTIONS; production code never reads DND_TEST_FAULT.
 */
/** The environment that makes dnd log every path it fsyncs to `log` (fault-preload.mjs). */
export function fsyncLogEnv(log: string): Record<string, string> {
  return { ...faultEnv(''), DND_TEST_FSYNC_LOG: log };
}

export function faultEnv(spec: string): Record<string, string> {
  const preload = `--import=${pathToFileURL(`${ROOT}test/helpers/fault-preload.mjs`).href}`;
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '), DND_TEST_FAULT: spec };
}
