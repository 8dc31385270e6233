"""The Python peer of dnd's bench rows: what a Python user would write with Debian's
mpi4py, h5py (its MPI build) and numpy for the same work, run under the same mpiexec.

usage (under mpiexec -n N, /usr/bin/python3):
  peer.py check                          -> {"ok": true} if mpi4py, numpy and h5py with MPI load
  peer.py launch                         -> randn 7,4,3 split 0, layout gathered, rank 0 prints it
  peer.py fill PER_RANK REPS             -> {"samples_per_s": [per rank, slowest rank, per rep]}
  peer.py resplit ROWS COLS REPS         -> {"seconds": [...]}  float32 split 0 -> 1
  peer.py redistribute ROWS COLS REPS T  -> {"seconds": [...]}  rows per rank T = "a,b,c"
  peer.py h5write FILE ROWS COLS REPS    -> {"seconds": [...]}  collective write, split 0
  peer.py h5read FILE ROWS COLS REPS     -> {"seconds": [...]}  collective read, split 0

As dnd's rows are timed: each rep after a barrier, the slowest rank's time, a fresh
receive block each rep (np.empty, as a user's code would allocate it). Rank 0 prints one
JSON line.
"""
import json
import sys
import time

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()


def chunk(n, p):
    """Heat's chunk(): ranks < n % size hold one row more."""
    q, r = divmod(n, size)
    count = q + 1 if p < r else q
    return (p * (q + 1) if p < r else p * q + r), count


def timed(f, reps):
    times = []
    for _ in range(reps):
        comm.Barrier()
        t0 = MPI.Wtime()
        f()
        times.append(comm.allreduce(MPI.Wtime() - t0, op=MPI.MAX))
    return times


def say(obj):
    if rank == 0:
        print(json.dumps(obj), flush=True)


def fill(per_rank, reps):
    rng = np.random.default_rng(42 + rank)
    rates = []
    for _ in range(reps):
        comm.Barrier()
        t0 = MPI.Wtime()
        x = rng.standard_normal(per_rank, dtype=np.float32)
        dt = comm.allreduce(MPI.Wtime() - t0, op=MPI.MAX)
        rates.append(per_rank / dt)
        del x
    say({"samples_per_s": rates})


def resplit(rows, cols, reps):
    """split 0 -> 1: each rank sends every peer its rows of that peer's columns, packed
    contiguous; what arrives, in rank order, is already the new block (rows x my cols)."""
    off, n = chunk(rows, rank)
    x = np.arange(off * cols, (off + n) * cols, dtype=np.float32).reshape(n, cols)
    col = [chunk(cols, p) for p in range(size)]
    row = [chunk(rows, p) for p in range(size)]
    scounts = [n * c for _, c in col]
    sdispls = np.concatenate(([0], np.cumsum(scounts)[:-1])).tolist()
    mine = col[rank][1]
    rcounts = [r * mine for _, r in row]
    rdispls = np.concatenate(([0], np.cumsum(rcounts)[:-1])).tolist()

    def once():
        send = np.concatenate([x[:, o:o + c].ravel() for o, c in col]) if n else np.empty(0, np.float32)
        recv = np.empty((rows, mine), dtype=np.float32)
        comm.Alltoallv([send, (scounts, sdispls), MPI.FLOAT], [recv, (rcounts, rdispls), MPI.FLOAT])
        return recv

    say({"seconds": timed(once, reps)})


def redistribute(rows, cols, reps, target):
    """rows move along the split axis to rank p holding target[p]: the overlaps of the old
    and new row ranges, one contiguous Alltoallv."""
    old = [chunk(rows, p) for p in range(size)]
    starts = np.concatenate(([0], np.cumsum(target)[:-1])).tolist()
    new = list(zip(starts, target))
    off, n = old[rank]
    x = np.arange(off * cols, (off + n) * cols, dtype=np.float32).reshape(n, cols)

    def overlap(a, b):
        return max(0, min(a[0] + a[1], b[0] + b[1]) - max(a[0], b[0]))

    scounts = [overlap(old[rank], new[p]) * cols for p in range(size)]
    sdispls = [max(0, new[p][0] - off) * cols if scounts[p] else 0 for p in range(size)]
    rcounts = [overlap(old[p], new[rank]) * cols for p in range(size)]
    rdispls = np.concatenate(([0], np.cumsum(rcounts)[:-1])).tolist()

    def once():
        recv = np.empty((target[rank], cols), dtype=np.float32)
        comm.Alltoallv([x, (scounts, sdispls), MPI.FLOAT], [recv, (rcounts, rdispls), MPI.FLOAT])
        return recv

    say({"seconds": timed(once, reps)})


def h5write(path, rows, cols, reps):
    import h5py

    off, n = chunk(rows, rank)
    x = np.zeros((n, cols), dtype=np.float32)

    def once():
        with h5py.File(path, "w", driver="mpio", comm=comm) as f:
            d = f.create_dataset("data", (rows, cols), dtype="f4")
            with d.collective:
                d[off:off + n] = x

    say({"seconds": timed(once, reps)})


def h5read(path, rows, cols, reps):
    import h5py

    off, n = chunk(rows, rank)

    def once():
        with h5py.File(path, "r", driver="mpio", comm=comm) as f:
            d = f["data"]
            with d.collective:
                return d[off:off + n]

    say({"seconds": timed(once, reps)})


def launch():
    """The launch row's work: a random 7x4x3 block per rank (split 0), the lshape map
    gathered, rank 0 prints it; the whole process is timed by the bench."""
    off, n = chunk(7, rank)
    x = np.random.default_rng(42 + rank).standard_normal((n, 4, 3), dtype=np.float32)
    say({"lshape_map": comm.allgather(list(x.shape))})


def check():
    import h5py

    say({"ok": bool(h5py.get_config().mpi), "h5py": h5py.__version__, "numpy": np.__version__})


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "check":
        check()
    elif a[0] == "launch":
        launch()
    elif a[0] == "fill":
        fill(int(a[1]), int(a[2]))
    elif a[0] == "resplit":
        resplit(int(a[1]), int(a[2]), int(a[3]))
    elif a[0] == "redistribute":
        redistribute(int(a[1]), int(a[2]), int(a[3]), [int(t) for t in a[4].split(",")])
    elif a[0] == "h5write":
        h5write(a[1], int(a[2]), int(a[3]), int(a[4]))
    elif a[0] == "h5read":
        h5read(a[1], int(a[2]), int(a[3]), int(a[4]))
