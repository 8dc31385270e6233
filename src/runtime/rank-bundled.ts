/**
 * The entry of the bundled rank program, dist/rank/rank.cjs (scripts/bundle-rank.mjs): the
 * program itself, rank-main.ts and everything it imports, is bundled apart into
 * dist/rank/program.cjs and loaded with its code cache (code-cache.ts). Bundled only:
 * `program.cjs` is looked up beside the running file. rank.ts is the same entry for the
 * modules (user scripts' jobs). The cache's header is checked with the binding's CRC-32,
 * which spares each rank loading node:zlib (the binding loads here, not later in the job).
 */
import { fileURLToPath } from 'node:url';
import { bindingCrc32 } from '../native/crc32.js';
import { requireBundle } from './code-cache.js';
import { stamp } from './timing.js';

stamp('rank', 'node ready');
requireBundle(fileURLToPath(new URL('program.cjs', import.meta.url)), bindingCrc32());
