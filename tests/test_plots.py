"""wi_helpers.plots draws the data it is given, marks what it cannot draw, and warns about nothing.

The figures are checked through their artists (line data, markers, captions), rendered with
Agg; RuntimeWarnings are errors (pyproject.toml), and each test also renders the figure so
that warnings raised at draw time (log scales, tick locators) are caught too.
"""
from __future__ import annotations

import io
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from wi_helpers import (MLP, jacobian_singular_values, layer_histograms, layer_stats, linear_theory,
                        mean_field, scheme_weight_var)
from wi_helpers import plots
from wi_helpers.activations import saturation_fraction


def _stats(sizes, activation="tanh", init="glorot_uniform", *, std=None, dtype=np.float64,
           batch=64, seed=0):
    net = MLP(sizes, activation=activation, init=init, std=std, seed=seed, dtype=dtype)
    stats = layer_stats(net, batch=batch, rng=np.random.default_rng(seed + 1))
    return net, stats


def _prediction(sizes, activation="tanh", init="glorot_uniform", std=None):
    return mean_field(sizes, activation, scheme_weight_var(sizes, init, std=std))


def _render(fig) -> None:
    """Draw the figure as a PNG with every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(io.BytesIO(), format="png")


def _sim(ax):
    return [l for l in ax.lines if l.get_linestyle() == "-" and l.get_marker() in plots.MARKERS
            and l.get_visible()]


def _theory(ax):
    return [l for l in ax.lines if l.get_linestyle() == "--" and l.get_visible()]


def _edge_markers(ax, marker):
    return [l for l in ax.lines if l.get_marker() == marker and l.get_visible()
            and len(l.get_xdata())]


def _caption(fig) -> str:
    return fig._supxlabel.get_text() if fig._supxlabel is not None else ""


@pytest.fixture(scope="module")
def tanh_standard():
    sizes = [128] * 9
    net, stats = _stats(sizes, init="standard")
    return net, stats, _prediction(sizes, init="standard")


@pytest.fixture(scope="module")
def exploding():
    # float32 ReLU with std 6 at width 64: E[h^2] grows 64*36/2 = 1152x per layer and the
    # activations overflow float32 at layer 25
    net, stats = _stats([64] * 31, "relu", "normal", std=6.0, dtype=np.float32)
    assert stats.forward_overflow == 25
    return net, stats, mean_field([64] * 31, "relu", 36.0)


def test_variance_profile_draws_simulation_and_theory(tanh_standard):
    _, stats, pred = tanh_standard
    fig = plots.variance_profile(stats, pred, title="tanh, standard init")
    _render(fig)
    ax_h, ax_g = fig.axes[:2]
    (sim_h,), (th_h,) = _sim(ax_h), _theory(ax_h)
    (sim_g,), (th_g,) = _sim(ax_g), _theory(ax_g)
    np.testing.assert_array_equal(sim_h.get_xdata(), np.arange(1, 9))
    np.testing.assert_array_equal(sim_h.get_ydata(), stats.h_m2)
    np.testing.assert_array_equal(th_h.get_ydata(), pred.h_m2)
    np.testing.assert_array_equal(sim_g.get_xdata(), np.arange(0, 9))
    np.testing.assert_array_equal(sim_g.get_ydata(), stats.grad_h_var)
    np.testing.assert_array_equal(th_g.get_ydata(), pred.grad_h_var)
    assert sim_h.get_color() == th_h.get_color()
    assert ax_h.get_yscale() == ax_g.get_yscale() == "log"
    legend = [t.get_text() for t in ax_h.get_legend().get_texts()]
    assert legend[:2] == ["simulation", "theory (mean field)"]
    assert "healthy band [0.1, 10]" in legend
    assert "all values finite" in _caption(fig)
    assert fig._suptitle.get_text() == "tanh, standard init"
    assert not _edge_markers(ax_h, "^") and not _edge_markers(ax_g, "v")


def test_variance_profile_without_theory_has_no_dashed_line(tanh_standard):
    _, stats, _ = tanh_standard
    fig = plots.variance_profile(stats)
    _render(fig)
    assert not _theory(fig.axes[0]) and not _theory(fig.axes[1])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert not any(text.startswith("theory") for text in legend)


def test_variance_profile_names_the_theory(tanh_standard):
    _, stats, _ = tanh_standard
    fig = plots.variance_profile(stats, linear_theory([128] * 9, 1 / 3 / 128))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "theory (linear regime)" in legend


def test_overflow_is_marked_at_its_layer_and_named(exploding):
    _, stats, pred = exploding
    fig = plots.variance_profile(stats, pred)
    _render(fig)
    ax_h = fig.axes[0]
    (top,) = _edge_markers(ax_h, "^")
    np.testing.assert_array_equal(top.get_xdata(), np.arange(25, 31))  # nan from layer 25 on
    hatched = [p for p in ax_h.patches if p.get_visible() and p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_x() == pytest.approx(24.5)
    labels = [t.get_text() for t in ax_h.texts if t.get_visible()]
    assert "from layer 25" in labels
    # the key names what the hatching means
    assert "out of float range: inf" in [t.get_text() for t in ax_h.get_legend().get_texts()]
    caption = _caption(fig)
    assert "activations overflow (inf/nan) from layer 25" in caption
    assert "layers 25-30" not in caption  # the triangles lie in the hatched region: no repeat
    # the simulation line leaves the overflowed layers out as gaps, it does not drop them
    (sim,) = _sim(ax_h)
    assert len(sim.get_xdata()) == 30 and np.isnan(sim.get_ydata()[24:]).all()


def test_second_moment_beyond_float_range_is_marked():
    # the activations stay finite (~1e234) but E[h^2] overflows float64 to inf
    _, stats = _stats([64] * 61, "linear", "normal", std=3000.0)
    assert stats.forward_overflow is None and np.isinf(stats.h_m2).any()
    fig = plots.variance_profile(stats)
    _render(fig)
    (top,) = _edge_markers(fig.axes[0], "^")
    # every finite second moment is drawn (the axis reaches float64's maximum): the triangles
    # are the layers where E[h^2] is inf, where the hatching starts
    np.testing.assert_array_equal(top.get_xdata(), np.flatnonzero(~np.isfinite(stats.h_m2)) + 1)
    k = int(np.flatnonzero(~np.isfinite(stats.h_m2))[0]) + 1
    assert f"E[h_l²] overflows from layer {k} " in _caption(fig)
    hatched = [p for p in fig.axes[0].patches if p.get_visible() and p.get_hatch()]
    assert [p.get_x() for p in hatched] == [k - 0.5]
    assert np.nanmax(_sim(fig.axes[0])[0].get_ydata()) > 1e250


def test_underflow_is_marked_downwards():
    # tanh with std 1e-6 at width 32: activations and gradients shrink ~5.7e-6 per layer and
    # fall below float64's smallest normal number after about 55 layers
    _, stats = _stats([32] * 61, "tanh", "normal", std=1e-6)
    assert stats.forward_underflow is not None and stats.backward_underflow is not None
    fig = plots.variance_profile(stats)
    ax_g = fig.axes[1]
    (bottom,) = _edge_markers(ax_g, "v")
    tiny = np.finfo(np.float64).tiny
    np.testing.assert_array_equal(bottom.get_xdata(), np.flatnonzero(stats.grad_h_var < tiny))
    k = int(np.flatnonzero(stats.grad_h_var < tiny)[-1])  # the variance is 0 from here down
    labels = [t.get_text() for t in ax_g.texts if t.get_visible()]
    assert f"from layer {k} down" in labels
    assert "below float precision" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_overflowed_relu_gradients_are_not_called_vanishing(exploding):
    # a ReLU's slope at nan is 0, so the gradients below an overflow come out as zeros: that
    # must not be reported as a vanishing gradient
    _, stats, _ = exploding
    assert stats.forward_overflow == 25 and stats.backward_underflow is None
    assert "vanish" not in stats.summary()


def test_artists_update_in_place(tanh_standard, exploding):
    _, stats, pred = tanh_standard
    fig = Figure()
    artists = plots.VarianceArtists(fig, saturation=True)
    artists.update(stats, pred)
    lines_before = [list(ax.lines) for ax in fig.axes]
    _, big, big_pred = exploding
    artists.update(big, big_pred)
    _render(fig)
    assert [list(ax.lines) for ax in fig.axes] == lines_before  # same artists, new data
    np.testing.assert_array_equal(_sim(fig.axes[2])[0].get_ydata(), big.saturation)
    assert len(_sim(fig.axes[0])[0].get_xdata()) == 30
    artists.update(stats, None)
    assert not _theory(fig.axes[0]) and len(_sim(fig.axes[0])[0].get_xdata()) == 8


@pytest.mark.parametrize("quantity", plots.QUANTITIES)
def test_compare_profiles_draws_each_quantity(quantity, tanh_standard):
    _, s1, p1 = tanh_standard
    _, s2 = _stats([128] * 5, "relu", "he_normal")
    p2 = _prediction([128] * 5, "relu", "he_normal")
    fig = plots.compare_profiles({"tanh standard": (s1, p1), "relu he": (s2, p2)}, quantity=quantity)
    _render(fig)
    ax = fig.axes[0]
    sims = _sim(ax)
    assert len(sims) == 2 and sims[0].get_color() != sims[1].get_color()
    expected = {"z_var": s1.z_std ** 2}.get(quantity, getattr(s1, quantity, None))
    np.testing.assert_allclose(sims[0].get_ydata(), expected)
    has_theory = quantity in ("h_m2", "z_var", "grad_h_var", "grad_z_var", "grad_W_var")
    assert len(_theory(ax)) == (2 if has_theory else 0)
    if quantity == "saturation":
        assert ax.get_yscale() == "linear" and ax.get_ylim()[0] > -0.1 and ax.get_ylim()[1] < 1.1
    else:
        assert ax.get_yscale() == "log"


def test_compare_profiles_rejects_unknown_quantity(tanh_standard):
    _, stats, _ = tanh_standard
    with pytest.raises(ValueError, match="h_m2, h_std, z_var, grad_h_var.*'variance'"):
        plots.compare_profiles({"a": (stats, None)}, quantity="variance")


def test_compare_profiles_names_the_overflowing_network(tanh_standard, exploding):
    _, s1, _ = tanh_standard
    _, s2, _ = exploding
    fig = plots.compare_profiles({"tanh": (s1, None), "relu f32": (s2, None)}, quantity="h_m2")
    _render(fig)
    assert "relu f32: activations overflow (inf/nan) from layer 25" in _caption(fig)
    (top,) = _edge_markers(fig.axes[0], "^")
    assert top.get_color() == _sim(fig.axes[0])[1].get_color()  # the second network's colour


def test_histogram_plot_draws_layer_densities(tanh_standard):
    net, _, _ = tanh_standard
    values = net.h[1:4]
    fig = plots.histogram_plot(values, xlabel="$h_l$", bins=40, range=(-1, 1))
    _render(fig)
    ax = fig.axes[0]
    counts, edges = layer_histograms(values, bins=40, range=(-1, 1))
    lines = [l for l in ax.lines if l.get_visible()]
    assert len(lines) == 3
    for line, c in zip(lines, counts):
        np.testing.assert_allclose(line.get_ydata(), c)
        np.testing.assert_allclose(line.get_xdata(), 0.5 * (edges[1:] + edges[:-1]))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 1", "layer 2", "layer 3"]
    assert _caption(fig) == "All values finite."


def test_histogram_plot_counts_dropped_values_and_uses_a_colorbar_for_many_layers(tanh_standard):
    net, _, _ = tanh_standard
    values = [h.copy() for h in net.h[1:]]
    values[6][0, :3] = [np.inf, -np.inf, np.nan]
    fig = plots.histogram_plot(values, xlabel="$h_l$")
    _render(fig)
    assert "3 non-finite values" in _caption(fig) and "layer 7" in _caption(fig)
    assert len(fig.axes) == 2 and fig.axes[0].get_legend() is None  # axes + colour bar


def test_saturation_plot(tanh_standard):
    _, s1, _ = tanh_standard
    _, s2 = _stats([128] * 5, "relu", "glorot_normal")
    fig = plots.saturation_plot({"tanh": s1, "relu": s2})
    _render(fig)
    sims = _sim(fig.axes[0])
    np.testing.assert_array_equal(sims[0].get_ydata(), s1.saturation)
    np.testing.assert_array_equal(sims[1].get_xdata(), np.arange(1, 5))
    assert "|h| > 0.97" in _caption(fig) and "dead" in _caption(fig)
    assert "half-range" in _caption(fig)
    lo, hi = fig.axes[0].get_ylim()
    assert -0.1 < lo <= 0 and 1 <= hi < 1.1


def test_saturation_caption_names_only_the_activations_shown():
    _, logistic = _stats([64] * 4, "sigmoid", "standard")
    fig = plots.saturation_plot({"a": logistic, "b": logistic})
    _render(fig)
    caption = " ".join(_caption(fig).split())  # the caption is wrapped to the figure's width
    # the thresholds are the ones saturation_fraction applies, in the logistic's terms
    assert "h < 0.015 or h > 0.985" in caption
    for h, saturated in ((0.015 + 1e-9, 0.0), (0.015 - 1e-9, 1.0), (0.985 - 1e-9, 0.0),
                         (0.985 + 1e-9, 1.0)):  # the thresholds saturation_fraction applies
        assert saturation_fraction("sigmoid", np.zeros((1, 1)), np.array([[h]])) == saturated
    assert "ReLU" not in caption and "dead" not in caption and "|h|" not in caption
    assert "half-range" in caption
    text = plots.saturation_rule(["relu", "leaky_relu"])
    assert "asymptote" not in text and "ReLU and leaky ReLU: dead unit" in text
    assert plots.saturation_rule(["linear"]) == "Linear units never saturate"
    assert "LeCun tanh: |h| > 1.664" in plots.saturation_rule(["lecun_tanh", "tanh"])
    with pytest.raises(ValueError, match="activation"):
        plots.saturation_rule(["sigmoidd"])


def test_jacobian_spectrum_plot(tanh_standard):
    net, _, _ = tanh_standard
    svs = jacobian_singular_values(net, n_examples=3)
    fig = plots.jacobian_spectrum_plot(svs)
    _render(fig)
    ax = fig.axes[0]
    (mean_line,) = [l for l in ax.lines if l.get_label() == "mean singular value"]
    np.testing.assert_allclose(mean_line.get_ydata(), [s.mean() for s in svs])
    assert any(l.get_label() == "1 (isometry)" and tuple(l.get_ydata()) == (1, 1) for l in ax.lines)


def test_jacobian_spectrum_ticks_label_each_box_with_its_layer():
    # boxplot pins fixed tick labels; they must not be shifted by the integer locator
    rng = np.random.default_rng(0)
    svs = [rng.uniform(0.5, 1.5, 20) * (l + 1) for l in range(5)]
    fig = plots.jacobian_spectrum_plot(svs)
    _render(fig)
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    shown = {float(t.get_position()[0]): t.get_text() for t in ax.get_xticklabels()
             if lo <= t.get_position()[0] <= hi}
    assert {loc: text for loc, text in shown.items() if text} == {float(l): str(l) for l in range(1, 6)}
    boxes = [b.get_path().vertices[:, 0] for b in ax.patches]  # the boxes drawn at layers 1..5
    assert sorted(round(float(v.min() + v.max()) / 2, 6) for v in boxes) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_curve_plot_marks_non_finite_points():
    L = np.arange(1, 21)
    ys = {"σ_w² = 0.5": 0.5 ** L, "σ_w² = 2": np.where(L > 15, np.inf, 2.0 ** L)}
    fig = plots.curve_plot(L, ys, theory={"σ_w² = 0.5": 0.5 ** L}, xlabel="depth L",
                           ylabel=r"$\mathrm{Var}[\partial L/\partial h_0]$")
    _render(fig)
    ax = fig.axes[0]
    np.testing.assert_array_equal(_theory(ax)[0].get_ydata(), 0.5 ** L)
    (top,) = _edge_markers(ax, "^")
    np.testing.assert_array_equal(top.get_xdata(), np.arange(16, 21))
    assert "σ_w² = 2: the value is inf/nan" in _caption(fig) and "x = 16-20" in _caption(fig)
    with pytest.raises(ValueError, match="not in ys"):
        plots.curve_plot(L, ys, theory={"other": L}, xlabel="L", ylabel="y")
    with pytest.raises(ValueError, match="has 3 values but x has 20"):
        plots.curve_plot(L, {"a": [1, 2, 3]}, xlabel="L", ylabel="y")


def test_bad_input_is_refused(tanh_standard):
    _, stats, pred = tanh_standard
    with pytest.raises(TypeError, match="stats must be a LayerStats"):
        plots.variance_profile(np.ones(3))
    with pytest.raises(ValueError, match="prediction has 4 layers but the stats have 8"):
        plots.variance_profile(stats, mean_field([128] * 5, "tanh", 1.0))
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plots.variance_profile(stats, fig="figure")


def test_figures_are_returned_not_accumulated(tanh_standard):
    _, stats, pred = tanh_standard
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    figs = [plots.variance_profile(stats, pred) for _ in range(3)]
    assert all(isinstance(f, Figure) for f in figs)
    assert plt.get_fignums() == before  # outside Jupyter, pyplot does not track them
    # drawing into a given figure replaces its contents
    fig = Figure()
    plots.variance_profile(stats, pred, fig=fig)
    plots.variance_profile(stats, pred, fig=fig)
    assert len(fig.axes) == 2


def test_style_is_projector_readable(tanh_standard):
    _, stats, pred = tanh_standard
    fig = plots.variance_profile(stats, pred)
    _render(fig)
    ax = fig.axes[0]
    assert ax.xaxis.label.get_fontsize() >= 11
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 11
    assert all(l.get_linewidth() >= 2 for l in _sim(ax) + _theory(ax))
    assert matplotlib.rcParams["font.size"] == matplotlib.rcParamsDefault["font.size"]


@pytest.mark.parametrize("y", [[1e-200, 1e200], [0.0, np.inf], [5e-324, 1.7e308], [np.nan, 1.0]])
def test_curve_plot_extreme_log_data_renders(y):
    """Issue 9: 1e-200..1e200 on a log axis raised OverflowError in the tick formatter at savefig."""
    import io
    fig = plots.curve_plot([1, 2], {"a": np.array(y)}, xlabel="x", ylabel="y")
    fig.savefig(io.BytesIO(), format="png")
    ticks = fig.axes[0].yaxis.get_majorticklocs()
    assert np.all(np.isfinite(ticks)) and np.all(ticks > 0)


@pytest.mark.parametrize("v", [[1.7e308, -1.7e308, 0.0], [1e308] * 5, [1.7e308, 1.6e308]])
def test_histogram_near_float_max_renders_and_says_so(v):
    """Issue 9: values near the float maximum warned (overflow) or raised (bins not increasing)."""
    import io
    fig = plots.histogram_plot([np.array(v)], xlabel="h")
    fig.savefig(io.BytesIO(), format="png")
    assert "beyond the x axis" in fig._supxlabel.get_text()


def test_series_differ_by_marker_as_well_as_colour(tanh_standard):
    """Five or more series: each has its own colour and its own marker (no yellow, no
    triangle, which would read as an overflow or underflow marker), in figure and legend."""
    _, stats, pred = tanh_standard
    fig = plots.compare_profiles({f"net {i}": (stats, pred) for i in range(6)}, quantity="h_m2")
    sims = _sim(fig.axes[0])
    assert len(sims) == 6
    assert len({l.get_marker() for l in sims}) == 6 and len({l.get_color() for l in sims}) == 6
    assert not {l.get_marker() for l in sims} & {"^", "v"}
    assert "#F0E442" not in {l.get_color() for l in sims}
    legend = {t.get_text(): h for t, h in zip(fig.axes[0].get_legend().get_texts(),
                                            fig.axes[0].get_legend().legend_handles)}
    assert [legend[f"net {i}"].get_marker() for i in range(6)] == [l.get_marker() for l in sims]


def test_decade_ticks_step_by_round_strides():
    """Issue 19: ticks jumped 44-48 decades at depth 100; now 1, 2, 5, ..., 100 or 200."""
    from wi_helpers.plots.artists import DecadeLocator, decade_label
    loc = DecadeLocator()
    for lo, hi, stride in ((1e-2, 1e2, 1), (1e-300, 1e300, 100), (1e-60, 1e300, 100),
                           (1e-20, 1e10, 5), (1e-3, 1e8, 2)):
        ticks = np.log10(loc.tick_values(lo, hi))
        assert np.allclose(np.diff(ticks), stride) and 3 <= len(ticks) <= 8, (lo, hi, ticks)
        assert np.allclose(ticks % stride, 0)
    assert decade_label(1e-300) == "10⁻³⁰⁰" and decade_label(1.0) == "10⁰"
