#!/usr/bin/env node
/**
 * The program each rank runs when dnd's launcher starts the job:
 *   mpiexec -n N node dist/runtime/rank.js <envelope>
 * A small entry, so that DND_TIMING can tell Node's own start from the loading of the
 * rank program (rank-main.ts), which is imported only after the stamp.
 */
import { stamp } from './timing.js';

stamp('rank', 'node ready');
await import('./rank-main.js');
