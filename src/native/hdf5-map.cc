// A read-only view of a dataset's values straight from the file: the byte range of a
// contiguous dataset mapped into memory (mmap, MAP_PRIVATE), no copy and no fresh memory.
//
// Reading into a new block costs the block's first touch (the larger part of a load here,
// src/dnd/memory.ts) plus the copy out of the page cache; a mapping of page-cache pages
// costs neither. src/dnd/io.ts uses it for blocks that are only read (info --stats,
// --checksum) when every rank can map its range, and reads with HDF5 otherwise.
//
// h5MapContiguous(fid, path, dtype, byteStart, byteLength) -> ArrayBuffer | null
//   The file must be open with the POSIX driver (its descriptor is the one mapped, so the
//   mapping shows the file HDF5 described, whatever was renamed onto the path since). null
//   unless: contiguous layout, storage allocated in the file itself (no external files),
//   the stored type is byte for byte the memory type of `dtype` (no conversion), the range
//   lies inside the storage and the file, starts 8-byte aligned, and is below 4 GiB (Node
//   20's limit for an external ArrayBuffer). The mapping is private: writes to it would stay
//   in this process, never reach the file. It is unmapped when V8 frees the buffer (at
//   release() in memory.ts, or garbage collection).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hdf5-describe.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

namespace mpinapi {

namespace {

struct Mapping {
  void* base;
  size_t length;
};

void Unmap(napi_env /*env*/, void* /*data*/, void* hint) {
  auto* m = static_cast<Mapping*>(hint);
  munmap(m->base, m->length);
  delete m;
}

}  // namespace

static Napi::Value H5MapContiguous(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  std::string path = info[1].As<Napi::String>();
  std::string dtype = info[2].As<Napi::String>();
  double start = info[3].As<Napi::Number>().DoubleValue(), length = info[4].As<Napi::Number>().DoubleValue();
  if (!(start >= 0) || !(length > 0) || length >= 4294967296.0) return env.Null();
  hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  if (ds < 0) {
    ThrowH5(env, "cannot open dataset " + path);
    return env.Undefined();
  }
  hsize_t storage = 0;
  haddr_t addr = RawOffset(ds, dtype, &storage);
  H5Dclose(ds);
  auto first = static_cast<uint64_t>(start), bytes = static_cast<uint64_t>(length);
  if (addr == HADDR_UNDEF || first + bytes > storage || (addr + first) % 8 != 0) return env.Null();
  int* fd = nullptr;
  if (H5Fget_vfd_handle(f, H5P_DEFAULT, reinterpret_cast<void**>(&fd)) < 0 || fd == nullptr) {
    H5Eclear2(H5E_DEFAULT);
    return env.Null();  // not the POSIX driver
  }
  struct stat st;
  if (fstat(*fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < addr + first + bytes) return env.Null();
  uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t at = addr + first, base = at - at % page, delta = at - base;
  size_t maplen = static_cast<size_t>(delta + bytes);
  void* p = mmap(nullptr, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE, *fd, static_cast<off_t>(base));
  if (p == MAP_FAILED) return env.Null();
  // map the pages now, for reading: MAP_POPULATE would write-fault a private writable
  // mapping, i.e. copy every page (the fresh memory this is here to avoid). Before Linux
  // 5.14 (EINVAL) the pages are mapped as they are first read instead.
  madvise(p, maplen, MADV_POPULATE_READ);
  auto* m = new Mapping{p, maplen};
  napi_value ab;
  if (napi_create_external_arraybuffer(env, static_cast<char*>(p) + delta, static_cast<size_t>(bytes), Unmap, m, &ab) != napi_ok) {
    munmap(p, maplen);
    delete m;
    // a pending exception (an embedder without external buffers) is not the caller's failure
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
    }
    return env.Null();
  }
  return Napi::Value(env, ab);
}

void InitHdf5Map(Napi::Env env, Napi::Object exports) {
  exports.Set("h5MapContiguous", Napi::Function::New(env, H5MapContiguous));
}

}  // namespace mpinapi
