// Allocation of large blocks with transparent huge pages.
//
// Measured on our machines (FACTS.md): first touch of 4 KiB pages costs about 3 s per GiB,
// with madvise(MADV_HUGEPAGE) about 0.1 s, and MPI transfers over huge-page buffers run
// about 1.9x faster. JS ArrayBuffers never get huge pages, so big local blocks come from
// here: mmap, advise, then hand the memory to V8 as an external ArrayBuffer that unmaps
// itself when collected.
#include <sys/mman.h>

#include "common.h"

namespace mpinapi {

static constexpr size_t kHugeThreshold = 2u << 20;  // below one huge page: plain V8 memory

static void Unmap(Napi::Env, void* data, size_t* length) {
  munmap(data, *length);
  delete length;
}

// allocate(nbytes) -> ArrayBuffer (zero-filled, as mmap gives it)
static Napi::Value Allocate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double want = info[0].As<Napi::Number>().DoubleValue();
  if (!(want >= 0) || want > 9007199254740991.0) {
    Napi::RangeError::New(env, "allocate: byte length must be a non-negative safe integer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  size_t n = static_cast<size_t>(want);
  if (n < kHugeThreshold) return Napi::ArrayBuffer::New(env, n);
  void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    ThrowNative(env, "cannot allocate " + std::to_string(n) + " bytes", "ENOMEM");
    return env.Undefined();
  }
#ifdef MADV_HUGEPAGE
  madvise(p, n, MADV_HUGEPAGE);  // advice only: ignored where THP is off
#endif
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, p, n, Unmap, new size_t(n));
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(n));
  return ab;
}

void InitMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("allocate", Napi::Function::New(env, Allocate));
}

}  // namespace mpinapi
