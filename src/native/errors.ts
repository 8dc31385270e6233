/**
 * The error class the native binding throws. It is defined here, in TypeScript, and
 * handed to the binding at load time; C++ only instantiates it (with MPI's own error
 * string, the MPI error class and the rank), so JS sees one error type.
 */
export interface NativeErrorDetails {
  rank?: number;
  mpiErrorClass?: number;
  h5Stack?: string;
}

export class DndNativeError extends Error {
  readonly code: string;
  readonly rank: number;
  readonly mpiErrorClass?: number;
  readonly h5Stack?: string;
  constructor(message: string, code: string, details: NativeErrorDetails = {}) {
    super(message);
    this.name = 'DndNativeError';
    this.code = code;
    this.rank = details.rank ?? -1;
    this.mpiErrorClass = details.mpiErrorClass;
    this.h5Stack = details.h5Stack;
  }
}
