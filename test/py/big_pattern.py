"""Checks big datasets written by test/mpi/big-ranks.mjs with h5py: element g (flat, C
order) must be g % 16777213 (test/mpi/pattern.mjs). Reads every row near the start, the
end and the 2^31-byte boundary, and every 97th row elsewhere (reading all of several GiB
would dominate the big group's time). Prints JSON: per dataset, rows read and mismatches."""
import json
import sys

import h5py
import numpy as np

M = 16777213
path = sys.argv[1]
out = {}
with h5py.File(path, "r") as f:
    for name in sys.argv[2:]:
        d = f[name]
        rows, cols = d.shape
        boundary = (2**31) // (cols * d.dtype.itemsize)
        picks = set(range(0, min(rows, 64))) | set(range(max(0, rows - 64), rows))
        picks |= set(range(max(0, boundary - 64), min(rows, boundary + 64)))
        picks |= set(range(0, rows, 97))
        bad = 0
        for r in sorted(picks):
            got = d[r, :]
            want = ((np.arange(cols, dtype=np.int64) + r * cols) % M).astype(d.dtype)
            bad += int(np.count_nonzero(got != want))
        out[name] = {"shape": [rows, cols], "dtype": str(d.dtype), "rows_read": len(picks), "bad": bad}
print(json.dumps(out))
