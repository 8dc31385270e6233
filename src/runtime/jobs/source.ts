/** Building the starting array of a job from its source: a file's dataset or a generator. */
import type { Comm } from '../../dnd/comm.js';
import type { DNDarray } from '../../dnd/dndarray.js';
import { load } from '../../dnd/io.js';
import type { Split } from '../../dnd/layout.js';
import type { SourceSpec } from '../job.js';
import { buildArray } from './create.js';
import { phaseBegin, phaseEnd } from '../../dnd/trace.js';

/**
 * Collective. `counts`: an unbalanced starting layout on purpose (generators and files).
 * `readOnly`: the job only reads the values (info; a move, which sends them), so a file's
 * blocks may be views of the file (dnd/io-map.ts).
 */
export function openSource(source: SourceSpec, split: Split, comm: Comm, counts: number[] | null = null, readOnly = false): DNDarray {
  if (source.type === 'generator') {
    phaseBegin('build');
    const built = buildArray({ ...source.create, split, counts }, comm);
    phaseEnd();
    return built;
  }
  phaseBegin('load');
  const x = load(source.file, source.dataset, { split, comm, readOnly });
  phaseEnd();
  if (counts) x.redistributeInPlace(counts);
  return x;
}
