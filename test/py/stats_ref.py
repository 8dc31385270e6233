"""Reference statistics: numpy's semantics, exact arithmetic where the result is finite.

usage: stats_ref.py FILE.json   (a list of {"dtype": ..., "hex": little-endian bytes})
For each array: numpy's np.min/np.max/np.mean/np.std/np.sum verdicts where they are NaN or
infinite, and otherwise the exactly rounded mean and sum (fractions) and the std from the
exact variance; JSON with "nan"/"inf"/"-inf" strings, as dnd --json writes them.
Also imported by make_property_files.py.
"""
import json
import math
import sys
import warnings
from fractions import Fraction

import numpy as np

warnings.simplefilter("ignore")


def real(v):
    if v is None:
        return None
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def reference(a):
    a = np.asarray(a).reshape(-1)
    if a.dtype == np.bool_:
        a = a.astype(np.uint8)
    r = {"count": int(a.size), "nan_count": int(np.isnan(a).sum()) if a.dtype.kind == "f" else 0}
    if a.size == 0:
        r.update(min=None, max=None, mean=None, std=None, sum=0.0)
        return r
    f = a.astype(np.float64)
    r["min"] = real(np.min(f))
    r["max"] = real(np.max(f))
    try:
        finite_sum = np.all(np.isfinite(f)) and math.isfinite(float(sum(Fraction(float(v)) for v in f)))
    except OverflowError:  # the sum overflows float64: numpy's inf (so does dnd)
        finite_sum = False
    if finite_sum:
        ex = [Fraction(int(v)) if a.dtype.kind in "iub" else Fraction(float(v)) for v in a]
        s = sum(ex, Fraction(0))
        mean = s / len(ex)
        var = sum(((x - mean) ** 2 for x in ex), Fraction(0)) / len(ex)
        try:
            std = math.sqrt(float(var))
        except OverflowError:  # squares beyond float64: numpy's std is inf too
            std = "inf"
        r.update(mean=float(mean), std=std, sum=float(s))
    else:
        r.update(mean=real(np.mean(f)), std=real(np.std(f)), sum=real(np.sum(f)))
    return r


if __name__ == "__main__":
    out = []
    for case in json.load(open(sys.argv[1])):
        dt = np.dtype(case["dtype"]).newbyteorder("<")
        out.append(reference(np.frombuffer(bytes.fromhex(case["hex"]), dtype=dt)))
    print(json.dumps(out))
