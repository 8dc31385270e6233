/** Flags shared by the data commands (DESIGN.md §4). */
import { Flags } from './oclif.js';
import { DTYPES, type Dtype } from '../dnd/dtypes.js';
import { parseAxis, parseSeed } from './parse.js';

export const nprocsFlag = Flags.integer({
  char: 'n',
  summary: 'Number of ranks (default: $SLURM_NTASKS inside an allocation, else 1).',
  min: 1,
  env: 'DND_NPROCS',
});

export const oversubscribeFlag = Flags.boolean({
  summary: 'Allow more ranks than this machine or allocation has slots for (without it, up to twice the cores, at least 4; inside Slurm, the allocation\'s tasks).',
  env: 'DND_OVERSUBSCRIBE',
});

export const deadlockFlag = Flags.integer({
  summary: 'End the job (exit 3, naming each rank\'s collective and script line) when every rank has waited in MPI this many seconds in different collectives; 0: off.',
  min: 0,
  // ranks that all block in different synchronous collectives can never get out: a short
  // wait only rides out ranks that are about to report leaving one
  default: 3,
  env: 'DND_DEADLOCK_TIMEOUT',
});

export const splitFlag = Flags.custom<number | null>({
  summary: 'Axis the array is split along (negative counts from the end), or none.',
  default: 0,
  parse: async (s) => parseAxis(s, '--split'),
  defaultHelp: async () => '0',
})();

export const launcherFlag = Flags.option({
  summary: 'How to start the ranks: auto, mpiexec, srun, or none (in-process, one rank).',
  options: ['auto', 'mpiexec', 'srun', 'none'] as const,
  default: 'auto' as const,
  env: 'DND_LAUNCHER',
})();

/** Where mpiexec puts the ranks; env defaults are read in runtime/hosts.ts (a flag of one
 * form must override the env default of the other, which oclif's `env:` cannot express). */
export const hostfileFlag = Flags.string({
  summary: 'Open MPI hostfile naming the hosts for the ranks (lines: HOST [slots=N]); default $DND_HOSTFILE.',
  helpGroup: 'HOSTS',
});

export const hostFlag = Flags.string({
  summary: 'Hosts for the ranks as HOST[:SLOTS],… e.g. h1:2,h2:2; default $DND_HOST.',
  helpGroup: 'HOSTS',
});

/** Every job command takes both (DESIGN.md §4). */
export const hostFlags = { hostfile: hostfileFlag, host: hostFlag };

export const seedFlag = Flags.custom<number | bigint>({
  summary: 'Seed of the counter-based generator, 0..2^64-1 (same seed, same global array, any -n).',
  default: 0,
  parse: async (s) => parseSeed(s),
})();

export const dtypeFlag = Flags.option({
  summary: 'Element type.',
  description: 'complex64/complex128 are (re, im) pairs of float32/float64, stored in HDF5 as h5py stores them (compound {r, i}); they come from zeros, ones, empty, full (--value 1+2j) and eye, and have no --stats.',
  options: DTYPES as unknown as Dtype[],
})();

export const timeoutFlag = Flags.integer({
  summary: 'End the job if it runs longer than this many seconds (0: no limit).',
  min: 0,
  default: 0,
  env: 'DND_TIMEOUT',
});

export const outFlag = Flags.string({
  summary: 'Write the array to FILE.h5[:/dataset] (default dataset /data), in parallel.',
  description: [
    'Written to a temporary file beside FILE, synced to disk, and put in place only when every rank succeeded;',
    'a second dnd writing the same FILE fails at once (exit 3), and a file that changed while the job ran is never replaced.',
    'FILE may be new, or an HDF5 file to add the dataset to. A symbolic link is followed (the file it points to is written; the link stays).',
    'Refused before launch: a FIFO, device, socket or directory; a path inside a dataset or onto a group; a truncated or locked HDF5 file;',
    'a file with several hard links, and the input dataset itself, unless --force. A replaced file keeps its permissions and owner.',
  ].join(' '),
});

export const forceFlag = Flags.boolean({
  summary: 'Replace an existing --out file or dataset (also the input itself, or a hard-linked file).',
});

export const fsyncFlag = Flags.boolean({
  summary: 'Sync --out to stable storage before and after putting it in place (--no-fsync: faster, not crash-safe).',
  default: true,
  allowNo: true,
});

/** The flags resplit and redistribute share: the source's starting layout and the output. */
export const moveFlags = {
  nprocs: nprocsFlag,
  oversubscribe: oversubscribeFlag,
  split: splitFlag,
  counts: Flags.string({ summary: 'Start unbalanced: rows of --split per rank, e.g. 4,0,2,1.' }),
  launcher: launcherFlag,
  dtype: dtypeFlag,
  seed: seedFlag,
  checksum: Flags.boolean({ summary: 'Fingerprint the array before and after; a difference fails the job (exit 3) before anything is written.' }),
  'dry-run': Flags.boolean({ summary: 'Print the plan (bytes per rank pair, peak memory per rank) without moving data, even for arrays this machine could not hold (stderr then says the run would be refused here).' }),
  out: outFlag,
  force: forceFlag,
  fsync: fsyncFlag,
  timeout: timeoutFlag,
  ...hostFlags,
};
