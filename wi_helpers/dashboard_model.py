"""The dashboards' pure computations: which network a dashboard builds (`network_sizes`,
`parse_sizes`, `probe_rng`) and the `Setting` it shows, its theory (`theory_prediction`, cached), and what
one dashboard state means, computed once: the status line (`describe`), the figure caption and
the hatched regions are all derived from one `DashboardState` (`state_for`), so they cannot
disagree.

Pure NumPy (the numerics layer): no matplotlib or ipywidgets here.

The float-range verdict names the layers where the *shown* numbers leave float64's range: a
layer whose E[h_l^2] (or Var[dL/dh_l]) is inf/nan, or 0 or subnormal, or whose entries
themselves are (LayerStats' overflow and underflow layers). These are the points the figure
draws as edge triangles, so status, caption and hatching give one set of layer numbers, and
the wording says which happened: the entries left the range, or only their second moment did
(entries above sqrt(float max) ~ 1.3e154 square to inf; below ~1.5e-154 to 0).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .activations import SATURATION_LEVEL
from .init import FAN_MODE_SCHEMES
from .mlp import MLP
from .spec import NetworkSpec
from .stats import FloatVerdict, LayerStats, format_number
from .theory import Prediction, chi_1, fixed_point_q, linear_theory, mean_field

LEVEL_TOL = 0.01  # a per-layer factor within 1 +- 1% is called "level"
VANISH_RATIO = 1e-6  # "vanished": below 1e-6 times the reference layer


def _min(*xs: int | None) -> int | None:
    xs = [x for x in xs if x is not None]
    return min(xs) if xs else None


def _max(*xs: int | None) -> int | None:
    xs = [x for x in xs if x is not None]
    return max(xs) if xs else None


# ------------------------------------------------ the networks a dashboard builds (pure NumPy)

SHAPES = ("constant", "bottleneck", "expanding", "custom")
MAX_CUSTOM_LAYERS = 100   # the deepest network a dashboard builds (its depth slider's maximum)
MAX_CUSTOM_WIDTH = 4096   # the widest layer a typed list of sizes may hold


def probe_rng(seed: int) -> np.random.Generator:
    """Generator of the dashboards' probe data (input X, output gradient) for this seed."""
    # A stream of its own (seed, 1), so the probes do not reuse the weights' random numbers.
    return np.random.default_rng([int(seed), 1])


def parse_sizes(text: str) -> list[int]:
    """Layer widths from text such as "784, 256, 256, 10" (ValueError saying what is wrong)."""
    if not isinstance(text, str):
        raise TypeError(f"sizes must be text such as '784, 256, 10', got {type(text).__name__}")
    inner = text.strip().strip("[]()")
    if re.search(r",\s*,|;\s*;|^\s*[,;]|[,;]\s*$", inner):
        raise ValueError(f"sizes: an empty entry between separators in {text!r}; write one width "
                         f"between commas, e.g. '784, 256, 10'")
    parts = [p for p in re.split(r"[,\s;]+", inner) if p]
    if len(parts) < 2:
        raise ValueError(f"sizes needs at least two widths (input and one layer), "
                         f"e.g. '784, 256, 10'; got {text!r}")
    sizes = []
    for p in parts:
        if not re.fullmatch(r"[0-9]+", p):  # ASCII digits only: \d also matches '１０' 
            raise ValueError(f"sizes: {p!r} is not a positive whole number (in {text!r})")
        n = int(p)
        if not 1 <= n <= MAX_CUSTOM_WIDTH:
            raise ValueError(f"sizes: width {n} is outside 1..{MAX_CUSTOM_WIDTH}")
        sizes.append(n)
    if len(sizes) - 1 > MAX_CUSTOM_LAYERS:
        raise ValueError(f"sizes: {len(sizes) - 1} layers; at most {MAX_CUSTOM_LAYERS}")
    return sizes


def network_sizes(shape: str, depth: int, width: int, sizes_text: str = "") -> list[int]:
    """The layer widths n_0..n_L a dashboard builds for a shape (see `SHAPES`).

    constant: n_l = width; bottleneck: width at both ends, narrowing geometrically to width/8
    in the middle; expanding: from width/8 at the input up to width at the output;
    custom: `parse_sizes(sizes_text)`.
    """
    if shape == "custom":
        return parse_sizes(sizes_text)
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    narrow = max(width // 8, 2)
    l = np.arange(depth + 1)
    if shape == "constant":
        return [int(width)] * (depth + 1)
    if shape == "bottleneck":
        t = np.abs(2.0 * l / depth - 1.0)  # 1 at both ends, 0 in the middle
    else:
        t = l / depth
    return [int(round(narrow * (width / narrow) ** float(v))) for v in t]



def build_network(spec: NetworkSpec, reuse: MLP | None = None) -> MLP:
    """The MLP of `spec` (lending layers from `reuse`, see `MLP(reuse=)`)."""
    return MLP.from_spec(spec, reuse=reuse)


def activation_name(spec: NetworkSpec) -> str:
    """The canonical name of the spec's activation ("tanh", "relu", ...)."""
    return getattr(spec.activation, "name", spec.activation)


@dataclass(frozen=True)
class Setting:
    """Everything one dashboard picture depends on: the network, the probe batch, the theory.

    Made once per update from the controls (`Dashboard.setting()`); hashable, so the caches
    are keyed on it directly: the simulation on `simulated()` (the theory left out: toggling
    it reuses the network), the theory on the whole setting.
    """

    spec: NetworkSpec
    batch: int = 256
    theory: str = "mean_field"  # "mean_field", "linear" or "off"

    def simulated(self) -> "Setting":
        """The part of the setting the simulated numbers depend on (the theory left out)."""
        return replace(self, theory="off")

    @property
    def sizes(self) -> list[int]:
        return list(self.spec.sizes)

    @property
    def activation(self) -> str:
        return activation_name(self.spec)


@dataclass(frozen=True)
class DashboardState:
    """The verdict on one simulated network (and its mean-field fixed point, if known)."""

    depth: int
    forward_overflow: int | None    # first layer l (1..L) whose h_l or E[h_l^2] is not finite
    forward_underflow: int | None   # first layer whose h_l is all below the float's tiny
    backward_overflow: int | None   # first l going down from L whose dL/dh_l or its variance is not finite
    backward_underflow: int | None  # first l going down whose dL/dh_l is all below tiny
    grad_factor: float | None       # geometric mean of Var[dL/dh_{l-1}]/Var[dL/dh_l], l = 1..L
    chi_1: float | None             # per-layer gradient factor at the fixed point (mean field)
    q_star: float | None            # the fixed point of q -> sigma_w^2 E[phi(sqrt q u)^2] + sigma_b^2
    # phi'(c x) = phi'(x) for c > 0 (linear, ReLU, leaky ReLU): chi_1 is the same at every q,
    # so there is no transient towards q*
    scale_free: bool = False
    # the first layer whose entries themselves are inf/nan (LayerStats.forward_overflow /
    # backward_overflow); before it only the second moment (a sum of squares) exceeds float64
    forward_entries_overflow: int | None = None
    backward_entries_overflow: int | None = None
    # the same for underflow: the first layer whose entries are all below the float's tiny
    forward_entries_underflow: int | None = None
    backward_entries_underflow: int | None = None
    # some layers grow the gradient and others shrink it (beyond LEVEL_TOL): no one rate
    mixed_steps: bool = False
    verdict: FloatVerdict | None = None  # LayerStats.float_range, the words of float_summary

    def forward_regions(self) -> list[tuple[str, float, float, str]]:
        """Layer ranges of the forward panels to hatch: (kind, x_from, x_to, label)."""
        out = []
        L = self.depth
        if self.forward_overflow is not None:
            k = self.forward_overflow
            out.append(("overflow", k - 0.5, L + 0.5, f"from layer {k}"))
        if self.forward_underflow is not None:
            k = self.forward_underflow
            out.append(("underflow", k - 0.5, L + 0.5, f"from layer {k}"))
        return out

    def backward_regions(self) -> list[tuple[str, float, float, str]]:
        """Layer ranges of the gradient panel (layers 0..L) to hatch."""
        out = []
        if self.backward_overflow is not None:
            k = self.backward_overflow
            out.append(("overflow", -0.5, k + 0.5, f"from layer {k} down"))
        if self.backward_underflow is not None:
            k = self.backward_underflow
            out.append(("underflow", -0.5, k + 0.5, f"from layer {k} down"))
        return out

    def float_summary(self) -> str:
        """One line on the float range: `LayerStats.float_range.text()`, the one verdict
        (`LayerStats.summary()` prints the same), so caption, status and summary agree."""
        if self.verdict is None:
            return "all values finite and above float precision"
        return self.verdict.text()


def dashboard_state(stats: LayerStats, *, chi_1: float | None = None,
                    q_star: float | None = None, widths_vary: bool = False) -> DashboardState:
    """The one verdict the status, caption and hatching of a dashboard are derived from.

    It names the layers where the *shown* numbers (E[h_l^2], Var[dL/dh_l]) leave float64's
    range, the very points the figure draws as edge triangles: inf/nan, or 0 and subnormal.
    """
    L = stats.depth
    g = np.asarray(stats.grad_h_var, float)
    verdict = stats.float_range
    f, b = verdict.forward, verdict.backward
    # the hatched regions start at the first layer the verdict names, whether the entries or
    # only their second moment left the range (moments leave it first: E[h^2] of entries
    # ~1e154 is inf, of entries ~1e-160 is 0)
    fo = _min(f.moment_overflow, f.entries_overflow)
    fu = _min(f.moment_underflow, f.entries_underflow)
    bo = _max(b.moment_overflow, b.entries_overflow)
    bu = _max(b.moment_underflow, b.entries_underflow)
    factor = None
    with np.errstate(all="ignore"):
        if bo is None and bu is None and L > 0 and g[0] > 0 and g[-1] > 0:
            # in logs: the ratio of the ends can underflow although both ends are positive
            factor = float(math.exp((math.log(g[0]) - math.log(g[-1])) / L))
    steps = None
    with np.errstate(all="ignore"):
        if widths_vary and bo is None and bu is None and L > 1:
            r = np.log(g[:-1]) - np.log(g[1:])  # log of Var[dL/dh_{l-1}] / Var[dL/dh_l]
            steps = (bool(np.any(r > math.log1p(LEVEL_TOL))),
                     bool(np.any(r < math.log1p(-LEVEL_TOL))))
    return DashboardState(L, fo, fu, bo, bu, factor,
                          None if chi_1 is None else float(chi_1),
                          None if q_star is None else float(q_star),
                          scale_free=stats.activation in ("linear", "relu", "leaky_relu"),
                          forward_entries_overflow=f.entries_overflow,
                          backward_entries_overflow=b.entries_overflow,
                          forward_entries_underflow=f.entries_underflow,
                          backward_entries_underflow=b.entries_underflow,
                          mixed_steps=steps is not None and all(steps), verdict=verdict)


def _direction(x: float) -> int:
    """-1 shrinking, 0 level, +1 growing (per layer, within LEVEL_TOL)."""
    return -1 if x < 1 - LEVEL_TOL else 1 if x > 1 + LEVEL_TOL else 0


def _chi_phase(c: float) -> str:
    if c < 1 - LEVEL_TOL:
        return "ordered" if c < 0.9 else "slightly ordered"
    if c > 1 + LEVEL_TOL:
        return "chaotic" if c > 1.1 else "slightly chaotic"
    return "edge of chaos"


def measured_text(state: DashboardState) -> str:
    """What the gradient panel shows, per layer and over the network, in words."""
    L = state.depth
    if state.backward_overflow is not None:
        return (f"measured: gradients grow out of the float range (inf from layer "
                f"{state.backward_overflow} down)")
    if state.backward_underflow is not None:
        return (f"measured: gradients shrink out of the float range (from layer "
                f"{state.backward_underflow} down)")
    f = state.grad_factor
    if f is None:
        return "measured: no gradient ratio (Var[∂L/∂h_L] is 0)"
    total = f ** L
    over = f"over {L} layer{'s' if L != 1 else ''}"
    if state.mixed_steps:
        # a bottleneck: some layers shrink the gradient, others grow it; no one rate applies
        verb = "fall" if total < 1 else "rise"
        return (f"measured: gradients {verb} ×{format_number(total)} {over}, not at one rate: some "
                "layers shrink them and others grow them (the widths change)")
    if abs(f - 1) <= LEVEL_TOL:
        return f"measured: gradients stay nearly level (×{f:.3f} per layer, ×{format_number(total)} {over})"
    verb = "shrink" if f < 1 else "grow"
    return f"measured: gradients {verb} ×{f:.3g} per layer (×{format_number(total)} {over})"


def phase_text(state: DashboardState, linear: bool = False) -> str:
    """The measured per-layer factor and, if known, chi_1 at the fixed point, in one sentence.

    linear=True (a linear network without biases): every layer multiplies both variances by
    chi_1 = sigma_w^2 at any scale and the correlations between inputs do not change with the
    weight scale, so neither "ordered" nor "chaotic" applies; the sentence says that instead.
    """
    text = measured_text(state)
    c, q = state.chi_1, state.q_star
    if c is None or not np.isfinite(c):
        return text + "."
    f = state.grad_factor
    if linear:
        text += (f"; theory: ×σ_w² = {c:.3g} per layer at any depth (a linear network has "
                 "no ordered or chaotic phase: its weight scale sets only this rate)")
        if f is not None and not state.mixed_steps and _direction(f) != _direction(c):
            text += "; the difference is this finite network's spread (smaller when wider)"
        return text + "."
    where = "at the fixed point" + ("" if q is None else
                                    f" q* = {format_number(q) if np.isfinite(q) else 'inf'}")
    text += f"; {where}, χ₁ = {c:.3g} ({_chi_phase(c)})"
    if f is not None and not state.mixed_steps and _direction(f) != _direction(c):
        if state.scale_free:
            # chi_1 holds at every q here: what differs is one finite network's spread
            text += "; the difference is this finite network's spread (smaller when wider)"
        else:
            # chi_1 holds only once q_l has reached q*; a short network started from q = 1 has not
            text += f"; the {state.depth} layers shown have not reached q* yet"
    return text + "."


# ------------------------------------------------- the theory and the status line


@lru_cache(maxsize=256)
def theory_prediction(setting: Setting) -> Prediction | None:
    """The theory a dashboard draws for this setting (None when off), cached by the setting
    (toggling the theory or moving back to a setting costs nothing)."""
    if setting.theory == "off":
        return None
    if setting.theory == "linear":
        return linear_theory(setting.spec, batch=setting.batch)
    return mean_field(setting.spec, batch=setting.batch)


@lru_cache(maxsize=256)
def cached_chi_1(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """`theory.chi_1`, cached (the status line asks for it on every update)."""
    return chi_1(activation, sigma_w2, sigma_b2)


@lru_cache(maxsize=256)
def cached_q_star(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """`theory.fixed_point_q`, cached."""
    return fixed_point_q(activation, sigma_w2, sigma_b2)


# how the status prints a ratio or variance that underflowed to exactly 0
ZERO = "0 (underflow: below 1e-308)"


def first_below(values: np.ndarray, reference: float, order) -> int | None:
    """The first layer l, in `order` ((l, value) pairs), whose value is below VANISH_RATIO x
    `reference`; None if none is."""
    with np.errstate(all="ignore"):
        for l, v in order:
            if np.isfinite(v) and v < VANISH_RATIO * reference:
                return l
    return None


def describe_sizes(sizes: list[int]) -> str:
    """"10 layers of width 256", or the widths in order (the longest lists shortened)."""
    if len(set(sizes)) == 1:
        return f"{len(sizes) - 1} layers of width {sizes[0]}"
    shown = sizes if len(sizes) <= 9 else sizes[:4] + ["…"] + sizes[-4:]
    return f"{len(sizes) - 1} layers, widths {' → '.join(map(str, shown))}"


def uniform_sigma_w2(spec: NetworkSpec) -> float | None:
    """n Var[W] when every layer has the same width (one chi_1 for the network), else None."""
    if len(set(spec.sizes)) != 1:
        return None
    return float(spec.sizes[0] * spec.weight_var()[0])


def state_for(setting: Setting, stats: LayerStats) -> DashboardState:
    """The one verdict status, caption and hatching share (chi_1 and q* with mean-field theory)."""
    spec = setting.spec
    s2 = uniform_sigma_w2(spec)
    c = q = None
    if setting.theory == "mean_field" and s2 is not None:
        act, b2 = activation_name(spec), round(spec.bias_std ** 2, 12)
        c = cached_chi_1(act, round(s2, 12), b2)
        q = cached_q_star(act, round(s2, 12), b2)
        if q > 1e100:  # unbounded phi above sigma_w^2 = 1/E[phi'^2]: q_l grows without bound
            q = float("inf")
        elif q < 1e-100:  # ... or shrinks to 0
            q = 0.0
    return dashboard_state(stats, chi_1=c, q_star=q, widths_vary=len(set(spec.sizes)) > 1)


# Measured and mean-field gradient ratios further apart than this (in decades) get a sentence
# on why: the mean field is the limit of infinitely wide layers.
FINITE_WIDTH_DEX = 0.5


def finite_width_gap(setting: Setting, stats: LayerStats, prediction: Prediction | None,
                     state: DashboardState) -> float | None:
    """Decades between the measured and the mean-field gradient ratio when more than
    FINITE_WIDTH_DEX apart (None otherwise, or without a mean field to compare)."""
    if prediction is None or setting.theory != "mean_field" or state.grad_factor is None:
        return None
    g, t = stats.grad_h_var, prediction.grad_h_var
    with np.errstate(all="ignore"):
        ends = np.array([g[0], g[-1], t[0], t[-1]], dtype=float)
        if not (np.all(np.isfinite(ends)) and np.all(ends > 0)):
            return None
        dex = abs(math.log10(g[0] / g[-1]) - math.log10(t[0] / t[-1]))
    return dex if dex > FINITE_WIDTH_DEX else None


def finite_width_text(setting: Setting, stats: LayerStats, dex: float) -> tuple[str, str]:
    """(a short clause for the verdict, the sentence for the details) on why the measured
    gradient ratio is `dex` decades from the mean field's."""
    sat = float(np.mean(stats.saturation))
    n = min(setting.spec.sizes[1:])
    bounded = setting.activation not in ("linear", "relu", "leaky_relu")
    few = bounded and sat > 0.5
    short = (f"Measured and mean field are ×{10 ** dex:.2g} apart: the mean field is the "
             "wide-layer limit" + (f", and only {100 * (1 - sat):.1f}% of the activations are "
                                  "unsaturated here" if few else "") + ".")
    long = (f"Finite width: the mean field is the limit of infinitely wide layers; this network "
            f"is {n} units wide")
    if few:
        long += (f", and only {100 * (1 - sat):.1f}% of its activations (about {(1 - sat) * n:.2g} "
                 "units per layer) are unsaturated: the gradient passes through so few units that "
                 "one network's product of layer factors lands far from the average")
    return short, long + ". Wider layers bring the two closer."


def describe(setting: Setting, stats: LayerStats, prediction: Prediction | None,
             state: DashboardState | None = None) -> list[str]:
    """The status sentences (plain text, one per line): what is shown, the verdict, then details.

    Every statement on overflow, underflow and the gradient trend comes from `state`, the object
    the figure's caption and hatched regions are drawn from.
    """
    state = state_for(setting, stats) if state is None else state
    spec = setting.spec
    act = activation_name(spec)
    L = stats.depth
    scale = "" if spec.init != "normal" else f" σ={spec.std:.3g}"
    if spec.init in FAN_MODE_SCHEMES:
        scale = f" ({spec.fan_mode})"
    gain = "" if spec.gain == 1.0 else f" × gain {spec.gain:.2f}"
    bias = "" if spec.bias_std == 0 else f", bias std {spec.bias_std:.2f}"
    lines = [f"{describe_sizes(setting.sizes)}: {act}, init {spec.init}{scale}{gain}{bias}, "
             f"batch {setting.batch}, seed {spec.seed}."]
    flags = state.float_summary()
    verdict = phase_text(state, linear=act == "linear" and spec.bias_std == 0)
    verdict = verdict[0].upper() + verdict[1:]
    if any(v is not None for v in (state.forward_overflow, state.forward_underflow,
                                   state.backward_overflow, state.backward_underflow)):
        verdict = f"Float range: {flags}. {verdict}"
    dex = finite_width_gap(setting, stats, prediction, state)
    width_note = None
    if dex is not None:
        short, width_note = finite_width_text(setting, stats, dex)
        verdict += " " + short
    lines.append(verdict)
    # details (collapsed in the widget)
    h1 = stats.h_m2[0]
    if state.forward_overflow is not None or state.forward_underflow is not None:
        fwd = f"Activations: {_forward_flags(state)}."
    else:
        k = first_below(stats.h_m2, h1, ((l + 1, v) for l, v in enumerate(stats.h_m2)))
        with np.errstate(all="ignore"):
            ratio = stats.h_m2[-1] / h1 if h1 > 0 else float("nan")
        fwd = (f"Activations: E[h_L²]/E[h_1²] = {format_number(ratio, zero=ZERO)}; "
               + (f"E[h_l²] falls below 10⁻⁶ × E[h_1²] (relative to layer 1) at layer {k}."
                  if k is not None else "no layer falls below 10⁻⁶ × E[h_1²] (relative to layer 1)."))
    lines.append(fwd)
    gL, g0 = stats.grad_h_var[-1], stats.grad_h_var[0]
    if state.backward_overflow is not None or state.backward_underflow is not None:
        bwd = f"Gradients: {_backward_flags(state)}"
        if prediction is not None:
            with np.errstate(all="ignore"):
                t_ratio = prediction.grad_h_var[0] / prediction.grad_h_var[-1]
            bwd += (f"; theory ({prediction.name}): Var[∂L/∂h_0]/Var[∂L/∂h_L] = "
                    f"{format_number(t_ratio, zero=ZERO)}")
    else:
        with np.errstate(all="ignore"):
            ratio = g0 / gL if gL > 0 else float("nan")
        bwd = f"Gradients: Var[∂L/∂h_0]/Var[∂L/∂h_L] = {format_number(ratio, zero=ZERO)} (input vs output)"
        if prediction is not None:
            with np.errstate(all="ignore"):
                t_ratio = prediction.grad_h_var[0] / prediction.grad_h_var[-1]
            bwd += f"; theory ({prediction.name}) {format_number(t_ratio, zero=ZERO)}"
        k = first_below(stats.grad_h_var, gL, ((l, stats.grad_h_var[l]) for l in range(L, -1, -1)))
        if k is not None:
            bwd += (f"; Var[∂L/∂h_l] falls below 10⁻⁶ × Var[∂L/∂h_L] (relative to the output) "
                    f"at layer {k}")
    lines.append(bwd + ".")
    if width_note:
        lines.append(width_note)
    sat = float(np.mean(stats.saturation))
    if act == "leaky_relu":
        # leaky units are never dead: on the negative side they pass gradient with slope a
        lines.append(f"Units on the negative side (z ≤ 0 on the whole batch, passing gradient "
                     f"only with the small leak slope): {100 * sat:.1f}% on average over layers.")
    elif act == "relu":
        lines.append(f"Dead units (z ≤ 0 on the whole batch): {100 * sat:.1f}% on average over layers.")
    elif act == "linear":
        lines.append("Saturation: none (the identity never saturates).")
    else:
        lines.append(f"Saturation (|h − c| > {SATURATION_LEVEL}·h_max): {100 * sat:.1f}% of the "
                     f"activations (examples × units) on average over layers.")
    if prediction is not None:
        s2 = uniform_sigma_w2(spec)
        if s2 is None:
            lines.append("Theory: with unequal widths each layer has its own factor "
                         "(fan_in ≠ fan_out), so no single χ₁; compare the dashed lines.")
        elif setting.theory == "linear" or act == "linear":
            lines.append(f"Theory ({'linear regime' if act != 'linear' else 'mean field'}): "
                         f"each layer multiplies the variances by n·Var[W] = {s2:.3g}.")
        else:
            lines.append(f"Theory (mean field): σ_w² = n·Var[W] = {s2:.3g}; χ₁ is the per-layer "
                         "gradient factor once q_l has reached q* (deep networks).")
    return lines


def _forward_flags(state: DashboardState) -> str:
    parts = [p for p in state.float_summary().split("; ") if p.startswith(("activations", "E[h"))]
    return "; ".join(parts)


def _backward_flags(state: DashboardState) -> str:
    parts = [p for p in state.float_summary().split("; ") if p.startswith(("gradients", "Var["))]
    return "; ".join(parts)
