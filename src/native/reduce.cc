// N-API glue of the one-pass reductions in reduce.h: statistics moments of a block and the
// fingerprint lanes of a block's runs. Policy (what the numbers mean, how ranks combine
// them, NaN and infinity rules) lives in src/dnd/stats.ts and src/dnd/checksum.ts.
#include "reduce.h"

#include "common.h"

namespace mpinapi {

using dndreduce::MomentSums;

template <typename T>
static void MomentsOf(const Bytes& b, double shift, MomentSums& m) {
  dndreduce::ComputeMoments(reinterpret_cast<const T*>(b.data), b.length / sizeof(T), shift, m);
}

// momentSums(array, shift) -> [nan, +inf, -inf, overflow, min, max, s0hi, s0lo, s1hi,
//   s1lo, s2hi, s2lo] (sums of x, x - shift, (x - shift)^2; see reduce.h). A plain array:
//   a typed array would be a backing store, and V8 collects its young generation before
//   allocating one while a large block is young (src/dnd/scratch.ts).
static Napi::Value MomentSumsFn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes b;
  if (!ToBytes(env, info[0], &b, "array")) return env.Undefined();
  double shift = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0.0;
  MomentSums m;
  switch (b.type) {
    case napi_float32_array: MomentsOf<float>(b, shift, m); break;
    case napi_float64_array: MomentsOf<double>(b, shift, m); break;
    case napi_int8_array: MomentsOf<int8_t>(b, shift, m); break;
    case napi_uint8_array:
    case napi_uint8_clamped_array: MomentsOf<uint8_t>(b, shift, m); break;
    case napi_int16_array: MomentsOf<int16_t>(b, shift, m); break;
    case napi_uint16_array: MomentsOf<uint16_t>(b, shift, m); break;
    case napi_int32_array: MomentsOf<int32_t>(b, shift, m); break;
    case napi_uint32_array: MomentsOf<uint32_t>(b, shift, m); break;
    case napi_bigint64_array: dndreduce::MomentsInt64(reinterpret_cast<const int64_t*>(b.data), b.length / 8, m); break;
    default:
      Napi::TypeError::New(env, "momentSums: unsupported typed array").ThrowAsJavaScriptException();
      return env.Undefined();
  }
  double v[12] = {static_cast<double>(m.nan), static_cast<double>(m.pinf), static_cast<double>(m.ninf), static_cast<double>(m.overflow), m.min, m.max,
                  m.s0hi, m.s0lo, m.s1hi, m.s1lo, m.s2hi, m.s2lo};
  Napi::Array out = Napi::Array::New(env, 12);
  for (uint32_t i = 0; i < 12; ++i) out.Set(i, Napi::Number::New(env, v[i]));
  return out;
}

template <typename T>
static void LanesOf(const Bytes& b, const double* runs, size_t nruns, uint32_t& a, uint32_t& c) {
  const T* p = reinterpret_cast<const T*>(b.data);
  for (size_t r = 0; r < nruns; ++r)
    dndreduce::ComputeFingerprint(p, static_cast<size_t>(runs[3 * r]), static_cast<uint64_t>(runs[3 * r + 1]), static_cast<size_t>(runs[3 * r + 2]), a, c);
}

// fingerprintLanes(array, runs) -> [a, b]: runs is a Float64Array of (local, global,
// length) triples in elements, already checked against the array by the caller.
static Napi::Value FingerprintLanes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes b;
  if (!ToBytes(env, info[0], &b, "array")) return env.Undefined();
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    Napi::TypeError::New(env, "fingerprintLanes: runs must be a Float64Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Float64Array runs = info[1].As<Napi::Float64Array>();
  const double* r = runs.Data();
  size_t nruns = runs.ElementLength() / 3;
  uint32_t a = 0, c = 0;
  switch (b.type) {
    case napi_float32_array:
    case napi_int32_array:
    case napi_uint32_array: LanesOf<uint32_t>(b, r, nruns, a, c); break;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array: LanesOf<uint64_t>(b, r, nruns, a, c); break;
    case napi_int16_array:
    case napi_uint16_array: LanesOf<uint16_t>(b, r, nruns, a, c); break;
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array: LanesOf<uint8_t>(b, r, nruns, a, c); break;
    default:
      Napi::TypeError::New(env, "fingerprintLanes: unsupported typed array").ThrowAsJavaScriptException();
      return env.Undefined();
  }
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, a));
  out.Set(1u, Napi::Number::New(env, c));
  return out;
}

void InitReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("momentSums", Napi::Function::New(env, MomentSumsFn));
  exports.Set("fingerprintLanes", Napi::Function::New(env, FingerprintLanes));
}

}  // namespace mpinapi
