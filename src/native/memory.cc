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
//   collapse(buffer, offset, length) - MADV_COLLAPSE: a range touched with small pages
//     moved onto huge pages (the small-page probes of a block on which huge pages won).
//   release(buffer) - detaches it; V8 then frees its backing store at once (munmap for
//     large calloc blocks) instead of at the next garbage collection.
//   movePages(dst, dstOffset, src, srcOffset, length) - the bytes of a block that an
//     in-place move keeps, handed to its new block as pages instead of copied.
//   pageOffset(buffer) - where in its page a buffer starts, for lining two up.
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

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

// The arguments (arrayBuffer, offset, length) of the functions below: false (with a JS
// exception pending) when they are wrong or the range leaves the buffer.
struct ByteRange {
  uintptr_t base = 0;  // the buffer's first byte
  size_t total = 0;    // its length
  double off = 0, len = 0;
};
static bool ArgBytes(const Napi::CallbackInfo& info, const char* name, ByteRange* out) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) {
    Napi::TypeError::New(env, std::string(name) + ": expects an ArrayBuffer").ThrowAsJavaScriptException();
    return false;
  }
  Napi::ArrayBuffer ab = info[0].As<Napi::ArrayBuffer>();
  double off = info[1].As<Napi::Number>().DoubleValue(), len = info[2].As<Napi::Number>().DoubleValue();
  size_t total = ab.ByteLength();
  if (!(off >= 0) || !(len >= 0) || off + len > static_cast<double>(total)) {
    Napi::RangeError::New(env, std::string(name) + ": range outside the buffer").ThrowAsJavaScriptException();
    return false;
  }
  *out = {reinterpret_cast<uintptr_t>(ab.Data()), total, off, len};
  return true;
}

// The whole pages of such a range, rounded as Boundary() says (an empty range: {nullptr, 0}).
struct PageRange {
  void* p = nullptr;
  size_t n = 0;
};
static bool ArgRange(const Napi::CallbackInfo& info, const char* name, PageRange* out) {
  ByteRange r;
  if (!ArgBytes(info, name, &r)) return false;
  uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t lo = (r.base + page - 1) & ~(page - 1), hi = (r.base + r.total) & ~(page - 1);
  if (hi <= lo) return true;
  uintptr_t a = Boundary(lo, hi, r.base + static_cast<uintptr_t>(r.off));
  uintptr_t b = r.off + r.len >= static_cast<double>(r.total) ? hi : Boundary(lo, hi, r.base + static_cast<uintptr_t>(r.off + r.len));
  if (b > a) *out = {reinterpret_cast<void*>(a), b - a};
  return true;
}

// prefault(arrayBuffer, offset, length, huge) -> bytes made resident by this call's range
static Napi::Value Prefault(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PageRange r;
  if (!ArgRange(info, "prefault", &r)) return env.Undefined();
  if (r.n == 0) return Napi::Number::New(env, 0);
  madvise(r.p, r.n, info[3].ToBoolean().Value() ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);  // advice only: ignored where THP is off
  if (madvise(r.p, r.n, MADV_POPULATE_WRITE) != 0) {
    // the pages are fresh zeros (calloc of a new mapping): writing a zero keeps them so
    uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    volatile char* c = reinterpret_cast<volatile char*>(r.p);
    for (size_t i = 0; i < r.n; i += page) c[i] = c[i];
  }
  return Napi::Number::New(env, static_cast<double>(r.n));
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1; older kernels: EINVAL, and nothing is done
#endif

// collapse(arrayBuffer, offset, length) -> bytes now on huge pages, 0 where the kernel
// could not. For a range pre-faulted with small pages that should have had huge ones (the
// small-page probes of a block on which huge pages won): MADV_COLLAPSE copies its contents
// into huge pages now, synchronously, instead of leaving it to khugepaged.
static Napi::Value Collapse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PageRange r;
  if (!ArgRange(info, "collapse", &r)) return env.Undefined();
  if (r.n == 0) return Napi::Number::New(env, 0);
  madvise(r.p, r.n, MADV_HUGEPAGE);  // the probe's MADV_NOHUGEPAGE would forbid the collapse
  if (madvise(r.p, r.n, MADV_COLLAPSE) != 0) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, static_cast<double>(r.n));
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
  ByteRange r;
  if (!ArgBytes(info, "mapForRead", &r)) return env.Undefined();
  uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t a = (r.base + static_cast<uintptr_t>(r.off)) & ~(page - 1);
  uintptr_t b = r.base + static_cast<uintptr_t>(r.off + r.len);
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

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4  // Linux 5.7; older kernels: EINVAL, and the bytes are copied
#endif

// movePages(dst, dstOffset, src, srcOffset, length) -> bytes that changed owner as whole
// pages; the rest were copied. Puts src[srcOffset, +length) at dst[dstOffset, +length) (two
// different buffers). The whole pages of the source range are moved (mremap with
// MREMAP_DONTUNMAP): no copy, and the destination's pages there are never touched, which
// on our machines is the expensive part of a new block (src/dnd/memory.ts). The source
// range keeps its mapping and reads as zeros afterwards (fresh pages on its next touch),
// so the source buffer stays whole, valid memory. The partial pages at either end are
// copied. Everything is copied where the two ranges do not sit at the same place in a
// page, or where the kernel refuses (before Linux 5.7; a range across mappings that
// cannot be split finer than 2 MiB, where prefault's advice changes).
static Napi::Value MovePages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer() || !info[2].IsArrayBuffer()) {
    Napi::TypeError::New(env, "movePages: expects (ArrayBuffer, offset, ArrayBuffer, offset, length)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::ArrayBuffer dstBuf = info[0].As<Napi::ArrayBuffer>(), srcBuf = info[2].As<Napi::ArrayBuffer>();
  const double dOff = info[1].As<Napi::Number>().DoubleValue(), sOff = info[3].As<Napi::Number>().DoubleValue();
  const double len = info[4].As<Napi::Number>().DoubleValue();
  if (!(dOff >= 0) || !(sOff >= 0) || !(len >= 0) || dOff + len > static_cast<double>(dstBuf.ByteLength()) ||
      sOff + len > static_cast<double>(srcBuf.ByteLength()) || dstBuf.Data() == srcBuf.Data()) {
    Napi::RangeError::New(env, "movePages: ranges outside their buffers, or one buffer twice").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  char* d = static_cast<char*>(dstBuf.Data()) + static_cast<size_t>(dOff);
  char* s = static_cast<char*>(srcBuf.Data()) + static_cast<size_t>(sOff);
  const size_t n = static_cast<size_t>(len);
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t s0 = (reinterpret_cast<uintptr_t>(s) + page - 1) & ~(page - 1);  // the first whole page
  const uintptr_t s1 = (reinterpret_cast<uintptr_t>(s) + n) & ~(page - 1);         // the end of the last
  if ((reinterpret_cast<uintptr_t>(d) - reinterpret_cast<uintptr_t>(s)) % page != 0 || s1 <= s0) {
    std::memcpy(d, s, n);
    return Napi::Number::New(env, 0);
  }
  const uintptr_t shift = reinterpret_cast<uintptr_t>(d) - reinterpret_cast<uintptr_t>(s);  // mod 2^64
  std::memcpy(d, s, s0 - reinterpret_cast<uintptr_t>(s));
  std::memcpy(reinterpret_cast<char*>(s1 + shift), reinterpret_cast<char*>(s1), reinterpret_cast<uintptr_t>(s) + n - s1);
  uintptr_t at = s0;
  size_t moved = 0;
  while (at < s1) {
    size_t piece = s1 - at;
    for (;;) {
      void* r = mremap(reinterpret_cast<void*>(at), piece, piece, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, reinterpret_cast<void*>(at + shift));
      if (r != MAP_FAILED) break;
      // EFAULT: the range spans mappings of different kinds (pre-faulting advises 2 MiB-aligned
      // slices differently): halve it, ending on a 2 MiB boundary
      uintptr_t end = (at + piece / 2) & ~(kHuge - 1);
      if (end <= at) end = (at & ~(kHuge - 1)) + kHuge;
      if (errno != EFAULT || end - at >= piece) {
        piece = 0;
        break;
      }
      piece = end - at;
    }
    if (piece == 0) break;
    at += piece;
    moved += piece;
  }
  if (at < s1) std::memcpy(reinterpret_cast<char*>(at + shift), reinterpret_cast<char*>(at), s1 - at);  // what the kernel refused
  return Napi::Number::New(env, static_cast<double>(moved));
}

// pageOffset(buffer) -> the buffer's address modulo the page size, and the page size
static Napi::Value PageOffset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) {
    Napi::TypeError::New(env, "pageOffset: expects an ArrayBuffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(info[0].As<Napi::ArrayBuffer>().Data()) % page)));
  out.Set(1u, Napi::Number::New(env, static_cast<double>(page)));
  return out;
}

void InitMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("movePages", Napi::Function::New(env, MovePages));
  exports.Set("pageOffset", Napi::Function::New(env, PageOffset));
  exports.Set("prefault", Napi::Function::New(env, Prefault));
  exports.Set("collapse", Napi::Function::New(env, Collapse));
  exports.Set("release", Napi::Function::New(env, Release));
  exports.Set("mapForRead", Napi::Function::New(env, MapForRead));
}

}  // namespace mpinapi
