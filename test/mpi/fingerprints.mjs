/* global dnd, comm, rank -- set by dnd run */
// A sweep in one job (run with `dnd run fingerprints.mjs -n N -- LIST.json`): loads each
// [file, dataset, split] of the list with dnd.load and prints, on rank 0, one JSON line
// per item with its dtype, gshape, lshape_map and fingerprint. For split none, the
// fingerprint of every rank's own copy. The tests that check "same for every -n and
// split" run one such job per rank count instead of one dnd command per item.
import { readFileSync } from 'node:fs';

const items = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const [file, dataset, split] of items) {
  const x = dnd.load(file, dataset, { split: split === 'none' ? null : Number(split) });
  const lanes = dnd.localLanes(x, x.offset);
  const copies = x.split === null ? comm.allgatherNumbers(lanes).map((l) => dnd.finishFingerprint([l[0], l[1]], x.gshape, x.dtype)) : null;
  out.push({ dtype: x.dtype, gshape: x.gshape, lshape_map: x.lshapeMap, checksum: dnd.globalFingerprint(x, lanes), copies });
}
if (rank === 0) console.log(`SWEEP ${JSON.stringify(out)}`);
