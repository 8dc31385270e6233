"""Writes the HDF5 files of the edge cases named in the tests (datasets never written,
filters dnd lacks, virtual, external and scalar datasets).

usage: make_special.py DIR -> prints {} (the files are named after their case)
"""
import json
import sys

import h5py
import numpy as np

out = sys.argv[1]

# created, never written: no storage allocated, the fill value only
with h5py.File(f"{out}/unwritten.h5", "w") as f:
    f.create_dataset("u13", shape=(1, 3), dtype="f4", fillvalue=2.5)
    f.create_dataset("u1x32", shape=(1,) * 32, dtype="f4", fillvalue=2.5)

# lzf: h5py's own filter, which the HDF5 library itself does not have
with h5py.File(f"{out}/lzf.h5", "w") as f:
    f.create_dataset("x", data=np.arange(20, dtype="f4").reshape(4, 5), compression="lzf")

# a virtual dataset whose values live in another file
with h5py.File(f"{out}/vsource.h5", "w") as f:
    f["x"] = np.arange(6, dtype="f4")
layout = h5py.VirtualLayout(shape=(6,), dtype="f4")
layout[:] = h5py.VirtualSource(f"{out}/vsource.h5", "x", shape=(6,))
with h5py.File(f"{out}/virtual.h5", "w") as f:
    f.create_virtual_dataset("v", layout)

# external storage: the raw values in a plain file beside it
with h5py.File(f"{out}/external.h5", "w") as f:
    f.create_dataset("x", shape=(4,), dtype="f4", external=[(f"{out}/external.raw", 0, 16)])

# scalar
with h5py.File(f"{out}/scalar.h5", "w") as f:
    f["s"] = np.float32(3.5)

print(json.dumps({}))
