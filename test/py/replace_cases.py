"""Files for test/e2e/replace.test.ts: what --force replaces, and what must outlive it.
usage: replace_cases.py make DIR    -> writes the files
       replace_cases.py show FILE   -> JSON: every link with its kind, attributes, values"""
import json
import sys

import h5py
import numpy as np


def make(d):
    big = np.arange(4000, dtype=np.float64).reshape(1000, 4)
    with h5py.File(f"{d}/only.h5", "w") as f:
        f["data"] = big
        f["data"].attrs["units"] = "K"  # the dataset's own attribute goes with it
    with h5py.File(f"{d}/nested.h5", "w") as f:
        f["g/h/data"] = big
    with h5py.File(f"{d}/other.h5", "w") as f:
        f["data"] = big
        f["keep"] = np.arange(3)
    with h5py.File(f"{d}/rootattr.h5", "w") as f:
        f["data"] = big
        f.attrs["note"] = "keep me"
    with h5py.File(f"{d}/groupattr.h5", "w") as f:
        f["g/data"] = big
        f["g"].attrs["note"] = "keep me"
    with h5py.File(f"{d}/soft.h5", "w") as f:
        f["data"] = big
        f["alias"] = h5py.SoftLink("/data")
    with h5py.File(f"{d}/external.h5", "w") as f:
        f["data"] = big
        f["ext"] = h5py.ExternalLink("other.h5", "/keep")
    with h5py.File(f"{d}/emptygroup.h5", "w") as f:
        f["data"] = big
        f.create_group("empty")
    with h5py.File(f"{d}/userblock.h5", "w", userblock_size=512) as f:
        f["data"] = big
    with h5py.File(f"{d}/twonames.h5", "w") as f:
        f["data"] = big
        f["again"] = f["data"]  # a second hard link to the same dataset
    with h5py.File(f"{d}/datatype.h5", "w") as f:
        f["data"] = big
        f["t"] = np.dtype("<f4")  # a named datatype


def show(path):
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = {"attrs": {k: str(v) for k, v in f.attrs.items()}, "userblock": f.userblock_size}

        def walk(group, prefix):
            for key in group.keys():
                name = f"{prefix}/{key}"
                link = group.get(key, getlink=True)
                kind = type(link).__name__
                entry = {"link": kind}
                if kind == "HardLink":
                    obj = group[key]
                    entry["type"] = type(obj).__name__
                    entry["attrs"] = {k: str(v) for k, v in obj.attrs.items()}
                    if isinstance(obj, h5py.Dataset):
                        entry["values"] = obj[()].tolist()
                    if isinstance(obj, h5py.Group):
                        walk(obj, name)
                out[name] = entry

        walk(f, "")
    print(json.dumps(out))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else show(sys.argv[2])
