// Shared helpers of the mpi-napi binding. The binding is deliberately thin: it moves
// bytes and calls MPI / HDF5. Validation, layout math and error wording live in
// TypeScript (src/dnd, src/runtime); here we only check type tags.
#pragma once
#include <mpi.h>
#include <napi.h>

#include <cstdint>
#include <string>

namespace mpinapi {

// A view of a JS typed array's bytes (zero-copy).
struct Bytes {
  char* data = nullptr;
  size_t length = 0;
  napi_typedarray_type type = napi_uint8_array;
};

// Throws a TypeError and returns false unless v is a TypedArray.
bool ToBytes(const Napi::Env& env, const Napi::Value& v, Bytes* out, const char* what);

// Reads a Float64Array of non-negative integral byte counts (length n) into out.
bool ToCounts(const Napi::Env& env, const Napi::Value& v, size_t n, std::vector<uint64_t>* out, const char* what);

// Throws the JS error class registered by setErrorClass (DndNativeError) with MPI's
// own error string; returns false when rc is not MPI_SUCCESS.
bool CheckMpi(const Napi::Env& env, int rc, const char* call);

// Throws a DndNativeError with a given code (e.g. "EH5", "ENOMEM").
void ThrowNative(const Napi::Env& env, const std::string& message, const char* code);

// Registration of each part of the binding.
void InitErrors(Napi::Env env, Napi::Object exports);
void InitCollectives(Napi::Env env, Napi::Object exports);
void InitMemory(Napi::Env env, Napi::Object exports);
void InitPhilox(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitSignals(Napi::Env env, Napi::Object exports);
void InitLifeline(Napi::Env env, Napi::Object exports);
void InitCrc32(Napi::Env env, Napi::Object exports);
void InitHdf5(Napi::Env env, Napi::Object exports);

}  // namespace mpinapi
