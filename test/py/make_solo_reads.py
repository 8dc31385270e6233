"""Writes the file the one-rank read tests compare with and without MPI
(test/e2e/solo.test.ts): non-finite values, complex, int64 beyond 2^53, an empty axis, a
dataset never written, a chunked one with only some chunks written, one in a group.

usage: make_solo_reads.py PATH -> prints {}
"""
import json
import sys

import h5py
import numpy as np

with h5py.File(sys.argv[1], "w") as f:
    x = np.arange(24, dtype="f4").reshape(6, 4)
    x[0, 0], x[1, 1], x[2, 2], x[3, 3] = np.nan, np.inf, -np.inf, -0.0
    f["f32"] = x
    f["c64"] = (np.arange(15) + 1j * np.arange(15)[::-1]).astype("c8").reshape(5, 3)
    f["i64"] = np.array([[2**62 + 1, -(2**63)], [2**63 - 1, 7], [0, -1], [2**53 + 1, 3]], dtype="i8")
    f["empty"] = np.zeros((0, 3), dtype="f8")
    f.create_dataset("never", shape=(4, 4), dtype="f4", fillvalue=1.5)
    p = f.create_dataset("partial", shape=(8, 4), dtype="f4", chunks=(2, 4), fillvalue=-2.0)
    p[2:4, :] = 9.0
    p[6:8, :] = np.arange(8, dtype="f4").reshape(2, 4)
    f.create_group("g")["x"] = np.linspace(0, 1, 10, dtype="f8").reshape(5, 2)

print(json.dumps({}))
