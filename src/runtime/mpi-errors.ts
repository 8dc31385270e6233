/**
 * Making sense of what mpiexec (Open MPI) printed when a job failed without a record of
 * ours: its own explanations (no slots, an unreachable host) are kept whole and readable,
 * and a bad OMPI_MCA_<framework> setting of the user's is named as the cause.
 */
import { execFileSync } from 'node:child_process';
import type { Env } from './detect.js';

export interface MpiexecFailure {
  /** the whole cause in one line, when it is known (replaces mpiexec's words) */
  message?: string;
  /** added to a rank's own failure message */
  hint?: string;
  /** mpiexec's explanation, cleaned: boxes of dashes and internal log lines removed */
  text?: string;
  /** its first paragraph as one line */
  summary?: string;
}

/** Frameworks whose component a user picks by name, and that fail without naming the variable. */
const FRAMEWORKS = ['pml', 'io', 'btl', 'mtl', 'coll', 'osc', 'fcoll', 'fs'];

/** Open MPI's components per framework, from ompi_info (called only after a failure). */
function components(env: Env): Map<string, Set<string>> | null {
  try {
    const out = execFileSync('ompi_info', ['--parsable'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'ignore'], timeout: 10000 });
    const m = new Map<string, Set<string>>();
    for (const [, fw, name] of out.matchAll(/^mca:(\w+):(\w+):version:/gm)) {
      if (!m.has(fw)) m.set(fw, new Set());
      m.get(fw)?.add(name);
    }
    return m;
  } catch {
    return null;
  }
}

/** `OMPI_MCA_io=garbage: this Open MPI has no io component "garbage" (it has ompio, romio321)`, or null. */
export function badComponentSetting(env: Env): string | null {
  // `^name,…` only excludes components: a name this build lacks is harmless there
  const set = FRAMEWORKS.filter((fw) => env[`OMPI_MCA_${fw}`] && !env[`OMPI_MCA_${fw}`]?.startsWith('^'));
  if (set.length === 0) return null;
  const known = components(env);
  if (!known) return null;
  for (const fw of set) {
    const value = env[`OMPI_MCA_${fw}`] ?? '';
    const have = known.get(fw) ?? new Set<string>();
    const names = value.split(',').map((s) => s.trim());
    const missing = names.find((n) => !have.has(n));
    if (missing !== undefined) return `OMPI_MCA_${fw}=${value}: this Open MPI has no ${fw} component "${missing}" (it has ${[...have].sort().join(', ') || 'none'}); unset it or pick one of those`;
  }
  return null;
}

const NOISE = /^-{10,}$|ORTE_ERROR_LOG|^\[[^\]]+\] \*\*\*|help message|orte_base_help_aggregate|^\s*$/;

export function explainMpiexecFailure(stderr: string, env: Env): MpiexecFailure {
  const component = /A requested component was not found[\s\S]*?Framework:\s*(\S+)\s*\nComponent:\s*(\S+)/.exec(stderr);
  const bad = badComponentSetting(env);
  if (component) {
    const message = bad ?? `Open MPI has no ${component[1]} component "${component[2]}" (set by OMPI_MCA_${component[1]} or an MCA parameter file)`;
    return { message, hint: message };
  }
  // the same bad setting, when the box that names the component lost the race to the one
  // that only says MPI_Init failed (which of them Open MPI prints first varies from run to run)
  if (bad && /MPI_INIT failed|mca_\w+_base_open\(\) failed|mca_\w+_base_select failed/.test(stderr)) return { message: bad, hint: bad };
  const kept: string[] = [];
  for (const line of stderr.split('\n')) {
    if (NOISE.test(line)) {
      if (kept.length && kept[kept.length - 1] !== '') kept.push('');
      continue;
    }
    kept.push(line.replace(/\s+$/, ''));
  }
  while (kept.length && kept[kept.length - 1] === '') kept.pop();
  const text = kept.join('\n').trim();
  // Open MPI sometimes dies of a bad component without printing why: the setting is the cause
  if (!text && bad) return { message: bad, hint: bad };
  const firstParagraph = text.split(/\n\s*\n/)[0] ?? '';
  const summary = firstParagraph.replace(/\s*\n\s*/g, ' ').replace(/:$/, '').trim();
  return { text: text || undefined, summary: summary || undefined, hint: bad ?? undefined };
}
