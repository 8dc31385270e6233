"""Writes a contiguous float32 dataset whose storage is allocated but never written: the
file has its full size but no data blocks on disk (sparse), so tests can hold datasets
larger than the machine's memory. For test/e2e/file-map.test.ts (the memory check of a
mapped source).

usage: make_sparse.py FILE ROWS COLS -> prints {"offset": byte offset, "size": file size}
"""
import json
import os
import sys

import h5py

path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with h5py.File(path, "w") as f:
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    dcpl.set_fill_time(h5py.h5d.FILL_TIME_NEVER)
    space = h5py.h5s.create_simple((rows, cols))
    offset = h5py.h5d.create(f.id, b"x", h5py.h5t.NATIVE_FLOAT, space, dcpl=dcpl).get_offset()
print(json.dumps({"offset": offset, "size": os.stat(path).st_size}))
