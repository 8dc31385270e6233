// Page-level control of large blocks: advice, pre-faulting and prompt release.
//
// Blocks are ordinary JS ArrayBuffers (`new ArrayBuffer(n)` in src/dnd/memory.ts): V8
// zero-fills them with calloc, which for large sizes maps fresh pages without touching
// them, and a failed allocation is a RangeError, never a crash. Node 20 refuses external
// ArrayBuffers above 4 GiB (napi_create_external_arraybuffer goes through node::Buffer,
// whose limit is 2^32 bytes): the old design, mmap + external buffer, ran the finalizer
// on that refusal and node-addon-api freed its finalizer data a second time, the
// `double free or corruption` of every block above 4 GiB. So this file no longer owns
// memory; it only acts on pages of a buffer V8 owns:
//   prefault(buffer, offset, length, huge) - madvise (MADV_HUGEPAGE or MADV_NOHUGEPAGE)
//     then MADV_POPULATE_WRITE: the first touch, done here where it can be timed and
//     chosen (which advice is cheaper is measured at run time by src/dnd/memory.ts).
//   release(buffer) - detaches it; V8 then frees its backing store at once (munmap for
//     large calloc blocks) instead of at the next garbage collection.
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "common.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older kernels: EINVAL, then a write per page
#endif

namespace mpinapi {

static constexpr uintptr_t kHuge = 2u << 20;

// Boundaries are rounded down to 2 MiB addresses (clamped to the buffer's whole pages), so
// that consecutive ranges [a, b), [b, c) tile the buffer and never split a huge page
// between two different pieces of advice.
static uintptr_t Boundary(uintptr_t lo, uintptr_t hi, uintptr_t addr) {
  uintptr_t a = addr & ~(kHuge - 1);
  return a < lo ? lo : a > hi ? hi : a;
}

// prefault(arrayBuffer, offset, length, huge) -> bytes made resident by this call's range
static Napi::Value Prefault(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) {
    Napi::TypeError::New(env, "prefault: expects an ArrayBuffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::ArrayBuffer ab = info[0].As<Napi::ArrayBuffer>();
  double off = info[1].As<Napi::Number>().DoubleValue(), len = info[2].As<Napi::Number>().DoubleValue();
  bool huge = info[3].ToBoolean().Value();
  size_t total = ab.ByteLength();
  if (!(off >= 0) || !(len >= 0) || off + len > static_cast<double>(total)) {
    Napi::RangeError::New(env, "prefault: range outside the buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uintptr_t base = reinterpret_cast<uintptr_t>(ab.Data());
  uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t lo = (base + page - 1) & ~(page - 1), hi = (base + total) & ~(page - 1);
  if (hi <= lo) return Napi::Number::New(env, 0);
  uintptr_t a = Boundary(lo, hi, base + static_cast<uintptr_t>(off));
  uintptr_t b = off + len >= static_cast<double>(total) ? hi : Boundary(lo, hi, base + static_cast<uintptr_t>(off + len));
  if (b <= a) return Napi::Number::New(env, 0);
  void* p = reinterpret_cast<void*>(a);
  size_t n = b - a;
  madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);  // advice only: ignored where THP is off
  if (madvise(p, n, MADV_POPULATE_WRITE) != 0) {
    // the pages are fresh zeros (calloc of a new mapping): writing a zero keeps them so
    volatile char* c = reinterpret_cast<volatile char*>(p);
    for (size_t i = 0; i < n; i += page) c[i] = c[i];
  }
  return Napi::Number::New(env, static_cast<double>(n));
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14; older kernels: EINVAL, and nothing is done
#endif

// mapForRead(arrayBuffer, offset, length) -> bytes mapped. Maps the pages of a range that
// is about to be read by the kernel (a write to a file) in one call: pages never touched
// map the shared zero page, nothing is allocated. Without it, the kernel faults them in
// one by one inside the write (bench/RESULTS.md: 0.57 s against 0.27 s for 256 MiB).
static Napi::Value MapForRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) {
    Napi::TypeError::New(env, "mapForRead: expects an ArrayBuffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::ArrayBuffer ab = info[0].As<Napi::ArrayBuffer>();
  double off = info[1].As<Napi::Number>().DoubleValue(), len = info[2].As<Napi::Number>().DoubleValue();
  if (!(off >= 0) || !(len >= 0) || off + len > static_cast<double>(ab.ByteLength())) {
    Napi::RangeError::New(env, "mapForRead: range outside the buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t a = (reinterpret_cast<uintptr_t>(ab.Data()) + static_cast<uintptr_t>(off)) & ~(page - 1);
  uintptr_t b = reinterpret_cast<uintptr_t>(ab.Data()) + static_cast<uintptr_t>(off + len);
  if (b <= a) return Napi::Number::New(env, 0);
  if (madvise(reinterpret_cast<void*>(a), b - a, MADV_POPULATE_READ) != 0) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, static_cast<double>(b - a));
}

// release(arrayBuffer) -> true when it was detached (its memory is freed by V8 now)
static Napi::Value Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) return Napi::Boolean::New(env, false);
  Napi::ArrayBuffer ab = info[0].As<Napi::ArrayBuffer>();
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, ab, &detached) != napi_ok || detached) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, napi_detach_arraybuffer(env, ab) == napi_ok);
}

void InitMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("prefault", Napi::Function::New(env, Prefault));
  exports.Set("release", Napi::Function::New(env, Release));
  exports.Set("mapForRead", Napi::Function::New(env, MapForRead));
}

}  // namespace mpinapi
