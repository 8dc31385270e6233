// Helpers shared by the parts of the mpi_h5 module (hdf5.cc: files and hyperslabs;
// hdf5-tree.cc: the objects, links and attributes of a file). Facts only, no policy.
#pragma once
#include <hdf5.h>

#include <string>

#include "common.h"

namespace mpinapi {

// The innermost error of HDF5's current error stack (clears it).
std::string H5Cause();
void ThrowH5(const Napi::Env& env, const std::string& what);
// hid_t travels to JS as BigInt (64-bit, the id type in the high bits).
hid_t ToId(const Napi::Value& v);
// The dnd complex dtype of h5py's compound {r, i} ("" otherwise); its memory type.
std::string ComplexDtype(hid_t t);
hid_t ComplexType(hid_t part);
// A stored type: the dnd dtype it maps to ("" if none) and a short readable name.
void DescribeType(hid_t t, std::string* dtype, std::string* name);
// The readable name with the inside of compound and array types spelled out.
std::string TypeDetail(hid_t t);
// shape, maxshape, types, layout, chunks, filters, storage of an open dataset.
Napi::Object DescribeDataset(const Napi::Env& env, hid_t ds, const std::string& path);
// The attributes of an open object, in name order: name (bytes), type, shape, value.
Napi::Array DescribeAttributes(const Napi::Env& env, hid_t obj);

// Memory type of a dnd dtype name; caller closes it. -1 when unknown.
hid_t MemType(const std::string& d);
// The file offset of a dataset's values stored as memory holds them, else HADDR_UNDEF.
haddr_t RawOffset(hid_t ds, const std::string& dtype, hsize_t* storage);

void InitHdf5Tree(Napi::Env env, Napi::Object exports);
void InitHdf5Map(Napi::Env env, Napi::Object exports);
void InitDirectWrite(Napi::Env env, Napi::Object exports);

}  // namespace mpinapi
