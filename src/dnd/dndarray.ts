/**
 * DNDarray: a global N-D array cut along one split axis into one block per MPI rank
 * (Heat's model). Each rank holds its own block (`larray`, shape `lshape`) and knows
 * the communicator and, on demand, the layout of everyone else (`lshapeMap`).
 *
 * Reads never mutate: inspecting or printing an array never rebalances or moves data.
 * Getters marked *collective* must be called on every rank in the same order.
 */
import { Comm } from './comm.js';
import { itemsize, lanes, type Dtype, type TypedArray } from './dtypes.js';
import { usageError } from './errors.js';
import { countsDispls, isBalancedMap, normalizeSplit, numel, type Shape, type Split } from './layout.js';
import { allocate, release } from './memory.js';
import { toTensor, type Tensor } from './tensor.js';
import { balanceInPlace, redistributeInPlace, targetCounts, type Target } from './ops/redistribute.js';
import { balancedLayout, moveTo, resplitInPlace, type MoveStats, type Moved } from './ops/move.js';

export interface DNDarrayInit {
  comm: Comm;
  dtype: Dtype;
  gshape: Shape;
  split: Split;
  larray: TypedArray;
  lshape: Shape;
  /** known to be what chunk() gives (factories), so `balanced` needs no collective */
  balanced?: boolean | null;
  /** known layout, e.g. after a redistribution computed it; skips the Allgather */
  lshapeMap?: number[][] | null;
}

export class DNDarray {
  readonly comm: Comm;
  readonly dtype: Dtype;
  private _split: Split;
  private _gshape: number[];
  private _lshape: number[];
  private _larray: TypedArray;
  private _lshapeMap: number[][] | null;
  private _balanced: boolean | null;

  constructor(init: DNDarrayInit) {
    this.comm = init.comm;
    this.dtype = init.dtype;
    this._split = init.split;
    this._gshape = [...init.gshape];
    this._lshape = [...init.lshape];
    this._larray = init.larray;
    this._lshapeMap = init.lshapeMap ?? null;
    this._balanced = init.balanced ?? null;
    // complex blocks hold two elements (re, im) per item: see dtypes.ts
    const need = numel(init.lshape) * lanes(init.dtype);
    if (init.larray.length !== need) {
      throw new RangeError(`local array has ${init.larray.length} elements but lshape ${JSON.stringify(init.lshape)} of ${init.dtype} needs ${need}`);
    }
  }

  /**
   * Builds a DNDarray from per-rank blocks that differ only along `split` (Heat's
   * `is_split`). Collective: the global shape comes from gathering every lshape.
   */
  static fromLocal(comm: Comm, larray: TypedArray, lshape: Shape, dtype: Dtype, split: number): DNDarray {
    const map = comm.allgatherNumbers([lshape.length, ...lshape]);
    const ndim = lshape.length;
    map.forEach((row, p) => {
      if (row[0] !== ndim) throw usageError(`rank ${p} has a ${row[0]}-D block but rank ${comm.rank} has a ${ndim}-D one`);
    });
    const lmap = map.map((row) => row.slice(1));
    for (let p = 0; p < lmap.length; p++) {
      for (let d = 0; d < ndim; d++) {
        if (d !== split && lmap[p][d] !== lshape[d]) {
          throw usageError(`blocks disagree on axis ${d} (not the split axis): rank ${p} has ${lmap[p][d]}, rank ${comm.rank} has ${lshape[d]}`);
        }
      }
    }
    const gshape = [...lshape];
    gshape[split] = lmap.reduce((a, l) => a + l[split], 0);
    return new DNDarray({ comm, dtype, gshape, split, larray, lshape, lshapeMap: lmap });
  }

  /** the split axis, or null when every rank holds the whole array */
  get split(): Split {
    return this._split;
  }

  /** global shape */
  get gshape(): number[] {
    return [...this._gshape];
  }
  get shape(): number[] {
    return this.gshape;
  }
  get ndim(): number {
    return this._gshape.length;
  }
  /** shape of this rank's block */
  get lshape(): number[] {
    return [...this._lshape];
  }
  /** this rank's block (zero-copy); complex: 2 × lnumel interleaved (re, im) parts */
  get larray(): TypedArray {
    return this._larray;
  }
  /** this process's rank in the communicator (Heat: `x.comm.rank`) */
  get rank(): number {
    return this.comm.rank;
  }
  /**
   * Heat's `size`: the number of elements of the global array (not the number of ranks,
   * which is `comm.size`).
   */
  get size(): number {
    return numel(this._gshape);
  }
  get isSplit(): boolean {
    return this.split !== null;
  }
  /** split is not none and there is more than one rank */
  get isDistributed(): boolean {
    return this.split !== null && this.comm.size > 1;
  }
  get itemsize(): number {
    return itemsize(this.dtype);
  }
  /** elements of the global array (= size, = numel) */
  get gnumel(): number {
    return numel(this._gshape);
  }
  /** elements of the global array, as Heat's `numel` */
  get numel(): number {
    return this.gnumel;
  }
  /** elements of this rank's block */
  get lnumel(): number {
    return numel(this._lshape);
  }
  /** Heat's `nbytes`: bytes of the global array */
  get nbytes(): number {
    return this.gnumel * this.itemsize;
  }
  /** bytes of the global array (= nbytes) */
  get gnbytes(): number {
    return this.nbytes;
  }
  /** bytes of this rank's block */
  get lnbytes(): number {
    return this._larray.byteLength;
  }

  /**
   * *Collective* (first call): row p is the lshape of rank p. Gathered from the ranks
   * with one Allgather, not computed, so it is true after any redistribution; cached.
   */
  get lshapeMap(): number[][] {
    if (!this._lshapeMap) this._lshapeMap = this.comm.allgatherNumbers(this._lshape);
    return this._lshapeMap.map((r) => [...r]);
  }

  /** *Collective* (first call). counts[p] = rows of rank p along split; error for split none. */
  get counts(): number[] {
    return countsDispls(this.lshapeMap, this.split).counts;
  }
  /** *Collective* (first call). Exclusive prefix sum of counts. */
  get displs(): number[] {
    return countsDispls(this.lshapeMap, this.split).displs;
  }
  /**
   * *Collective* (first call). Heat's `counts_displs()`: rows per rank along the split
   * axis and their exclusive prefix sum, as one pair; an error for split none.
   *
   *     const [counts, displs] = x.countsDispls();
   */
  countsDispls(): [number[], number[]] {
    const { counts, displs } = countsDispls(this.lshapeMap, this.split);
    return [counts, displs];
  }
  /** *Collective* (first call). First row of this rank's block along split (0 when not split). */
  get offset(): number {
    return this.split === null ? 0 : this.displs[this.comm.rank];
  }

  /** *Collective* unless cached: the layout is what chunk() gives every rank. */
  get balanced(): boolean {
    return this.isBalanced(false);
  }

  /** *Collective* when `force` or not cached. */
  isBalanced(force = false): boolean {
    if (force || this._balanced === null) {
      if (force) this._lshapeMap = null;
      this._balanced = isBalancedMap(this.lshapeMap, this._gshape, this.split);
    }
    return this._balanced;
  }

  /**
   * Replaces this rank's block in place after a redistribution (the op already holds
   * the new layout); drops every cached fact about the old one. For the library's ops
   * (resplit, redistribute), not for users: the blocks must form a valid layout.
   * @internal
   */
  replaceLocal(larray: TypedArray, lshape: Shape, split: Split, lshapeMap: number[][] | null, balanced: boolean | null): void {
    this._split = split;
    this._larray = larray;
    this._lshape = [...lshape];
    this._lshapeMap = lshapeMap;
    this._balanced = balanced;
  }

  /**
   * *Collective.* A new array with the same global contents split along `axis`
   * (balanced by chunk()), or whole on every rank for `null`. One collective exchange;
   * this array is not changed. Same axis: a copy, no data moves (as in Heat).
   *
   *     const b = a.resplit(1);   // [0/2] lshape (7, 2, 3)   [1/2] lshape (7, 2, 3)
   */
  resplit(axis: Split): DNDarray {
    const to = normalizeSplit(axis, this.ndim);
    if (to === this.split) return this.copy();
    return this.fromMove(moveTo(this, balancedLayout(this.gshape, to, this.comm.size)));
  }

  /** *Collective.* resplit in place: this array's blocks are replaced. */
  resplitInPlace(axis: Split): MoveStats {
    return resplitInPlace(this, axis);
  }

  /**
   * *Collective.* A new array whose rank p holds target[p] rows of the split axis
   * (global order kept). target: one non-negative integer per rank, summing to the
   * axis' extent — or Heat's target map, one lshape per rank — else a usage error
   * before anything moves.
   */
  redistribute(target: Target): DNDarray {
    const counts = targetCounts(this, target);
    return this.fromMove(moveTo(this, { split: this.split as number, counts }));
  }

  /** *Collective.* redistribute in place (Heat's `redistribute_`). */
  redistributeInPlace(target: Target): MoveStats {
    return redistributeInPlace(this, target);
  }

  /** *Collective.* A balanced copy (redistribute to chunk()'s layout). */
  balance(): DNDarray {
    if (this.split === null || this.isBalanced()) return this.copy();
    return this.fromMove(moveTo(this, balancedLayout(this.gshape, this.split, this.comm.size)));
  }

  /** *Collective* (unless known balanced). Balance in place. */
  balanceInPlace(): MoveStats {
    return balanceInPlace(this);
  }

  /**
   * Not collective: gives this rank's block back now rather than at the next garbage
   * collection: to the next block of the same size that this rank fills whole (a move's
   * receive, a load, a draw, a copy), or to the system at the next other large allocation
   * or after a second of the event loop (memory.ts). The
   * array must not be used afterwards (its block is empty).
   */
  dispose(): void {
    const l = this._larray;
    this._larray = l.subarray(0, 0) as TypedArray;
    this._lshape = this._lshape.map(() => 0);
    release(l);
  }

  /** Not collective: this rank's block as a tfjs tensor (float32, int32, bool); see tensor.ts. */
  async toTensor(): Promise<Tensor> {
    return toTensor(this);
  }

  /** Not collective: a copy of this rank's block with the same layout. */
  copy(): DNDarray {
    const larray = allocate(this.dtype, this.lnumel, { reuse: true });
    (larray as Float64Array).set(this._larray as Float64Array);
    return new DNDarray({ comm: this.comm, dtype: this.dtype, gshape: this._gshape, split: this._split, larray, lshape: this._lshape, lshapeMap: this._lshapeMap, balanced: this._balanced });
  }

  private fromMove(m: Moved): DNDarray {
    return new DNDarray({ comm: this.comm, dtype: this.dtype, gshape: this._gshape, split: m.layout.split, larray: m.larray, lshape: m.lshape, lshapeMap: m.lshapeMap });
  }

  /**
   * Metadata only, never data, and not collective (printing on one rank must not hang
   * the others): the global shape, dtype, split and this rank's block.
   *
   *     DNDarray(gshape=(7, 4, 3), dtype=float32, split=0) [1/4] lshape=(2, 4, 3)
   */
  toString(): string {
    const split = this.split === null ? 'None' : String(this.split);
    const tuple = (s: number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
    return `DNDarray(gshape=${tuple(this._gshape)}, dtype=${this.dtype}, split=${split}) [${this.comm.rank}/${this.comm.size}] lshape=${tuple(this._lshape)}`;
  }

  /** console.log(x), util.inspect(x) and the px REPL print the summary, not the fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  get [Symbol.toStringTag](): string {
    return 'DNDarray';
  }

}
