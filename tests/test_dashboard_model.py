"""One source of truth for a dashboard state (issue 9): status, caption and hatching agree; the
phase wording follows the measured factor; the std slider holds the values the notebooks name."""
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from wi_helpers import widgets
from wi_helpers.dashboard_model import DashboardState, dashboard_state, measured_text, phase_text
from wi_helpers.stats import layer_stats
from wi_helpers.mlp import MLP

ROOT = Path(__file__).resolve().parents[1]

# (activation, init, std, depth): normal, forward+backward overflow, E[h^2] = inf only,
# underflow, saturation with exploding gradients
STATES = [
    ("tanh", "glorot_uniform", 0.05, 10),
    ("relu", "normal", 10.0, 80),
    ("linear", "normal", 10.0, 100),
    ("linear", "normal", 0.001, 100),
    ("relu", "normal", 0.001, 100),
    ("tanh", "normal", 10.0, 60),
    ("sigmoid", "normal", 10.0, 60),
    ("softsign", "normal", 0.001, 100),
    ("lecun_tanh", "glorot_uniform", 0.05, 10),
    ("leaky_relu", "normal", 10.0, 50),
]


def _hatched(ax) -> list[tuple[float, float]]:
    """x ranges of the visible hatched region patches of one panel."""
    return sorted((round(p.get_x(), 6), round(p.get_x() + p.get_width(), 6)) for p in ax.patches
                  if p.get_hatch() and p.get_visible())


def _layers_named(text: str, what: str) -> list[int]:
    """Layers named as leaving the float range: the entries or only the second moment."""
    pattern = {
        "activations overflow": r"(?:activations overflow \(inf/nan\)|E\[[hz]_l²\] overflows)",
        "gradients dL/dh overflow": r"(?:gradients dL/dh overflow \(inf/nan\)|Var\[dL/dh_l\] overflows)",
        "activations underflow": r"(?:activations vanish below float precision \(all below "
                                 r"[0-9.e+-]+\)|E\[h_l²\] underflows)",
        "gradients dL/dh underflow": r"(?:gradients dL/dh vanish below float precision \(all "
                                     r"below [0-9.e+-]+\)|Var\[dL/dh_l\] underflows)",
    }[what]
    return [int(k) for k in re.findall(f"{pattern} from layer (\\d+)", text)]


def _first(mask, order):
    return next((l for l in order if mask[l]), None)


@pytest.mark.parametrize("activation, init, std, depth", STATES)
def test_status_caption_and_hatching_agree(activation, init, std, depth):
    """Issue 19: one set of layer numbers for the status, the caption, the hatched regions and
    the edge triangles (the points of E[h_l^2] / Var[dL/dh_l] outside float64's range)."""
    d = widgets.variance_dashboard(backend="agg", activation=activation, init=init, std=std,
                                   depth=depth, width=32, batch=16)
    s, st = d.state, d.stats
    assert s == dashboard_state(st, chi_1=s.chi_1, q_star=s.q_star)
    tiny = np.finfo(np.float64).tiny
    h, g = st.h_m2, st.grad_h_var
    L = depth
    # the shown numbers leave the range where they are inf/nan, or 0 / subnormal
    plus1 = lambda x: None if x is None else x + 1
    z = st.z_m2
    fo = [x for x in (st.forward_overflow,
                      plus1(_first(~np.isfinite(h) | ~np.isfinite(z), range(L)))) if x]
    fu = [x for x in (st.forward_underflow, plus1(_first(h < tiny, range(L)))) if x]
    assert s.forward_overflow == (min(fo) if fo else None)
    assert s.forward_underflow == (min(fu) if fu else None)
    bo = [x for x in (st.backward_overflow, _first(~np.isfinite(g), range(L, -1, -1)))
          if x is not None]
    assert s.backward_overflow == (max(bo) if bo else None)
    caption = d.artists.caption.get_text().replace("\n", " ")
    verdict = d.status_text().splitlines()[1]
    for text in (caption, verdict):
        for what, k in (("activations overflow", s.forward_overflow),
                        ("gradients dL/dh overflow", s.backward_overflow),
                        ("activations underflow", s.forward_underflow),
                        ("gradients dL/dh underflow", s.backward_underflow)):
            assert _layers_named(text, what) == ([] if k is None else [k]), (what, text)
        # "(inf/nan)" only where the entries themselves overflow; else the moment is named
        if s.forward_overflow is not None:
            entries = st.forward_overflow == s.forward_overflow
            assert ("activations overflow (inf/nan)" in text) == entries
            assert ("_l²] overflows from layer" in text) == (not entries)
    flagged = any(v is not None for v in (s.forward_overflow, s.forward_underflow,
                                          s.backward_overflow, s.backward_underflow))
    assert ("all values finite" in caption) == (not flagged)
    # the hatched layers are the ones named, and the triangles start where the hatching does
    fwd = [(lo, hi) for _, lo, hi, _ in s.forward_regions()]
    bwd = [(lo, hi) for _, lo, hi, _ in s.backward_regions()]
    ax_h, ax_g = d.figure.axes[:2]
    assert _hatched(ax_h) == sorted(fwd)
    assert _hatched(ax_g) == sorted(bwd)
    for ax, first, down in ((ax_h, s.forward_overflow, False), (ax_g, s.backward_overflow, True)):
        top = [l for l in ax.lines if l.get_marker() == "^" and l.get_visible()][0].get_xdata()
        if first is not None and not (ax is ax_h and np.isfinite(h[first - 1])):
            assert (top.max() if down else top.min()) == first
    for ax, first, down in ((ax_h, s.forward_underflow, False), (ax_g, s.backward_underflow, True)):
        bottom = [l for l in ax.lines if l.get_marker() == "v" and l.get_visible()][0].get_xdata()
        if first is not None and bottom.size:
            assert (bottom.max() if down else bottom.min()) == first
    # region labels stay inside their panel (issue 19: "overflow from layer 70" ran into the next)
    d.figure.canvas.draw()
    renderer = d.figure.canvas.get_renderer()
    for ax in d.figure.axes[:3]:
        box = ax.get_window_extent(renderer)
        for t in ax.texts:
            if t.get_visible():
                tb = t.get_window_extent(renderer)
                assert box.x0 - 1 <= tb.x0 and tb.x1 <= box.x1 + 1, t.get_text()
    # and every label of the figure stays on the figure (the y label at 10^-300 ticks)
    for ax in d.figure.axes[:3]:
        lb = ax.yaxis.label.get_window_extent(renderer)
        assert lb.x0 >= 0, (ax.get_ylabel(), lb)


def test_issue_9_relu_std_10_depth_80():
    """The reported disagreement: E[h^2] = inf from some layer, caption said 'all finite'."""
    d = widgets.variance_dashboard(backend="agg", activation="relu", init="normal", std=10.0,
                                   depth=80)
    k = int(np.flatnonzero(~np.isfinite(d.stats.h_m2))[0]) + 1
    assert d.state.forward_overflow == k
    # the entries stay finite (about 1e154); it is their second moment that leaves float64
    assert d.stats.forward_overflow is None
    assert (f"E[h_l²] overflows from layer {k} (beyond float64's 1.8e+308; the "
            "activations themselves stay finite)") in d.artists.caption.get_text().replace("\n", " ")
    assert f"E[h_l²] overflows from layer {k}" in \
        d.status_text().splitlines()[1]
    assert d.stats.summary() in d.artists.caption.get_text().replace("\n", " ")
    assert _hatched(d.figure.axes[0])[0] == (k - 0.5, 80.5)


def _state(f, c, L=10, q=1.0):
    return DashboardState(L, None, None, None, None, f, c, q)


@pytest.mark.parametrize("f", [0.05, 0.57 ** 0.1, 0.98, 0.995, 1.0, 1.005, 1.02, 1.3, 40.0])
@pytest.mark.parametrize("c", [None, 0.06, 0.98, 1.0, 1.02, 5.5])
def test_measured_wording_follows_the_measured_factor(f, c):
    text = phase_text(_state(f, c))
    measured = text.split(";")[0].rstrip(".")
    assert measured == measured_text(_state(f, c))
    if f < 0.99:
        assert "shrink" in measured and "grow" not in measured and "chaotic" not in measured
    elif f > 1.01:
        assert "grow" in measured and "shrink" not in measured and "ordered" not in measured
    else:
        assert "level" in measured
    assert f"×{f ** 10:.2g}" in measured or f"×{f ** 10:.1e}" in measured
    if c is not None:
        assert f"χ₁ = {c:.3g}" in text and "at the fixed point q* = 1" in text
        disagree = (f < 0.99) != (c < 0.99) or (f > 1.01) != (c > 1.01)
        assert ("have not reached q* yet" in text) == disagree


@pytest.mark.parametrize("activation", ["tanh", "lecun_tanh", "softsign", "sigmoid", "relu",
                                        "linear", "leaky_relu"])
@pytest.mark.parametrize("std", [0.01, 0.0625, 0.088, 0.5, 2.0])
def test_dashboard_wording_matches_the_gradient_panel(activation, std):
    d = widgets.variance_dashboard(backend="agg", activation=activation, init="normal", std=std,
                                   width=64, batch=32, depth=10)
    g = d.stats.grad_h_var
    verdict = d.status_text().splitlines()[1]
    measured = verdict.split(";")[0] if "Float range" not in verdict else verdict
    if d.state.grad_factor is not None:
        f = (g[0] / g[-1]) ** (1 / 10)
        assert d.state.grad_factor == pytest.approx(f, rel=1e-9)
        if f < 0.99:
            assert "shrink" in measured and "grow" not in measured and "chaotic" not in measured
        elif f > 1.01:
            assert "grow" in measured and "shrink" not in measured
    assert len(verdict) < 260  # the status: what is shown + one verdict (details collapsed)
    assert "<details>" in d.status.value


def _named_stds() -> set[float]:
    """std values the notebooks pass to a dashboard or name as critical."""
    found = set()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            src = "".join(cell["source"])
            if "dashboard(" in src:
                found.update(float(v) for v in re.findall(r"\bstd=([0-9.]+)", src))
            found.update(float(v) for v in re.findall(r"std \$= [^$]*= ([0-9.]+)\$", src))
            found.update(float(v) for v in re.findall(r"\*std\* ([0-9.]+)", src))
    return found


def test_std_slider_holds_every_named_value_and_a_click_changes_nothing():
    named = _named_stds()
    assert {0.0625, 0.088} <= named  # notebook 01's critical std, 06's edge-of-chaos std
    grid = widgets.std_grid()
    # issue 19: a clean log grid, no near-duplicate steps, with the values notebook 01 asks for
    assert all(1.08 <= b / a <= 1.34 for a, b in zip(grid, grid[1:])), grid
    assert grid[0] == widgets.STD_RANGE[0] and grid[-1] == widgets.STD_RANGE[1]
    assert {0.05, 0.08, 0.1, 0.5, 1.0, 2.0, 10.0} <= set(grid)
    for v in sorted(named | {0.0625, 1 / 16}):
        assert v in grid, v
        d = widgets.variance_dashboard(backend="agg", controls=("depth", "std"), init="normal",
                                       std=v, width=16, batch=16, depth=3)
        slider = d.controls["std"]
        assert slider.value == v and float(slider.label) == v
        n, text = d.n_updates, d.status_text()
        slider.value = slider.value  # a click on the handle without moving it
        slider.index = slider.index
        assert d.n_updates == n and d.status_text() == text and slider.value == v
    # a preset off the grid becomes a grid point; from code, values snap to the nearest point
    d = widgets.variance_dashboard(backend="agg", controls=("std",), init="normal", std=0.0731,
                                   width=16, batch=16, depth=2)
    assert d.controls["std"].value == 0.0731
    d.controls["std"].value = 0.0632
    assert d.controls["std"].value in grid and abs(d.controls["std"].value - 0.0632) < 0.003


def test_underflow_caption_and_hatching_agree():
    """Underflow of the values (std 1e-6, beyond the slider): caption, hatch and state agree."""
    from wi_helpers import plots
    net = MLP([32] * 61, activation="tanh", init="normal", std=1e-6, seed=0)
    stats = layer_stats(net, batch=64, rng=np.random.default_rng(0))
    s = dashboard_state(stats)
    assert s.forward_underflow is not None and s.backward_underflow is not None
    fig = plots.variance_profile(stats)
    caption = fig._supxlabel.get_text().replace("\n", " ")
    assert _layers_named(caption, "activations underflow") == [s.forward_underflow]
    assert _layers_named(caption, "gradients dL/dh underflow") == [s.backward_underflow]
    assert _hatched(fig.axes[0]) == [(s.forward_underflow - 0.5, 60.5)]
    assert _hatched(fig.axes[1]) == [(-0.5, s.backward_underflow + 0.5)]
    assert "shrink out of the float range" in measured_text(s) and "grow" not in measured_text(s)


def test_the_states_cover_every_verdict():
    """STATES reach overflow both ways, a variance underflowing to 0, and a finite network."""
    seen = set()
    for activation, init, std, depth in STATES:
        d = widgets.variance_dashboard(backend="agg", activation=activation, init=init, std=std,
                                       depth=depth, width=32, batch=16)
        s = d.state
        seen.update(name for name in ("forward_overflow", "backward_overflow")
                    if getattr(s, name) is not None)
        if s.grad_factor is not None:
            seen.add("finite")
        elif s.backward_overflow is None:
            seen.add("zero")
            verdict = d.status_text().splitlines()[1]
            assert "underflows from layer" in verdict or "below float precision" in verdict
            assert "grow" not in verdict
    assert seen == {"forward_overflow", "backward_overflow", "zero", "finite"}


def test_scale_free_activations_are_not_said_to_be_in_a_transient():
    from wi_helpers.dashboard_model import DashboardState, phase_text
    relu = phase_text(DashboardState(30, None, None, None, None, 1.05, 1.0, 1.0, scale_free=True))
    tanh = phase_text(DashboardState(10, None, None, None, None, 0.95, 1.02, 0.38))
    assert "spread" in relu and "not reached" not in relu
    assert "not reached q* yet" in tanh


def test_a_linear_network_is_neither_ordered_nor_chaotic():
    """Issue 19: 'q* = inf, χ₁ = 207 (chaotic)' for a linear network, whose correlations do not
    depend on the weight scale; the status says what applies: the per-layer factor σ_w²."""
    d = widgets.variance_dashboard(backend="agg", activation="linear", init="normal", std=0.9,
                                   width=64, batch=32)
    verdict = d.status_text().splitlines()[1]
    assert "chaotic" not in verdict.replace("no ordered or chaotic phase", "")
    assert "ordered" not in verdict.replace("no ordered or chaotic phase", "")
    assert "q* =" not in verdict and "no ordered or chaotic phase" in verdict
    assert f"×σ_w² = {64 * 0.81:.3g} per layer" in verdict


def test_finite_width_gap_is_explained():
    """Issue 19: tanh, std 10, width 256: measured 2.1e18 against mean field 2.0e19 with no
    word on why. Mean field is the wide-layer limit; about 1 in 100 activations is unsaturated."""
    d = widgets.variance_dashboard(backend="agg", activation="tanh", init="normal", std=10.0)
    g, t = d.stats.grad_h_var, d.prediction.grad_h_var
    dex = abs(math.log10(g[0] / g[-1]) - math.log10(t[0] / t[-1]))
    assert dex > 0.5  # (0.99 at seed 0)
    lines = d.status_text().splitlines()
    unsaturated = 100 * (1 - float(np.mean(d.stats.saturation)))
    assert 0.5 < unsaturated < 2
    assert "wide-layer limit" in lines[1] and f"only {unsaturated:.1f}% of the activations" in lines[1]
    assert any(l.startswith("Finite width:") for l in lines)
    # where they agree (the defaults), nothing is said
    quiet = widgets.variance_dashboard(backend="agg")
    assert "wide-layer limit" not in quiet.status_text()


def test_a_bottleneck_gets_no_per_layer_rate():
    """Issue 19: a non-monotone profile has no one rate per layer; the status says so."""
    d = widgets.variance_dashboard(backend="agg", shape="bottleneck", activation="linear",
                                   init="glorot_normal", depth=8, batch=64)
    g = d.stats.grad_h_var
    steps = g[:-1] / g[1:]
    assert (steps > 1.01).any() and (steps < 0.99).any()  # some layers grow it, others shrink it
    verdict = d.status_text().splitlines()[1]
    assert "per layer" not in verdict and "not at one rate" in verdict
    # a constant width keeps its rate, even where finite-size noise makes single steps differ
    assert "per layer" in widgets.variance_dashboard(backend="agg").status_text().splitlines()[1]
