/**
 * dnd's tuning and diagnosis variables (README: "Performance notes" and "Failures"), and
 * what each does with a value it does not know. A typo there (`DND_HUGEPAGES=of`) would
 * silently run the default and make a measurement mean something else, so the launcher
 * says so in one warning line per variable, before the job, as OpenMP runtimes do for
 * theirs. The job still runs: these are knobs, not input. An empty value is unset.
 */
interface Knob {
  name: string;
  /** the values it knows */
  values: readonly string[] | 'bytes';
  /** what any other value amounts to */
  otherwise: string;
}

const ISAS = ['avx512', 'avx2', 'base'] as const;

export const KNOBS: readonly Knob[] = [
  { name: 'DND_HUGEPAGES', values: ['on', 'off', 'auto'], otherwise: 'auto (measured)' },
  { name: 'DND_REUSE', values: ['on', 'off', '1', '0'], otherwise: 'on' },
  { name: 'DND_DIRECT', values: ['on', 'off', 'auto'], otherwise: 'auto' },
  { name: 'DND_MAP', values: ['1', '0'], otherwise: '1 (files are mapped)' },
  { name: 'DND_SOLO', values: ['1', '0'], otherwise: '1 (one-rank jobs without MPI where they can)' },
  { name: 'DND_NAGLE', values: ['1', '0'], otherwise: '1 (sockets left as MPI made them)' },
  { name: 'DND_CODE_CACHE', values: ['1', '0'], otherwise: '1 (code caches used)' },
  { name: 'DND_RANDOM_ISA', values: ISAS, otherwise: 'the best this CPU has' },
  { name: 'DND_REDUCE_ISA', values: ISAS, otherwise: 'the best this CPU has' },
  { name: 'DND_PIECE_BYTES', values: 'bytes', otherwise: 'unset (pieces only while progress is shown)' },
];

function known(k: Knob, v: string): boolean {
  // bytes as runtime/progress.ts reads them: any whole number (0: unset)
  return k.values === 'bytes' ? Number.isSafeInteger(Number(v)) && Number(v) >= 0 : k.values.includes(v);
}

/** One line per variable set to a value it does not know. */
export function knobWarnings(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const k of KNOBS) {
    const v = env[k.name];
    if (v === undefined || v === '' || known(k, v)) continue;
    const expected = k.values === 'bytes' ? 'a whole number of bytes' : `one of ${k.values.join(', ')}`;
    out.push(`${k.name}=${JSON.stringify(v)} is not ${expected}: it acts as ${k.otherwise}`);
  }
  return out;
}
