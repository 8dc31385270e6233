"""h5py's side of test/e2e/complex.test.ts.

  complex_files.py make DIR       writes complex datasets as h5py stores them, prints their facts
  complex_files.py same FILE DATASET EXPECT_NPY   bit-for-bit comparison of a dnd-written dataset
  complex_files.py dump FILE DATASET              values of a dataset as [[re bits, im bits], ...]
"""
import json
import sys

import h5py
import numpy as np


def varied(shape, dtype):
    n = int(np.prod(shape))
    g = np.arange(n, dtype=np.float64)
    a = (g * 0.5 - 3 + 1j * (100 - g * 0.25)).astype(dtype).reshape(shape)
    flat = a.reshape(-1)
    if n > 5:
        flat[1] = complex(np.nan, np.inf)
        flat[2] = complex(-np.inf, -0.0)
        flat[4] = complex(-0.0, np.nan)
    return a


def make(d):
    out = []
    with h5py.File(f"{d}/h5py.h5", "w") as f:
        for dt in ("complex64", "complex128"):
            for shape in ((7, 5), (4, 3, 2), (0, 3), (1,)):
                name = f"varied_{dt}_{'x'.join(map(str, shape))}"
                a = varied(shape, dt)
                f[name] = a
                np.save(f"{d}/{name}.npy", a)
                out.append({"dataset": "/" + name, "shape": list(shape), "dtype": dt})
            f[f"full_{dt}"] = np.full((5, 3), 1.5 - 2j, dtype=dt)
            f[f"eye_{dt}"] = np.eye(4, 6, dtype=dt)
            # the same values with the parts swapped: a different array, a different fingerprint
            f[f"swapped_{dt}"] = np.full((5, 3), -2 + 1.5j, dtype=dt)
            f.create_dataset(f"chunked_{dt}", data=varied((9, 4), dt), chunks=(2, 3))
            np.save(f"{d}/chunked_{dt}.npy", varied((9, 4), dt))
        f.create_dataset("gzip_complex64", data=varied((9, 4), "complex64"), chunks=(2, 4), compression="gzip")
        np.save(f"{d}/gzip_complex64.npy", varied((9, 4), "complex64"))
        # one bit flipped in each byte of one item, re and im: every byte counts in the fingerprint
        for dt, ut in (("complex64", np.uint32), ("complex128", np.uint64)):
            base = varied((3, 4), dt)
            f[f"bits_{dt}"] = base
            nbytes = np.dtype(dt).itemsize
            for b in range(nbytes):
                a = base.copy()
                a.reshape(-1)[5:6].view(np.uint8)[b] ^= 0x01
                f[f"bits_{dt}_{b}"] = a
        # a compound that is not h5py's complex: dnd must refuse it, not misread it
        f["mixed"] = np.zeros(3, dtype=[("r", "<f4"), ("i", "<f8")])
        f["other_names"] = np.zeros(3, dtype=[("re", "<f4"), ("im", "<f4")])
    print(json.dumps(out))


def bits(a):
    a = np.ascontiguousarray(a)
    return a.view(np.uint32 if a.dtype == np.complex64 else np.uint64).reshape(-1).tolist()


def same(file, dataset, expect):
    with h5py.File(file, "r") as f:
        got = f[dataset][...]
    want = np.load(expect)
    return {"dtype": str(got.dtype), "shape": list(got.shape), "same": got.dtype == want.dtype and got.shape == want.shape and bits(got) == bits(want)}


def dump(file, dataset):
    with h5py.File(file, "r") as f:
        d = f[dataset]
        got = d[...]
        # the stored type's members, as HDF5 holds them (numpy shows h5py's compound as complex)
        t = d.id.get_type()
        fields = [t.get_member_name(i).decode() for i in range(t.get_nmembers())] if t.get_class() == h5py.h5t.COMPOUND else None
    return {"dtype": str(got.dtype), "shape": list(got.shape), "bits": bits(got), "values": [[repr(float(z.real)), repr(float(z.imag))] for z in got.reshape(-1)], "fields": fields}


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "same":
        print(json.dumps(same(sys.argv[2], sys.argv[3], sys.argv[4])))
    elif cmd == "dump":
        print(json.dumps(dump(sys.argv[2], sys.argv[3])))
    elif cmd == "same-many":  # FILE DATASET EXPECT, repeated: one Python start for many files
        a = sys.argv[2:]
        print(json.dumps([same(*a[i:i + 3]) for i in range(0, len(a), 3)]))
    elif cmd == "dump-many":  # FILE DATASET, repeated
        a = sys.argv[2:]
        print(json.dumps([dump(*a[i:i + 2]) for i in range(0, len(a), 2)]))
