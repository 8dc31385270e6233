/**
 * Which tfjs backend a user has installed, best first. tfjs is an interop view of local
 * blocks, never the storage and never on the data-movement path; it is loaded only when
 * used. tfjs-node(-gpu) download libtensorflow at install time, so they are the user's
 * own install; the pure-JS cpu backend is what our tests run.
 */
import { createRequire } from 'node:module';

export const TENSOR_BACKENDS = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-cpu'] as const;
export type TensorBackend = (typeof TENSOR_BACKENDS)[number];

function resolvable(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The backend dnd would use, without loading it; null when none is installed. */
export function availableTensorBackend(): { backend: TensorBackend | null; installed: TensorBackend[] } {
  const installed = TENSOR_BACKENDS.filter((b) => resolvable(b) && (b !== '@tensorflow/tfjs-backend-cpu' || resolvable('@tensorflow/tfjs-core')));
  return { backend: installed[0] ?? null, installed };
}
