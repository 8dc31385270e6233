"""Writes random small datasets in every storage state HDF5 has, for the property test of
dnd's reader: shapes with zero and one extents, layouts contiguous / chunked / compact,
storage written, never written (no storage allocated: fill value only) or, for chunked
ones, partly written.

usage: storage_cases.py DIR SEED COUNT -> JSON list of {file, shape, storage}
"""
import json
import random
import sys

import h5py
import numpy as np

out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
STATES = ["contiguous", "chunked", "compact", "unallocated", "unallocated-chunked", "partial-chunked"]
made = []
for i in range(count):
    ndim = rng.choice([1, 1, 2, 2, 3, 4])
    shape = tuple(rng.choice([0, 1, 1, 2, 3, 5]) for _ in range(ndim))
    state = STATES[i % len(STATES)]
    dtype = rng.choice(["f4", "f8", "i4"])
    path = f"{out}/case{i}.h5"
    values = (np.arange(int(np.prod(shape)), dtype=np.float64) + 1).reshape(shape).astype(dtype)
    chunks = tuple(rng.choice([1, 2, 3]) for _ in shape)
    # chunks may exceed a zero (or small) extent only when the axis may grow
    grow = {"maxshape": tuple(None for _ in shape)}
    with h5py.File(path, "w") as f:
        if state == "contiguous":
            f.create_dataset("d", data=values)
        elif state == "chunked":
            f.create_dataset("d", data=values, chunks=chunks, **grow)
        elif state == "compact":
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_layout(h5py.h5d.COMPACT)
            space = h5py.h5s.create_simple(shape)
            ds = h5py.h5d.create(f.id, b"d", h5py.h5t.py_create(np.dtype(dtype)), space, dcpl=dcpl)
            if values.size:
                ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(values))
        elif state == "unallocated":
            f.create_dataset("d", shape=shape, dtype=dtype, fillvalue=7)
        elif state == "unallocated-chunked":
            f.create_dataset("d", shape=shape, dtype=dtype, chunks=chunks, fillvalue=7, **grow)
        else:  # partial-chunked: only the first row along axis 0 is written
            d = f.create_dataset("d", shape=shape, dtype=dtype, chunks=chunks, fillvalue=7, **grow)
            if shape[0] > 0 and values.size:
                d[0] = values[0]
    made.append({"file": path, "shape": list(shape), "storage": state})
print(json.dumps(made))
