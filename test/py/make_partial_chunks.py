"""Writes a chunked float32 dataset of which only the first chunk row was written, with
fill time NEVER: HDF5 leaves a reader's buffer untouched where chunks are missing. For
test/mpi/pool-ranks.mjs (a load must not hand out a released block's bytes there).

usage: make_partial_chunks.py FILE ROWS COLS CHUNK_ROWS -> prints {"written_rows": CHUNK_ROWS}
"""
import json
import sys

import h5py
import numpy as np

path, rows, cols, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with h5py.File(path, "w") as f:
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((chunk, cols))
    dcpl.set_fill_time(h5py.h5d.FILL_TIME_NEVER)
    h5py.h5d.create(f.id, b"x", h5py.h5t.NATIVE_FLOAT, h5py.h5s.create_simple((rows, cols)), dcpl=dcpl)
    f["x"][0:chunk] = np.arange(chunk * cols, dtype="f4").reshape(chunk, cols)
print(json.dumps({"written_rows": chunk}))
