/**
 * Long transfers in pieces, so that someone can be told how far along they are. A piece
 * is a run of whole rows of a rank's block (its first axis): contiguous in memory and a
 * hyperslab in the file. Collective transfers need the same number of calls on every
 * rank, so the count comes from the largest block of any rank; a rank with fewer rows
 * than pieces takes part in the rest with empty selections.
 *
 * Nobody watching (the default): one piece, one call, as fast as it goes. The runtime
 * turns pieces on (watchWork) on every rank alike, and listens on rank 0.
 */
export interface WorkWatch {
  /** the largest piece per rank, in bytes (> 0) */
  pieceBytes: number;
  /** called after each piece with the bytes done and the total of this rank's transfer */
  report?: (done: number, total: number) => void;
}

let watch: WorkWatch | null = null;

/** Turns pieces on (every rank, with the same size) or off (null). */
export function watchWork(w: WorkWatch | null): void {
  watch = w && w.pieceBytes > 0 ? w : null;
}

/** The piece size in force, 0 when transfers go in one call. */
export function pieceBytes(): number {
  return watch?.pieceBytes ?? 0;
}

/** Tells the listener (if any) how much of this rank's transfer is done. */
export function workDone(done: number, total: number): void {
  watch?.report?.(done, total);
}

/** How many pieces a transfer of at most `maxBytes` per rank takes (at least 1). */
export function pieceCount(maxBytes: number, piece: number): number {
  if (!(piece > 0) || !(maxBytes > piece)) return 1;
  return Math.ceil(maxBytes / piece);
}

/**
 * `rows` cut into `count` runs [start, end), as equal as they can be (the first ones one
 * longer); runs are empty when there are fewer rows than pieces.
 */
export function rowRuns(rows: number, count: number): [number, number][] {
  const out: [number, number][] = [];
  const q = Math.floor(rows / count);
  const r = rows % count;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const n = q + (i < r ? 1 : 0);
    out.push([at, at + n]);
    at += n;
  }
  return out;
}
