// A rank's bytes of a contiguous dataset written by the rank itself, around HDF5, and
// straight to the disk (O_DIRECT) where the page cache would be the slower way.
//
// A buffered write copies every byte into a fresh page-cache page. On our VMs that is
// expensive when the memory has been idle for a second: 1 GiB into a new file took
// 3.2 s buffered against 0.34 s right after a similar file was removed, and 0.7-1.2 s with
// O_DIRECT (bench/RESULTS.md, "direct writes"). A durable write has to reach the disk
// before it returns anyway, so writing it there directly also saves the write-back that
// fsync would wait for.
//
// directWrite(path, fileOffset, array, mode, slowSecondsPerGiB) -> { direct, buffered, measured }
//   Writes the array's bytes at fileOffset of the file at path (which exists).
//   mode 'buffered': all through the page cache (one pwrite: what HDF5 would do).
//   mode 'direct': the whole 4 KiB pages of the file inside the range with O_DIRECT; the
//     pieces before the first and after the last whole page through the cache. So a page
//     written directly is never also written through the cache: neighbouring ranks'
//     pieces (and HDF5's metadata) share only the partial pages, which all go through it.
//   mode 'measure': through the cache in 8 MiB steps ending on page boundaries, each
//     timed, until one is slower than slowSecondsPerGiB; from there on 'direct'.
//   measured: seconds per GiB of the slowest buffered step timed (0 if none).
//   Memory handed to O_DIRECT must be aligned as well; a block's address rarely matches
//   the file offset's alignment, so the bytes go through one reused bounce buffer (huge
//   pages: its first touch is cheap; the copy costs far less than the disk). Where the
//   file system refuses O_DIRECT (EINVAL), the rest goes through the cache. Any other
//   failure (ENOSPC, EIO) throws, naming the file and the error.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <cstring>

#include "common.h"

namespace mpinapi {

namespace {

constexpr uint64_t kPage = 4096;            // alignment that suits every block device's O_DIRECT
constexpr size_t kBounce = 8u << 20;        // 0.65-0.8 s per GiB from 1 MiB requests up (dd, here)
constexpr uint64_t kMinDirect = 1u << 20;   // below this the extra open costs more than it saves

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

struct Bounce {
  void* p = MAP_FAILED;
  ~Bounce() {
    if (p != MAP_FAILED) munmap(p, kBounce);
  }
};

// Writes all of [data, data + n) at off; false with errno set on failure.
bool WriteAll(int fd, const char* data, uint64_t n, uint64_t off) {
  while (n > 0) {
    ssize_t w = pwrite(fd, data, n, static_cast<off_t>(off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (w == 0) {
      errno = EIO;
      return false;
    }
    data += w;
    off += static_cast<uint64_t>(w);
    n -= static_cast<uint64_t>(w);
  }
  return true;
}

double Now() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

static Napi::Value DirectWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  double offd = info[1].As<Napi::Number>().DoubleValue();
  Bytes b;
  if (!ToBytes(env, info[2], &b, "directWrite")) return env.Undefined();
  std::string mode = info[3].As<Napi::String>();
  double slow = info[4].As<Napi::Number>().DoubleValue();
  if (!(offd >= 0) || offd > 9007199254740991.0 || (mode != "buffered" && mode != "direct" && mode != "measure")) {
    Napi::RangeError::New(env, "directWrite: bad file offset or mode").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uint64_t at = static_cast<uint64_t>(offd), end = at + b.length;
  auto fail = [&](const char* what) {
    ThrowNative(env, std::string(what) + " " + path + ": " + std::strerror(errno), "EIO");
    return env.Undefined();
  };
  Fd plain;
  plain.fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (plain.fd < 0) return fail("cannot open");
  // the whole pages of the file inside [at, end)
  const uint64_t a = (at + kPage - 1) / kPage * kPage, z = end / kPage * kPage;
  Fd dfd;
  Bounce bounce;
  if (mode != "buffered" && z > a && z - a >= kMinDirect) {
    dfd.fd = open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
    if (dfd.fd >= 0) {
      bounce.p = mmap(nullptr, kBounce, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (bounce.p != MAP_FAILED) madvise(bounce.p, kBounce, MADV_HUGEPAGE);
    }
  }
  bool around = dfd.fd >= 0 && bounce.p != MAP_FAILED;
  uint64_t pos = at;  // everything before pos is written
  double measured = 0;
  if (around && mode == "measure") {
    around = false;
    while (pos < z && !around) {
      uint64_t step = (pos + kBounce) / kPage * kPage;  // past a: the first step covers the head
      if (step > z) step = z;
      double t0 = Now();
      if (!WriteAll(plain.fd, b.data + (pos - at), step - pos, pos)) return fail("cannot write");
      double rate = (Now() - t0) * 1073741824.0 / static_cast<double>(step - pos);
      if (rate > measured) measured = rate;
      pos = step;
      around = rate > slow;
    }
  }
  uint64_t direct = 0;
  if (around) {
    if (pos == at) {
      if (!WriteAll(plain.fd, b.data, a - at, at)) return fail("cannot write");
      pos = a;
    }
    // pos is on a page boundary from here. The pages' blocks are allocated up front so
    // that the ranks' direct writes are overwrites inside the file, not appends that the
    // file system serialises (fallocate, not posix_fallocate: where it is not supported
    // nothing is written; a lack of space then fails the write below, which says so).
    (void)fallocate(dfd.fd, 0, static_cast<off_t>(pos), static_cast<off_t>(z - pos));
    while (pos < z) {
      size_t n = static_cast<size_t>(z - pos < kBounce ? z - pos : kBounce);
      std::memcpy(bounce.p, b.data + (pos - at), n);
      if (!WriteAll(dfd.fd, static_cast<const char*>(bounce.p), n, pos)) {
        if (errno == EINVAL && direct == 0) break;  // O_DIRECT refused: the rest through the cache
        return fail("cannot write");
      }
      pos += n;
      direct += n;
    }
  }
  if (!WriteAll(plain.fd, b.data + (pos - at), end - pos, pos)) return fail("cannot write");
  Napi::Object out = Napi::Object::New(env);
  out.Set("direct", Napi::Number::New(env, static_cast<double>(direct)));
  out.Set("buffered", Napi::Number::New(env, static_cast<double>(b.length - direct)));
  out.Set("measured", Napi::Number::New(env, measured));
  return out;
}

}  // namespace

void InitDirectWrite(Napi::Env env, Napi::Object exports) {
  exports.Set("directWrite", Napi::Function::New(env, DirectWrite));
}

}  // namespace mpinapi
