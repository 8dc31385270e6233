#!/usr/bin/env node
/**
 * The program each rank runs when dnd's launcher starts the job:
 *   mpiexec -n N node dist/runtime/rank.js <envelope>
 * A small entry, so that DND_TIMING can tell Node's own start from the loading of the
 * rank program (rank-main.ts), which is imported only after the stamp. No top-level await:
 * the bundle of this program is CommonJS (scripts/bundle-rank.mjs).
 */
import { stamp } from './timing.js';

stamp('rank', 'node ready');
void import('./rank-main.js');
