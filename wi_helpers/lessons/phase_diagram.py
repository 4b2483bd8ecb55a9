"""Computations notebook 09 shows (the order-to-chaos phase diagram): pure NumPy.

Two correlated inputs through wide random tanh networks (the simulation beside the mean-field
correlation map), measured convergence rates of q_l and c_l, and the trainability runs: deep
tanh MLPs at (sigma_w^2, depth) trained for a fixed budget on a small synthetic task.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..mlp import MLP
from ..propagation import depth_scales
from ..validation import check_array, check_int, check_real, check_rng, check_seed

@dataclass(frozen=True)
class PairSimulation:
    """q_l and c_l of pairs of inputs through random networks: arrays [point, start, draw, layer]."""

    sigma_w2: np.ndarray   # (P,) the points
    sigma_b2: float
    width: int
    q0: np.ndarray         # (P,) the inputs' ||x||^2 / n at each point
    c0: np.ndarray         # (P, S) the starting correlations at each point
    q: np.ndarray          # (P, S, D, L) mean over the pairs of the two inputs' mean z_l^2
    c: np.ndarray          # (P, S, D, L) mean over the pairs of the correlation of z_l


def _unit_pairs(n: int, pairs: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # orthonormal a, o per pair (Gram-Schmidt): inputs with exact norms and correlation
    g = rng.standard_normal((2, pairs, n))
    a = g[0] / np.linalg.norm(g[0], axis=-1, keepdims=True)
    o = g[1] - (g[1] * a).sum(-1, keepdims=True) * a
    return a, o / np.linalg.norm(o, axis=-1, keepdims=True)


def simulate_pairs(sigma_w2: Sequence[float], sigma_b2: float, *, depth: int,
                   width: int = 1000, draws: int = 3, pairs: int = 16,
                   q0: float | Sequence[float] = 1.0, c0: Sequence = (0.2, 0.9),
                   rng: np.random.Generator) -> PairSimulation:
    """Pairs of inputs (||x||^2 / n = q0, correlation c0) through random tanh networks of `width`.

    The input layer is linear, z_1 = W_1 x + b_1, then z_{l+1} = W_{l+1} tanh(z_l) + b_{l+1},
    with W ~ N(0, sigma_w2 / width) and b ~ N(0, sigma_b2). Each draw's weights are one set of
    standard normals scaled for every sigma_w2 (common random numbers: the points differ only
    in the scale), and the pairs of one draw share their first input and direction, so that
    two starting correlations differ in c0 only. q0 is one number or one per point; c0 a
    sequence of S correlations, or one row of S per point.
    """
    sw = check_array("sigma_w2", np.asarray(sigma_w2, dtype=np.float64), ndim=1)
    if np.any(sw <= 0):
        raise ValueError(f"sigma_w2 must hold numbers > 0, got {sigma_w2!r}")
    sb2 = check_real("sigma_b2", sigma_b2, min=0)
    depth = check_int("depth", depth, min=1, max=500)
    width = check_int("width", width, min=2, max=4000)
    draws = check_int("draws", draws, min=1, max=100)
    pairs = check_int("pairs", pairs, min=1, max=1000)
    q0v = np.broadcast_to(check_array("q0", np.asarray(q0, dtype=np.float64)), sw.shape)
    if np.any(q0v <= 0):
        raise ValueError(f"q0 must be > 0, got {q0!r}")
    c0v = check_array("c0", np.asarray(c0, dtype=np.float64))
    if c0v.ndim not in (1, 2) or np.any(np.abs(c0v) > 1):
        raise ValueError(f"c0 must be correlations in [-1, 1], one row or one row per point, "
                         f"got {c0!r}")
    c0v = np.broadcast_to(c0v, (sw.size, c0v.shape[-1])).copy()
    check_rng("rng", rng)
    P, S, n = sw.size, c0v.shape[1], width
    q = np.empty((P, S, draws, depth))
    c = np.empty((P, S, draws, depth))
    rows = S * pairs
    for d in range(draws):
        a, o = _unit_pairs(n, pairs, rng)
        a, o = np.tile(a, (S, 1)), np.tile(o, (S, 1))  # the same pairs for every start
        cc = np.repeat(c0v, pairs, axis=1)[:, :, None]  # (P, rows, 1)
        x = np.concatenate([np.broadcast_to(a, cc.shape[:2] + (n,)),
                            cc * a + np.sqrt(1.0 - cc * cc) * o], axis=1)  # (P, 2 rows, n)
        h = np.sqrt(q0v * n)[:, None, None] * x
        for l in range(depth):
            Z = rng.standard_normal((n, n)) / np.sqrt(n)
            b = rng.standard_normal(n)
            z = np.sqrt(sw)[:, None, None] * (h @ Z) + np.sqrt(sb2) * b
            za, zb = z[:, :rows], z[:, rows:]
            qa, qb = (za * za).mean(-1), (zb * zb).mean(-1)  # (P, rows)
            cab = (za * zb).mean(-1) / np.sqrt(qa * qb)
            q[:, :, d, l] = (0.5 * (qa + qb)).reshape(P, S, pairs).mean(-1)
            c[:, :, d, l] = cab.reshape(P, S, pairs).mean(-1)
            h = np.tanh(z)
    return PairSimulation(sw, sb2, width, np.array(q0v), c0v, q, c)


class PairNetworks:
    """A few random networks drawn once (standard normals), run at any (sigma_w^2, sigma_b^2).

    The dashboard's simulation: every point uses the same draws scaled by sqrt(sigma_w2 /
    width) and sqrt(sigma_b2), so moving a slider changes the scale only.
    """

    def __init__(self, *, width: int, depth: int, draws: int, pairs: int,
                 rng: np.random.Generator):
        self.width = check_int("width", width, min=2, max=1000)
        self.depth = check_int("depth", depth, min=1, max=200)
        self.draws = check_int("draws", draws, min=1, max=10)
        self.pairs = check_int("pairs", pairs, min=1, max=256)
        check_rng("rng", rng)
        n = self.width
        self.Z = rng.standard_normal((draws, depth, n, n), dtype=np.float32) / np.float32(
            np.sqrt(n))
        self.b = rng.standard_normal((draws, depth, 1, n)).astype(np.float32)
        g = rng.standard_normal((draws, 2, pairs, n))
        a = g[:, 0] / np.linalg.norm(g[:, 0], axis=-1, keepdims=True)
        o = g[:, 1] - (g[:, 1] * a).sum(-1, keepdims=True) * a
        self._a, self._o = a, o / np.linalg.norm(o, axis=-1, keepdims=True)

    def run(self, sigma_w2: float, sigma_b2: float, *, q0: float,
            c0: float) -> tuple[np.ndarray, np.ndarray]:
        """(q_l, c_l) per draw, shape (draws, depth), for inputs of variance q0 and correlation c0."""
        sw = check_real("sigma_w2", sigma_w2, min=0, include_min=False)
        sb = check_real("sigma_b2", sigma_b2, min=0)
        q0 = check_real("q0", q0, min=0, include_min=False)
        c0 = check_real("c0", c0, min=-1, max=1)
        s = np.sqrt(q0 * self.width)
        x1, x2 = s * self._a, s * (c0 * self._a + np.sqrt(1.0 - c0 * c0) * self._o)
        h = np.concatenate([x1, x2], axis=1).astype(np.float32)  # (draws, 2 pairs, n)
        q = np.empty((self.draws, self.depth))
        c = np.empty((self.draws, self.depth))
        P = self.pairs
        w, bb = np.float32(np.sqrt(sw)), np.float32(np.sqrt(sb))
        for l in range(self.depth):
            z = (w * (h @ self.Z[:, l]) + bb * self.b[:, l]).astype(np.float64)
            za, zb = z[:, :P], z[:, P:]
            qa, qb = (za * za).mean(-1), (zb * zb).mean(-1)
            q[:, l] = 0.5 * (qa + qb).mean(-1)
            c[:, l] = ((za * zb).mean(-1) / np.sqrt(qa * qb)).mean(-1)
            h = np.tanh(z).astype(np.float32)
        return q, c


def measured_rate(distance: np.ndarray, *, lo: float, hi: float) -> tuple[float, int]:
    """exp(slope) of a least-squares fit of ln|distance_l| over the layers with lo <= |d| <= hi,
    and how many layers the fit used (nan and 0 when fewer than 3)."""
    d = np.abs(np.asarray(distance, dtype=np.float64))
    lo = check_real("lo", lo, min=0, include_min=False)
    hi = check_real("hi", hi, min=lo, include_min=False)
    idx = np.flatnonzero((d >= lo) & (d <= hi))
    if idx.size < 3:
        return float("nan"), int(idx.size)
    slope = np.polyfit(idx.astype(np.float64), np.log(d[idx]), 1)[0]
    return float(np.exp(slope)), int(idx.size)


# The trainability task: a random one-hidden-layer tanh "teacher" labels Gaussian inputs.
TASK = dict(dim=16, teacher_width=32, n_classes=4, teacher_seed=2017, teacher_gain=2.0)


def teacher_task(n: int, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n inputs x ~ N(0, I_16) and their labels (0..3) from a fixed random tanh teacher."""
    n = check_int("n", n, min=1)
    check_rng("rng", rng)
    t = np.random.default_rng(TASK["teacher_seed"])
    d, w, k = TASK["dim"], TASK["teacher_width"], TASK["n_classes"]
    A = t.normal(0.0, TASK["teacher_gain"] / np.sqrt(d), (d, w))
    B = t.normal(0.0, 1.0 / np.sqrt(w), (w, k))
    X = rng.standard_normal((n, d))
    y = np.argmax(np.tanh(X @ A) @ B, axis=1)
    return X, y


def _nll_grad(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


def accuracy(net: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of (X, y) classified correctly (a non-finite output counts as wrong)."""
    out = net.forward(X)
    ok = np.isfinite(out).all(axis=1) & (np.argmax(out, axis=1) == y)
    return float(np.mean(ok))


@dataclass(frozen=True)
class TrainResult:
    """One trainability run: accuracies after the budget and how long it took."""

    train_accuracy: float
    test_accuracy: float
    diverged: bool
    seconds: float


def trainability_run(sigma_w2: float, depth: int, *, sigma_b2: float = 0.05, width: int = 64,
                     seed: int = 0, n_updates: int = 1000, lr: float = 0.05,
                     batch_size: int = 32, n_train: int = 2000, n_test: int = 1000,
                     data_seed: int = 1611) -> TrainResult:
    """Train a tanh MLP at (sigma_w2, sigma_b2) of `depth` hidden layers by SGD on the teacher task."""
    sigma_w2 = check_real("sigma_w2", sigma_w2, min=0, include_min=False)
    sigma_b2 = check_real("sigma_b2", sigma_b2, min=0)
    depth = check_int("depth", depth, min=1)
    width = check_int("width", width, min=1)
    seed = check_seed("seed", seed)
    n_updates = check_int("n_updates", n_updates, min=1)
    lr = check_real("lr", lr, min=0, include_min=False)
    batch_size = check_int("batch_size", batch_size, min=1)
    n_train = check_int("n_train", n_train, min=batch_size)
    n_test = check_int("n_test", n_test, min=1)
    data_rng = np.random.default_rng(data_seed)
    X, y = teacher_task(n_train, rng=data_rng)
    X_te, y_te = teacher_task(n_test, rng=data_rng)
    net = MLP([TASK["dim"]] + [width] * depth + [TASK["n_classes"]], activation="tanh",
              init="lecun_normal", gain=float(np.sqrt(sigma_w2)),
              bias_std=float(np.sqrt(sigma_b2)), output_activation="linear", seed=seed)
    rng = np.random.default_rng(10_000 + seed)
    t0 = time.perf_counter()
    order, pos, diverged = rng.permutation(n_train), 0, False
    for _ in range(n_updates):
        if pos + batch_size > n_train:
            order, pos = rng.permutation(n_train), 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        out = net.forward_trusted(X[idx])
        if not np.isfinite(out).all():
            diverged = True
            break
        net.sgd_step_trusted(_nll_grad(out, y[idx]), lr)
    return TrainResult(train_accuracy=accuracy(net, X[:1000], y[:1000]),
                       test_accuracy=accuracy(net, X_te, y_te), diverged=diverged,
                       seconds=time.perf_counter() - t0)


# The stored trainability runs (scripts/phase_trainability_runs.py -> data/09_trainability.json).
TRAIN_SETTINGS = dict(sigma_b2=0.05, sigma_w2=[1.0, 1.25, 1.5, 1.76, 2.0, 2.5, 3.0, 4.0],
                      depths=[4, 8, 16, 24, 32, 48, 64, 96], seeds=2, width=64,
                      n_updates=2000, lr=0.01, batch_size=32, n_train=2000, n_test=1000,
                      data_seed=1611)


def run_key(sigma_w2: float, depth: int, seed: int) -> str:
    """The key of one stored trainability run: 'sigma_w2|depth|seed'."""
    return f"{float(sigma_w2):g}|{int(depth)}|{int(seed)}"


# ------------------------------------------------------------------ every init on the map


@dataclass(frozen=True)
class InitPoint:
    """Where one init scheme puts a tanh network of equal widths on the phase diagram."""

    name: str
    sigma_w2: float
    sigma_b2: float
    phase: str
    chi_1: float
    xi_c: float
    q_star: float


def init_points(width: int) -> list[InitPoint]:
    """Standard, Glorot, LeCun, He, PyTorch's default, Glorot with gain 5/3 and LSUV, for tanh at `width`."""
    from ..init import weight_std
    from ..propagation import lsuv_point

    width = check_int("width", width, min=1)
    sw = lambda scheme, gain=1.0: width * weight_std(scheme, width, width, gain=gain) ** 2  # noqa: E731
    # PyTorch nn.Linear: kaiming_uniform_(a=sqrt(5)) weights = U[-1/sqrt(n), 1/sqrt(n)], and
    # biases U[-1/sqrt(n), 1/sqrt(n)]: Var[b] = 1/(3n).
    torch_gain = float(np.sqrt(2.0 / (1.0 + 5.0)))
    rows = [("standard U[-1/sqrt(n), 1/sqrt(n)]", sw("standard"), 0.0),
            ("Glorot (Xavier)", sw("glorot_normal"), 0.0),
            ("LeCun", sw("lecun_normal"), 0.0),
            ("He (Kaiming)", sw("he_normal"), 0.0),
            ("PyTorch nn.Linear default", sw("he_uniform", torch_gain / np.sqrt(2.0)),
             1.0 / (3.0 * width)),
            ("Glorot with tanh gain 5/3", sw("glorot_normal", 5.0 / 3.0), 0.0),
            ("LSUV (q* = 1)", lsuv_point("tanh"), 0.0)]
    out = []
    for name, w, b in rows:
        d = depth_scales("tanh", w, b)
        out.append(InitPoint(name, float(w), float(b), d.phase, d.chi_1, d.xi_c, d.q_star))
    return out


def chance_accuracy(n_train: int = 2000, data_seed: int = 1611) -> float:
    """The training accuracy of always answering the most frequent class (first 1000 examples)."""
    _, y = teacher_task(check_int("n_train", n_train, min=1),
                        rng=np.random.default_rng(data_seed))
    y = y[:1000]
    return float(np.bincount(y).max() / y.size)


def load_trainability(path) -> tuple[dict, np.ndarray, int]:
    """(settings, mean training accuracy [depth, sigma_w2] with nan where no run is stored,
    number of runs stored) from data/09_trainability.json."""
    import json
    from pathlib import Path

    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    s, runs = doc["settings"], doc["runs"]
    acc = np.full((len(s["depths"]), len(s["sigma_w2"])), np.nan)
    for i, d in enumerate(s["depths"]):
        for j, w in enumerate(s["sigma_w2"]):
            got = [runs[k]["train_accuracy"] for k in
                   (run_key(w, d, seed) for seed in range(s["seeds"])) if k in runs]
            if got:
                acc[i, j] = float(np.mean(got))
    return s, acc, len(runs)


def boundary_agreement(accuracy: np.ndarray, depths: Sequence[int], limit: Sequence[float],
                       *, threshold: float) -> tuple[float, np.ndarray]:
    """Fraction of the filled cells where 'trained' (accuracy >= threshold) agrees with
    'depth <= limit' (limit: 6 xi_c per sigma_w2 column), and the per-cell agreement (nan: empty)."""
    acc = np.asarray(accuracy, dtype=np.float64)
    dp = np.asarray(depths, dtype=np.float64)[:, None]
    lim = np.asarray(limit, dtype=np.float64)[None, :]
    agree = np.where(np.isfinite(acc), ((acc >= threshold) == (dp <= lim)).astype(float), np.nan)
    return float(np.nanmean(agree)), agree
