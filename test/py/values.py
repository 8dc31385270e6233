"""Prints every element of a dataset exactly, as text a test can compare: floats as
their IEEE bit pattern in hex plus a readable form, integers as decimal digits (int64
beyond 2^53 included).

usage: values.py FILE DATASET
"""
import json
import sys

import h5py
import numpy as np

path, name = sys.argv[1], sys.argv[2]
with h5py.File(path, "r") as f:
    a = f[name][...]
flat = a.reshape(-1)
if a.dtype.kind == "f":
    bits = flat.view(np.uint32 if a.dtype.itemsize == 4 else np.uint64)
    out = [{"bits": format(int(b), "x"), "text": repr(float(v))} for b, v in zip(bits, flat)]
else:
    out = [str(int(v)) for v in flat]
print(json.dumps({"dtype": a.dtype.name, "shape": list(a.shape), "values": out}))
