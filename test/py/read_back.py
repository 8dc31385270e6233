"""Reads a dataset with h5py (serial build) and prints what a test needs to compare.

usage: read_back.py FILE DATASET [arange]
With 'arange', also reports whether the contents equal np.arange(n).reshape(shape).
"""
import json
import sys

import h5py
import numpy as np

path, name = sys.argv[1], sys.argv[2]
with h5py.File(path, "r") as f:
    a = f[name][...]
info = {
    "shape": list(a.shape),
    "dtype": a.dtype.name,
    "sum": float(np.sum(a, dtype=np.float64)),
    "min": float(a.min()) if a.size else None,
    "max": float(a.max()) if a.size else None,
    "mean": float(a.mean(dtype=np.float64)) if a.size else None,
    "std": float(a.std(dtype=np.float64)) if a.size else None,
}
if len(sys.argv) > 3 and sys.argv[3] == "arange":
    ref = np.arange(a.size, dtype=np.float64).reshape(a.shape).astype(a.dtype)
    info["equals_arange"] = bool(np.array_equal(a, ref))
print(json.dumps(info))
