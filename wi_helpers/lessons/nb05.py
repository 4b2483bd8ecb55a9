"""Notebook 05's experiments: Glorot & Bengio's Table 1 on Shapeset-3x2 (settings, learning
rates, seeds, data, the runs) and the live depth experiment.

The training itself is `wi_helpers.train` (plain SGD, softmax, NLL, the per-layer recorder);
this module only says which networks notebook 05 trains and on what. The stored runs
(`scripts/long_runs.py`, `scripts/lr_search.py`, `scripts/explanation_runs.py`) use it too.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from ..mlp import MLP
from ..shapeset import make_shapeset
from ..train import History, input_statistics, train
from ..validation import check_int


# --------------------------------------------------------------- the paper's Table 1

# Glorot & Bengio (2010), Table 1, Shapeset-3x2 column: test error (%) with 5 hidden layers
# of 1000 units; "N" = normalized init, eq. (16).
PAPER_TABLE1_SHAPESET: dict[str, float] = {
    "Softsign": 16.27, "Softsign N": 16.06, "Tanh": 27.15, "Tanh N": 15.60, "Sigmoid": 82.61,
}
# name -> (activation, init); the order fixes the seeds of each run
TABLE1_RUNS: dict[str, tuple[str, str]] = {
    "Sigmoid": ("sigmoid", "standard"),
    "Tanh": ("tanh", "standard"),
    "Tanh N": ("tanh", "glorot_uniform"),
    "Softsign": ("softsign", "standard"),
    "Softsign N": ("softsign", "glorot_uniform"),
}


# The learning rates chosen per setting and per mode, as the paper did, by scripts/lr_search.py
# (results in data/05_lr_search.json; a test checks that these are its choices): the rate with
# the lowest mean *validation* error over the last 5 evaluations, averaged over seeds, in that
# mode (the validation images are `validation_data`'s; the test set plays no part).
LEARNING_RATES: dict[str, dict[str, float]] = {
    "short": {"Sigmoid": 0.003, "Tanh": 0.1, "Tanh N": 0.03, "Softsign": 0.003,
              "Softsign N": 0.1},
    "long": {"Sigmoid": 0.1, "Tanh": 0.1, "Tanh N": 0.01, "Softsign": 0.03,
             "Softsign N": 0.03},
}
LR_GRID: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3)


@dataclass(frozen=True)
class Settings:
    """One mode of the Table 1 experiment (network, data, schedule, learning rates, seeds)."""

    hidden: tuple[int, ...]
    n_updates: int
    n_train: int
    n_test: int
    record_every: int
    eval_every: int
    n_val: int = 0                # validation images: the learning-rate search scores on them
    lr: float | None = None       # None: the per-setting rate of `LEARNING_RATES[mode]`
    batch_size: int = 10
    seed: int = 2010
    dtype: str = "float32"
    centre: bool = True           # inputs centred and scaled with training-set statistics
    n_seeds: int = 3              # networks per row (different init and minibatch order)
    mode: str = "short"           # which row of `LEARNING_RATES` (each mode has its own search)

    def lr_for(self, name: str) -> float:
        """The learning rate of the Table 1 row `name` under these settings."""
        return float(self.lr) if self.lr is not None else LEARNING_RATES[self.mode][name]

    def describe(self) -> str:
        """One line for captions: network, updates, data."""
        lr = f"lr = {self.lr}" if self.lr is not None else "lr chosen per setting"
        inputs = "centred and scaled inputs" if self.centre else "raw pixel inputs"
        return (f"{len(self.hidden)} hidden layers of {self.hidden[0]} units, {self.n_updates:,} "
                f"updates of {self.batch_size} examples, {lr}, {self.n_seeds} seeds, "
                f"{self.n_train:,} training and {self.n_test:,} test images, {inputs}")


# short: about a second per run; the network of the live sigmoid run (`FIG2_SETTINGS`, at a
# fixed rate) and of scripts/explanation_runs.py. At this budget every Table 1 row stays
# near chance, so the notebook trains no short Table 1 (its search is stored all the same).
# long: the stored runs data/05_long_runs.npz (scripts/long_runs.py, about a minute per run
# on an idle core). Both: centred and scaled inputs, learning rates chosen per setting by a
# search on validation images in that mode, 3 seeds per row.
SETTINGS: dict[str, Settings] = {
    "short": Settings(hidden=(128,) * 4, n_updates=2000, n_train=20_000, n_test=1000,
                      n_val=2000, record_every=100, eval_every=100),
    "long": Settings(hidden=(256,) * 5, n_updates=40_000, n_train=100_000, n_test=5000,
                     n_val=5000, record_every=1000, eval_every=1000, mode="long"),
}


def _draw(settings: Settings, with_validation: bool):
    rng = np.random.default_rng(settings.seed)
    chunk = 50_000  # the generator caps the size of one call
    parts = [make_shapeset(min(chunk, settings.n_train - i), rng=rng)
             for i in range(0, settings.n_train, chunk)]
    X, y = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    X_test, y_test = make_shapeset(settings.n_test, rng=rng)
    if with_validation:  # drawn after the test set: training and test sets stay as they are
        if settings.n_val < 1:
            raise ValueError("settings.n_val must be >= 1 for a validation set, "
                             f"got {settings.n_val}")
        X_test, y_test = make_shapeset(settings.n_val, rng=rng)
    if settings.centre:
        mean, std = input_statistics(X)  # training set only: the test set stays unseen
        X = ((X - mean) / std).astype(X.dtype)
        X_test = ((X_test - mean) / std).astype(X_test.dtype)
    return X, y, X_test, y_test


# The live sigmoid run of the notebook (their Fig. 2): the short network, one fixed rate. At
# this budget every rate of the short search leaves the sigmoid at chance, so that search
# cannot choose one; 0.1 is the rate of the depth experiment.
FIG2_SETTINGS = replace(SETTINGS["short"], lr=0.1)


def shapeset_data(settings: Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training and test images for these settings: centred and scaled with training statistics
    when `settings.centre` (so each input has mean 0 and the inputs variance 1), else raw pixels."""
    return _draw(settings, with_validation=False)


def validation_data(settings: Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The training images of `shapeset_data` and, in place of the test set, `settings.n_val`
    validation images: further draws from the same generator, never trained on and disjoint
    from the test set (which the learning-rate search never sees)."""
    return _draw(settings, with_validation=True)


def run_seed(settings: Settings, k: int, s: int) -> tuple[int, int]:
    """(network seed, minibatch-order seed) of row k, seed index s."""
    return settings.seed + k + 1000 * s, settings.seed + 100 + k + 1000 * s


def train_one(settings: Settings, activation: str, init: str, lr: float, *, seed: int,
              order_seed: int, data, progress: bool | str = False, gain: float = 1.0) -> History:
    """Train one network of these settings with this activation, init, learning rate and
    weight gain (`MLP(gain=...)`: every layer's weights multiplied by it)."""
    X, y, X_test, y_test = data
    net = MLP([X.shape[1], *settings.hidden, 9], activation=activation, init=init,
              output_activation="linear", seed=seed, dtype=settings.dtype, gain=gain)
    return train(net, X, y, X_test=X_test, y_test=y_test, lr=lr,
                 batch_size=settings.batch_size, n_updates=settings.n_updates,
                 rng=np.random.default_rng(order_seed), record_every=settings.record_every,
                 eval_every=settings.eval_every, progress=progress)


OnRun = Callable[[str, History], None]


def run_table1(settings: Settings, *, names: Sequence[str] | None = None, data=None,
               progress: bool | str = "auto", seed_index: int = 0,
               on_run: OnRun | None = None) -> dict[str, History]:
    """Train one network per row of Table 1 (`TABLE1_RUNS`) with these settings; seeded.

    `seed_index` s selects the s-th seed of every row (`run_seed`). A KeyboardInterrupt (the
    stop button) ends the current run cleanly and skips the rest: the result then holds the
    runs done so far, the last one flagged `interrupted`. `on_run(name, history)` is called
    after each run (e.g. to update a progress line).
    """
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be a Settings (e.g. SETTINGS['short']), got {type(settings).__name__}")
    names = list(TABLE1_RUNS) if names is None else list(names)
    for name in names:
        if name not in TABLE1_RUNS:
            raise ValueError(f"unknown run {name!r}; allowed: {', '.join(TABLE1_RUNS)}")
    seed_index = check_int("seed_index", seed_index, min=0)
    data = shapeset_data(settings) if data is None else data
    out = {}
    for name in names:
        k = list(TABLE1_RUNS).index(name)
        activation, init = TABLE1_RUNS[name]
        seed, order_seed = run_seed(settings, k, seed_index)
        out[name] = train_one(settings, activation, init, settings.lr_for(name), seed=seed,
                              order_seed=order_seed, data=data, progress=progress)
        if on_run is not None:
            on_run(name, out[name])
        if out[name].interrupted:
            break
    return out


def run_table1_seeds(settings: Settings, *, data=None, names: Sequence[str] | None = None,
                     progress: bool | str = "auto",
                     on_run: OnRun | None = None) -> dict[str, list[History]]:
    """`run_table1` for seed indices 0..n_seeds-1: row name -> one History per seed."""
    data = shapeset_data(settings) if data is None else data
    names = list(TABLE1_RUNS) if names is None else list(names)
    out: dict[str, list[History]] = {name: [] for name in names}
    for s in range(settings.n_seeds):
        runs = run_table1(settings, names=names, data=data, progress=progress, seed_index=s,
                          on_run=on_run)
        for name, h in runs.items():
            out[name].append(h)
        if any(h.interrupted for h in runs.values()) or len(runs) < len(names):
            break
    return out


# ------------------------------------------------- the depth experiment (live, short mode)

# Deep narrow tanh networks on a simpler Shapeset: there the standard init's shrinkage (a
# factor n Var[W] = 1/3 per layer forward, and the same backward) compounds over 16 layers
# and leaves the lower layers without signal, while the normalized init keeps it.
@dataclass(frozen=True)
class DepthSettings:
    """The live depth experiment: network, data and schedule (plain SGD, softmax, NLL)."""

    hidden: tuple[int, ...] = (32,) * 16
    activation: str = "tanh"
    inits: tuple[str, ...] = ("standard", "glorot_uniform")
    size: int = 16                # image side (Shapeset's is 32)
    n_train: int = 6000
    n_test: int = 1000
    n_updates: int = 1000
    lr: float = 0.1
    batch_size: int = 10
    eval_every: int = 100
    n_seeds: int = 3
    seed: int = 77

    def describe(self) -> str:
        """One line for captions."""
        return (f"{len(self.hidden)} {self.activation} layers of {self.hidden[0]} units, "
                f"{self.n_updates:,} updates of {self.batch_size}, lr = {self.lr}, {self.n_seeds} seeds, "
                f"{self.size}x{self.size} one-shape silhouettes (3 classes)")


DEPTH_SETTINGS = DepthSettings()


def silhouette_data(settings: DepthSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One-shape Shapeset silhouettes (shape pixels 1, background 0; 3 classes: triangle,
    parallelogram, ellipse), centred and scaled with training-set statistics."""
    from ..shapeset import sample_scene
    rng = np.random.default_rng(settings.seed)

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        # Draw about 3n scenes and keep the one-shape ones (classes 0-2, each 1/9 of scenes);
        # grey levels and second shapes are dropped: only the outline of the shape is left.
        xs, ys, have = [], [], 0
        while have < n:
            sc = sample_scene(min(50_000, 3 * (n - have) + 300), rng=rng, size=settings.size)
            keep = sc.labels < 3
            xs.append(sc.masks[keep, 0].reshape(int(keep.sum()), -1).astype(np.float32))
            ys.append(sc.labels[keep])
            have += int(keep.sum())
        return np.concatenate(xs)[:n], np.concatenate(ys)[:n]

    X, y = draw(settings.n_train)
    X_test, y_test = draw(settings.n_test)
    mean, std = input_statistics(X)
    return (((X - mean) / std).astype(np.float32), y,
            ((X_test - mean) / std).astype(np.float32), y_test)


def run_depth_experiment(settings: DepthSettings = DEPTH_SETTINGS, *, data=None,
                         on_run: OnRun | None = None) -> dict[str, list[History]]:
    """Train `n_seeds` networks per init of `settings`; init -> one History per seed.

    Seed s uses network seed settings.seed + s and minibatch order seed settings.seed + 100 + s
    for every init, so the two inits see the same minibatches. `on_run(init, history)` is
    called after each run."""
    if not isinstance(settings, DepthSettings):
        raise TypeError(f"settings must be a DepthSettings, got {type(settings).__name__}")
    X, y, X_test, y_test = silhouette_data(settings) if data is None else data
    out: dict[str, list[History]] = {}
    for init in settings.inits:
        out[init] = []
        for s in range(settings.n_seeds):
            net = MLP([X.shape[1], *settings.hidden, 3], activation=settings.activation, init=init,
                      output_activation="linear", seed=settings.seed + s, dtype="float32")
            out[init].append(train(net, X, y, X_test=X_test, y_test=y_test, lr=settings.lr,
                                   batch_size=settings.batch_size, n_updates=settings.n_updates,
                                   rng=np.random.default_rng(settings.seed + 100 + s),
                                   record_every=settings.n_updates, eval_every=settings.eval_every,
                                   progress=False))
            if on_run is not None:
                on_run(init, out[init][-1])
    return out


# ------------------------------------------------------------- progress in a notebook

class ProgressLine:
    """One line of text, updated in place in a notebook cell ("trained 3 of 6 networks, 4 s"),
    that prints nothing to stderr; outside IPython it prints nothing at all.

    Use it as the `on_run` callback of `run_table1_seeds` or `run_depth_experiment`."""

    def __init__(self, total: int, what: str = "networks") -> None:
        """A line for `total` runs of `what`."""
        self.total = check_int("total", total, min=1)
        self.what, self.done, self.t0 = str(what), 0, time.perf_counter()
        self._handle = None
        try:
            from IPython import get_ipython
            from IPython.display import Pretty, display
            if get_ipython() is not None:
                self._handle = display(Pretty(self.text()), display_id=True)
        except ImportError:
            pass

    def text(self) -> str:
        """The line as it reads now."""
        return (f"trained {self.done} of {self.total} {self.what} "
                f"({time.perf_counter() - self.t0:.0f} s)")

    def __call__(self, name: str = "", history: History | None = None) -> None:
        """Count one finished run and update the line."""
        self.done += 1
        if self._handle is not None:
            from IPython.display import Pretty
            self._handle.update(Pretty(self.text()))
