// Allocation of large blocks with transparent huge pages, and their prompt release.
//
// Measured on our machines (FACTS.md): first touch of 4 KiB pages costs about 3 s per GiB,
// with madvise(MADV_HUGEPAGE) about 0.1 s, and MPI transfers over huge-page buffers run
// about 1.9x faster. JS ArrayBuffers never get huge pages, so big local blocks come from
// here: mmap, advise, then hand the memory to V8 as an external ArrayBuffer.
//
// Such memory would go back to the kernel only when V8 collects the buffer, which may be
// long after an in-place resplit replaced it. release() gives it back at once: it detaches
// the ArrayBuffer first, so every view of it becomes empty (no use after free is
// possible from JS), then unmaps.
#include <sys/mman.h>

#include <unordered_map>

#include "common.h"

namespace mpinapi {

static constexpr size_t kHugeThreshold = 2u << 20;  // below one huge page: plain V8 memory

struct Mapping {
  size_t length;
  bool released;
};

// data pointer -> mapping; touched only on the main JS thread
static std::unordered_map<void*, Mapping*> g_mappings;

static void Finalize(Napi::Env, void* data, Mapping* m) {
  if (!m->released) {
    munmap(data, m->length);
    g_mappings.erase(data);
  }
  delete m;
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
  Mapping* m = new Mapping{n, false};
  g_mappings[p] = m;
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, p, n, Finalize, m);
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(n));
  return ab;
}

// release(arrayBuffer) -> true when it was one of ours and is now unmapped
static Napi::Value Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) return Napi::Boolean::New(env, false);
  Napi::ArrayBuffer ab = info[0].As<Napi::ArrayBuffer>();
  void* data = ab.Data();
  auto it = g_mappings.find(data);
  if (it == g_mappings.end() || ab.ByteLength() != it->second->length) return Napi::Boolean::New(env, false);
  Mapping* m = it->second;
  if (napi_detach_arraybuffer(env, ab) != napi_ok) return Napi::Boolean::New(env, false);
  munmap(data, m->length);
  m->released = true;  // the finalizer still runs later and frees `m`
  g_mappings.erase(it);
  Napi::MemoryManagement::AdjustExternalMemory(env, -static_cast<int64_t>(m->length));
  return Napi::Boolean::New(env, true);
}

void InitMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("allocate", Napi::Function::New(env, Allocate));
  exports.Set("release", Napi::Function::New(env, Release));
}

}  // namespace mpinapi
