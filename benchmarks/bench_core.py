"""Time MLP forward+backward against the tree at an older commit, and against bare matmuls.

Per layer the pass needs three matmuls (z = h W forward; dL/dW = h^T dL/dz and
dL/dh = dL/dz W^T backward); everything else (activation, derivative, bias, checks) is
overhead. The floor runs exactly those matmuls on arrays of the same shapes.

The baseline is the package as it was at `--baseline` (default e665799, before the trust
wave), extracted with `git archive` into a temporary directory. Each tree is timed in a fresh
subprocess (its own allocator state: within one process, which tree allocated first changes
the page faults of both), in alternating order over several rounds, all in this one run;
each worker reports the median of its repeats, and the table gives the median over the
rounds. Each worker also times the floor (the same code for both trees): the normalized
ratio divides each tree's time by its own worker's floor, so it holds on a busy machine even
when the absolute times wander between the subprocesses. Building a
100-layer network is timed the same way.

    python benchmarks/bench_core.py [--repeats N] [--rounds R] [--quick] [--baseline COMMIT]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# depth 10 (16 x 16: the per-call overhead alone); 1024 x 1024 with batch 1024 in float64 is over MAX_BYTES, so float32 only there
SHAPES = [(10, 16, 16), (10, 256, 256), (10, 256, 1024), (10, 1024, 256), (10, 1024, 1024)]


def floor_pass(Ws: list[np.ndarray], X: np.ndarray, G: np.ndarray) -> None:
    """The three bare matmuls per layer (no other work)."""
    hs = [X]
    for W in Ws:
        hs.append(hs[-1] @ W)
    g = G
    for l in reversed(range(len(Ws))):
        _ = hs[l].T @ g
        g = g @ Ws[l].T


def _median_seconds(job, repeats: int) -> list[float]:
    """[median, fastest] seconds of `repeats` calls (after two warm-up calls)."""
    for _ in range(2):  # warm up caches and BLAS threads
        job()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        job()
        times.append(time.perf_counter() - t0)
    return [float(np.median(times)), float(np.min(times))]


def worker(repeats: int, shapes: list[tuple[int, int, int]], activations: list[str]) -> dict:
    """Time the `wi_helpers` on sys.path (run in a subprocess): seconds per case."""
    from wi_helpers import MAX_BYTES, MLP, footprint_bytes
    out = {"build MLP([256] * 101)": _median_seconds(
        lambda: MLP([256] * 101, activation="tanh", seed=0), max(3, repeats // 3))}
    for activation in activations:
        for depth, width, batch in shapes:
            for dtype in (np.float32, np.float64):
                if footprint_bytes([width] * (depth + 1), batch, dtype) > MAX_BYTES:
                    continue
                net = MLP([width] * (depth + 1), activation=activation, seed=0, dtype=dtype)
                rng = np.random.default_rng(0)
                X = rng.standard_normal((batch, width)).astype(dtype)
                G = rng.standard_normal((batch, width)).astype(dtype)
                Ws = [W.copy() for W in net.weights]
                key = f"{activation} {width} {batch} {np.dtype(dtype).name}"
                out[key] = _median_seconds(lambda: (net.forward(X), net.backward(G)), repeats)
                out[key + " floor"] = _median_seconds(lambda: floor_pass(Ws, X, G), repeats)
    return out


def extract(commit: str, into: Path) -> Path:
    """`git archive` the package at `commit` into `into`; return the directory to import from."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "wi_helpers"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_worker(tree: Path, args: argparse.Namespace) -> dict:
    """One worker subprocess importing wi_helpers from `tree`."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, __file__, "--worker", "--repeats", str(args.repeats),
           "--activations", args.activations] + (["--quick"] if args.quick else [])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    """Print old-versus-new timings (and the matmul floor) for a few shapes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="only the smallest shapes")
    parser.add_argument("--baseline", default="e665799", help="the older commit to compare with")
    parser.add_argument("--activations", default="tanh,relu",
                        help="comma-separated activations to time (default: tanh,relu)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    shapes = SHAPES[:3] if args.quick else SHAPES
    if args.worker:
        print(json.dumps(worker(args.repeats, shapes, args.activations.split(","))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"old": extract(args.baseline, Path(tmp)), "new": ROOT}
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        for r in range(args.rounds):
            for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
                runs[name].append(run_worker(trees[name], args))
    med = {name: {k: float(np.median([run[k][0] for run in rs])) for k in rs[0]}
           for name, rs in runs.items()}
    fast = {name: {k: float(np.min([run[k][1] for run in rs])) for k in rs[0]}
            for name, rs in runs.items()}
    old, new = med["old"], med["new"]
    print(f"numpy {np.__version__}; old = {args.baseline}, new = this tree; each tree in its "
          f"own subprocess, {args.rounds} alternating rounds of {args.repeats} repeats; median ms. "
          "Each worker also times the bare matmuls (floor), the same code in both: the "
          "normalized ratio (new/floor) / (old/floor) cancels the machine's load between them; "
          "'fastest n/o': the fastest call of all rounds, new over old.")
    print(f"{'case':<28} {'old ms':>8} {'floor':>8} {'new ms':>8} {'floor':>8} {'new/old':>8} "
          f"{'normalized':>10} {'fastest n/o':>11}")
    for key in old:
        if key.endswith(" floor"):
            continue
        fastest = fast["new"][key] / fast["old"][key]
        if key + " floor" not in old:
            print(f"{key:<28} {1e3 * old[key]:>8.2f} {'':>8} {1e3 * new[key]:>8.2f} {'':>8} "
                  f"{new[key] / old[key]:>8.3f} {'':>10} {fastest:>11.3f}")
            continue
        f_old, f_new = old[key + " floor"], new[key + " floor"]
        print(f"{key:<28} {1e3 * old[key]:>8.2f} {1e3 * f_old:>8.2f} {1e3 * new[key]:>8.2f} "
              f"{1e3 * f_new:>8.2f} {new[key] / old[key]:>8.3f} "
              f"{(new[key] / f_new) / (old[key] / f_old):>10.3f} {fastest:>11.3f}")

if __name__ == "__main__":
    main()
