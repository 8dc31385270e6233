"""Random arrays for the stats/fingerprint property test (test/e2e/stats-fingerprint.test.ts).

usage: make_property_files.py DIR SEED COUNT
       make_property_files.py DIR zeros 0    (two (2, 6) float64 files: all -0, all +0)
Writes COUNT files DIR/p{i}.h5, dataset /x, of random shape (1-3 axes, extents 1-5 with
ones on purpose) and dtype, holding random values with NaN (two payloads), +-inf and -0
sprinkled into float arrays; prints [{file, shape, dtype, ref}] with numpy's statistics.
"""
import json
import sys

import h5py
import numpy as np

from stats_ref import reference

DTYPES = ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "bool"]

d = sys.argv[1]
if sys.argv[2] == "zeros":
    out = []
    for name, v in (("negzero", -0.0), ("zero", 0.0)):
        a = np.full((2, 6), v, dtype=np.float64)
        with h5py.File(f"{d}/{name}.h5", "w") as f:
            f["x"] = a
        out.append({"file": f"{d}/{name}.h5", "shape": [2, 6], "dtype": "float64", "ref": reference(a)})
    print(json.dumps(out))
    sys.exit(0)
seed, count = int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
out = []
for i in range(count):
    # floats twice as often: they hold the edge cases
    dtype = DTYPES[i % 2] if i % 3 != 2 else DTYPES[int(rng.integers(2, len(DTYPES)))]
    ndim = int(rng.integers(1, 4))
    shape = tuple(int(rng.choice([1, 1, 2, 3, 4, 5])) for _ in range(ndim))
    n = int(np.prod(shape))
    if dtype.startswith("float"):
        a = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(dtype)
        specials = [np.nan, np.inf, -np.inf, -0.0]
        for k in rng.choice(n, size=min(n, int(rng.integers(0, 3))), replace=False):
            a[k] = specials[int(rng.integers(0, 4))]
        if n > 1 and rng.random() < 0.3:  # a NaN with another payload
            bits = a.view(np.uint32 if dtype == "float32" else np.uint64)
            bits[0] = 0x7FC01234 if dtype == "float32" else 0x7FF8000000001234
    elif dtype == "bool":
        a = rng.random(n) < 0.5
    else:
        info = np.iinfo(dtype)
        a = rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
    a = a.reshape(shape)
    path = f"{d}/p{i}.h5"
    with h5py.File(path, "w") as f:
        f["x"] = a
    out.append({"file": path, "shape": list(shape), "dtype": dtype, "ref": reference(a)})
print(json.dumps(out))
