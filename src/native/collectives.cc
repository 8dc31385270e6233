// MPI lifetime, rank/size and collectives on MPI_COMM_WORLD, on raw bytes.
//
// Every data collective takes typed arrays zero-copy and counts in *bytes* (Float64Array,
// so counts above 2^31 - 1 are representable). MPI-3 counts are C ints, so:
//   1. all counts and displacements fit an int  -> the plain call with MPI_BYTE;
//   2. they share a power-of-two factor u that makes them fit -> the plain call with a
//      contiguous type of u bytes;
//   3. otherwise -> MPI_Alltoallw at MPI_BOTTOM with one derived type per peer that
//      describes (absolute address, length) exactly, lengths built from 1 GiB pieces.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <vector>

#include "common.h"
#include "output-drain.h"
#include "quick-sockets.h"

namespace mpinapi {

namespace {

constexpr uint64_t kPiece = 1ull << 30;

struct OwnedType {
  MPI_Datatype type = MPI_BYTE;
  bool owned = false;
  ~OwnedType() {
    if (owned) MPI_Type_free(&type);
  }
};

// A datatype of extent `bytes` describing `bytes` contiguous bytes, used with count 1
// (or MPI_BYTE with count `bytes` when that fits an int: see ByteCount).
int MakeBytesType(uint64_t bytes, OwnedType* out) {
  MPI_Datatype piece;
  int rc = MPI_Type_contiguous(static_cast<int>(kPiece), MPI_BYTE, &piece);
  if (rc != MPI_SUCCESS) return rc;
  int blocklens[2] = {static_cast<int>(bytes / kPiece), static_cast<int>(bytes % kPiece)};
  MPI_Aint displs[2] = {0, static_cast<MPI_Aint>((bytes / kPiece) * kPiece)};
  MPI_Datatype types[2] = {piece, MPI_BYTE};
  rc = MPI_Type_create_struct(2, blocklens, displs, types, &out->type);
  MPI_Type_free(&piece);
  if (rc != MPI_SUCCESS) return rc;
  out->owned = true;
  return MPI_Type_commit(&out->type);
}

// (type, count) that together describe `bytes` contiguous bytes.
int ByteCount(uint64_t bytes, OwnedType* type, int* count) {
  if (bytes <= static_cast<uint64_t>(INT_MAX)) {
    *count = static_cast<int>(bytes);
    type->type = MPI_BYTE;
    return MPI_SUCCESS;
  }
  *count = 1;
  return MakeBytesType(bytes, type);
}

// A power-of-two unit u (<= 1 MiB) dividing every value with every value/u fitting an
// int; 0 when there is none. With `collective`, all ranks agree on one answer (each rank
// may see different values, as in gatherv), so every rank takes the same path.
uint64_t CommonUnit(const std::vector<const std::vector<uint64_t>*>& lists, bool collective = false) {
  uint64_t divides = 1u << 20, needs = 1;  // largest unit that divides; smallest that fits
  for (auto* l : lists) {
    for (uint64_t v : *l) {
      while (divides > 1 && v % divides != 0) divides >>= 1;
      while (v / needs > static_cast<uint64_t>(INT_MAX) && needs < (1ull << 40)) needs <<= 1;
    }
  }
  if (collective) {
    uint64_t d = divides, n = needs;
    MPI_Allreduce(&d, &divides, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&n, &needs, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  }
  return needs <= divides ? needs : 0;
}

MPI_Datatype UnitType(uint64_t unit, OwnedType* t) {
  if (unit > 1) {
    MPI_Type_contiguous(static_cast<int>(unit), MPI_BYTE, &t->type);
    MPI_Type_commit(&t->type);
    t->owned = true;
  }
  return t->type;
}

std::vector<int> Scaled(const std::vector<uint64_t>& v, uint64_t unit) {
  std::vector<int> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<int>(v[i] / unit);
  return out;
}

// The general path: per-peer (address, length) on both sides through Alltoallw.
int AlltoallwBottom(char* sbase, const std::vector<uint64_t>& scounts, const std::vector<uint64_t>& sdispls,
                    char* rbase, const std::vector<uint64_t>& rcounts, const std::vector<uint64_t>& rdispls) {
  int size = static_cast<int>(scounts.size());
  std::vector<MPI_Datatype> stypes(size, MPI_BYTE), rtypes(size, MPI_BYTE);
  std::vector<int> sc(size, 0), rc(size, 0), zero(size, 0);
  auto build = [](char* base, uint64_t len, uint64_t displ, MPI_Datatype* t, int* c) -> int {
    if (len == 0) return MPI_SUCCESS;
    OwnedType bytes;
    int n = 0;
    int rc = ByteCount(len, &bytes, &n);
    if (rc != MPI_SUCCESS) return rc;
    MPI_Aint addr;
    MPI_Get_address(base + displ, &addr);
    rc = MPI_Type_create_struct(1, &n, &addr, &bytes.type, t);
    if (rc != MPI_SUCCESS) return rc;
    *c = 1;
    return MPI_Type_commit(t);
  };
  int rcode = MPI_SUCCESS;
  for (int p = 0; p < size && rcode == MPI_SUCCESS; ++p) {
    rcode = build(sbase, scounts[p], sdispls[p], &stypes[p], &sc[p]);
    if (rcode == MPI_SUCCESS) rcode = build(rbase, rcounts[p], rdispls[p], &rtypes[p], &rc[p]);
  }
  if (rcode == MPI_SUCCESS) {
    rcode = MPI_Alltoallw(MPI_BOTTOM, sc.data(), zero.data(), stypes.data(), MPI_BOTTOM, rc.data(), zero.data(),
                          rtypes.data(), MPI_COMM_WORLD);
  }
  for (int p = 0; p < size; ++p) {
    if (stypes[p] != MPI_BYTE) MPI_Type_free(&stypes[p]);
    if (rtypes[p] != MPI_BYTE) MPI_Type_free(&rtypes[p]);
  }
  return rcode;
}

int WorldSize() {
  int s = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

int WorldRank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

bool CheckFits(const Napi::Env& env, const Bytes& b, const std::vector<uint64_t>& counts,
               const std::vector<uint64_t>& displs, const char* what) {
  for (size_t p = 0; p < counts.size(); ++p) {
    if (counts[p] != 0 && displs[p] + counts[p] > b.length) {
      Napi::RangeError::New(env, std::string(what) + ": counts/displs exceed the buffer").ThrowAsJavaScriptException();
      return false;
    }
  }
  return true;
}

MPI_Datatype ElementType(napi_typedarray_type t, size_t* elsize) {
  switch (t) {
    case napi_int8_array: *elsize = 1; return MPI_INT8_T;
    case napi_uint8_array: case napi_uint8_clamped_array: *elsize = 1; return MPI_UINT8_T;
    case napi_int16_array: *elsize = 2; return MPI_INT16_T;
    case napi_uint16_array: *elsize = 2; return MPI_UINT16_T;
    case napi_int32_array: *elsize = 4; return MPI_INT32_T;
    case napi_uint32_array: *elsize = 4; return MPI_UINT32_T;
    case napi_float32_array: *elsize = 4; return MPI_FLOAT;
    case napi_float64_array: *elsize = 8; return MPI_DOUBLE;
    case napi_bigint64_array: *elsize = 8; return MPI_INT64_T;
    case napi_biguint64_array: *elsize = 8; return MPI_UINT64_T;
    default: *elsize = 1; return MPI_BYTE;
  }
}

}  // namespace

// ---- lifetime -----------------------------------------------------------------------

static int quickSockets = 0;

static Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int init = 0, fin = 0, provided = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  if (fin) {
    // said here, not only by the caller's own flag: every copy of dnd's modules in this
    // process (a bundled command and dist/, see src/dnd/brand.ts) shares this one MPI
    Napi::Error::New(env, "MPI was already finalized in this process").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!init) {
    // the descriptors open before MPI_Init: the sockets after it that are not among them are MPI's
    std::vector<int> before(256);
    int had = dnd_list_fds(before.data(), static_cast<int>(before.size()));
    if (had > static_cast<int>(before.size())) {
      before.resize(static_cast<size_t>(had) + 64);
      had = dnd_list_fds(before.data(), static_cast<int>(before.size()));
    }
    // FUNNELED is enough: only the main JS thread calls MPI.
    if (!CheckMpi(env, MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread"))
      return env.Undefined();
    // MPI_Init opened the connection to the launcher's daemon: without this, MPI_Finalize
    // waits 40 ms on it (quick-sockets.cc)
    if (!dnd_keep_nagle() && had >= 0 && had <= static_cast<int>(before.size())) {
      std::sort(before.begin(), before.begin() + had);
      quickSockets = dnd_send_small_writes_at_once(before.data(), had);
    }
  } else {
    MPI_Query_thread(&provided);
  }
  // Errors come back as values (then as JS exceptions), never as an abort inside MPI.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  return Napi::Number::New(env, provided);
}

// On how many of the sockets MPI_Init opened Init set TCP_NODELAY (the trace records it).
static Napi::Value QuickSockets(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), quickSockets); }

static Napi::Value Finalize(const Napi::CallbackInfo& info) {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  if (init && !fin) CheckMpi(info.Env(), MPI_Finalize(), "MPI_Finalize");
  return info.Env().Undefined();
}

// Ends every rank. What this rank wrote last (its error record) is first left to reach the
// launcher: see output-drain.h.
static Napi::Value Abort(const Napi::CallbackInfo& info) {
  int code = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  WaitForOutputTaken(2000);
  MPI_Abort(MPI_COMM_WORLD, code);
  return info.Env().Undefined();
}

static Napi::Value Rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), WorldRank()); }
static Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), WorldSize()); }
static Napi::Value Wtime(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), MPI_Wtime()); }

static Napi::Value ProcessorName(const Napi::CallbackInfo& info) {
  char name[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  if (!CheckMpi(info.Env(), MPI_Get_processor_name(name, &len), "MPI_Get_processor_name")) return info.Env().Undefined();
  return Napi::String::New(info.Env(), name, len);
}

#define DND_STR2(x) #x
#define DND_STR(x) DND_STR2(x)
// The mpi.h this module was compiled against, in the words MPI_Get_library_version uses
// at run time, so the doctor can tell a binding running against another MPI. The MPICH
// derivatives define MPICH_VERSION too (Cray MPICH is named by it alone): ask for them first.
static std::string BuiltWith() {
#if defined(OMPI_MAJOR_VERSION)
  return "Open MPI " DND_STR(OMPI_MAJOR_VERSION) "." DND_STR(OMPI_MINOR_VERSION) "." DND_STR(OMPI_RELEASE_VERSION);
#elif defined(I_MPI_VERSION)
  return std::string("Intel MPI ") + I_MPI_VERSION;
#elif defined(MVAPICH2_VERSION)
  return std::string("MVAPICH2 ") + MVAPICH2_VERSION;
#elif defined(MPICH_VERSION)
  return std::string("MPICH ") + MPICH_VERSION;
#else
  return "unknown MPI";
#endif
}

// Works before MPI_Init: the doctor asks without starting MPI.
static Napi::Value Versions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char lib[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0, major = 0, minor = 0;
  MPI_Get_library_version(lib, &len);
  MPI_Get_version(&major, &minor);
  Napi::Object o = Napi::Object::New(env);
  std::string s(lib, len);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0' || s.back() == ' ')) s.pop_back();
  o.Set("mpiLibrary", Napi::String::New(env, s));
  o.Set("mpiStandard", Napi::String::New(env, std::to_string(major) + "." + std::to_string(minor)));
  o.Set("builtWith", Napi::String::New(env, BuiltWith()));
  return o;
}

static Napi::Value Barrier(const Napi::CallbackInfo& info) {
  CheckMpi(info.Env(), MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  return info.Env().Undefined();
}

// ---- collectives on bytes -----------------------------------------------------------

// bcast(buf, root)
static Napi::Value Bcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes b;
  if (!ToBytes(env, info[0], &b, "buffer")) return env.Undefined();
  int root = info[1].As<Napi::Number>().Int32Value();
  OwnedType t;
  int n = 0;
  if (!CheckMpi(env, ByteCount(b.length, &t, &n), "MPI_Type_create_struct")) return env.Undefined();
  CheckMpi(env, MPI_Bcast(b.data, n, t.type, root, MPI_COMM_WORLD), "MPI_Bcast");
  return env.Undefined();
}

// allgather(send, recv): recv.byteLength == size * send.byteLength
static Napi::Value Allgather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes s, r;
  if (!ToBytes(env, info[0], &s, "send") || !ToBytes(env, info[1], &r, "recv")) return env.Undefined();
  if (r.length != s.length * static_cast<size_t>(WorldSize())) {
    Napi::RangeError::New(env, "allgather: recv must hold size * send bytes").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  OwnedType t;
  int n = 0;
  if (!CheckMpi(env, ByteCount(s.length, &t, &n), "MPI_Type_create_struct")) return env.Undefined();
  CheckMpi(env, MPI_Allgather(s.data, n, t.type, r.data, n, t.type, MPI_COMM_WORLD), "MPI_Allgather");
  return env.Undefined();
}

// allgatherv(send, recv, counts, displs): counts/displs in bytes, Float64Array(size)
static Napi::Value Allgatherv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int size = WorldSize(), rank = WorldRank();
  Bytes s, r;
  std::vector<uint64_t> counts, displs;
  if (!ToBytes(env, info[0], &s, "send") || !ToBytes(env, info[1], &r, "recv") ||
      !ToCounts(env, info[2], size, &counts, "counts") || !ToCounts(env, info[3], size, &displs, "displs") ||
      !CheckFits(env, r, counts, displs, "allgatherv"))
    return env.Undefined();
  if (counts[rank] != s.length) {
    Napi::RangeError::New(env, "allgatherv: counts[rank] must equal send.byteLength").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint64_t unit = CommonUnit({&counts, &displs});
  if (unit != 0) {
    OwnedType t;
    UnitType(unit, &t);
    std::vector<int> c = Scaled(counts, unit), d = Scaled(displs, unit);
    CheckMpi(env, MPI_Allgatherv(s.data, c[rank], t.type, r.data, c.data(), d.data(), t.type, MPI_COMM_WORLD),
             "MPI_Allgatherv");
    return env.Undefined();
  }
  std::vector<uint64_t> sc(size, s.length), sd(size, 0);
  CheckMpi(env, AlltoallwBottom(s.data, sc, sd, r.data, counts, displs), "MPI_Alltoallw (allgatherv)");
  return env.Undefined();
}

// gatherv(send, recv|null, counts|null, displs|null, root): only root needs recv/counts/displs
static Napi::Value Gatherv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int size = WorldSize(), rank = WorldRank();
  int root = info[4].As<Napi::Number>().Int32Value();
  Bytes s, r;
  std::vector<uint64_t> counts(size, 0), displs(size, 0);
  if (!ToBytes(env, info[0], &s, "send")) return env.Undefined();
  if (rank == root) {
    if (!ToBytes(env, info[1], &r, "recv") || !ToCounts(env, info[2], size, &counts, "counts") ||
        !ToCounts(env, info[3], size, &displs, "displs") || !CheckFits(env, r, counts, displs, "gatherv"))
      return env.Undefined();
  }
  std::vector<uint64_t> mine = {s.length};
  uint64_t all_unit = CommonUnit({&counts, &displs, &mine}, true);
  if (all_unit != 0) {
    OwnedType t;
    UnitType(all_unit, &t);
    std::vector<int> c = Scaled(counts, all_unit), d = Scaled(displs, all_unit);
    CheckMpi(env, MPI_Gatherv(s.data, static_cast<int>(s.length / all_unit), t.type, r.data, c.data(), d.data(), t.type,
                              root, MPI_COMM_WORLD),
             "MPI_Gatherv");
    return env.Undefined();
  }
  std::vector<uint64_t> sc(size, 0), sd(size, 0), rc(size, 0), rd(size, 0);
  sc[root] = s.length;
  if (rank == root) { rc = counts; rd = displs; }
  CheckMpi(env, AlltoallwBottom(s.data, sc, sd, r.data, rc, rd), "MPI_Alltoallw (gatherv)");
  return env.Undefined();
}

// alltoallv(send, scounts, sdispls, recv, rcounts, rdispls): bytes, Float64Array(size) each
static Napi::Value Alltoallv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int size = WorldSize();
  Bytes s, r;
  std::vector<uint64_t> sc, sd, rc, rd;
  if (!ToBytes(env, info[0], &s, "send") || !ToCounts(env, info[1], size, &sc, "scounts") ||
      !ToCounts(env, info[2], size, &sd, "sdispls") || !ToBytes(env, info[3], &r, "recv") ||
      !ToCounts(env, info[4], size, &rc, "rcounts") || !ToCounts(env, info[5], size, &rd, "rdispls") ||
      !CheckFits(env, s, sc, sd, "alltoallv send") || !CheckFits(env, r, rc, rd, "alltoallv recv"))
    return env.Undefined();
  uint64_t all_unit = CommonUnit({&sc, &sd, &rc, &rd}, true);
  if (all_unit != 0) {
    OwnedType t;
    UnitType(all_unit, &t);
    std::vector<int> a = Scaled(sc, all_unit), b = Scaled(sd, all_unit), c = Scaled(rc, all_unit), d = Scaled(rd, all_unit);
    CheckMpi(env, MPI_Alltoallv(s.data, a.data(), b.data(), t.type, r.data, c.data(), d.data(), t.type, MPI_COMM_WORLD),
             "MPI_Alltoallv");
    return env.Undefined();
  }
  CheckMpi(env, AlltoallwBottom(s.data, sc, sd, r.data, rc, rd), "MPI_Alltoallw (alltoallv)");
  return env.Undefined();
}

// allreduce(send, recv, op): element-wise on the typed array's own type; op 0 sum, 1 min,
// 2 max. send may be the same array as recv (in place).
static Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes s, r;
  if (!ToBytes(env, info[0], &s, "send") || !ToBytes(env, info[1], &r, "recv")) return env.Undefined();
  if (s.type != r.type || s.length != r.length) {
    Napi::TypeError::New(env, "allreduce: send and recv must have the same type and length").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int opcode = info[2].As<Napi::Number>().Int32Value();
  MPI_Op op = opcode == 1 ? MPI_MIN : opcode == 2 ? MPI_MAX : MPI_SUM;
  size_t elsize = 1;
  MPI_Datatype t = ElementType(s.type, &elsize);
  size_t n = s.length / elsize;
  bool in_place = s.data == r.data;
  // chunk so each call's count fits an int
  for (size_t done = 0; done < n || (n == 0 && done == 0);) {
    size_t now = std::min(n - done, static_cast<size_t>(INT_MAX));
    const void* src = in_place ? MPI_IN_PLACE : static_cast<const void*>(s.data + done * elsize);
    if (!CheckMpi(env, MPI_Allreduce(src, r.data + done * elsize, static_cast<int>(now), t, op, MPI_COMM_WORLD),
                  "MPI_Allreduce"))
      return env.Undefined();
    done += now;
    if (n == 0) break;
  }
  return env.Undefined();
}

// alltoallwBoxes(send, sendShape[], recv, recvShape[], itemsize, sendBoxes, recvBoxes)
// One MPI_Alltoallw where what goes to (comes from) peer p is an N-D box of the local
// block, described by a subarray datatype: no packing buffer, MPI moves the strided data
// itself. Boxes are Float64Array(size * ndim * 2): per peer, ndim starts then ndim extents.
static Napi::Value AlltoallwBoxes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int size = WorldSize();
  Bytes s, r;
  if (!ToBytes(env, info[0], &s, "send") || !ToBytes(env, info[2], &r, "recv")) return env.Undefined();
  Napi::Array sshape = info[1].As<Napi::Array>(), rshape = info[3].As<Napi::Array>();
  int itemsize = info[4].As<Napi::Number>().Int32Value();
  int ndim = static_cast<int>(sshape.Length());
  if (static_cast<int>(rshape.Length()) != ndim || ndim < 1) {
    Napi::RangeError::New(env, "alltoallwBoxes: shapes must have the same number of axes").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<uint64_t> sb, rb;
  if (!ToCounts(env, info[5], static_cast<size_t>(size) * ndim * 2, &sb, "sendBoxes") ||
      !ToCounts(env, info[6], static_cast<size_t>(size) * ndim * 2, &rb, "recvBoxes"))
    return env.Undefined();
  std::vector<int> ss(ndim), rs(ndim);
  for (int i = 0; i < ndim; ++i) {
    ss[i] = sshape.Get(i).As<Napi::Number>().Int32Value();
    rs[i] = rshape.Get(i).As<Napi::Number>().Int32Value();
  }
  // A predefined type of the item's size: same bytes moved, but OpenMPI's datatype engine
  // handles predefined element types faster than a derived contiguous(itemsize, BYTE).
  MPI_Datatype elem = itemsize == 1 ? MPI_UINT8_T : itemsize == 2 ? MPI_UINT16_T : itemsize == 4 ? MPI_UINT32_T : itemsize == 8 ? MPI_UINT64_T : MPI_DATATYPE_NULL;
  bool own_elem = false;
  if (elem == MPI_DATATYPE_NULL) {
    MPI_Type_contiguous(itemsize, MPI_BYTE, &elem);
    MPI_Type_commit(&elem);
    own_elem = true;
  }
  std::vector<MPI_Datatype> st(size, MPI_BYTE), rt(size, MPI_BYTE);
  std::vector<int> sc(size, 0), rc(size, 0), zero(size, 0);
  auto build = [&](const std::vector<int>& shape, const std::vector<uint64_t>& boxes, int p, MPI_Datatype* t, int* c) {
    std::vector<int> start(ndim), extent(ndim);
    bool empty = false;
    for (int i = 0; i < ndim; ++i) {
      start[i] = static_cast<int>(boxes[(static_cast<size_t>(p) * 2) * ndim + i]);
      extent[i] = static_cast<int>(boxes[(static_cast<size_t>(p) * 2 + 1) * ndim + i]);
      if (extent[i] == 0) empty = true;
    }
    if (empty) return MPI_SUCCESS;
    int rc2 = MPI_Type_create_subarray(ndim, shape.data(), extent.data(), start.data(), MPI_ORDER_C, elem, t);
    if (rc2 != MPI_SUCCESS) return rc2;
    *c = 1;
    return MPI_Type_commit(t);
  };
  int code = MPI_SUCCESS;
  for (int p = 0; p < size && code == MPI_SUCCESS; ++p) {
    code = build(ss, sb, p, &st[p], &sc[p]);
    if (code == MPI_SUCCESS) code = build(rs, rb, p, &rt[p], &rc[p]);
  }
  if (code == MPI_SUCCESS) {
    code = MPI_Alltoallw(s.data, sc.data(), zero.data(), st.data(), r.data, rc.data(), zero.data(), rt.data(), MPI_COMM_WORLD);
  }
  for (int p = 0; p < size; ++p) {
    if (st[p] != MPI_BYTE) MPI_Type_free(&st[p]);
    if (rt[p] != MPI_BYTE) MPI_Type_free(&rt[p]);
  }
  if (own_elem) MPI_Type_free(&elem);
  CheckMpi(env, code, "MPI_Alltoallw");
  return env.Undefined();
}

void InitCollectives(Napi::Env env, Napi::Object exports) {
  exports.Set("alltoallwBoxes", Napi::Function::New(env, AlltoallwBoxes));
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("finalize", Napi::Function::New(env, Finalize));
  exports.Set("quickSockets", Napi::Function::New(env, QuickSockets));
  exports.Set("abort", Napi::Function::New(env, Abort));
  exports.Set("rank", Napi::Function::New(env, Rank));
  exports.Set("size", Napi::Function::New(env, Size));
  exports.Set("wtime", Napi::Function::New(env, Wtime));
  exports.Set("processorName", Napi::Function::New(env, ProcessorName));
  exports.Set("versions", Napi::Function::New(env, Versions));
  exports.Set("barrier", Napi::Function::New(env, Barrier));
  exports.Set("bcast", Napi::Function::New(env, Bcast));
  exports.Set("allgather", Napi::Function::New(env, Allgather));
  exports.Set("allgatherv", Napi::Function::New(env, Allgatherv));
  exports.Set("gatherv", Napi::Function::New(env, Gatherv));
  exports.Set("alltoallv", Napi::Function::New(env, Alltoallv));
  exports.Set("allreduce", Napi::Function::New(env, Allreduce));
}

}  // namespace mpinapi
