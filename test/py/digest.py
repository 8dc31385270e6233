"""Prints shape, dtype and a SHA-256 of a dataset's raw bytes (h5py, serial build), so two
files can be compared byte for byte whatever their HDF5 layout.

usage: digest.py FILE DATASET
"""
import hashlib
import json
import sys

import h5py
import numpy as np

path, name = sys.argv[1], sys.argv[2]
with h5py.File(path, "r") as f:
    a = np.ascontiguousarray(f[name][...])
print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "sha256": hashlib.sha256(a.tobytes()).hexdigest()}))
