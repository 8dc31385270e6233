// Parallel HDF5 through the MPI-IO file driver.
//
// Thin on purpose: open/create/close files, list and describe datasets, create a
// dataset, and read/write one hyperslab per rank with collective transfers. Which
// hyperslab, which dtype, temporary names and renames are decided in TypeScript.
// HDF5's automatic error printing is off; a failure throws DndNativeError("EH5") whose
// message is the innermost HDF5 error and whose h5Stack holds the whole stack.
#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "common.h"
#include "hdf5-describe.h"

namespace mpinapi {

// ---- errors -------------------------------------------------------------------------

herr_t WalkError(unsigned n, const H5E_error2_t* e, void* data) {
  auto* out = static_cast<std::vector<std::string>*>(data);
  out->push_back(std::string(e->func_name ? e->func_name : "?") + ": " + (e->desc ? e->desc : ""));
  return 0;
}

// The innermost error of HDF5's current error stack (clears it). Must be called right
// after the failing call: any later HDF5 API call starts a new, empty stack.
// HDF5's POSIX drivers describe a failed system call with every detail ("file write
// failed: time = …\n, filename = '…', file descriptor = 7, errno = 14, error message =
// 'Bad address', buf = …"; "unable to lock file, errno = 11, error message = 'Resource
// temporarily unavailable'"): what failed and the system's own words are what a user needs.
std::string SystemCause(const std::string& entry) {
  const std::string key = "error message = '";
  size_t at = entry.find(key);
  if (at == std::string::npos) return entry;
  size_t from = at + key.size();
  size_t to = entry.find('\'', from);
  size_t head = entry.find(": time = ");
  if (head == std::string::npos) head = entry.find(", errno = ");  // the lock's: one line
  if (head == std::string::npos) head = entry.find('\n');
  return entry.substr(0, head) + ": " + entry.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

std::string H5Cause() {
  std::vector<std::string> stack;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, WalkError, &stack);
  H5Eclear2(H5E_DEFAULT);
  // the deepest entry with a description says most (e.g. the MPI-IO or system error)
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if (it->find(": ") + 2 < it->size()) return SystemCause(*it);
  }
  return "";
}

void ThrowH5With(const Napi::Env& env, const std::string& what, const std::string& cause) {
  ThrowNative(env, what + (cause.empty() ? "" : " (" + cause + ")"), "EH5");
}

void ThrowH5(const Napi::Env& env, const std::string& what) { ThrowH5With(env, what, H5Cause()); }

// ---- dtypes -------------------------------------------------------------------------

// h5py stores bool as an enum over int8 with FALSE = 0, TRUE = 1.
hid_t BoolType() {
  hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
  int8_t f = 0, tr = 1;
  H5Tenum_insert(t, "FALSE", &f);
  H5Tenum_insert(t, "TRUE", &tr);
  return t;
}

// h5py stores complex as a compound {r, i} of two floats of one precision, packed:
// complex64 = {r: float32, i: float32}, complex128 = {r: float64, i: float64}. Also the
// memory layout of a dnd complex block (interleaved re, im: src/dnd/dtypes.ts).
hid_t ComplexType(hid_t part) {
  size_t n = H5Tget_size(part);
  hid_t t = H5Tcreate(H5T_COMPOUND, 2 * n);
  H5Tinsert(t, "r", 0, part);
  H5Tinsert(t, "i", n, part);
  return t;
}

// The dnd complex dtype of a stored compound ("" if it is not h5py's complex): exactly two
// members named r and i (HDF5 converts compounds by member name, so their order and
// offsets do not matter), both floats of the same 4 or 8 bytes.
std::string ComplexDtype(hid_t t) {
  if (H5Tget_nmembers(t) != 2) return "";
  int ri = H5Tget_member_index(t, "r"), ii = H5Tget_member_index(t, "i");
  if (ri < 0 || ii < 0) return "";
  hid_t r = H5Tget_member_type(t, static_cast<unsigned>(ri));
  hid_t i = H5Tget_member_type(t, static_cast<unsigned>(ii));
  std::string d;
  if (H5Tget_class(r) == H5T_FLOAT && H5Tget_class(i) == H5T_FLOAT && H5Tget_size(r) == H5Tget_size(i)) {
    if (H5Tget_size(r) == 4) d = "complex64";
    if (H5Tget_size(r) == 8) d = "complex128";
  }
  H5Tclose(r);
  H5Tclose(i);
  return d;
}

// Memory type of a dnd dtype name; caller closes it. -1 when unknown.
hid_t MemType(const std::string& d) {
  hid_t base = -1;
  if (d == "float32") base = H5T_NATIVE_FLOAT;
  else if (d == "float64") base = H5T_NATIVE_DOUBLE;
  else if (d == "int8") base = H5T_NATIVE_INT8;
  else if (d == "int16") base = H5T_NATIVE_INT16;
  else if (d == "int32") base = H5T_NATIVE_INT32;
  else if (d == "int64") base = H5T_NATIVE_INT64;
  else if (d == "uint8") base = H5T_NATIVE_UINT8;
  else if (d == "uint16") base = H5T_NATIVE_UINT16;
  else if (d == "uint32") base = H5T_NATIVE_UINT32;
  else if (d == "bool") return BoolType();
  else if (d == "complex64") return ComplexType(H5T_NATIVE_FLOAT);
  else if (d == "complex128") return ComplexType(H5T_NATIVE_DOUBLE);
  if (base < 0) return -1;
  return H5Tcopy(base);
}

// The dataset's file offset when its values are stored as they are in memory (contiguous,
// in the file itself, the memory type of dtype byte for byte), else HADDR_UNDEF.
haddr_t RawOffset(hid_t ds, const std::string& dtype, hsize_t* storage) {
  haddr_t addr = HADDR_UNDEF;
  hid_t dcpl = H5Dget_create_plist(ds);
  bool contiguous = dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CONTIGUOUS && H5Pget_external_count(dcpl) == 0;
  if (dcpl >= 0) H5Pclose(dcpl);
  hid_t ftype = H5Dget_type(ds), mtype = MemType(dtype);
  bool same = ftype >= 0 && mtype >= 0 && H5Tequal(ftype, mtype) > 0;
  if (ftype >= 0) H5Tclose(ftype);
  if (mtype >= 0) H5Tclose(mtype);
  if (contiguous && same) {
    addr = H5Dget_offset(ds);  // from the file's first byte (a user block included)
    *storage = H5Dget_storage_size(ds);
  }
  H5Eclear2(H5E_DEFAULT);
  return addr;
}

const char* ClassName(H5T_class_t c) {
  switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_TIME: return "time";
    case H5T_STRING: return "string";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_COMPOUND: return "compound";
    case H5T_REFERENCE: return "reference";
    case H5T_ENUM: return "enum";
    case H5T_VLEN: return "variable-length";
    case H5T_ARRAY: return "array";
    default: return "unknown";
  }
}

// Describes a stored type: the dnd dtype it maps to ("" if none) and a readable name.
void DescribeType(hid_t t, std::string* dtype, std::string* name) {
  H5T_class_t cls = H5Tget_class(t);
  size_t size = H5Tget_size(t);
  H5T_order_t order = H5Tget_order(t);
  std::string endian = order == H5T_ORDER_BE ? "big-endian " : order == H5T_ORDER_LE ? "little-endian " : "";
  *dtype = "";
  if (cls == H5T_FLOAT) {
    if (size == 4) *dtype = "float32";
    if (size == 8) *dtype = "float64";
    *name = endian + "float" + std::to_string(size * 8);
  } else if (cls == H5T_INTEGER) {
    bool sign = H5Tget_sign(t) == H5T_SGN_2;
    std::string n = std::string(sign ? "int" : "uint") + std::to_string(size * 8);
    if (n != "uint64") *dtype = n;
    *name = endian + n;
  } else if (cls == H5T_ENUM) {
    // bool as h5py writes it: a 1-byte enum of FALSE/TRUE
    int nmembers = H5Tget_nmembers(t);
    bool is_bool = false;
    if (nmembers == 2 && size == 1) {
      char* m0 = H5Tget_member_name(t, 0);
      char* m1 = H5Tget_member_name(t, 1);
      is_bool = m0 && m1 && std::strcmp(m0, "FALSE") == 0 && std::strcmp(m1, "TRUE") == 0;
      H5free_memory(m0);
      H5free_memory(m1);
    }
    if (is_bool) *dtype = "bool";
    *name = is_bool ? "bool (enum FALSE/TRUE)" : "enum";
  } else if (cls == H5T_COMPOUND && !ComplexDtype(t).empty()) {
    *dtype = ComplexDtype(t);
    *name = *dtype + " (compound r, i)";
  } else if (cls == H5T_STRING) {
    *name = H5Tis_variable_str(t) > 0 ? "variable-length string" : "fixed-length string";
  } else {
    *name = ClassName(cls);
  }
}

Napi::Object DescribeDataset(const Napi::Env& env, hid_t ds, const std::string& path) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", path);
  hid_t space = H5Dget_space(ds);
  int ndim = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(ndim > 0 ? ndim : 0);
  if (ndim > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  Napi::Array shape = Napi::Array::New(env, dims.size());
  for (size_t i = 0; i < dims.size(); ++i) shape.Set(i, Napi::Number::New(env, static_cast<double>(dims[i])));
  o.Set("shape", shape);
  // maxshape: how far the dataset may grow; null for an axis without limit (H5S_UNLIMITED)
  std::vector<hsize_t> maxdims(dims.size());
  if (ndim > 0) H5Sget_simple_extent_dims(space, nullptr, maxdims.data());
  Napi::Array maxshape = Napi::Array::New(env, maxdims.size());
  for (size_t i = 0; i < maxdims.size(); ++i) {
    maxshape.Set(i, maxdims[i] == H5S_UNLIMITED ? env.Null() : Napi::Number::New(env, static_cast<double>(maxdims[i])));
  }
  o.Set("maxshape", maxshape);
  o.Set("scalar", Napi::Boolean::New(env, H5Sget_simple_extent_type(space) == H5S_SCALAR));
  H5Sclose(space);

  hid_t type = H5Dget_type(ds);
  std::string dtype, tname;
  DescribeType(type, &dtype, &tname);
  o.Set("dtype", dtype.empty() ? env.Null() : Napi::String::New(env, dtype));
  o.Set("storedType", tname);
  o.Set("itemsize", Napi::Number::New(env, static_cast<double>(H5Tget_size(type))));
  o.Set("typeDetail", TypeDetail(type));
  // a committed (named) datatype shared with other objects of the file
  o.Set("committedType", Napi::Boolean::New(env, H5Tcommitted(type) > 0));
  H5Tclose(type);

  hid_t dcpl = H5Dget_create_plist(ds);
  H5D_layout_t layout = H5Pget_layout(dcpl);
  o.Set("layout", layout == H5D_CHUNKED ? "chunked" : layout == H5D_COMPACT ? "compact" : layout == H5D_VIRTUAL ? "virtual" : "contiguous");
  if (layout == H5D_CHUNKED) {
    std::vector<hsize_t> cdims(ndim > 0 ? ndim : 1);
    int cn = H5Pget_chunk(dcpl, static_cast<int>(cdims.size()), cdims.data());
    Napi::Array chunks = Napi::Array::New(env, cn > 0 ? cn : 0);
    for (int i = 0; i < cn; ++i) chunks.Set(i, Napi::Number::New(env, static_cast<double>(cdims[i])));
    o.Set("chunks", chunks);
  } else {
    o.Set("chunks", env.Null());
  }
  int nfilters = H5Pget_nfilters(dcpl);
  Napi::Array filters = Napi::Array::New(env);
  Napi::Array missing = Napi::Array::New(env);
  for (int i = 0; i < nfilters; ++i) {
    unsigned flags = 0, cd[8];
    size_t ncd = 8;
    char fname[64] = {0};
    H5Z_filter_t id = H5Pget_filter2(dcpl, i, &flags, &ncd, cd, sizeof(fname), fname, nullptr);
    std::string label = fname[0] ? fname : ("filter " + std::to_string(id));
    if (id == H5Z_FILTER_DEFLATE && ncd > 0) label = "gzip level " + std::to_string(cd[0]);
    filters.Set(filters.Length(), label);
    // a filter this library cannot run (lzf, szip, a plugin not on HDF5_PLUGIN_PATH):
    // reading would fail inside the job, so the launcher refuses it up front
    if (H5Zfilter_avail(id) <= 0) missing.Set(missing.Length(), (fname[0] ? std::string(fname) : "unnamed") + " (id " + std::to_string(id) + ")");
    H5Eclear2(H5E_DEFAULT);
  }
  o.Set("filters", filters);
  o.Set("unavailableFilters", missing);
  int nexternal = H5Pget_external_count(dcpl);
  o.Set("externalFiles", Napi::Number::New(env, nexternal > 0 ? nexternal : 0));
  H5Pclose(dcpl);
  o.Set("storageSize", Napi::Number::New(env, static_cast<double>(H5Dget_storage_size(ds))));
  // h5py allocates storage late: a dataset created but never written has none at all
  H5D_space_status_t status = H5D_SPACE_STATUS_ERROR;
  H5Dget_space_status(ds, &status);
  o.Set("allocated", status == H5D_SPACE_STATUS_ALLOCATED ? "all" : status == H5D_SPACE_STATUS_PART_ALLOCATED ? "part" : "none");
  return o;
}

struct VisitState {
  Napi::Env env;
  Napi::Array out;
};

herr_t VisitObject(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  auto* st = static_cast<VisitState*>(data);
  if (info->type != H5O_TYPE_DATASET) return 0;
  hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
  if (ds < 0) return 0;
  std::string path = std::string("/") + name;
  st->out.Set(st->out.Length(), DescribeDataset(st->env, ds, path));
  H5Dclose(ds);
  return 0;
}

bool GetDims(const Napi::Env& env, const Napi::Value& v, std::vector<hsize_t>* out, const char* what) {
  if (!v.IsArray()) {
    Napi::TypeError::New(env, std::string(what) + " must be an array").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array a = v.As<Napi::Array>();
  out->resize(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) (*out)[i] = static_cast<hsize_t>(a.Get(i).As<Napi::Number>().DoubleValue());
  return true;
}

// hid_t is 64-bit with the id type in the high bits: it does not fit a double, so ids
// travel to JS as BigInt.
hid_t ToId(const Napi::Value& v) {
  bool lossless = false;
  return static_cast<hid_t>(v.As<Napi::BigInt>().Int64Value(&lossless));
}

// h5Version() -> { version, parallel }
static Napi::Value H5Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", Napi::String::New(env, std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel)));
  // the hdf5.h this module was compiled against (the library loaded may be another)
  o.Set("builtWith", Napi::String::New(env, std::to_string(H5_VERS_MAJOR) + "." + std::to_string(H5_VERS_MINOR) + "." + std::to_string(H5_VERS_RELEASE)));
#ifdef H5_HAVE_PARALLEL
  o.Set("parallel", Napi::Boolean::New(env, true));
#else
  o.Set("parallel", Napi::Boolean::New(env, false));
#endif
  return o;
}

// h5IsHdf5(path) -> true | false (not HDF5) ; throws when unreadable
static Napi::Value H5IsHdf5(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  htri_t r = H5Fis_hdf5(path.c_str());
  H5Eclear2(H5E_DEFAULT);
  return Napi::Boolean::New(env, r > 0);
}

// h5Open(path, mode 'r'|'rw'|'create', parallel) -> file id. Collective when parallel.
static Napi::Value H5Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  std::string mode = info[1].As<Napi::String>();
  bool parallel = info[2].ToBoolean();
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
#ifdef H5_HAVE_PARALLEL
  if (parallel) {
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    H5Pset_all_coll_metadata_ops(fapl, true);
    H5Pset_coll_metadata_write(fapl, true);
  }
#endif
#if (H5_VERSION_GE(1, 10, 7) && !H5_VERSION_GE(1, 12, 0)) || H5_VERSION_GE(1, 12, 1)
  // The POSIX driver locks the file (flock), and on a file system without locks (some NFS
  // and Lustre mounts) that fails the open, where MPI-IO, which locks nothing, would not:
  // lock where the system can, go on where it cannot (a one-rank job opens files this way,
  // dnd/io.ts; dnd's own lock guards its outputs, runtime/out-lock.ts). HDF5_USE_FILE_LOCKING,
  // when the user sets it, still decides.
  if (!parallel) H5Pset_file_locking(fapl, true, true);
#endif
  hid_t f;
  if (mode == "create") f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  else f = H5Fopen(path.c_str(), mode == "rw" ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
  std::string cause = f < 0 ? H5Cause() : "";  // before the next HDF5 call empties the stack
  H5Pclose(fapl);
  if (f < 0) {
    ThrowH5With(env, "cannot open " + path + " as HDF5", cause);
    return env.Undefined();
  }
  return Napi::BigInt::New(env, static_cast<int64_t>(f));
}

static Napi::Value H5Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (H5Fclose(ToId(info[0])) < 0) ThrowH5(env, "closing the file failed");
  return env.Undefined();
}

// h5List(fid) -> [dataset description]
static Napi::Value H5List(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  VisitState st{env, Napi::Array::New(env)};
  if (H5Ovisit2(ToId(info[0]), H5_INDEX_NAME, H5_ITER_NATIVE, VisitObject, &st, H5O_INFO_BASIC) < 0) {
    ThrowH5(env, "cannot list the file's objects");
    return env.Undefined();
  }
  return st.out;
}

struct LinkState {
  Napi::Env env;
  Napi::Array out;
};

herr_t VisitLink(hid_t g, const char* name, const H5L_info_t* li, void* data) {
  auto* st = static_cast<LinkState*>(data);
  Napi::Object o = Napi::Object::New(st->env);
  o.Set("path", Napi::String::New(st->env, std::string("/") + name));
  const char* link = li->type == H5L_TYPE_HARD ? "hard" : li->type == H5L_TYPE_SOFT ? "soft" : li->type == H5L_TYPE_EXTERNAL ? "external" : "user";
  o.Set("link", Napi::String::New(st->env, link));
  if (li->type == H5L_TYPE_HARD) {
    H5O_info_t oi;
    if (H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS, H5P_DEFAULT) >= 0) {
      o.Set("type", Napi::String::New(st->env, oi.type == H5O_TYPE_GROUP ? "group" : oi.type == H5O_TYPE_DATASET ? "dataset" : "named datatype"));
      o.Set("attrs", Napi::Number::New(st->env, static_cast<double>(oi.num_attrs)));
    }
  }
  st->out.Set(st->out.Length(), o);
  return 0;
}

// h5Links(fid) -> { links: [{ path, link: hard|soft|external|user, type?, attrs? }],
// rootAttrs, userblock }: every link below the root (H5Lvisit, so soft and external links
// too), what a hard link leads to and how many attributes it has. Facts only; whether a
// file holds anything besides one dataset is decided in TypeScript (runtime/output.ts).
static Napi::Value H5Links(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  LinkState st{env, Napi::Array::New(env)};
  if (H5Lvisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, VisitLink, &st) < 0) {
    ThrowH5(env, "cannot list the file's links");
    return env.Undefined();
  }
  H5O_info_t root;
  if (H5Oget_info_by_name2(f, "/", &root, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0) {
    ThrowH5(env, "cannot read the root group");
    return env.Undefined();
  }
  hsize_t userblock = 0;
  hid_t fcpl = H5Fget_create_plist(f);
  if (fcpl >= 0) {
    H5Pget_userblock(fcpl, &userblock);
    H5Pclose(fcpl);
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("links", st.out);
  o.Set("rootAttrs", Napi::Number::New(env, static_cast<double>(root.num_attrs)));
  o.Set("userblock", Napi::Number::New(env, static_cast<double>(userblock)));
  return o;
}

// h5Describe(fid, path) -> description | null when there is no dataset at path
static Napi::Value H5Describe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  std::string path = info[1].As<Napi::String>();
  htri_t exists = H5Lexists(f, path.c_str(), H5P_DEFAULT);
  // H5Lexists fails (rather than answering false) when a group on the path is missing:
  // either way there is no dataset there
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return env.Null();
  }
  H5O_info_t oi;
  if (H5Oget_info_by_name2(f, path.c_str(), &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0 || oi.type != H5O_TYPE_DATASET) {
    H5Eclear2(H5E_DEFAULT);
    return env.Null();
  }
  hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  if (ds < 0) {
    ThrowH5(env, "cannot open dataset " + path);
    return env.Undefined();
  }
  Napi::Object o = DescribeDataset(env, ds, path);
  H5Dclose(ds);
  return o;
}

// h5Kind(fid, path) -> 'group' | 'dataset' | 'named datatype' | 'broken link' | null (nothing
// there). The parent of path must exist (callers walk a path from the root).
static Napi::Value H5Kind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  std::string path = info[1].As<Napi::String>();
  htri_t exists = H5Lexists(f, path.c_str(), H5P_DEFAULT);
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return env.Null();
  }
  H5O_info_t oi;
  if (H5Oget_info_by_name2(f, path.c_str(), &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return Napi::String::New(env, "broken link");
  }
  const char* kind = oi.type == H5O_TYPE_GROUP ? "group" : oi.type == H5O_TYPE_DATASET ? "dataset" : "named datatype";
  return Napi::String::New(env, kind);
}

// h5Create(fid, path, dtype, shape[]) -> creates a contiguous dataset (and its groups)
static Napi::Value H5Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  std::string path = info[1].As<Napi::String>();
  std::string dtype = info[2].As<Napi::String>();
  std::vector<hsize_t> dims;
  if (!GetDims(env, info[3], &dims, "shape")) return env.Undefined();
  hid_t type = MemType(dtype);
  if (type < 0) {
    Napi::TypeError::New(env, "unknown dtype " + dtype).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // the file type is the memory type: native byte order, which numpy and h5py write too
  hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);  // every element is written by a rank
  // the values' place in the file fixed at creation, as parallel HDF5 always does: a serial
  // file (a world of one, dnd/io.ts) would otherwise allocate it at the first write, and
  // the writes that go around HDF5 (direct-write.cc) need the place before
  H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
  hid_t ds = H5Dcreate2(f, path.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT);
  std::string cause = ds < 0 ? H5Cause() : "";
  H5Pclose(dcpl);
  H5Pclose(lcpl);
  H5Sclose(space);
  H5Tclose(type);
  if (ds < 0) {
    ThrowH5With(env, "cannot create dataset " + path, cause);
    return env.Undefined();
  }
  H5Dclose(ds);
  return env.Undefined();
}

// h5Delete(fid, path): unlinks a dataset (for --force into an existing file)
static Napi::Value H5Delete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[1].As<Napi::String>();
  if (H5Ldelete(ToId(info[0]), path.c_str(), H5P_DEFAULT) < 0) ThrowH5(env, "cannot delete " + path);
  return env.Undefined();
}

// HDF5 1.10's MPI-IO driver passes an independent transfer's byte count to MPI as an int
// ("H5FD__mpio_write: can't convert from size to size_i" above 2 GiB; collective
// transfers build derived types and are fine). So an independent transfer above 2 GiB is
// cut into hyperslabs of at most 1 GiB, each a contiguous run of the local block: the
// longest run of trailing axes that fits whole, the axis before it in steps, the axes
// before that one index at a time.
constexpr size_t kIndependentPiece = size_t{1} << 30;

static herr_t TransferPieces(hid_t ds, hid_t mem_type, hid_t fspace, hid_t dxpl, char* data, const std::vector<hsize_t>& start,
                             const std::vector<hsize_t>& count, size_t item, bool write) {
  int nd = static_cast<int>(count.size());
  int k = nd - 1;
  hsize_t inner = item;  // bytes of one index of axis k (axes after k whole)
  while (k > 0 && inner * count[k] <= kIndependentPiece) inner *= count[k--];
  hsize_t step = kIndependentPiece / inner > 0 ? kIndependentPiece / inner : 1;
  std::vector<hsize_t> idx(nd, 0), pstart(start), pcount(count);
  for (int i = 0; i < k; ++i) pcount[i] = 1;
  for (;;) {
    for (hsize_t s = 0; s < count[k]; s += step) {
      pcount[k] = std::min(step, count[k] - s);
      size_t flat = 0;  // element offset of the piece in the local block (C order)
      for (int i = 0; i < nd; ++i) flat = flat * count[i] + (i < k ? idx[i] : i == k ? s : 0);
      for (int i = 0; i < nd; ++i) pstart[i] = start[i] + (i < k ? idx[i] : i == k ? s : 0);
      H5Sselect_hyperslab(fspace, H5S_SELECT_SET, pstart.data(), nullptr, pcount.data(), nullptr);
      hid_t ms = H5Screate_simple(nd, pcount.data(), nullptr);
      char* p = data + flat * item;
      herr_t rc = write ? H5Dwrite(ds, mem_type, ms, fspace, dxpl, p) : H5Dread(ds, mem_type, ms, fspace, dxpl, p);
      H5Sclose(ms);
      if (rc < 0) return rc;
    }
    int i = k - 1;
    while (i >= 0 && ++idx[i] == count[i]) idx[i--] = 0;
    if (i < 0) return 0;
  }
}

// Shared by read and write: one hyperslab [start, start + count) per rank.
static Napi::Value Transfer(const Napi::CallbackInfo& info, bool write) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  std::string path = info[1].As<Napi::String>();
  Bytes buf;
  if (!ToBytes(env, info[2], &buf, "array")) return env.Undefined();
  std::string dtype = info[3].As<Napi::String>();
  std::vector<hsize_t> start, count;
  if (!GetDims(env, info[4], &start, "start") || !GetDims(env, info[5], &count, "count")) return env.Undefined();
  bool collective = info[6].ToBoolean();
  hid_t mem_type = MemType(dtype);
  if (mem_type < 0) {
    Napi::TypeError::New(env, "unknown dtype " + dtype).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  hsize_t n = 1;
  for (hsize_t c : count) n *= c;
  if (n * H5Tget_size(mem_type) != buf.length) {
    H5Tclose(mem_type);
    Napi::RangeError::New(env, "array size does not match the hyperslab").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  if (ds < 0) {
    H5Tclose(mem_type);
    ThrowH5(env, "cannot open dataset " + path);
    return env.Undefined();
  }
  hid_t fspace = H5Dget_space(ds);
  hid_t mspace;
  if (start.empty()) {
    mspace = H5Screate(H5S_SCALAR);
  } else if (n == 0) {
    // a rank with an empty block still takes part in the collective call
    H5Sselect_none(fspace);
    mspace = H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr);
    H5Sselect_none(mspace);
  } else {
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    mspace = H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr);
  }
  hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
#ifdef H5_HAVE_PARALLEL
  if (collective) H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
#endif
  herr_t rc;
  if (!collective && buf.length > kIndependentPiece) {
    rc = TransferPieces(ds, mem_type, fspace, dxpl, buf.data, start, count, H5Tget_size(mem_type), write);
  } else {
    rc = write ? H5Dwrite(ds, mem_type, mspace, fspace, dxpl, buf.data) : H5Dread(ds, mem_type, mspace, fspace, dxpl, buf.data);
  }
  if (rc < 0) {
    // no cleanup: closing a dataset is collective, and the other ranks may still be
    // inside the transfer; the job is aborted by the caller
    ThrowH5(env, std::string(write ? "writing " : "reading ") + path + " failed");
    return env.Undefined();
  }
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  H5Dclose(ds);
  H5Tclose(mem_type);
  return env.Undefined();
}

// h5Fill(fid, path, array, dtype): fills array with the dataset's fill value (zeros when
// it has none). Local, no I/O: for datasets whose storage was never allocated.
static Napi::Value H5Fill(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  std::string path = info[1].As<Napi::String>();
  Bytes buf;
  if (!ToBytes(env, info[2], &buf, "array")) return env.Undefined();
  std::string dtype = info[3].As<Napi::String>();
  hid_t mem_type = MemType(dtype);
  if (mem_type < 0) {
    Napi::TypeError::New(env, "unknown dtype " + dtype).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  size_t item = H5Tget_size(mem_type);
  std::vector<unsigned char> value(item, 0);
  hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  if (ds < 0) {
    H5Tclose(mem_type);
    ThrowH5(env, "cannot open dataset " + path);
    return env.Undefined();
  }
  hid_t dcpl = H5Dget_create_plist(ds);
  H5D_fill_value_t defined = H5D_FILL_VALUE_UNDEFINED;
  H5Pfill_value_defined(dcpl, &defined);
  if (defined != H5D_FILL_VALUE_UNDEFINED && H5Pget_fill_value(dcpl, mem_type, value.data()) < 0) std::fill(value.begin(), value.end(), 0);
  H5Eclear2(H5E_DEFAULT);
  H5Pclose(dcpl);
  H5Dclose(ds);
  H5Tclose(mem_type);
  for (size_t off = 0; off + item <= buf.length; off += item) std::memcpy(reinterpret_cast<unsigned char*>(buf.data) + off, value.data(), item);
  return env.Undefined();
}

// h5Flush(fid): collective with the MPI-IO driver; HDF5 then calls MPI_File_sync, which
// asks every rank's file system client to put its writes on stable storage (fsync)
static Napi::Value H5Flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (H5Fflush(ToId(info[0]), H5F_SCOPE_GLOBAL) < 0) ThrowH5(env, "flushing the file to disk failed");
  return env.Undefined();
}

// h5RawOffset(fid, path, dtype) -> the file offset of the dataset's values when they are
// allocated and stored as memory holds them (RawOffset), else null. For writes that go
// around HDF5 (direct-write.cc); the same answer on every rank of a parallel file.
static Napi::Value H5RawOffset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[1].As<Napi::String>();
  hid_t ds = H5Dopen2(ToId(info[0]), path.c_str(), H5P_DEFAULT);
  if (ds < 0) {
    ThrowH5(env, "cannot open dataset " + path);
    return env.Undefined();
  }
  hsize_t storage = 0;
  haddr_t addr = RawOffset(ds, info[2].As<Napi::String>(), &storage);
  H5Dclose(ds);
  if (addr == HADDR_UNDEF) return env.Null();
  return Napi::Number::New(env, static_cast<double>(addr));
}

// h5Read(fid, path, array, dtype, start[], count[], collective)
static Napi::Value H5Read(const Napi::CallbackInfo& info) { return Transfer(info, false); }
// h5Write(fid, path, array, dtype, start[], count[], collective)
static Napi::Value H5Write(const Napi::CallbackInfo& info) { return Transfer(info, true); }

void InitHdf5(Napi::Env env, Napi::Object exports) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not prints
  exports.Set("h5Version", Napi::Function::New(env, H5Version));
  exports.Set("h5IsHdf5", Napi::Function::New(env, H5IsHdf5));
  exports.Set("h5Open", Napi::Function::New(env, H5Open));
  exports.Set("h5Close", Napi::Function::New(env, H5Close));
  exports.Set("h5List", Napi::Function::New(env, H5List));
  exports.Set("h5Links", Napi::Function::New(env, H5Links));
  exports.Set("h5Describe", Napi::Function::New(env, H5Describe));
  InitHdf5Tree(env, exports);
  InitHdf5Map(env, exports);
  exports.Set("h5Kind", Napi::Function::New(env, H5Kind));
  exports.Set("h5Create", Napi::Function::New(env, H5Create));
  exports.Set("h5Delete", Napi::Function::New(env, H5Delete));
  exports.Set("h5Read", Napi::Function::New(env, H5Read));
  exports.Set("h5Fill", Napi::Function::New(env, H5Fill));
  exports.Set("h5Flush", Napi::Function::New(env, H5Flush));
  exports.Set("h5Write", Napi::Function::New(env, H5Write));
  exports.Set("h5RawOffset", Napi::Function::New(env, H5RawOffset));
  InitDirectWrite(env, exports);
}

}  // namespace mpinapi
