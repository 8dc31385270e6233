// Counter-based random fill (Philox4x32-10, Salmon et al. 2011) into a typed array.
//
// This kernel *defines* dnd's random values (JS and C++ transcendental functions differ
// in the last bits, so there is one implementation). Element e of a draw (global flat
// index + the generator's running offset) uses counter block j = e >> 1 with key = seed:
// one Philox call gives four 32-bit words, words (0,1) serve even e and (2,3) odd e.
// So a value depends only on (seed, e), never on which rank computes it.
//   uniform: 53 random bits -> [0, 1) (float32: 24 bits of the first word)
//   normal : Box-Muller on the block's two 53-bit uniforms u1, u2 in double precision:
//            r = sqrt(-2 log(1 - u1)), t = 2 pi u2; even e = r cos t, odd e = r sin t.
//            float64 (changed after 0.1.0, CHANGELOG.md): log and sin/cos are dnd's
//            own (normal64.h), so the values are the same on every CPU; float32:
//            glibc's, rounded to float (a float hides the last-bit differences of
//            glibc's variants, whose float64 values depend on the CPU).
//   integer: low + floor(v64 * range / 2^64) (Lemire's multiply; bias <= range / 2^64)
// The kernel, batched and vectorised, is in philox.h.
#include "philox.h"

#include "common.h"

namespace mpinapi {

namespace {

template <typename T>
void Fill(char* data, size_t bytes, int kind, const dndphilox::Params& p, uint64_t start) {
  dndphilox::Fill(reinterpret_cast<T*>(data), bytes / sizeof(T), start, kind, p);
}

}  // namespace

// philoxFill(array, kind, seed (BigInt), start (BigInt), low, high)
static Napi::Value PhiloxFill(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes b;
  if (!ToBytes(env, info[0], &b, "array")) return env.Undefined();
  int kind = info[1].As<Napi::Number>().Int32Value();
  bool lossless = false;
  uint64_t seed = info[2].As<Napi::BigInt>().Uint64Value(&lossless);
  uint64_t start = info[3].As<Napi::BigInt>().Uint64Value(&lossless);
  double low = info[4].As<Napi::Number>().DoubleValue();
  double high = info[5].As<Napi::Number>().DoubleValue();
  dndphilox::Params p{seed, static_cast<uint64_t>(high - low), static_cast<int64_t>(low), b.type == napi_float32_array};
  switch (b.type) {
    case napi_float32_array: Fill<float>(b.data, b.length, kind, p, start); break;
    case napi_float64_array: Fill<double>(b.data, b.length, kind, p, start); break;
    case napi_int8_array: Fill<int8_t>(b.data, b.length, kind, p, start); break;
    case napi_uint8_array: Fill<uint8_t>(b.data, b.length, kind, p, start); break;
    case napi_int16_array: Fill<int16_t>(b.data, b.length, kind, p, start); break;
    case napi_uint16_array: Fill<uint16_t>(b.data, b.length, kind, p, start); break;
    case napi_int32_array: Fill<int32_t>(b.data, b.length, kind, p, start); break;
    case napi_uint32_array: Fill<uint32_t>(b.data, b.length, kind, p, start); break;
    case napi_bigint64_array: Fill<int64_t>(b.data, b.length, kind, p, start); break;
    case napi_biguint64_array: Fill<uint64_t>(b.data, b.length, kind, p, start); break;
    default:
      Napi::TypeError::New(env, "philoxFill: unsupported typed array").ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

// philoxIsa() -> the instruction set the fill kernel runs with (avx512, avx2 or base)
static Napi::Value PhiloxIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), dndisa::IsaName(dndphilox::CurrentIsa()));
}

void InitPhilox(Napi::Env env, Napi::Object exports) {
  exports.Set("philoxFill", Napi::Function::New(env, PhiloxFill));
  exports.Set("philoxIsa", Napi::Function::New(env, PhiloxIsa));
}

}  // namespace mpinapi
