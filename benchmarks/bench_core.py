"""Time one MLP forward+backward pass against the floor of the same matmuls done bare in NumPy.

Per layer the pass needs three matmuls (z = h W forward; dL/dW = h^T dL/dz and
dL/dh = dL/dz W^T backward); everything else (activation, derivative, bias) is overhead.
The floor runs exactly those matmuls on arrays of the same shapes. Both are timed in the
same process, interleaved, and the median of many repeats is reported, so the ratio holds
on a busy machine even when the absolute times wander.

    python benchmarks/bench_core.py [--repeats N] [--quick]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from wi_helpers import MAX_BYTES, MLP, footprint_bytes


def floor_pass(Ws: list[np.ndarray], X: np.ndarray, G: np.ndarray) -> None:
    """The three bare matmuls per layer, with pre-allocated outputs (no other work)."""
    hs = [X]
    for W in Ws:
        hs.append(hs[-1] @ W)
    g = G
    for l in reversed(range(len(Ws))):
        _ = hs[l].T @ g
        g = g @ Ws[l].T


def measure(depth: int, width: int, batch: int, dtype, repeats: int,
            activation: str = "tanh") -> tuple[float, float]:
    """Median seconds of (MLP forward+backward, floor) for one shape."""
    net = MLP([width] * (depth + 1), activation=activation, init="glorot_uniform", seed=0, dtype=dtype)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((batch, width)).astype(dtype)
    G = rng.standard_normal((batch, width)).astype(dtype)
    Ws = [W.copy() for W in net.weights]
    for _ in range(2):  # warm up caches and BLAS threads
        net.forward(X), net.backward(G), floor_pass(Ws, X, G)
    t_net, t_floor = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        net.forward(X)
        net.backward(G)
        t1 = time.perf_counter()
        floor_pass(Ws, X, G)
        t2 = time.perf_counter()
        t_net.append(t1 - t0)
        t_floor.append(t2 - t1)
    return float(np.median(t_net)), float(np.median(t_floor))


def main() -> None:
    """Print a table of MLP vs floor timings for a few shapes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="only the smallest shapes")
    parser.add_argument("--activations", default="tanh,relu",
                        help="comma-separated activations to time (default: tanh,relu)")
    args = parser.parse_args()
    # depth 10; 1024 x 1024 with batch 1024 in float64 is over MAX_BYTES, so float32 only there
    shapes = [(10, 256, 256), (10, 256, 1024), (10, 1024, 256), (10, 1024, 1024)]
    if args.quick:
        shapes = shapes[:2]
    print(f"numpy {np.__version__}; depth 10; median of {args.repeats} interleaved repeats")
    print(f"{'act':>5} {'width':>6} {'batch':>6} {'dtype':>8} {'MLP ms':>9} {'floor ms':>9} {'ratio':>6}")
    for activation in args.activations.split(","):
        for depth, width, batch in shapes:
            for dtype in (np.float32, np.float64):
                if footprint_bytes([width] * (depth + 1), batch, dtype) > MAX_BYTES:
                    continue
                t_net, t_floor = measure(depth, width, batch, dtype, args.repeats, activation)
                print(f"{activation:>5} {width:>6} {batch:>6} {np.dtype(dtype).name:>8} "
                      f"{1e3 * t_net:>9.2f} {1e3 * t_floor:>9.2f} {t_net / t_floor:>6.2f}")


if __name__ == "__main__":
    main()
