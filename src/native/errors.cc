// Errors are defined in TypeScript (DndNativeError); C++ only instantiates them, so
// that JS sees one error class with a code, the MPI error class and the rank.
#include "common.h"

namespace mpinapi {

static Napi::FunctionReference* g_error_class = nullptr;

static int WorldRankOrMinus1() {
  int init = 0, fin = 0, rank = -1;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  if (init && !fin) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

static void ThrowWith(const Napi::Env& env, const std::string& message, const char* code, int mpi_class) {
  Napi::Object details = Napi::Object::New(env);
  details.Set("rank", Napi::Number::New(env, WorldRankOrMinus1()));
  if (mpi_class >= 0) details.Set("mpiErrorClass", Napi::Number::New(env, mpi_class));
  if (g_error_class != nullptr) {
    Napi::Value err = g_error_class->New({Napi::String::New(env, message), Napi::String::New(env, code), details});
    if (env.IsExceptionPending()) return;
    Napi::Error(env, err).ThrowAsJavaScriptException();
    return;
  }
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  e.ThrowAsJavaScriptException();
}

void ThrowNative(const Napi::Env& env, const std::string& message, const char* code) {
  ThrowWith(env, message, code, -1);
}

bool CheckMpi(const Napi::Env& env, int rc, const char* call) {
  if (rc == MPI_SUCCESS) return true;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0, cls = -1;
  MPI_Error_string(rc, text, &len);
  MPI_Error_class(rc, &cls);
  ThrowWith(env, std::string(call) + ": " + std::string(text, len), "EMPI", cls);
  return false;
}

bool ToBytes(const Napi::Env& env, const Napi::Value& v, Bytes* out, const char* what) {
  if (!v.IsTypedArray()) {
    Napi::TypeError::New(env, std::string(what) + " must be a TypedArray").ThrowAsJavaScriptException();
    return false;
  }
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  Napi::ArrayBuffer ab = ta.ArrayBuffer();
  out->data = static_cast<char*>(ab.Data()) + ta.ByteOffset();
  out->length = ta.ByteLength();
  out->type = ta.TypedArrayType();
  return true;
}

bool ToCounts(const Napi::Env& env, const Napi::Value& v, size_t n, std::vector<uint64_t>* out, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    Napi::TypeError::New(env, std::string(what) + " must be a Float64Array").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  if (a.ElementLength() != n) {
    Napi::RangeError::New(env, std::string(what) + " must have one entry per rank").ThrowAsJavaScriptException();
    return false;
  }
  out->resize(n);
  for (size_t i = 0; i < n; ++i) (*out)[i] = static_cast<uint64_t>(a[i]);
  return true;
}

static Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) {
    Napi::TypeError::New(env, "setErrorClass expects a constructor").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (g_error_class == nullptr) g_error_class = new Napi::FunctionReference();
  *g_error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

void InitErrors(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass));
}

}  // namespace mpinapi
