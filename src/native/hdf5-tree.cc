// The objects of an HDF5 file as `dnd info FILE` lists them (h5ls -r, h5dump -H): every
// link under the root group, what it points to, and the attributes of each object.
//
// Metadata only: no dataset value is ever read. Names and string values leave as bytes
// (HDF5 names are byte strings and need not be UTF-8): how to show them is decided in
// TypeScript (src/runtime/file-tree.ts), like what to shorten and when to warn.
#include <hdf5.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "common.h"
#include "hdf5-describe.h"

namespace mpinapi {

namespace {

// Above this many bytes an attribute's value is not read (its type and shape still are):
// HDF5 keeps attributes in the object header or dense storage, both read whole into memory.
constexpr size_t kMaxAttributeBytes = size_t{1} << 20;

Napi::Buffer<char> Bytes(const Napi::Env& env, const char* s, size_t n) { return Napi::Buffer<char>::Copy(env, s, n); }

Napi::Value Shape(const Napi::Env& env, hid_t space, hssize_t* npoints) {
  H5S_class_t cls = H5Sget_simple_extent_type(space);
  *npoints = cls == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space);
  if (cls == H5S_NULL) return env.Null();  // h5py's Empty: a type and no value at all
  int ndim = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(ndim > 0 ? ndim : 0);
  if (ndim > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  Napi::Array a = Napi::Array::New(env, dims.size());
  for (size_t i = 0; i < dims.size(); ++i) a.Set(i, Napi::Number::New(env, static_cast<double>(dims[i])));
  return a;
}

// Reads an attribute's value into a flat JS array; sets *kind to how to read the array
// ("float", "int", "uint", "enum", "string", "complex") or leaves it empty (not read).
Napi::Value ReadValue(const Napi::Env& env, hid_t attr, hid_t ftype, hid_t space, size_t n, std::string* kind) {
  H5T_class_t cls = H5Tget_class(ftype);
  Napi::Array out = Napi::Array::New(env);
  if (cls == H5T_FLOAT) {
    if (n * sizeof(double) > kMaxAttributeBytes) return env.Null();
    std::vector<double> v(n);
    if (n && H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()) < 0) return env.Null();
    for (size_t i = 0; i < n; ++i) out.Set(i, Napi::Number::New(env, v[i]));
    *kind = "float";
  } else if (cls == H5T_INTEGER) {
    if (n * 8 > kMaxAttributeBytes) return env.Null();
    bool sign = H5Tget_sign(ftype) == H5T_SGN_2;
    if (sign) {
      std::vector<long long> v(n);
      if (n && H5Aread(attr, H5T_NATIVE_LLONG, v.data()) < 0) return env.Null();
      for (size_t i = 0; i < n; ++i) out.Set(i, Napi::BigInt::New(env, static_cast<int64_t>(v[i])));
    } else {
      std::vector<unsigned long long> v(n);
      if (n && H5Aread(attr, H5T_NATIVE_ULLONG, v.data()) < 0) return env.Null();
      for (size_t i = 0; i < n; ++i) out.Set(i, Napi::BigInt::New(env, static_cast<uint64_t>(v[i])));
    }
    *kind = sign ? "int" : "uint";
  } else if (cls == H5T_ENUM) {
    // the member names (h5py's bool is the enum FALSE/TRUE); null for a value outside it
    hid_t mem = H5Tget_native_type(ftype, H5T_DIR_DEFAULT);
    size_t size = H5Tget_size(mem);
    if (n * size > kMaxAttributeBytes) {
      H5Tclose(mem);
      return env.Null();
    }
    std::vector<unsigned char> raw(n * size);
    herr_t rc = n ? H5Aread(attr, mem, raw.data()) : 0;
    for (size_t i = 0; rc >= 0 && i < n; ++i) {
      char name[256] = {0};
      if (H5Tenum_nameof(mem, raw.data() + i * size, name, sizeof(name)) < 0) {
        H5Eclear2(H5E_DEFAULT);
        out.Set(i, env.Null());
      } else {
        out.Set(i, Napi::String::New(env, name));
      }
    }
    H5Tclose(mem);
    if (rc < 0) return env.Null();
    *kind = "enum";
  } else if (cls == H5T_STRING) {
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_cset(mem, H5Tget_cset(ftype));
    if (H5Tis_variable_str(ftype) > 0) {
      H5Tset_size(mem, H5T_VARIABLE);
      std::vector<char*> v(n, nullptr);
      herr_t rc = n ? H5Aread(attr, mem, v.data()) : 0;
      for (size_t i = 0; rc >= 0 && i < n; ++i) {
        if (v[i]) out.Set(i, Bytes(env, v[i], std::strlen(v[i])));
        else out.Set(i, env.Null());
      }
      if (rc >= 0 && n) H5Dvlen_reclaim(mem, space, H5P_DEFAULT, v.data());
      H5Tclose(mem);
      if (rc < 0) return env.Null();
    } else {
      size_t size = H5Tget_size(ftype);
      if (n * size > kMaxAttributeBytes) {
        H5Tclose(mem);
        return env.Null();
      }
      H5Tset_size(mem, size);
      H5Tset_strpad(mem, H5Tget_strpad(ftype));
      std::vector<char> raw(n * size);
      herr_t rc = n ? H5Aread(attr, mem, raw.data()) : 0;
      bool spaces = H5Tget_strpad(ftype) == H5T_STR_SPACEPAD;
      for (size_t i = 0; rc >= 0 && i < n; ++i) {
        const char* s = raw.data() + i * size;
        size_t len = 0;
        while (len < size && s[len] != '\0') ++len;  // NULLTERM and NULLPAD end at the first NUL
        while (spaces && len > 0 && s[len - 1] == ' ') --len;
        out.Set(i, Bytes(env, s, len));
      }
      H5Tclose(mem);
      if (rc < 0) return env.Null();
    }
    *kind = "string";
  } else if (cls == H5T_COMPOUND && !ComplexDtype(ftype).empty()) {
    if (n * 16 > kMaxAttributeBytes) return env.Null();
    hid_t mem = ComplexType(H5T_NATIVE_DOUBLE);
    std::vector<double> v(2 * n);
    herr_t rc = n ? H5Aread(attr, mem, v.data()) : 0;
    H5Tclose(mem);
    if (rc < 0) return env.Null();
    for (size_t i = 0; i < 2 * n; ++i) out.Set(i, Napi::Number::New(env, v[i]));
    *kind = "complex";  // re, im, re, im, ...
  } else {
    return env.Null();  // other compounds, arrays, references, opaque: type and shape only
  }
  return out;
}

herr_t VisitAttribute(hid_t obj, const char* name, const H5A_info_t* ainfo, void* data) {
  auto* st = static_cast<std::pair<Napi::Env, Napi::Array>*>(data);
  const Napi::Env& env = st->first;
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", Bytes(env, name, std::strlen(name)));
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  if (attr < 0) {
    H5Eclear2(H5E_DEFAULT);
    o.Set("storedType", "unreadable");
    o.Set("dtype", env.Null());
    o.Set("shape", env.Null());
    o.Set("kind", env.Null());
    o.Set("value", env.Null());
    st->second.Set(st->second.Length(), o);
    return 0;
  }
  hid_t type = H5Aget_type(attr);
  hid_t space = H5Aget_space(attr);
  std::string dtype, tname;
  DescribeType(type, &dtype, &tname);
  o.Set("storedType", TypeDetail(type));
  o.Set("dtype", dtype.empty() ? env.Null() : Napi::String::New(env, dtype));
  hssize_t n = 0;
  o.Set("shape", Shape(env, space, &n));
  std::string kind;
  Napi::Value value = ReadValue(env, attr, type, space, n > 0 ? static_cast<size_t>(n) : 0, &kind);
  H5Eclear2(H5E_DEFAULT);
  o.Set("kind", kind.empty() ? env.Null() : Napi::String::New(env, kind));
  o.Set("value", value);
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(attr);
  st->second.Set(st->second.Length(), o);
  return 0;
}

struct TreeState {
  Napi::Env env;
  Napi::Array out;
  std::set<haddr_t> seen;  // objects already described (a second hard link only names it)
};

Napi::Object Entry(TreeState* st, const std::string& path, const char* link) {
  Napi::Object o = Napi::Object::New(st->env);
  o.Set("path", Bytes(st->env, path.data(), path.size()));
  o.Set("link", link);
  return o;
}

// Describes the object a hard link (or the root) points to, the first time it is met.
void DescribeObject(TreeState* st, Napi::Object o, hid_t loc, const char* name, haddr_t addr) {
  const Napi::Env& env = st->env;
  H5O_info_t oi;
  if (H5Oget_info_by_name2(loc, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    o.Set("kind", env.Null());
    return;
  }
  const char* kind = oi.type == H5O_TYPE_GROUP ? "group" : oi.type == H5O_TYPE_DATASET ? "dataset" : oi.type == H5O_TYPE_NAMED_DATATYPE ? "datatype" : "unknown";
  o.Set("kind", kind);
  o.Set("address", Napi::Number::New(env, static_cast<double>(addr)));
  if (st->seen.count(addr)) {
    o.Set("seen", true);
    return;
  }
  st->seen.insert(addr);
  hid_t obj = H5Oopen(loc, name, H5P_DEFAULT);
  if (obj < 0) {
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  if (oi.type == H5O_TYPE_DATASET) o.Set("dataset", DescribeDataset(env, obj, ""));
  if (oi.type == H5O_TYPE_NAMED_DATATYPE) o.Set("storedType", TypeDetail(obj));
  o.Set("attributes", DescribeAttributes(env, obj));
  H5Oclose(obj);
}

herr_t VisitLink(hid_t group, const char* name, const H5L_info_t* info, void* data) {
  auto* st = static_cast<TreeState*>(data);
  const Napi::Env& env = st->env;
  std::string path = std::string("/") + name;
  if (info->type == H5L_TYPE_HARD) {
    Napi::Object o = Entry(st, path, "hard");
    DescribeObject(st, o, group, name, info->u.address);
    st->out.Set(st->out.Length(), o);
    return 0;
  }
  Napi::Object o = Entry(st, path, info->type == H5L_TYPE_SOFT ? "soft" : info->type == H5L_TYPE_EXTERNAL ? "external" : "user-defined");
  std::vector<char> val(info->u.val_size + 1, '\0');
  if (info->u.val_size > 0 && H5Lget_val(group, name, val.data(), info->u.val_size, H5P_DEFAULT) < 0) H5Eclear2(H5E_DEFAULT);
  if (info->type == H5L_TYPE_SOFT) {
    o.Set("target", Bytes(env, val.data(), std::strlen(val.data())));
    // what the link leads to now (resolved by HDF5); null: dangling
    H5O_info_t oi;
    if (H5Oget_info_by_name2(group, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
      H5Eclear2(H5E_DEFAULT);
      o.Set("kind", env.Null());
    } else {
      o.Set("kind", oi.type == H5O_TYPE_GROUP ? "group" : oi.type == H5O_TYPE_DATASET ? "dataset" : "datatype");
      o.Set("address", Napi::Number::New(env, static_cast<double>(oi.addr)));
    }
  } else if (info->type == H5L_TYPE_EXTERNAL) {
    // not followed: the other file may be absent, and opening it is not listing this one
    const char* file = nullptr;
    const char* obj = nullptr;
    unsigned flags = 0;
    if (H5Lunpack_elink_val(val.data(), info->u.val_size, &flags, &file, &obj) >= 0 && file && obj) {
      o.Set("targetFile", Bytes(env, file, std::strlen(file)));
      o.Set("target", Bytes(env, obj, std::strlen(obj)));
    }
    H5Eclear2(H5E_DEFAULT);
    o.Set("kind", env.Null());
  } else {
    o.Set("kind", env.Null());
  }
  st->out.Set(st->out.Length(), o);
  return 0;
}

}  // namespace

std::string TypeDetail(hid_t t) {
  std::string dtype, name;
  DescribeType(t, &dtype, &name);
  H5T_class_t cls = H5Tget_class(t);
  if (cls == H5T_COMPOUND && ComplexDtype(t).empty()) {
    int n = H5Tget_nmembers(t);
    std::string s = "compound {";
    for (int i = 0; i < n; ++i) {
      char* m = H5Tget_member_name(t, static_cast<unsigned>(i));
      hid_t mt = H5Tget_member_type(t, static_cast<unsigned>(i));
      s += (i ? ", " : "") + std::string(m ? m : "?") + ": " + TypeDetail(mt);
      H5Tclose(mt);
      H5free_memory(m);
    }
    return s + "}";
  }
  if (cls == H5T_ARRAY) {
    int nd = H5Tget_array_ndims(t);
    std::vector<hsize_t> dims(nd > 0 ? nd : 0);
    if (nd > 0) H5Tget_array_dims2(t, dims.data());
    hid_t base = H5Tget_super(t);
    std::string s = "array (";
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    s += dims.size() == 1 ? ",) of " : ") of ";
    s += TypeDetail(base);
    H5Tclose(base);
    return s;
  }
  if (cls == H5T_VLEN) {
    hid_t base = H5Tget_super(t);
    std::string s = "variable-length sequence of " + TypeDetail(base);
    H5Tclose(base);
    return s;
  }
  if (cls == H5T_STRING && H5Tis_variable_str(t) <= 0) return name + " (" + std::to_string(H5Tget_size(t)) + " bytes)";
  return name;
}

Napi::Array DescribeAttributes(const Napi::Env& env, hid_t obj) {
  std::pair<Napi::Env, Napi::Array> st{env, Napi::Array::New(env)};
  hsize_t idx = 0;
  if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, VisitAttribute, &st) < 0) H5Eclear2(H5E_DEFAULT);
  return st.second;
}

// h5Tree(fid) -> [entry]: the root group first, then every link under it (depth first, in
// name order), each { path (bytes), link, kind, address?, seen?, target?, targetFile?,
// dataset?, storedType?, attributes? }
static Napi::Value H5Tree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hid_t f = ToId(info[0]);
  TreeState st{env, Napi::Array::New(env), {}};
  H5O_info_t root;
  if (H5Oget_info_by_name2(f, "/", &root, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    ThrowH5(env, "cannot open the root group");
    return env.Undefined();
  }
  Napi::Object o = Entry(&st, "/", "root");
  DescribeObject(&st, o, f, "/", root.addr);
  st.out.Set(0u, o);
  if (H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, VisitLink, &st) < 0) {
    ThrowH5(env, "cannot list the file's objects");
    return env.Undefined();
  }
  return st.out;
}

// h5Attributes(fid, path) -> [attribute] of the object at path (a dataset, group or type)
static Napi::Value H5Attributes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[1].As<Napi::String>();
  hid_t obj = H5Oopen(ToId(info[0]), path.c_str(), H5P_DEFAULT);
  if (obj < 0) {
    ThrowH5(env, "cannot open " + path);
    return env.Undefined();
  }
  Napi::Array a = DescribeAttributes(env, obj);
  H5Oclose(obj);
  return a;
}

void InitHdf5Tree(Napi::Env env, Napi::Object exports) {
  exports.Set("h5Tree", Napi::Function::New(env, H5Tree));
  exports.Set("h5Attributes", Napi::Function::New(env, H5Attributes));
}

}  // namespace mpinapi
