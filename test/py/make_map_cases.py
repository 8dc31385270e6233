"""Writes the datasets of the file-mapping tests (test/e2e/file-map.test.ts): contiguous ones
of every kind dnd maps, and the ones it must read instead (a stored type that needs
conversion, chunked, compact, never written, empty), plus a file with a user block.

usage: make_map_cases.py DIR -> prints {"cases": {name: mappable if ranks' ranges are 8-byte
aligned}, "offsets": {name: byte offset}, "rows": {name: [rows, bytes per row]}}
"""
import json
import sys

import h5py
import numpy as np

out = sys.argv[1]
cases = {}
with h5py.File(f"{out}/cases.h5", "w") as f:
    x = np.arange(240, dtype="f4").reshape(40, 6) / 7
    x[0, 0], x[1, 1], x[2, 2], x[3, 3] = np.nan, np.inf, -np.inf, -0.0
    f["f32"] = x
    cases["f32"] = True
    f["c64"] = (np.arange(60) - 1j * np.arange(60)).astype("c8").reshape(30, 2)
    cases["c64"] = True
    f["i64"] = (np.arange(75, dtype="i8") * (2**57 + 12345)).reshape(25, 3)
    cases["i64"] = True
    f["bool"] = (np.arange(34) % 3 == 0).reshape(17, 2)
    cases["bool"] = True
    # uint8 of 3 columns: a rank's first row starts at an odd byte, off 8-byte alignment
    f["u8"] = (np.arange(21, dtype="u1") * 11).reshape(7, 3)
    cases["u8"] = True
    # fewer rows than ranks: ranks without rows map nothing, the others their rows
    f["tiny"] = np.arange(12, dtype="f4").reshape(3, 4) - 5.5
    cases["tiny"] = True
    f["f64be"] = np.linspace(-1, 1, 60).reshape(20, 3).astype(">f8")
    cases["f64be"] = False
    f.create_dataset("chunked", data=x, chunks=(8, 6))
    cases["chunked"] = False
    f.create_dataset("never", shape=(12, 2), dtype="f4", fillvalue=3.25)
    cases["never"] = False
    f["empty"] = np.zeros((0, 4), dtype="f8")
    cases["empty"] = False
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    small = np.arange(24, dtype="f4").reshape(8, 3)
    space = h5py.h5s.create_simple(small.shape)
    ds = h5py.h5d.create(f.id, b"compact", h5py.h5t.NATIVE_FLOAT, space, dcpl=dcpl)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, small)
    cases["compact"] = False
    offsets = {name: f[name].id.get_offset() for name in cases}
    rows = {name: [f[name].shape[0], f[name].dtype.itemsize * int(np.prod(f[name].shape[1:]))] for name in cases}

with h5py.File(f"{out}/userblock.h5", "w", userblock_size=512) as f:
    f["x"] = np.arange(40, dtype="f8").reshape(10, 4) * 1.5
with open(f"{out}/userblock.h5", "r+b") as raw:
    raw.write(b"not HDF5: a user block of 512 bytes before the file proper\n")

print(json.dumps({"cases": cases, "offsets": offsets, "rows": rows}))
