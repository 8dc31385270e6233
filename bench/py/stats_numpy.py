"""The numpy loop issue #19 compares against: min, max, sum, sum of squares and NaN count
of a float32 array in 256-row chunks converted to float64.
usage: stats_numpy.py ROWS COLS REPS   -> prints {"seconds": [..]}"""
import json
import sys
import time

import numpy as np

rows, cols, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
a = np.random.default_rng(1).standard_normal((rows, cols), dtype=np.float32)
times = []
for _ in range(reps):
    t0 = time.perf_counter()
    mn, mx, s, ss, nans = np.inf, -np.inf, 0.0, 0.0, 0
    for r in range(0, rows, 256):
        c = a[r : r + 256].astype(np.float64)
        mn = min(mn, float(np.nanmin(c)))
        mx = max(mx, float(np.nanmax(c)))
        s += float(np.nansum(c))
        ss += float(np.nansum(c * c))
        nans += int(np.isnan(c).sum())
    times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": times}))
