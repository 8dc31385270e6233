/**
 * The watchdog thread of a user-script rank (see watchdog.ts): polls the shared marks of
 * the main thread's collectives and reports long waits on fd 2; watches the parent MPI
 * daemon too (link.ts), since the main thread may be blocked in MPI when it goes.
 */
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { SITE_BYTES, SITE_OFFSET, SLOT, type WatchdogData } from './watchdog-memory.js';

const data = workerData as WatchdogData;
const slots = new Int32Array(data.memory, 0, 4);
const site = new Uint8Array(data.memory, SITE_OFFSET, SITE_BYTES);
const decoder = new TextDecoder();
const POLL_MS = 200;
const parent = process.ppid;

let seenSeq = -1;
let since = 0;
let reported = false;

function record(body: object): void {
  try {
    writeSync(2, `${data.prefix}${JSON.stringify(body)}\n`);
  } catch {
    // stderr gone: the job is ending anyway
  }
}

setInterval(() => {
  if (process.ppid !== parent) {
    try {
      writeSync(2, `dnd rank ${data.rank}: its MPI daemon is gone; ending the job\n`);
    } catch {
      // nobody listens
    }
    process.kill(process.pid, 'SIGKILL');
  }
  const inside = Atomics.load(slots, SLOT.inside) === 1;
  const seq = Atomics.load(slots, SLOT.seq);
  const now = Date.now();
  if (!inside || seq !== seenSeq) {
    if (reported) record({ rank: data.rank, done: true });
    reported = false;
    seenSeq = inside ? seq : -1;
    since = now;
    return;
  }
  if (!reported && now - since >= data.deadlockMs) {
    reported = true;
    const text = decoder.decode(site.slice(0, Math.min(slots[SLOT.siteLength], SITE_BYTES)));
    record({ rank: data.rank, host: data.host, seq, op: data.ops[slots[SLOT.op]], site: text, waited: (now - since) / 1000 });
  }
}, POLL_MS);
