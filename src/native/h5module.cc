// Entry point of the mpi_h5 module (parallel HDF5), loaded only by jobs that use files.
#include "common.h"

namespace mpinapi {
void InitInterrupt(Napi::Env env, Napi::Object exports);  // interrupt.cc
}

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  mpinapi::InitErrors(env, exports);
  mpinapi::InitHdf5(env, exports);
  mpinapi::InitInterrupt(env, exports);
  return exports;
}

NODE_API_MODULE(mpi_h5, InitModule)
