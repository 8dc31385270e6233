/**
 * The ranks' half of the deadlock watchdog of user scripts (`dnd run`, `dnd px`); the
 * launcher's half is deadlock.ts.
 *
 * Every collective of the world communicator goes through a thin wrapper (Comm.instrument)
 * that, before entering MPI, notes in shared memory which collective this is, how many
 * came before it, and the script's line that called it; and clears the mark on the way
 * out. A worker thread polls that memory: when the rank has been inside the same
 * collective for the configured time, it writes a `wait` record on stderr (directly to
 * fd 2: the main thread, which would relay a worker's console, is blocked in MPI), and a
 * `done` record when the rank gets out. The launcher decides from every rank's records.
 *
 * The cost stays off dnd's own commands: only user-script jobs install it. There it is a
 * stack capture per collective (call-site.ts) and a few atomic stores. The same worker
 * also watches the parent daemon (link.ts) while the main thread is blocked.
 */
import { Worker } from 'node:worker_threads';
import { Comm } from '../dnd/comm.js';
import type { NativeBinding } from '../native/index.js';
import { scriptSite } from './call-site.js';
import { recordPrefix } from './job.js';
import { SITE_BYTES, SITE_OFFSET, SLOT, type WatchdogData } from './watchdog-memory.js';

export const COLLECTIVES = ['barrier', 'bcast', 'allgather', 'allgatherv', 'gatherv', 'alltoallv', 'alltoallwBoxes', 'allreduce'] as const;

export function installWatchdog(token: string, rank: number, host: string, deadlockS: number): void {
  const memory = new SharedArrayBuffer(SITE_OFFSET + SITE_BYTES);
  const slots = new Int32Array(memory, 0, 4);
  const site = new Uint8Array(memory, SITE_OFFSET, SITE_BYTES);
  const encoder = new TextEncoder();
  Comm.instrument = (native: NativeBinding): NativeBinding => {
    const wrapped = { ...native } as Record<string, unknown>;
    COLLECTIVES.forEach((name, op) => {
      const call = native[name] as (...args: unknown[]) => unknown;
      wrapped[name] = (...args: unknown[]) => {
        slots[SLOT.siteLength] = encoder.encodeInto(scriptSite(), site).written;
        slots[SLOT.op] = op;
        Atomics.add(slots, SLOT.seq, 1);
        Atomics.store(slots, SLOT.inside, 1);
        try {
          return call(...args);
        } finally {
          Atomics.store(slots, SLOT.inside, 0);
        }
      };
    });
    return wrapped as unknown as NativeBinding;
  };
  const data: WatchdogData = { memory, rank, host, prefix: recordPrefix(token, 'wait'), deadlockMs: deadlockS * 1000, ops: COLLECTIVES };
  const worker = new Worker(new URL('./watchdog-worker.js', import.meta.url), { workerData: data });
  worker.on('error', () => undefined); // a watchdog that failed must not take the job with it
  worker.unref();
}
