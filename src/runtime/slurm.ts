/**
 * Slurm specifics: which srun --mpi plugin starts ranks of the installed MPI. Found out
 * (`srun --mpi=list`), not guessed: with OpenMPI 4, pmix works and pmi2 aborts in
 * MPI_Init (seen on Debian's Slurm and Open MPI, scripts/slurm-up.sh).
 */
import { execFileSync } from 'node:child_process';
/** Environment variables (as process.env). */
type Env = Readonly<Record<string, string | undefined>>;

let cachedPlugin: string | null | undefined;

/** The --mpi value to pass to srun, or null to leave Slurm's default. */
export function srunMpiPlugin(env: Env = process.env): string | null {
  if (env.DND_SRUN_MPI) return env.DND_SRUN_MPI;
  if (cachedPlugin !== undefined) return cachedPlugin;
  let listed = '';
  try {
    listed = execFileSync(env.DND_SRUN ?? 'srun', ['--mpi=list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
  } catch (e) {
    const out = e as { stdout?: string; stderr?: string };
    listed = `${out.stdout ?? ''}${out.stderr ?? ''}`;
  }
  const plugins = [...listed.matchAll(/\b(pmix(?:_v\d+)?|pmi2|cray_shasta|none)\b/g)].map((m) => m[1]);
  cachedPlugin = ['pmix', 'pmix_v4', 'pmix_v3', 'pmix_v2'].find((p) => plugins.includes(p)) ?? (plugins.includes('pmi2') ? 'pmi2' : null);
  return cachedPlugin;
}
