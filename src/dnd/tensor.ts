/**
 * tfjs interop: a rank's block as a tensor, and a DNDarray from per-rank tensors.
 * Tensors are a view for computing, never dnd's storage (tfjs has no float64 or int64)
 * and never on the data-movement path. tfjs is loaded only when first used, best backend
 * first: @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node (both install
 * libtensorflow themselves, so they are the user's own install), then the pure-JS cpu
 * backend (@tensorflow/tfjs-core + @tensorflow/tfjs-backend-cpu).
 */
import type { Dtype, TypedArray } from './dtypes.js';
import { usageError } from './errors.js';

/** The part of tfjs dnd uses. */
interface Tf {
  tensor(values: TypedArray, shape: number[], dtype: string): Tensor;
  getBackend(): string;
  ready(): Promise<void>;
}

export interface Tensor {
  shape: number[];
  dtype: string;
  dataSync(): Float32Array | Int32Array | Uint8Array;
  dispose(): void;
}

let loaded: { tf: Tf; package: string } | null = null;

async function tryImport(name: string): Promise<unknown> {
  try {
    return await import(name);
  } catch {
    return null;
  }
}

/** Loads the best installed tfjs once; says what to install when there is none. */
export async function tfjs(): Promise<{ tf: Tf; package: string }> {
  if (loaded) return loaded;
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const m = (await tryImport(name)) as Tf | null;
    if (m) return (loaded = { tf: m, package: name });
  }
  const core = (await tryImport('@tensorflow/tfjs-core')) as (Tf & { setBackend(b: string): Promise<boolean>; env(): { set(k: string, v: boolean): void } }) | null;
  if (core && (await tryImport('@tensorflow/tfjs-backend-cpu'))) {
    // the cpu backend advertises tfjs-node on every rank's first use: said once by doctor/px instead
    core.env().set('IS_NODE', false);
    await core.setBackend('cpu');
    await core.ready();
    return (loaded = { tf: core, package: '@tensorflow/tfjs-backend-cpu' });
  }
  throw usageError('no tfjs is installed: npm i @tensorflow/tfjs-node-gpu (GPU), @tensorflow/tfjs-node, or @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu');
}

const TF_DTYPE: Partial<Record<Dtype, string>> = { float32: 'float32', int32: 'int32', bool: 'bool' };

/** Not collective: this rank's block as a tensor of shape lshape (a copy, as tfjs owns its data). */
export async function toTensor(x: { larray: TypedArray; lshape: number[]; dtype: Dtype }): Promise<Tensor> {
  const dtype = TF_DTYPE[x.dtype];
  if (!dtype) throw usageError(`tfjs has no ${x.dtype}: toTensor works for float32, int32 and bool arrays`);
  const { tf } = await tfjs();
  return tf.tensor(x.larray, x.lshape, dtype);
}

const FROM_TF: Record<string, Dtype> = { float32: 'float32', int32: 'int32', bool: 'bool' };

/** A tensor's values as a dnd-owned typed array (a copy) and its dtype. */
export function tensorBlock(t: Tensor): { larray: TypedArray; dtype: Dtype } {
  const dtype = FROM_TF[t.dtype];
  if (!dtype) throw usageError(`a ${t.dtype} tensor cannot become a DNDarray: float32, int32 and bool can`);
  const data = t.dataSync();
  const larray = (dtype === 'bool' ? new Uint8Array(data) : data.slice()) as TypedArray;
  return { larray, dtype };
}
