"""Mini-batch SGD with a softmax output, and a recorder of per-layer statistics during training.

The setup of Glorot & Bengio (2010): an `MLP(..., output_activation="linear")` whose outputs
are the logits of a softmax, the negative log-likelihood (NLL) of the labels as the cost,
plain SGD on minibatches of 10 with a constant learning rate, biases starting at 0.

Every `record_every` updates a `Recorder` looks at a fixed *monitoring batch* (by default
the first 300 test examples, as in the paper's Figs. 2-3) and keeps, per hidden layer:
the activation mean, standard deviation and percentiles (Figs. 2-3), histograms of the
activations h_l and of the back-propagated gradients dC/dz_l over bin edges fixed once for
the whole run (Figs. 4, 6, 7), and the variance of the weight gradients dC/dW_l of every
layer (Figs. 8-9). `train` returns a `History` of NumPy arrays, ready to plot.

Gradient conventions (say which one every time):
- `grad_hist` holds the per-example back-propagated gradient dC_i/dz_l, where C_i is the
  NLL of example i (the gradient of the *sum* of the monitoring batch's NLLs);
- `grad_W_var` is the variance over the entries of dC/dW_l where C is the *mean* NLL over
  the monitoring batch (the gradient an SGD step with that batch would use).
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field, fields
from typing import Sequence

import numpy as np

from .activations import saturation_fraction
from .blas import single_threaded_blas
from .validation import check_array, check_int, check_real, check_rng
from .mlp import MLP

PERCENTILES: tuple[float, ...] = (2.0, 16.0, 50.0, 84.0, 98.0)
N_MONITOR = 300  # test examples in the default monitoring batch (the paper's Figs. 2-3)
EVAL_CHUNK = 1000  # test examples per forward pass when measuring the test error


# ----------------------------------------------------------------------------- loss


def _nll(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    # log softmax through the log-sum-exp trick: subtracting the row maximum keeps exp()
    # in [0, 1], so no overflow whatever the logits.
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    sum_exp = exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(np.mean(np.log(sum_exp[:, 0]) - shifted[rows, y]))
    grad = exp / sum_exp
    grad[rows, y] -= 1.0
    grad /= n
    return loss, grad


def _check_labels(name: str, y: object, n: int, n_classes: int) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"{name} must be a 1-D array of {n} integer labels, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class labels, got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() >= n_classes):
        bad = y[(y < 0) | (y >= n_classes)][0]
        raise ValueError(f"{name} must hold labels in 0..{n_classes - 1} (the output size), "
                         f"found {bad}")
    return y


def softmax_nll(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood of integer labels y under softmax(logits), and its gradient."""
    logits = np.asarray(logits)
    if logits.ndim != 2 or logits.shape[0] < 1 or logits.shape[1] < 1:
        raise ValueError(f"logits must have shape (batch, n_classes) with batch >= 1, "
                         f"got shape {logits.shape}")
    if not np.issubdtype(logits.dtype, np.floating):
        logits = logits.astype(np.float64)
    if not np.isfinite(logits).all():
        raise ValueError("logits must be finite (found nan or inf)")
    y = _check_labels("y", y, logits.shape[0], logits.shape[1])
    return _nll(logits, y)


def predict(net: MLP, X: np.ndarray) -> np.ndarray:
    """Predicted class (argmax of the outputs) for each row of X, in chunks."""
    X = check_array("X", X, ndim=2)
    if len(X) == 0:
        raise ValueError("X must hold at least one example (row), got an array of shape "
                         f"{X.shape}")
    return np.concatenate([np.argmax(net.forward(X[i:i + EVAL_CHUNK]), axis=1)
                           for i in range(0, len(X), EVAL_CHUNK)])


def error_rate(net: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of the examples of (X, y) that the network misclassifies."""
    pred = predict(net, X)
    y = check_array("y", y, ndim=1)
    if y.shape != pred.shape:
        raise ValueError(f"y must hold one label per row of X ({len(pred)}), got shape {y.shape}")
    return float(np.mean(pred != y))


# ------------------------------------------------------------------------- recorder


def _default_h_range(net: MLP) -> tuple[float, float] | None:
    act = net.activation
    if act.h_max is None:
        return None
    return (act.h_offset - act.h_max, act.h_offset + act.h_max)


def _histogram(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts over `edges`; values outside are counted in the end bins so that counts sum to size."""
    v = np.clip(np.asarray(values, dtype=np.float64).ravel(), edges[0], edges[-1])
    # bins=int with a range takes NumPy's equal-width fast path (no sort), and gives the
    # same counts as the edges linspace(lo, hi, bins + 1) (it corrects for rounding at edges).
    counts, _ = np.histogram(v, bins=edges.size - 1, range=(edges[0], edges[-1]))
    return counts


class Recorder:
    """Per-layer statistics on a fixed monitoring batch, kept each time `record` is called."""

    def __init__(self, X_monitor: np.ndarray, y_monitor: np.ndarray, *,
                 percentiles: Sequence[float] = PERCENTILES, bins: int = 50,
                 h_range: tuple[float, float] | None = None,
                 grad_range: tuple[float, float] | None = None):
        X_monitor = np.asarray(X_monitor)
        if X_monitor.ndim != 2 or X_monitor.shape[0] < 1:
            raise ValueError(f"X_monitor must have shape (n_monitor, n_inputs) with n_monitor >= 1, "
                             f"got shape {X_monitor.shape}")
        y_monitor = np.asarray(y_monitor)
        if y_monitor.shape != (X_monitor.shape[0],) or not np.issubdtype(y_monitor.dtype, np.integer):
            raise ValueError(f"y_monitor must be {X_monitor.shape[0]} integer labels (one per row "
                             f"of X_monitor), got shape {y_monitor.shape} dtype {y_monitor.dtype}")
        p = np.asarray(percentiles, dtype=np.float64)
        if p.ndim != 1 or p.size < 1 or not np.all((p >= 0) & (p <= 100)):
            raise ValueError(f"percentiles must be numbers in [0, 100], got {percentiles!r}")
        bins = check_int("bins", bins, min=1)
        for name, r in (("h_range", h_range), ("grad_range", grad_range)):
            if r is not None and not (len(r) == 2 and np.isfinite(r).all() and r[0] < r[1]):
                raise ValueError(f"{name} must be None or two finite numbers lo < hi, got {r!r}")
        self.X, self.y = X_monitor, y_monitor
        self.percentiles = p
        self.bins = int(bins)
        self.h_range, self.grad_range = h_range, grad_range
        self.h_edges: np.ndarray | None = None
        self.grad_edges: np.ndarray | None = None
        self.rows: list[dict[str, object]] = []

    def _fix_edges(self, net: MLP, hs: list[np.ndarray], gzs: list[np.ndarray]) -> None:
        # Edges are fixed at the first record so that histograms compare over time; a
        # range not given is set from that first look (2x the 99.5th percentile of |x|).
        if self.h_edges is None:
            r = self.h_range or _default_h_range(net)
            if r is None:
                a = 2.0 * float(np.percentile(np.abs(np.concatenate([h.ravel() for h in hs])), 99.5)) or 1.0
                r = (-a, a)
            self.h_edges = np.linspace(r[0], r[1], self.bins + 1)
        if self.grad_edges is None:
            r = self.grad_range
            if r is None:
                pooled = np.abs(np.concatenate([g.ravel() for g in gzs]))
                pooled = pooled[np.isfinite(pooled)]
                a = 2.0 * float(np.percentile(pooled, 99.5)) if pooled.size else 1.0
                r = (-(a or 1.0), a or 1.0)
            self.grad_edges = np.linspace(r[0], r[1], self.bins + 1)

    def record(self, net: MLP, update: int, train_loss: float = float("nan")) -> None:
        """Measure the network on the monitoring batch and keep one row of statistics."""
        logits = net.forward(self.X)
        n = self.X.shape[0]
        with np.errstate(all="ignore"):
            loss, g = _nll(logits, self.y)
            error = float(np.mean(np.argmax(logits, axis=1) != self.y))
            # g is the gradient of the mean NLL; n*g that of the sum, whose dC/dz rows are
            # the per-example gradients dC_i/dz.
            grads = net.backward(g * n)
        H = net.depth - 1  # hidden layers
        hs, gzs = net.h[1:H + 1], grads.z[:H]
        self._fix_edges(net, hs, gzs)
        with np.errstate(all="ignore"):
            row = {
                "update": int(update), "train_loss": float(train_loss),
                "monitor_loss": loss, "monitor_error": error,
                "h_mean": [float(np.mean(h)) for h in hs],
                "h_std": [float(np.std(h)) for h in hs],
                "saturation": [saturation_fraction(net.activation, z, h)
                               for z, h in zip(net.z[:H], hs)],
                "h_percentiles": [np.percentile(h, self.percentiles) for h in hs],
                "h_hist": [_histogram(h, self.h_edges) for h in hs],
                "grad_hist": [_histogram(gz, self.grad_edges) for gz in gzs],
                "grad_z_var": [float(np.var(gz)) for gz in gzs],
                # dC/dW of the mean NLL = (dC/dW of the sum) / n
                "grad_W_var": [float(np.var(gW / n)) for gW in grads.W],
            }
        self.rows.append(row)  # appended whole, so an interrupt never leaves half a row

    def arrays(self) -> dict[str, np.ndarray]:
        """The recorded rows stacked into arrays (first axis: records)."""
        keys = ("update", "train_loss", "monitor_loss", "monitor_error", "h_mean", "h_std", "saturation",
                "h_percentiles", "h_hist", "grad_hist", "grad_z_var", "grad_W_var")
        out = {k: np.array([r[k] for r in self.rows]) for k in keys}
        if not self.rows:  # keep the documented shapes even when nothing was recorded
            out["update"] = out["update"].astype(np.int64)
        out["percentiles"] = self.percentiles.copy()
        out["h_edges"] = self.h_edges if self.h_edges is not None else np.zeros(0)
        out["grad_edges"] = self.grad_edges if self.grad_edges is not None else np.zeros(0)
        return out


# -------------------------------------------------------------------------- history


@dataclass
class History:
    """What one training run recorded; arrays are indexed [record, layer, ...]."""

    activation: str
    init: str
    sizes: list[int]
    lr: float
    batch_size: int
    n_updates: int                # requested
    updates_done: int             # fewer when interrupted
    interrupted: bool
    note: str
    seconds: float
    # learning curve, every eval_every updates on the whole test set
    eval_update: np.ndarray       # (E,)
    test_error: np.ndarray        # (E,) fraction misclassified, 0..1
    eval_train_loss: np.ndarray   # (E,) mean minibatch NLL over the updates since the last eval
    # recorder, every record_every updates on the monitoring batch
    update: np.ndarray            # (R,)
    train_loss: np.ndarray        # (R,) mean minibatch NLL since the last record (nan at 0)
    monitor_loss: np.ndarray      # (R,) mean NLL on the monitoring batch
    monitor_error: np.ndarray     # (R,)
    h_mean: np.ndarray            # (R, H) per hidden layer l = 1..H
    h_std: np.ndarray             # (R, H)
    saturation: np.ndarray        # (R, H) fraction of saturated activations (activations.saturation_fraction)
    percentiles: np.ndarray       # (P,)
    h_percentiles: np.ndarray     # (R, H, P)
    h_edges: np.ndarray           # (B + 1,)
    h_hist: np.ndarray            # (R, H, B) counts
    grad_edges: np.ndarray        # (B + 1,)
    grad_hist: np.ndarray         # (R, H, B) counts of dC_i/dz_l
    grad_z_var: np.ndarray        # (R, H) Var[dC_i/dz_l]
    grad_W_var: np.ndarray        # (R, L) Var[dC/dW_l], every layer including the output one
    extra: dict = field(default_factory=dict)

    @property
    def final_test_error(self) -> float:
        """Test error (fraction) at the last evaluation."""
        return float(self.test_error[-1]) if len(self.test_error) else float("nan")

    def to_npz_dict(self) -> dict[str, np.ndarray]:
        """Plain arrays for np.savez (scalars as 0-d arrays, strings as str arrays)."""
        out = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            out[f.name] = np.asarray(getattr(self, f.name))
        return out

    @classmethod
    def from_npz_dict(cls, d) -> "History":
        """Rebuild a History saved with `to_npz_dict` (e.g. loaded by np.load)."""
        kw = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            v = np.asarray(d[f.name])
            if f.name in ("activation", "init", "note"):
                v = str(v)
            elif f.name == "sizes":
                v = [int(s) for s in v]
            elif f.name in ("lr", "seconds"):
                v = float(v)
            elif f.name in ("batch_size", "n_updates", "updates_done"):
                v = int(v)
            elif f.name == "interrupted":
                v = bool(v)
            kw[f.name] = v
        return cls(**kw)


# ---------------------------------------------------------------------------- train


def _check_data(name_X: str, X: object, name_y: str, y: object, net: MLP) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != net.sizes[0] or X.shape[0] < 1:
        raise ValueError(f"{name_X} must have shape (n, {net.sizes[0]}) with n >= 1 to match "
                         f"the network's input size, got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or not np.isfinite(X).all():
        raise ValueError(f"{name_X} must hold finite numbers (found nan, inf or a non-numeric dtype)")
    y = _check_labels(name_y, y, X.shape[0], net.sizes[-1])
    return X, y


def _use_progress(progress: bool | str, n_updates: int) -> bool:
    if progress is True or progress is False:
        return progress
    if progress != "auto":
        raise ValueError(f"progress must be True, False or 'auto', got {progress!r}")
    # 'auto': a bar only for runs long enough to need one, only for a person watching
    # (a terminal, or a notebook kernel) and never under CI or a test runner, where it
    # would only add volatile output.
    if n_updates < 2000 or os.environ.get("CI") or "pytest" in sys.modules:
        return False
    try:
        from IPython import get_ipython
        if get_ipython() is not None and type(get_ipython()).__name__ == "ZMQInteractiveShell":
            return True
    except ImportError:
        pass
    return sys.stderr.isatty()


def _sgd_step(net: MLP, Xb: np.ndarray, yb: np.ndarray, lr: float) -> float:
    """One SGD update on the batch (Xb, yb); returns the batch's mean NLL before the update."""
    # train checked X, y, lr and the network once: the steps skip the checks
    loss, grad = _nll(net.forward_trusted(Xb), yb)
    net.sgd_step_trusted(grad, lr)  # the gradients of MLP.backward, applied layer by layer
    return loss


def _check_net(net: object) -> None:
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    if net.output_activation.name != "linear":
        raise ValueError("net must have output_activation='linear' (its outputs are the softmax's "
                         f"logits), got output_activation={net.output_activation.name!r}")
    if net.depth < 2:
        raise ValueError(f"net must have at least one hidden layer, got sizes={net.sizes}")


def _fresh_recorder(recorder: Recorder | None, net: MLP, X_test: np.ndarray,
                    y_test: np.ndarray) -> Recorder:
    """The given recorder, checked unused and matching the network, or the default one
    (the first N_MONITOR test examples)."""
    if recorder is None:
        return Recorder(X_test[:N_MONITOR], y_test[:N_MONITOR])
    if recorder.rows:
        raise ValueError(f"recorder already holds {len(recorder.rows)} records: use a fresh "
                         "Recorder for each run")
    if recorder.X.shape[1] != net.sizes[0]:
        raise ValueError(f"recorder's monitoring batch has {recorder.X.shape[1]} inputs, "
                         f"the network expects {net.sizes[0]}")
    return recorder


def train(net: MLP, X: np.ndarray, y: np.ndarray, *, X_test: np.ndarray, y_test: np.ndarray,
          lr: float, batch_size: int = 10, n_updates: int, rng: np.random.Generator,
          record_every: int | None = None, recorder: Recorder | None = None,
          progress: bool | str = "auto", eval_every: int | None = None) -> History:
    """Train `net` (softmax on its linear outputs, NLL cost) by plain mini-batch SGD; return its History.

    Minibatches are drawn without replacement from a fresh permutation of (X, y) each
    epoch, using `rng`. The recorder (default: the first 300 test examples) runs before
    the first update and every `record_every` updates (default n_updates // 100); the
    test error on all of (X_test, y_test) is measured every `eval_every` updates (default
    n_updates // 50). A KeyboardInterrupt (the stop button) ends training cleanly and
    returns what was recorded so far, with `interrupted=True`.
    """
    _check_net(net)
    lr = check_real("lr", lr, min=0, include_min=False)
    batch_size = check_int("batch_size", batch_size, min=1)
    n_updates = check_int("n_updates", n_updates, min=1)
    check_rng("rng", rng)
    record_every = max(1, n_updates // 100) if record_every is None else \
        check_int("record_every", record_every, min=1)
    eval_every = max(1, n_updates // 50) if eval_every is None else \
        check_int("eval_every", eval_every, min=1)
    if recorder is not None and not isinstance(recorder, Recorder):
        raise TypeError(f"recorder must be a Recorder or None, got {type(recorder).__name__}")
    show = _use_progress(progress, n_updates)
    X, y = _check_data("X", X, "y", y, net)
    X_test, y_test = _check_data("X_test", X_test, "y_test", y_test, net)
    if batch_size > X.shape[0]:
        raise ValueError(f"batch_size must be at most the number of training examples "
                         f"({X.shape[0]}), got {batch_size}")
    recorder = _fresh_recorder(recorder, net, X_test, y_test)
    X = X.astype(net.dtype, copy=False)  # once, not per minibatch

    eval_update, test_error, eval_loss = [], [], []
    loss_since_record, loss_since_eval = [], []
    done, interrupted = 0, False
    order, pos = rng.permutation(len(X)), 0
    bar = None
    t0 = time.perf_counter()
    with single_threaded_blas():  # batch-10 products: BLAS threads would only spin
        try:
            if show:
                from tqdm.auto import tqdm
                bar = tqdm(total=n_updates, desc=f"{net.activation.name} {net.init}", unit="upd",
                           leave=True)
            recorder.record(net, 0)
            eval_update.append(0)
            test_error.append(error_rate(net, X_test, y_test))
            eval_loss.append(float("nan"))
            while done < n_updates:
                if pos + batch_size > len(order):
                    order, pos = rng.permutation(len(X)), 0
                idx = order[pos:pos + batch_size]
                pos += batch_size
                loss = _sgd_step(net, X[idx], y[idx], lr)
                done += 1
                loss_since_record.append(loss)
                loss_since_eval.append(loss)
                if done % record_every == 0 or done == n_updates:
                    recorder.record(net, done, float(np.mean(loss_since_record)))
                    loss_since_record = []
                if done % eval_every == 0 or done == n_updates:
                    err = error_rate(net, X_test, y_test)
                    eval_update.append(done)
                    test_error.append(err)
                    eval_loss.append(float(np.mean(loss_since_eval)))
                    loss_since_eval = []
                    if bar is not None:
                        bar.set_postfix(loss=f"{eval_loss[-1]:.3f}", test_err=f"{err:.1%}", refresh=False)
                if bar is not None and done % 50 == 0:
                    bar.update(50)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if bar is not None:
                bar.n = done
                bar.refresh()
                bar.close()
    if interrupted:
        note = (f"interrupted after {done} of {n_updates} updates; the history holds what was "
                "recorded until then")
        eval_update, test_error, eval_loss = _end_of_curve(
            net, X_test, y_test, done, eval_update, test_error, eval_loss, loss_since_eval)
    else:
        note = f"completed {done} updates"
    rec = recorder.arrays()
    return History(
        activation=net.activation.name, init=net.init, sizes=list(net.sizes), lr=float(lr),
        batch_size=batch_size, n_updates=n_updates, updates_done=done, interrupted=interrupted,
        note=note, seconds=time.perf_counter() - t0,
        eval_update=np.array(eval_update, dtype=np.int64), test_error=np.array(test_error),
        eval_train_loss=np.array(eval_loss),
        **{k: rec[k] for k in ("update", "train_loss", "monitor_loss", "monitor_error",
                               "h_mean", "h_std", "saturation", "percentiles", "h_percentiles",
                               "h_edges", "h_hist", "grad_edges", "grad_hist", "grad_z_var",
                               "grad_W_var")},
    )


def _end_of_curve(net: MLP, X_test: np.ndarray, y_test: np.ndarray, done: int,
                  eval_update: list, test_error: list, eval_loss: list,
                  loss_since_eval: list) -> tuple[list, list, list]:
    """After an interrupt: the learning curve ends where training stopped (measured there if
    it is not yet), cut to the evaluations that completed."""
    if eval_update and eval_update[-1] != done:
        try:
            eval_update.append(done)
            test_error.append(error_rate(net, X_test, y_test))
            eval_loss.append(float(np.mean(loss_since_eval)) if loss_since_eval else float("nan"))
        except KeyboardInterrupt:
            del eval_update[len(test_error):]
    n = min(len(eval_update), len(test_error), len(eval_loss))
    return eval_update[:n], test_error[:n], eval_loss[:n]


# ------------------------------------------------------------------ data and results


def input_statistics(X: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-pixel mean and one overall standard deviation of the training images X."""
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    # One scale for all pixels, not one per pixel: border pixels are rarely lit, and dividing
    # them by their own small SD would blow their rare values up to large inputs.
    std = float(np.sqrt(np.mean((X - mean) ** 2)))
    return mean, std


def seed_key(name: str, s: int) -> str:
    """The key of row `name`, seed index s, in a stored file ('Tanh N#0')."""
    return f"{name}#{s}"


def group_seeds(histories: dict[str, History]) -> dict[str, list[History]]:
    """Stored histories keyed 'name#s' grouped into row name -> list ordered by seed index."""
    out: dict[str, dict[int, History]] = {}
    for key, h in histories.items():
        name, _, s = key.rpartition("#")
        if not name:
            name, s = key, "0"
        out.setdefault(name, {})[int(s)] = h
    return {name: [d[s] for s in sorted(d)] for name, d in out.items()}


def final_errors(histories: Sequence[History], last: int = 5) -> np.ndarray:
    """Per seed: the mean test error (%) of the last `last` evaluations (steadier than one)."""
    return np.array([100 * np.mean(h.test_error[-last:]) for h in histories])


def save_histories(path, histories: dict[str, History]) -> None:
    """Save several Histories in one compressed .npz (keys 'name/field')."""
    arrays = {f"{name}/{key}": value for name, h in histories.items()
              for key, value in h.to_npz_dict().items()}
    np.savez_compressed(path, **arrays)


def load_histories(path) -> dict[str, History]:
    """Load Histories saved by `save_histories` (or by scripts/long_runs.py)."""
    with np.load(path) as data:
        names = list(dict.fromkeys(k.split("/")[0] for k in data.files))
        return {name: History.from_npz_dict({k.split("/", 1)[1]: data[k] for k in data.files
                                             if k.split("/")[0] == name}) for name in names}
