// The exchange plan at scale, from the real code (dist/dnd/ops/plan.js): a 1 TiB float32
// array (2^19 x 2^19) resplit 0 -> 1 and redistributed along axis 0, on 1,024 and 16,384
// ranks. Per rank: plan time, peers with data, bytes per peer, contiguous pieces per
// message, memory for counts/displs/datatypes; the job envelope's size (one argument).
// Nothing is launched: ranks plan independently, so one rank's work here is any rank's.
import { balancedLayout } from '../dist/dnd/ops/move.js';
import { exchangePlan, boxVolume } from '../dist/dnd/ops/plan.js';
import { encodeEnvelope } from '../dist/runtime/job.js';
import { median } from './lib.mjs';

const N = 2 ** 19;
const GSHAPE = [N, N];
const ITEM = 4;
/** Linux MAX_ARG_STRLEN: the longest single argument (or environment string) execve takes */
const MAX_ARG_STRLEN = 32 * 4096;

function timed(f, reps) {
  const t = [];
  let r;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    r = f();
    t.push((performance.now() - t0) / 1000);
  }
  return { s: median(t), min: Math.min(...t), max: Math.max(...t), r };
}

/** A redistribute that moves something on every rank: even ranks give a quarter of their rows to the next rank. */
function shiftedCounts(counts) {
  const t = [...counts];
  for (let p = 0; p + 1 < t.length; p += 2) {
    const d = Math.floor(t[p] / 4);
    t[p] -= d;
    t[p + 1] += d;
  }
  return t;
}

function summarize(plan, rank) {
  const peers = plan.sends.filter((b, q) => q !== rank && boxVolume(b) > 0);
  const bytes = peers.map((b) => boxVolume(b) * ITEM);
  // contiguous runs in one message: rows of the box unless it spans whole rows
  const pieces = peers.map((b) => (b.extent[1] === plan.oldLshape[1] ? 1 : b.extent[0]));
  return { peers: peers.length, bytesPerPeer: bytes.length ? median(bytes) : 0, piecesPerMessage: pieces.length ? median(pieces) : 0 };
}

export function benchPlan({ reps = 3, sizes = [1024, 16384] } = {}) {
  const rows = [];
  for (const P of sizes) {
    const from = balancedLayout(GSHAPE, 0, P);
    for (const [op, to] of [['resplit 0->1', balancedLayout(GSHAPE, 1, P)], ['redistribute', { split: 0, counts: shiftedCounts(from.counts) }]]) {
      const rank = Math.floor(P / 2);
      const t = timed(() => exchangePlan(GSHAPE, from, to, rank, P), reps);
      const s = summarize(t.r, rank);
      // Alltoallw: per peer a send and a receive count, displacement and datatype (4+4+8 B
      // each way), plus the plan's boxes (two arrays of 2 numbers per box, ~160 B in V8)
      const argBytes = P * 2 * (4 + 4 + 8);
      const job = { op: op.startsWith('resplit') ? 'resplit' : 'redistribute', source: { type: 'file', path: '/scratch/big.h5', dataset: '/data' }, split: 0, counts: null, axis: 1, target: op === 'redistribute' ? to.counts : undefined, checksum: false, out: null };
      const envelope = encodeEnvelope({ v: 1, token: '0123456789ab', nprocs: P, color: false, job });
      rows.push({
        figure: `plan ${op} 1 TiB, ${P} ranks`,
        unit: 's',
        dnd: { median: t.s, min: t.min, max: t.max, runs: reps },
        floor: { what: 'plan share of a 1 s budget', median: 1 },
        ratio: 1 / t.s,
        goal: 'plan < 1 s per rank',
        met: t.s < 1,
        higherIsBetter: false,
        detail: {
          peers_with_data: s.peers,
          bytes_per_peer: s.bytesPerPeer,
          pieces_per_message: s.piecesPerMessage,
          alltoallw_arg_bytes: argBytes,
          plan_boxes: 2 * P,
          envelope_bytes: envelope.length,
          envelope_fits_one_argument: envelope.length < MAX_ARG_STRLEN,
        },
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of benchPlan()) console.log(JSON.stringify({ figure: r.figure, plan_s: +r.dnd.median.toFixed(4), min: +r.dnd.min.toFixed(4), max: +r.dnd.max.toFixed(4), ...r.detail }));
}
