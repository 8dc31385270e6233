/** Loads many datasets in one `dnd run` job per rank count (test/mpi/fingerprints.mjs). */
import { writeFileSync } from 'node:fs';
import { dnd, ROOT } from './run.js';

export interface Swept {
  dtype: string;
  gshape: number[];
  lshape_map: number[][];
  checksum: string;
  /** split none: each rank's copy's fingerprint */
  copies: string[] | null;
}

export type SweepItem = [file: string, dataset: string, split: string];

export function sweep(n: number, items: SweepItem[], scratch: string): Swept[] {
  const list = `${scratch}/sweep-${n}-${process.pid}-${Math.random().toString(36).slice(2)}.json`;
  writeFileSync(list, JSON.stringify(items));
  const r = dnd(['run', `${ROOT}test/mpi/fingerprints.mjs`, '-n', String(n), '-q', '--', list]);
  if (r.code !== 0) throw new Error(`sweep at -n ${n} exited ${r.code}: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('SWEEP '));
  if (!line) throw new Error(`sweep at -n ${n} printed no result: ${r.stdout}`);
  return JSON.parse(line.slice(6)) as Swept[];
}
