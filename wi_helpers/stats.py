"""Per-layer statistics of one forward and backward pass: what the plots and status lines show.

Three different numbers, always named: the mean, the standard deviation (std) and the
second moment E[x^2] = mean^2 + std^2, each over all entries (examples x units) of a layer.
For zero-mean quantities (tanh units, gradients) variance and second moment coincide; for
the logistic they do not (its mean is about 0.5).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple, Sequence

import numpy as np

from .activations import saturation_fraction
from .mlp import MAX_BYTES, MLP, Gradients, check_footprint
from .validation import check_bool, check_int, check_real, check_rng, is_int


@dataclass(frozen=True)
class LayerStats:
    """Statistics per layer l = 1..L (arrays of length L) and per h-gradient l = 0..L."""

    z_mean: np.ndarray
    z_std: np.ndarray
    z_m2: np.ndarray
    h_mean: np.ndarray
    h_std: np.ndarray
    h_m2: np.ndarray
    saturation: np.ndarray       # fraction of saturated activations (ReLU: of dead units)
    grad_h_var: np.ndarray       # Var[dL/dh_l], l = 0..L (index 0: the input X)
    grad_z_var: np.ndarray       # Var[dL/dz_l], l = 1..L
    grad_W_var: np.ndarray       # Var[dL/dW_l], l = 1..L (nan if not computed)
    forward_overflow: int | None   # first layer l whose z or h holds inf/nan
    forward_underflow: int | None  # first layer l whose h is all below the float's tiny
    backward_overflow: int | None  # first l, going down from L, whose dL/dh_l holds inf/nan
    backward_underflow: int | None # first l, going down, whose dL/dh_l is all below tiny
    activation: str
    dtype: str

    @property
    def depth(self) -> int:
        """Number of layers L."""
        return len(self.z_std)

    @property
    def float_range(self) -> "FloatVerdict":
        """The one verdict on where this pass leaves the float range (see `FloatVerdict`)."""
        L, tiny = self.depth, float(np.finfo(self.dtype).tiny)
        with np.errstate(all="ignore"):
            z_m2, h_m2 = np.asarray(self.z_m2, float), np.asarray(self.h_m2, float)
            g_var = np.asarray(self.grad_h_var, float)
            up = [(l + 1, l) for l in range(L)]                  # (layer, index) going up
            down = [(l, l) for l in range(L, -1, -1)]            # going down from L
            forward = FloatRange(
                moment_overflow=first_where((k, not (np.isfinite(h_m2[i]) and np.isfinite(z_m2[i])))
                                            for k, i in up),
                entries_overflow=self.forward_overflow,
                moment_underflow=first_where((k, h_m2[i] < _TINY64) for k, i in up),
                entries_underflow=self.forward_underflow)
            backward = FloatRange(
                moment_overflow=first_where((k, not np.isfinite(g_var[i])) for k, i in down),
                entries_overflow=self.backward_overflow,
                moment_underflow=None if self.forward_overflow is not None else first_where(
                    (k, g_var[i] < _TINY64) for k, i in down),
                entries_underflow=self.backward_underflow)
        k = forward.moment_overflow
        z_first = k is not None and np.isfinite(h_m2[k - 1])  # E[z^2] overflows before E[h^2]
        return FloatVerdict(forward, backward, "E[z_l²]" if z_first else "E[h_l²]",
                            self.dtype, tiny)

    def summary(self) -> str:
        """One plain-English line on overflow and underflow (`float_range.text()`)."""
        return self.float_range.text()


def first_where(flags: Iterable[tuple[int, Any]]) -> int | None:
    """The index of the first (index, flag) pair whose flag is true; None if none is."""
    for index, flag in flags:
        if flag:
            return index
    return None


class FloatRange(NamedTuple):
    """Where one direction of a pass leaves the float range: first layers, in the order of
    the direction (forward l = 1..L, backward l = L..0), None where it never happens.

    A second moment can leave the range before the entries do: entries above ~1e154 are
    finite float64 numbers, but their squares (and E[x²]) exceed 1.8e308 and print as inf.
    """

    moment_overflow: int | None    # first layer whose second moment (E[h²], Var[dL/dh]) is inf/nan
    entries_overflow: int | None   # first layer whose entries themselves hold inf/nan
    moment_underflow: int | None   # first layer whose second moment is below float64's tiny
    entries_underflow: int | None  # first layer whose entries all are below the dtype's tiny
                                   # (exact zeros included)

    def ok(self) -> bool:
        """True when every entry and second moment of this direction is a normal float."""
        return all(k is None for k in self)


@dataclass(frozen=True)
class FloatVerdict:
    """`LayerStats.float_range`: the one verdict on the float range, per direction, that the
    summary, the dashboards' status line and their captions all print (`text()`)."""

    forward: FloatRange
    backward: FloatRange
    forward_moment: str   # the forward second moment that overflows first: "E[h_l²]" or "E[z_l²]"
    dtype: str
    tiny: float           # the smallest normal number of dtype (the moments are float64's)

    def ok(self) -> bool:
        """True when nothing leaves the float range."""
        return self.forward.ok() and self.backward.ok()

    def _direction(self, r: FloatRange, entries: str, moment: str, down: bool) -> list[str]:
        where = " down" if down else ""
        parts = []
        if r.moment_overflow is not None:
            if r.entries_overflow == r.moment_overflow:
                parts.append(f"{entries} overflow (inf/nan) from layer {r.moment_overflow}{where}")
            else:
                rest = (f"; the {entries} themselves stay finite)" if r.entries_overflow is None
                        else f"), the {entries} themselves from layer {r.entries_overflow}{where}")
                parts.append(f"{moment} overflows from layer {r.moment_overflow}{where} (beyond "
                             f"float64's {_MAX64:.1e}{rest}")
        m, e = r.moment_underflow, r.entries_underflow
        # the second moment underflows first (squares of ~1e-160 are 0), unless the entries
        # are float32 (their tiny, 1.2e-38, is far above float64's): name the first layer, as
        # the figures mark it, and where the other follows
        if m is not None and (e is None or (m > e if down else m < e)):
            rest = (f"; the {entries} themselves are still normal numbers)" if e is None
                    else f"), the {entries} themselves from layer {e}{where}")
            parts.append(f"{moment} underflows from layer {m}{where} (below float64's "
                         f"{_TINY64:.1e}{rest}")
        elif e is not None:
            parts.append(f"{entries} vanish below float precision (all below {self.tiny:.1e}) "
                         f"from layer {e}{where}")
        return parts

    def text(self) -> str:
        """One line for a learner: which numbers leave the float range, from which layer."""
        entries = "pre-activations" if self.forward_moment == "E[z_l²]" else "activations"
        parts = (self._direction(self.forward, entries, self.forward_moment, False)
                 + self._direction(self.backward, "gradients dL/dh", "Var[dL/dh_l]", True))
        return "; ".join(parts) if parts else "all values finite and above float precision"


# the moments are computed in float64
_TINY64, _MAX64 = float(np.finfo(np.float64).tiny), float(np.finfo(np.float64).max)

# Within these bounds on max|x| the squares are summed as they are: none can overflow (a sum
# of at most ~1e8 squares below 1e200), and squares that underflow to 0 are below 1e-308,
# negligible against the largest (at least 1e-200). Outside them x is scaled first.
_UNSCALED = (1e-100, 1e100)


class _Moments(NamedTuple):
    finite: bool     # every entry is finite
    mean: float
    std: float
    m2: float        # E[x^2]
    max_abs: float   # max |x|


def _moments(x: np.ndarray) -> _Moments:
    """Finiteness, mean, std, E[x^2] and max|x| of all entries of x, in float64."""
    x = np.asarray(x)
    if x.dtype.kind not in "iuf":  # complex would lose its imaginary part with a warning
        raise TypeError(f"x must hold real numbers, got dtype {x.dtype}")
    x = x.astype(np.float64, copy=False).ravel()
    if x.size == 0:
        return _Moments(True, 0.0, 0.0, 0.0, 0.0)
    lo, hi = float(x.min()), float(x.max())
    # min and max propagate nan (and show inf): both finite exactly when every entry is
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return _Moments(False, float("nan"), float("nan"), float("nan"), float("nan"))
    max_abs = max(hi, -lo)
    if max_abs == 0.0:
        return _Moments(True, 0.0, 0.0, 0.0, 0.0)
    # E[x^2] = s^2 E[(x/s)^2] with s a power of two near max|x| (dividing by it is exact), so
    # that huge but finite values (an exploding network) and tiny ones (a vanishing one)
    # neither overflow nor underflow in x^2; s = 1 when max|x| is in the _UNSCALED range.
    s = 1.0 if _UNSCALED[0] <= max_abs <= _UNSCALED[1] else math.ldexp(1.0, math.frexp(max_abs)[1])
    y = x if s == 1.0 else x / s
    mean_y = float(y.sum()) / y.size
    m2_y = float(np.dot(y, y)) / y.size
    var_y = max(m2_y - mean_y * mean_y, 0.0)
    # (Python floats: a product beyond float64 is inf, without a warning.) s * s may overflow
    # (max|x| = 1e200): E[x^2] is then truly beyond float64.
    return _Moments(True, mean_y * s, math.sqrt(var_y) * s, m2_y * s * s, max_abs)


def moments(x: np.ndarray) -> tuple[float, float, float]:
    """Mean, standard deviation and second moment E[x^2] of all entries, computed in float64.

    All three are nan when x holds inf or nan. Huge but finite values (an exploding network)
    do not turn into inf only because x^2 overflows: the squares are taken after scaling;
    E[x^2] itself is inf only when it exceeds the float64 range.
    """
    m = _moments(x)
    return m.mean, m.std, m.m2


def _variance(x: np.ndarray) -> float:
    m = _moments(x)
    return m.std * m.std  # a float product gives inf on overflow; ** would raise


def layer_stats(net: MLP, X: np.ndarray | None = None, grad_output: np.ndarray | None = None,
                *, batch: int = 256, rng: np.random.Generator | None = None,
                weight_grads: bool = True, reuse: MLP | None = None) -> LayerStats:
    """Run forward and backward and collect per-layer statistics.

    X defaults to `batch` rows of N(0, 1) inputs and grad_output to N(0, 1) entries, both
    drawn from `rng` (the probes of the variance analyses: unit-variance input, unit-variance
    gradient arriving at the output). weight_grads=False skips dL/dW (grad_W_var is then nan).
    `reuse` is passed to `MLP.forward` (an earlier network's forward pass on the same X).
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    if is_int(X):
        raise TypeError(f"X must be an array of inputs of shape (batch, {net.sizes[0]}) or None, "
                        f"got the number {X!r}: for {X!r} random probe inputs pass "
                        f"batch={X!r} (layer_stats(net, batch={X!r}, rng=rng))")
    check_bool("weight_grads", weight_grads)
    if X is None or grad_output is None:
        check_rng("rng (needed when X or grad_output is not given)", rng)
    if X is None:
        batch = check_int("batch", batch, min=1)
        # The cap is checked before the probe input is drawn: the float64 probe (and, for a
        # float32 net, its cast copy, counted as h[0] already) comes on top of the pass itself.
        check_footprint(net.sizes, batch, net.dtype, extra=8 * batch * net.sizes[0])
        X = rng.standard_normal((batch, net.sizes[0]))
    out = net.forward(X, reuse=reuse)
    if grad_output is None:
        grad_output = rng.standard_normal(out.shape)
    return _stats_of_pass(net, net.backward(grad_output, weight_grads=weight_grads))


def _stats_of_pass(net: MLP, grads: Gradients) -> LayerStats:
    """The statistics of the network's last forward pass and these gradients of it."""
    L = net.depth
    z_m = [_moments(z) for z in net.z]
    h_m = [_moments(h) for h in net.h[1:]]
    gh_m = [_moments(g) for g in grads.h]
    tiny = np.finfo(net.dtype).tiny

    def column(ms: list[_Moments], field: str) -> np.ndarray:
        return np.array([getattr(m, field) for m in ms])

    def underflows(m: _Moments) -> bool:  # every entry below the float's smallest normal
        return m.finite and m.max_abs < tiny

    forward_overflow = first_where((l + 1, not (z_m[l].finite and h_m[l].finite)) for l in range(L))
    return LayerStats(
        z_mean=column(z_m, "mean"), z_std=column(z_m, "std"), z_m2=column(z_m, "m2"),
        h_mean=column(h_m, "mean"), h_std=column(h_m, "std"), h_m2=column(h_m, "m2"),
        saturation=np.array([saturation_fraction(act, z, h) for act, z, h
                             in zip(net.activations, net.z, net.h[1:])]),
        grad_h_var=np.array([m.std * m.std for m in gh_m]),  # a product: inf, never raises
        grad_z_var=np.array([_variance(g) for g in grads.z]),
        grad_W_var=(np.full(L, np.nan) if grads.W[0] is None
                    else np.array([_variance(g) for g in grads.W])),
        forward_overflow=forward_overflow,
        forward_underflow=first_where((l + 1, underflows(h_m[l])) for l in range(L)),
        backward_overflow=first_where((l, not gh_m[l].finite) for l in range(L, -1, -1)),
        # Once activations overflow, the gradients below are computed from inf/nan (and a
        # ReLU's slope at nan is taken as 0): zeros there are not a vanishing gradient.
        backward_underflow=None if forward_overflow is not None else first_where(
            (l, underflows(gh_m[l])) for l in range(L, -1, -1)),
        activation=net.activation.name,
        dtype=net.dtype.name,
    )


def jacobian_singular_values(net: MLP, n_examples: int = 4) -> list[np.ndarray]:
    """Singular values of each layer Jacobian dh_l/dh_{l-1} at the first examples of the last forward.

    The Jacobian at one example is diag(phi'(z_l)) W_l^T, so its singular values are those of
    W_l scaled column-wise by phi'(z_l). Returns one array of shape
    (n_examples, min(fan_in, fan_out)) per layer.
    """
    if net.z is None:
        raise RuntimeError("jacobian_singular_values() needs a forward pass: call net.forward(X) first")
    n = min(check_int("n_examples", n_examples, min=1), net.z[0].shape[0])
    # J holds n * fan_in * fan_out entries per layer (float64 for the SVD): refuse before
    # building it rather than after.
    largest = max(W.size for W in net.weights)
    if 2 * 8 * n * largest > MAX_BYTES:
        raise ValueError(f"n_examples={n_examples} Jacobians of a layer with {largest} weights "
                         f"need {2 * 8 * n * largest / 2**20:.0f} MB; the limit is "
                         f"{MAX_BYTES / 2**20:.0f} MB (MAX_BYTES): use fewer examples")
    out = []
    with np.errstate(all="ignore"):
        for W, act, z, h in zip(net.weights, net.activations, net.z, net.h[1:]):
            d = act.deriv_from_output(z[:n], h[:n])            # (n, fan_out)
            J = W[None, :, :] * d[:, None, :]                  # (n, fan_in, fan_out)
            if not np.isfinite(J).all():
                out.append(np.full((n, min(W.shape)), np.nan))
                continue
            out.append(np.linalg.svd(J.astype(np.float64), compute_uv=False))
    return out


def format_number(x: float, *, zero: str = "0") -> str:
    """A ratio or variance as status lines and captions print it: 2 significant digits
    between 0.01 and 1000, else 1.2e+05; inf, -inf and nan by name; `zero` for 0."""
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x == 0:
        return zero
    return f"{x:.2g}" if 1e-2 <= abs(x) < 1e3 else f"{x:.1e}"


# The largest half-width of a histogram's default range: beyond it bins x samples x width
# would overflow float64 (1e308); values beyond are left off (a caption can count them).
HIST_MAX = 1e300


def histogram_range(values: Sequence[np.ndarray], *, from_zero: bool = False
                    ) -> tuple[float, float]:
    """The default x range of layer histograms: |x| up to its 99.5th percentile over the
    finite entries of all arrays (at most HIST_MAX; 1 when there are none or all are 0),
    symmetric about 0, or from 0 when `from_zero` (non-negative values, e.g. ReLU's)."""
    pooled = [np.abs(np.asarray(v, dtype=np.float64).ravel()) for v in values]
    pooled = np.concatenate(pooled) if pooled else np.zeros(0)
    pooled = pooled[np.isfinite(pooled)]
    a = float(np.percentile(pooled, 99.5)) if pooled.size else 1.0
    a = min(a, HIST_MAX) if a > 0 else 1.0
    return (0.0, a) if from_zero else (-a, a)


def layer_histograms(values: list[np.ndarray], bins: int = 60,
                     range: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Normalized histograms (densities) of each array over shared bin edges; non-finite values dropped.

    Returns counts of shape (len(values), bins) and edges of shape (bins + 1,). The default
    range is `histogram_range(values)`: symmetric, covering the 99.5th percentile of |x|.
    """
    bins = check_int("bins", bins, min=1, max=100_000)
    finite = [np.asarray(v, dtype=np.float64).ravel() for v in values]
    finite = [v[np.isfinite(v)] for v in finite]
    if range is None:
        range = histogram_range(finite)
    if not isinstance(range, (tuple, list)) or len(range) != 2:
        raise TypeError(f"range must be None or two finite numbers (lo, hi), got {range!r}")
    lo, hi = check_real("range[0]", range[0]), check_real("range[1]", range[1])
    if not lo < hi:
        raise ValueError(f"range must be two finite numbers lo < hi, got {range!r}")
    edges = np.linspace(lo, hi, bins + 1)
    counts = np.zeros((len(finite), bins))
    width = edges[1] - edges[0]
    for i, v in enumerate(finite):
        c, _ = np.histogram(v, bins=edges)
        if v.size:
            counts[i] = c / (v.size * width)
    return counts, edges
