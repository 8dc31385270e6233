"""Writes the HDF5 files dnd must read, the way h5py users write them.

Every numeric dataset holds np.arange(n).reshape(shape) cast to its dtype, so that dnd's
own `create arange SHAPE --dtype D` builds the very same global array and the two can be
compared by dnd's distribution-independent checksum.

usage: make_files.py DIR  -> prints a JSON list of {file, dataset, shape, dtype}
"""
import json
import sys

import h5py
import numpy as np

out = sys.argv[1]
made = []


def arange(shape, dtype):
    n = int(np.prod(shape))
    return np.arange(n, dtype=np.float64).reshape(shape).astype(dtype)


def add(name, dataset, shape, dtype, **kw):
    path = f"{out}/{name}.h5"
    with h5py.File(path, "a") as f:
        f.create_dataset(dataset, data=arange(shape, dtype), **kw)
    made.append({"file": path, "dataset": dataset, "shape": list(shape), "dtype": np.dtype(dtype).name})


add("contiguous", "/x", (9, 4), "float32")
add("chunked", "/x", (10, 6), "float32", chunks=(3, 2))
add("gzip", "/x", (11, 5), "float64", chunks=(4, 5), compression="gzip", compression_opts=4)
add("f64", "/x", (7,), "float64")
add("i16", "/x", (6, 5), "int16")
add("grouped", "/group/sub/t3", (5, 4, 3), "float32")
add("bigendian", "/x", (8, 3), ">f8")
add("bigendian_int", "/x", (8, 3), ">i4")
add("u8", "/x", (13,), "uint8")
add("i64", "/x", (4, 4), "int64")

# two datasets in one file: the source must name one
with h5py.File(f"{out}/two.h5", "w") as f:
    f["a"] = arange((3, 3), "float32")
    f["b"] = arange((4,), "float32")

# unsupported stored types
with h5py.File(f"{out}/compound.h5", "w") as f:
    f["x"] = np.zeros(4, dtype=[("a", "i4"), ("b", "f8")])
with h5py.File(f"{out}/strings.h5", "w") as f:
    f.create_dataset("x", data=["a", "bc", "def"], dtype=h5py.string_dtype())

# bool (h5py's FALSE/TRUE enum) with a known pattern
with h5py.File(f"{out}/bool.h5", "w") as f:
    f["x"] = (np.arange(12).reshape(4, 3) % 3) == 0

print(json.dumps(made))
