// Entry point of the mpi_napi module (MPI, memory, random, reductions, signals, the launcher link, CRC-32): registers each part's functions.
#include "common.h"

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  mpinapi::InitErrors(env, exports);
  mpinapi::InitCollectives(env, exports);
  mpinapi::InitMemory(env, exports);
  mpinapi::InitPhilox(env, exports);
  mpinapi::InitReduce(env, exports);
  mpinapi::InitSignals(env, exports);
  mpinapi::InitLifeline(env, exports);
  mpinapi::InitCrc32(env, exports);
  return exports;
}

NODE_API_MODULE(mpi_napi, InitModule)
