"""Reads or writes the small HDF5 files of the MPICH interop tests with h5py.

usage: h5_values.py read FILE DATASET  -> JSON {shape, dtype, values} (values flattened;
                                           NaN and +-inf as the strings "nan", "inf", "-inf")
       h5_values.py edges FILE           -> writes /edges, float64 (5, 3) with NaN, +-inf
                                           and -0.0 among ordinary values; prints its values
"""
import json
import math
import sys

import h5py
import numpy as np


def plain(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def describe(a):
    return {"shape": list(a.shape), "dtype": a.dtype.name, "values": [plain(v) for v in a.reshape(-1)]}


if sys.argv[1] == "read":
    with h5py.File(sys.argv[2], "r") as f:
        print(json.dumps(describe(f[sys.argv[3]][()])))
else:
    a = np.arange(15, dtype=np.float64).reshape(5, 3) / 7
    a[0, 1] = np.nan
    a[2, 0] = np.inf
    a[3, 2] = -np.inf
    a[4, 1] = -0.0
    with h5py.File(sys.argv[2], "w") as f:
        f["edges"] = a
    print(json.dumps(describe(a)))
