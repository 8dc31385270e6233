/**
 * Resident memory of this rank, from /proc/self/status: VmRSS now and VmHWM, the peak
 * since the last reset (writing 5 to /proc/self/clear_refs resets it, Linux >= 4.0).
 * Elsewhere the numbers are null.
 */
import { readFileSync, writeFileSync } from 'node:fs';

function field(name: string): number | null {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function rssBytes(): number | null {
  return field('VmRSS');
}

export function peakRssBytes(): number | null {
  return field('VmHWM');
}

/** Starts a new peak measurement; false when the kernel does not allow it. */
export function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
