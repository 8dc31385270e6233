"""Compares two datasets exactly (shape, dtype and every value, NaN equal to NaN).

usage: same.py FILE_A DATASET_A FILE_B DATASET_B -> JSON {same, why}
"""
import json
import sys

import h5py
import numpy as np

with h5py.File(sys.argv[1], "r") as fa, h5py.File(sys.argv[3], "r") as fb:
    a, b = fa[sys.argv[2]][...], fb[sys.argv[4]][...]
why = ""
if a.shape != b.shape:
    why = f"shape {a.shape} != {b.shape}"
elif a.dtype != b.dtype:
    why = f"dtype {a.dtype} != {b.dtype}"
elif not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
    why = f"values differ: {a.reshape(-1)[:8].tolist()} vs {b.reshape(-1)[:8].tolist()}"
print(json.dumps({"same": why == "", "why": why}))
