/**
 * The one formatter of sizes and rates for people (tables, progress line, error
 * messages): pretty-bytes with binary units (KiB, MiB: what memory and MPI counts are
 * measured in) and three significant digits, so a rate of 505.6 B/s reads `506 B/s` and
 * never carries sixteen digits. JSON output keeps exact integers and never goes through here.
 */
import prettyBytes from 'pretty-bytes';

/** 336 → `336 B`, 4485 → `4.38 KiB`, 4e10 → `37.3 GiB` */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return prettyBytes(n, { binary: true });
}

/** bytes moved in `seconds` as a rate (`1.2 GiB/s`); `-` when no time was measured */
export function formatRate(bytes: number, seconds: number): string {
  return seconds > 0 && Number.isFinite(bytes) ? `${formatBytes(bytes / seconds)}/s` : '-';
}
