// Parallel HDF5 through the MPI-IO file driver.
#include <hdf5.h>

#include "common.h"

namespace mpinapi {

// h5Version() -> "1.10.8" and whether the library was built parallel.
static Napi::Value H5Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", Napi::String::New(env, std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel)));
#ifdef H5_HAVE_PARALLEL
  o.Set("parallel", Napi::Boolean::New(env, true));
#else
  o.Set("parallel", Napi::Boolean::New(env, false));
#endif
  return o;
}

void InitHdf5(Napi::Env env, Napi::Object exports) {
  exports.Set("h5Version", Napi::Function::New(env, H5Version));
}

}  // namespace mpinapi
