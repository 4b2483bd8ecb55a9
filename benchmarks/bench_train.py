"""Training throughput of wi_helpers.train on Shapeset-3x2, against a bare-matmul floor.

    python benchmarks/bench_train.py [--repeats 3] [--updates 400]

For each network size (the notebook's short and long modes) and batch size (10 as in the
paper, and 100) it times:

* `train()`: the whole loop (minibatch gather, forward, softmax NLL, backward, SGD update),
  with recording and evaluation switched off (record_every = eval_every = n_updates), in
  examples per second;
* the same step written the plain way, `net.backward` (every dL/dW_l as a new array, and
  dL/dX) and then W_l -= lr dL/dW_l for each layer: what `MLP.sgd_step` saves by applying
  each layer's gradient inside the backward loop;
* the floor: the same matmuls done bare in NumPy on the same shapes, per layer one forward
  h @ W and two backward ones (h^T @ dz and dz @ W^T), into preallocated arrays;

and prints the ratio train / floor (time per update): how much the Python loop, the
activation functions and the update cost on top of the unavoidable matrix products. The
best of `--repeats` runs is kept, timed in CPU time of this process (`time.process_time`),
so that other jobs on a shared machine disturb it less; on an idle machine it equals wall time. Both run with OpenBLAS on one
thread (`single_threaded_blas`, what train() uses: batch-10 products gain nothing from threads).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from wi_helpers import MLP
from wi_helpers.shapeset import make_shapeset
from wi_helpers.blas import single_threaded_blas
from wi_helpers.train import train

CONFIGS = [  # (label, hidden widths)
    ("short: 4 x 128", [128] * 4),
    ("long: 5 x 256", [256] * 5),
]
BATCHES = (10, 100)


def time_train(hidden: list[int], batch: int, n_updates: int, X, y, Xt, yt, dtype) -> float:
    """Seconds per update of train() with recording and evaluation off."""
    net = MLP([X.shape[1], *hidden, 9], activation="tanh", init="glorot_uniform",
              output_activation="linear", seed=0, dtype=dtype)
    t0 = time.process_time()
    # The recorder and the evaluation still run at update 0 and at the end: time a run of
    # n_updates and one of 1 update and take the difference, so they cancel out.
    train(net, X, y, X_test=Xt, y_test=yt, lr=0.01, batch_size=batch, n_updates=n_updates,
          rng=np.random.default_rng(0), record_every=n_updates, eval_every=n_updates,
          progress=False)
    t_long = time.process_time() - t0
    t0 = time.process_time()
    train(net, X, y, X_test=Xt, y_test=yt, lr=0.01, batch_size=batch, n_updates=1,
          rng=np.random.default_rng(0), record_every=1, eval_every=1, progress=False)
    t_one = time.process_time() - t0
    return (t_long - t_one) / (n_updates - 1)


def time_plain_step(hidden: list[int], batch: int, n_updates: int, X, y, dtype) -> float:
    """Seconds per update of forward, softmax NLL, net.backward and W -= lr * dL/dW."""
    from wi_helpers.train import _nll
    net = MLP([X.shape[1], *hidden, 9], activation="tanh", init="glorot_uniform",
              output_activation="linear", seed=0, dtype=dtype)
    X = X.astype(dtype)
    idx = np.random.default_rng(0).integers(0, len(X), (n_updates, batch))
    with single_threaded_blas():
        t0 = time.process_time()
        for rows in idx:
            _, g = _nll(net.forward(X[rows]), y[rows])
            grads = net.backward(g)
            for W, b, gW, gb in zip(net.weights, net.biases, grads.W, grads.b):
                W -= 0.01 * gW
                b -= 0.01 * gb
        return (time.process_time() - t0) / n_updates


def time_floor(sizes: list[int], batch: int, n_updates: int, dtype) -> float:
    """Seconds per update of the bare matmuls: per layer h @ W, h^T @ dz and dz @ W^T."""
    rng = np.random.default_rng(0)
    Ws = [rng.standard_normal((a, b)).astype(dtype) for a, b in zip(sizes[:-1], sizes[1:])]
    hs = [rng.standard_normal((batch, a)).astype(dtype) for a in sizes[:-1]]
    dzs = [rng.standard_normal((batch, b)).astype(dtype) for b in sizes[1:]]
    zs = [np.empty((batch, b), dtype) for b in sizes[1:]]
    gWs = [np.empty_like(W) for W in Ws]
    ghs = [np.empty_like(h) for h in hs]
    with single_threaded_blas():  # as train() does
        t0 = time.process_time()
        for _ in range(n_updates):
            for W, h, dz, z, gW, gh in zip(Ws, hs, dzs, zs, gWs, ghs):
                np.matmul(h, W, out=z)
                np.matmul(h.T, dz, out=gW)
                np.matmul(dz, W.T, out=gh)
        return (time.process_time() - t0) / n_updates


def main(argv: list[str] | None = None) -> None:
    """Print the throughput table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    args = parser.parse_args(argv)
    dtype = np.dtype(args.dtype)
    rng = np.random.default_rng(0)
    X, y = make_shapeset(5000, rng=rng)
    Xt, yt = make_shapeset(300, rng=rng)
    print(f"Shapeset-3x2 (1024 inputs, 9 classes), tanh, {dtype.name}, BLAS on 1 thread, "
          f"best of {args.repeats} runs of {args.updates} updates, CPU time")
    head = (f"{'network':<16} {'batch':>5} {'train ex/s':>11} {'plain ex/s':>11} {'floor ex/s':>11} "
            f"{'train/floor':>11} {'ms/update':>10}")
    print(head)
    print("-" * len(head))
    for label, hidden in CONFIGS:
        sizes = [X.shape[1], *hidden, 9]
        for batch in BATCHES:
            n = args.updates
            t_train = min(time_train(hidden, batch, n, X, y, Xt, yt, dtype) for _ in range(args.repeats))
            t_plain = min(time_plain_step(hidden, batch, n, X, y, dtype) for _ in range(args.repeats))
            t_floor = min(time_floor(sizes, batch, n, dtype) for _ in range(args.repeats))
            print(f"{label:<16} {batch:>5} {batch / t_train:>11,.0f} {batch / t_plain:>11,.0f} "
                  f"{batch / t_floor:>11,.0f} "
                  f"{t_train / t_floor:>11.2f} {1e3 * t_train:>10.3f}")


if __name__ == "__main__":
    main()
