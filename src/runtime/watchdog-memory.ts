/** The shared memory between a user-script rank's main thread and its watchdog thread (watchdog.ts). */

/** Int32 slots: inside a collective (0/1), collectives entered so far, which one, call site length. */
export const SLOT = { inside: 0, seq: 1, op: 2, siteLength: 3 } as const;
/** then the call site's UTF-8 bytes */
export const SITE_OFFSET = 16;
export const SITE_BYTES = 496;

export interface WatchdogData {
  memory: SharedArrayBuffer;
  rank: number;
  host: string;
  /** the `wait` record prefix of this job */
  prefix: string;
  deadlockMs: number;
  /** collective names, by the index stored in the op slot */
  ops: readonly string[];
}
