// Entry point of the mpi-napi binding: registers each part's functions.
#include "common.h"

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  mpinapi::InitErrors(env, exports);
  mpinapi::InitCollectives(env, exports);
  mpinapi::InitMemory(env, exports);
  mpinapi::InitPhilox(env, exports);
  mpinapi::InitHdf5(env, exports);
  return exports;
}

NODE_API_MODULE(mpi_napi, InitModule)
