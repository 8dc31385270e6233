"""Writes a file of every odd case `dnd info FILE` lists (groups, hard, soft, dangling and
external links, a committed datatype, scalar, compound and complex datasets, attributes of
every kind, a name that is not UTF-8, deep groups) and prints h5py's view of it.

usage: make_tree.py FILE DEPTH -> prints {"objects": {path: {...}}, "attrs": {path: {name: value}}}
Paths and names are printed as Python's backslashreplace decoding of their bytes.
"""
import json
import math
import sys

import h5py
import numpy as np

path, depth = sys.argv[1], int(sys.argv[2])
other = path + ".other.h5"
with h5py.File(other, "w") as f:
    f["x"] = np.arange(3, dtype="f4")

with h5py.File(path, "w") as f:
    f.attrs["title"] = "odd cases"
    a = f.create_dataset("a", data=np.arange(12, dtype="f4").reshape(3, 4))
    a.attrs["units"] = "m"
    a.attrs["scale"] = 2.5
    a.attrs["nan"] = np.nan
    a.attrs["inf"] = np.inf
    a.attrs["ninf"] = -np.inf
    a.attrs["ints"] = np.array([1, 2, 3], dtype="i8")
    a.attrs["big"] = np.int64(2**63 - 1)
    a.attrs["u64"] = np.uint64(2**64 - 1)
    a.attrs["flag"] = True
    a.attrs["fixed"] = np.bytes_(b"abc")
    a.attrs["cplx"] = np.complex128(1 + 2j)
    a.attrs["empty"] = h5py.Empty("f4")
    a.attrs["long"] = np.arange(100, dtype="f8")
    a.attrs["longstr"] = "x" * 500
    a.attrs["grid"] = np.arange(6, dtype="i4").reshape(2, 3)
    a.attrs["rec"] = np.array((1, 2.0), dtype=[("p", "i4"), ("q", "f8")])
    a.attrs["notutf8"] = np.bytes_(b"caf\xe9")
    g = f.create_group("g")
    b = g.create_dataset("b", shape=(100, 10), maxshape=(None, 10), chunks=(10, 10), dtype="f8", compression="gzip", compression_opts=4)
    b[...] = 1.0
    g["h"] = a  # a second hard link to /a
    g["s"] = h5py.SoftLink("/g/b")
    g["dangling"] = h5py.SoftLink("/nowhere")
    g["ext"] = h5py.ExternalLink(other, "/x")
    f["t"] = np.dtype("f8")  # a committed datatype
    f.create_dataset("tc", shape=(5,), dtype=f["t"])
    f["scalar"] = 3.0
    f["comp"] = np.zeros(4, dtype=[("p", "i4"), ("q", "f8")])
    f["cplx"] = np.arange(3) + 1j
    f.create_group(b"bad\xffname")
    d = f
    for i in range(depth):
        d = d.create_group("d")
    d["leaf"] = np.zeros(2, dtype="i2")


def name(b):
    return b.decode("utf-8", "backslashreplace") if isinstance(b, bytes) else b


def value(v):
    if isinstance(v, h5py.Empty):
        return None
    if isinstance(v, bytes):
        return name(v)
    if isinstance(v, np.ndarray) and v.dtype.names:
        return None
    if isinstance(v, np.void):
        return None
    a = np.asarray(v)
    if a.dtype.kind == "c":
        return [[float(z.real), float(z.imag)] for z in a.reshape(-1)] if a.ndim else [float(a.real), float(a.imag)]
    if a.dtype.kind == "f":
        out = [x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")) for x in a.reshape(-1).tolist()]
        return out if a.ndim else out[0]
    if a.dtype.kind in "iub":
        # beyond 2**53 an integer is a decimal string (JSON numbers are doubles)
        out = [x if isinstance(x, bool) or abs(x) <= 2**53 else str(x) for x in a.reshape(-1).tolist()]
        return out if a.ndim else out[0]
    if a.dtype.kind in "OSU":
        out = [name(x) if isinstance(x, bytes) else str(x) for x in a.reshape(-1).tolist()]
        return out if a.ndim else out[0]
    return None


objects, attrs = {}, {}
with h5py.File(path, "r") as f:
    # the low-level API: the high-level one refuses a name that is not UTF-8
    def visit(n, info):
        p = "/" + name(n)
        if info.type == h5py.h5l.TYPE_HARD:
            oid = h5py.h5o.open(f.id, n)
            obj = {h5py.h5d.DatasetID: h5py.Dataset, h5py.h5g.GroupID: h5py.Group}.get(type(oid), h5py.Datatype)(oid)
            entry = {"link": "hard", "kind": "dataset" if isinstance(obj, h5py.Dataset) else "group" if isinstance(obj, h5py.Group) else "datatype"}
            if isinstance(obj, h5py.Dataset):
                entry.update(shape=list(obj.shape), chunks=list(obj.chunks) if obj.chunks else None,
                             maxshape=list(obj.maxshape) if obj.maxshape is not None else None,
                             compression=obj.compression, dtype=str(obj.dtype))
            entry["addr"] = h5py.h5o.get_info(oid).addr
            attrs.setdefault(entry["addr"], {name(k): value(obj.attrs[k]) for k in obj.attrs.keys()})
        elif info.type == h5py.h5l.TYPE_SOFT:
            entry = {"link": "soft", "target": name(f.id.links.get_val(n))}
        else:
            file, target = f.id.links.get_val(n)
            entry = {"link": "external", "target": name(target), "file": name(file)}
        objects[p] = entry
    f.id.links.visit(visit, info=True)
    attrs = {p: attrs[e["addr"]] for p, e in objects.items() if "addr" in e}
    attrs["/"] = {name(k): value(f.attrs[k]) for k in f.attrs.keys()}
print(json.dumps({"objects": objects, "attrs": attrs}))
