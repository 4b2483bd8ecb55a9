"""The dashboards: driven through their controls without a frontend (Agg backend).

Each test sets a control's .value, as the frontend would, and checks what the figure now
draws against a fresh computation with the same seeds, what the status line says, and that
the figure was updated in place rather than rebuilt.
"""
from __future__ import annotations

import base64

import matplotlib
import numpy as np
import pytest

from wi_helpers import MLP, footprint_bytes, layer_histograms, layer_stats, mean_field, scheme_weight_var
from wi_helpers import dashboard_model, plots, widgets
from wi_helpers.widgets import DASHBOARD_MAX_BYTES, histogram_dashboard, variance_dashboard

CONTROLS = [c.name for c in widgets.VarianceDashboard.CONTROLS]


def _sim(ax):
    return [l for l in ax.lines if l.get_linestyle() == "-" and l.get_marker() in plots.MARKERS
            and l.get_visible()][0]


def _theory(ax):
    found = [l for l in ax.lines if l.get_linestyle() == "--" and l.get_visible()]
    return found[0] if found else None


def _expected(sizes, *, activation="tanh", init="glorot_uniform", std=None, gain=1.0, bias=0.0,
              batch=256, seed=0):
    net = MLP(sizes, activation=activation, init=init, std=std, gain=gain, bias_std=bias, seed=seed)
    return layer_stats(net, batch=batch, rng=np.random.default_rng([seed, 1]))


def _shown(dash) -> set[str]:
    """Names of the controls a viewer sees: in the dashboard's boxes and not display:none."""
    seen, stack = set(), list(dash.children)
    while stack:
        w = stack.pop()
        stack.extend(getattr(w, "children", ()))
        for name, control in dash.controls.items():
            if w is control and control.layout.display != "none":
                seen.add(name)
    return seen


@pytest.fixture
def dash():
    return variance_dashboard(backend="agg", batch=64, width=64)


def test_initial_figure_matches_a_fresh_computation(dash):
    stats = _expected([64] * 11, batch=64)
    ax_h, ax_g, ax_s = dash.figure.axes[:3]
    np.testing.assert_array_equal(_sim(ax_h).get_ydata(), stats.h_m2)
    np.testing.assert_array_equal(_sim(ax_g).get_ydata(), stats.grad_h_var)
    np.testing.assert_array_equal(_sim(ax_s).get_ydata(), stats.saturation)
    pred = mean_field([64] * 11, "tanh", scheme_weight_var([64] * 11, "glorot_uniform"), batch=64)
    np.testing.assert_allclose(_theory(ax_g).get_ydata(), pred.grad_h_var)
    text = dash.status_text()
    assert text.startswith("10 layers of width 64: tanh, init glorot_uniform")
    assert "Var[∂L/∂h_0]/Var[∂L/∂h_L] =" in text and "χ₁ = 1" in text
    assert "Saturation" in text


def test_depth_change_redraws_with_the_new_depth(dash):
    before = dash.status_text()
    lines_before = [list(ax.lines) for ax in dash.figure.axes]
    figure = dash.figure
    dash.controls["depth"].value = 17
    stats = _expected([64] * 18, batch=64)
    ax_h, ax_g = dash.figure.axes[:2]
    np.testing.assert_array_equal(_sim(ax_h).get_xdata(), np.arange(1, 18))
    np.testing.assert_array_equal(_sim(ax_h).get_ydata(), stats.h_m2)
    np.testing.assert_array_equal(_sim(ax_g).get_ydata(), stats.grad_h_var)
    after = dash.status_text()
    assert after != before and after.startswith("17 layers of width 64")
    ratio = stats.grad_h_var[0] / stats.grad_h_var[-1]
    assert f"Var[∂L/∂h_0]/Var[∂L/∂h_L] = {dashboard_model.format_number(ratio)}" in after
    # updated in place: same figure, same artists, nothing stacked
    assert dash.figure is figure and [list(ax.lines) for ax in dash.figure.axes] == lines_before
    import matplotlib.pyplot as plt
    assert plt.get_fignums() == []


def test_init_and_activation_changes(dash):
    dash.controls["init"].value = "standard"
    stats = _expected([64] * 11, init="standard", batch=64)
    np.testing.assert_array_equal(_sim(dash.figure.axes[0]).get_ydata(), stats.h_m2)
    text = dash.status_text()
    assert "χ₁ = 0.333" in text and "ordered" in text
    assert "no layer falls below 10⁻⁶" in text.splitlines()[2]  # (line 3: details) 10 layers: 1e-5, not yet vanished
    dash.controls["depth"].value = 20
    assert "E[h_l²] falls below 10⁻⁶ × E[h_1²] (relative to layer 1) at layer" in dash.status_text()
    dash.controls["activation"].value = "relu"
    dash.controls["init"].value = "he_normal"
    stats = _expected([64] * 21, activation="relu", init="he_normal", batch=64)
    np.testing.assert_array_equal(_sim(dash.figure.axes[1]).get_ydata(), stats.grad_h_var)
    assert "Dead units" in dash.status_text()


def test_std_control_in_view_but_disabled_unless_init_is_normal():
    d = variance_dashboard(backend="agg", controls=("depth", "init", "std"), width=32, batch=32)
    assert _shown(d) == {"depth", "init", "std"}  # in view: the notebooks tell learners to use it
    assert d.controls["std"].disabled and "(normal)" in d.controls["std"].description
    assert "init = normal" in d.controls["std"].tooltip
    before = d.stats.h_m2.copy()
    d.controls["std"].value = 2.0  # unused by glorot_uniform: the same network
    np.testing.assert_array_equal(d.stats.h_m2, before)
    d.controls["init"].value = "normal"
    assert _shown(d) == {"depth", "init", "std"} and not d.controls["std"].disabled
    d.controls["std"].value = 0.5
    stats = _expected([32] * 11, init="normal", std=0.5, batch=32)
    np.testing.assert_array_equal(_sim(d.figure.axes[0]).get_ydata(), stats.h_m2)
    assert "σ=0.5" in d.status_text()


def test_controls_subset_hides_the_others_and_keeps_presets():
    d = variance_dashboard(backend="agg", controls=("depth", "std"), init="normal", std=0.05,
                           width=32, batch=32, activation="linear")
    assert _shown(d) == {"depth", "std"}
    assert d.values()["activation"] == "linear" and d.values()["width"] == 32
    for name in set(CONTROLS) - {"depth", "std"}:
        assert not any(d.controls[name] is w for box in d.children[0].children
                       for w in getattr(box, "children", [box]))


def test_custom_sizes_and_invalid_text(dash):
    dash.controls["shape"].value = "custom"
    # the typed sizes replace depth and width: those sliders leave the view rather than
    # show values that are not in use
    assert "sizes" in _shown(dash) and not {"depth", "width"} & _shown(dash)
    dash.controls["sizes"].value = "100, 50, 50, 10"
    stats = _expected([100, 50, 50, 10], batch=64)
    ydata = _sim(dash.figure.axes[0]).get_ydata()
    np.testing.assert_array_equal(ydata, stats.h_m2)
    assert "3 layers, widths 100 → 50 → 50 → 10" in dash.status_text()
    assert "no single χ₁" in dash.status_text()
    dash.controls["sizes"].value = "100, fifty, 10"  # no exception reaches the frontend
    text = dash.status_text()
    assert "'fifty' is not a positive whole number" in text
    assert "Cannot read the sizes" in text and 'color:#B2182B' in dash.status.value
    np.testing.assert_array_equal(_sim(dash.figure.axes[0]).get_ydata(), ydata)  # unchanged
    dash.controls["sizes"].value = "100"
    assert "at least two widths" in dash.status_text()


def test_sizes_only_dashboard_is_custom():
    d = variance_dashboard(backend="agg", controls=("sizes",), sizes=[20, 10, 5], batch=16)
    assert _shown(d) == {"sizes"} and d.values()["shape"] == "custom"
    assert d.status_text().startswith("2 layers, widths 20 → 10 → 5")


def test_shapes_build_the_documented_widths():
    assert widgets.network_sizes("constant", 3, 64) == [64] * 4
    assert widgets.network_sizes("bottleneck", 4, 64) == [64, 23, 8, 23, 64]
    assert widgets.network_sizes("expanding", 3, 64) == [8, 16, 32, 64]
    d = variance_dashboard(backend="agg", shape="bottleneck", depth=4, width=64, batch=32)
    np.testing.assert_array_equal(_sim(d.figure.axes[0]).get_ydata(),
                                  _expected([64, 23, 8, 23, 64], batch=32).h_m2)


def test_sliders_offer_only_settings_that_fit(dash):
    """Issue 19: every value a slider offers is drawn; the cap shows in the sliders' ranges."""
    dash.controls["width"].value = 512
    dash.controls["batch"].value = 512  # 10 x 512 x 512: 90 MB, allowed
    assert "Too large" not in dash.status_text()
    top = dash.controls["depth"].max  # the deepest network that fits at this width and batch
    assert footprint_bytes([512] * (top + 1), 512) <= DASHBOARD_MAX_BYTES
    assert footprint_bytes([512] * (top + 2), 512) > DASHBOARD_MAX_BYTES
    n = dash.n_updates
    dash.controls["depth"].value = top
    assert dash.n_updates == n + 1 and "Too large" not in dash.status_text()
    # the other sliders now stop where this depth stops fitting
    w = dash.controls["width"]
    assert w.value == 512 and footprint_bytes([w.max] * (top + 1), 512) <= DASHBOARD_MAX_BYTES
    assert footprint_bytes([w.max + 16] * (top + 1), 512) > DASHBOARD_MAX_BYTES
    # the case of the issue: width 1024 at depth 100 is not offered (it needed 2410 MB)
    d = variance_dashboard(backend="agg", depth=100)
    assert d.controls["width"].max < 1024
    d.controls["depth"].value = 10
    d.controls["width"].value = 1024
    assert d.controls["depth"].max < 100 and "Too large" not in d.status_text()
    # a slider never moves a value by narrowing its range
    assert (d.controls["depth"].value, d.controls["width"].value) == (10, 1024)


def test_typed_sizes_too_large_are_refused_in_this_dashboards_words():
    d = variance_dashboard(backend="agg", controls=("shape", "sizes", "init"), shape="bottleneck",
                           depth=8, width=256, activation="linear", theory="linear")
    d.controls["shape"].value = "custom"
    ydata = _sim(d.figure.axes[0]).get_ydata().copy()
    d.controls["sizes"].value = ", ".join(["4096"] * 12)
    text = d.status_text()
    assert "Too large for a live dashboard" in text and "Nothing was computed" in text
    # this dashboard has no depth, width or batch control: the hint names what it has
    assert "To fit, type fewer or narrower layers in sizes." in text and "depth" not in text
    # (switching the shape to custom drew the default typed sizes first)
    assert "still shows the previous network (3 layers, widths 784" in text
    np.testing.assert_array_equal(_sim(d.figure.axes[0]).get_ydata(), ydata)
    with pytest.raises(ValueError, match="more than a live dashboard may use"):
        variance_dashboard(backend="agg", depth=100, width=1024)


def test_seed_reseeds_every_update(dash):
    first = _sim(dash.figure.axes[1]).get_ydata().copy()
    dash.controls["seed"].value = 5
    changed = _sim(dash.figure.axes[1]).get_ydata().copy()
    assert not np.array_equal(first, changed)
    np.testing.assert_array_equal(changed, _expected([64] * 11, batch=64, seed=5).grad_h_var)
    dash.controls["seed"].value = 0
    np.testing.assert_array_equal(_sim(dash.figure.axes[1]).get_ydata(), first)


def test_theory_toggle(dash):
    dash.controls["theory"].value = "off"
    assert _theory(dash.figure.axes[0]) is None and "Theory" not in dash.status_text()
    dash.controls["theory"].value = "linear"
    assert _theory(dash.figure.axes[0]) is not None
    assert "Theory (linear regime)" in dash.status_text()


def test_css_classes_and_descriptions(dash):
    for name, control in dash.controls.items():
        assert f"wi-{name}" in control._dom_classes
        assert control.description and control.tooltip
    assert "wi-status" in dash.status._dom_classes
    assert "wi-figure" in dash.figure_widget._dom_classes
    assert 'role="status"' in dash.status.value


def test_static_fallback_bundle(dash):
    bundle = dash._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "JupyterLab (make lab)" in bundle["text/plain"]
    assert dash.status_text().splitlines()[0] in bundle["text/plain"]


def test_bad_factory_input_is_refused():
    with pytest.raises(ValueError, match="unknown control.*'dpeth'.*allowed: depth"):
        variance_dashboard(backend="agg", controls=("dpeth",))
    with pytest.raises(ValueError, match="unknown dashboard setting.*'layers'"):
        variance_dashboard(backend="agg", layers=3)
    with pytest.raises(ValueError, match="depth must be an integer >= 1 and <= 100, got 0"):
        variance_dashboard(backend="agg", depth=0)
    with pytest.raises(ValueError, match="width must be an integer >= 16 and <= 1024, got 2048"):
        histogram_dashboard(backend="agg", width=2048)
    with pytest.raises(ValueError, match="unknown activation 'swish'; allowed: linear"):
        variance_dashboard(backend="agg", activation="swish")
    with pytest.raises(ValueError, match="std must be a finite number >= 0.001 and <= 10.0, got -1"):
        variance_dashboard(backend="agg", std=-1)
    with pytest.raises(TypeError, match="controls must be None or a tuple of control names"):
        variance_dashboard(backend="agg", controls=3)
    with pytest.raises(ValueError, match="control 'std' is only used by init='normal'"):
        variance_dashboard(backend="agg", controls=("depth", "std"))
    with pytest.raises(ValueError, match="control 'sizes' is only used with shape='custom'"):
        variance_dashboard(backend="agg", controls=("sizes",), shape="constant")
    with pytest.raises(ValueError, match="backend must be"):
        variance_dashboard(backend="qt")
    with pytest.raises(ValueError, match="'x' is not a positive whole number"):
        variance_dashboard(backend="agg", shape="custom", sizes="10, x")


def test_histogram_dashboard_draws_each_layer():
    d = histogram_dashboard(backend="agg", depth=6, width=32, batch=32, init="standard")
    net = MLP([32] * 7, activation="tanh", init="standard", seed=0)
    rng = np.random.default_rng([0, 1])
    X = rng.standard_normal((32, 32))
    out = net.forward(X)
    grads = net.backward(rng.standard_normal(out.shape))
    counts, _ = layer_histograms(net.h[1:])
    lines = [l for l in d.hist_h.ax.lines if l.get_visible()]
    assert len(lines) == 6
    for line, c in zip(lines, counts):
        np.testing.assert_allclose(line.get_ydata(), c)
    g_counts, _ = layer_histograms(grads.z)
    g_lines = [l for l in d.hist_g.ax.lines if l.get_visible()]
    assert len(g_lines) == 6
    for line, c in zip(g_lines, g_counts):
        np.testing.assert_allclose(line.get_ydata(), c)
    d.controls["depth"].value = 3
    assert len([l for l in d.hist_h.ax.lines if l.get_visible()]) == 3
    assert d.status_text().startswith("3 layers of width 32")


def test_ipympl_canvas_without_switching_the_backend():
    backend = matplotlib.rcParams._get_backend_or_none()
    d = variance_dashboard(backend="ipympl", width=32, batch=32)
    assert matplotlib.rcParams._get_backend_or_none() == backend
    assert d.figure_widget is d.figure.canvas and "wi-figure" in d.figure_widget._dom_classes
    d.controls["depth"].value = 4
    d.figure.canvas.draw()
    assert len(_sim(d.figure.axes[0]).get_xdata()) == 4


# --------------------------------------------------- what the learner sees after a change
# These tests compare pixels, whatever the redraw strategy (blit or full draw): the picture
# shown must equal the figure drawn from scratch with every artist.


def _plain_render(d) -> np.ndarray:
    """The figure drawn from scratch with every artist (none left out as animated)."""
    import io
    animated = [a for a in d.figure.findobj() if a.get_animated()]
    for artist in animated:
        artist.set_animated(False)
    try:
        buf = io.BytesIO()
        d.figure.savefig(buf, format="rgba", dpi=widgets.FIGURE_DPI)
    finally:
        for artist in animated:
            artist.set_animated(True)
    w, h = d.figure.canvas.get_width_height()
    return np.frombuffer(buf.getvalue(), np.uint8).reshape(h, w, 4)


def _pixels(d) -> np.ndarray:
    """A copy of what the canvas shows now (the buffer itself is redrawn by any render)."""
    return np.array(d.figure.canvas.buffer_rgba())


def _png_pixels(data: bytes) -> np.ndarray:
    from PIL import Image
    import io
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def _assert_shows_everything(d) -> None:
    """The canvas and the image widget the notebook displays both hold the figure drawn
    from scratch."""
    plain = _plain_render(d)
    np.testing.assert_array_equal(_pixels(d), plain)
    if isinstance(d.figure_widget, widgets.W.Image):  # the agg route: a PNG in an Image widget
        np.testing.assert_array_equal(_png_pixels(d.figure_widget.value), plain)


@pytest.fixture
def shown(dash):
    """The dashboard as displayed (its live image rendered)."""
    dash._repr_mimebundle_()
    return dash


def test_every_change_shows_the_new_figure(shown):
    dash = shown
    ax_h, ax_g, ax_s = dash.figure.axes[:3]
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in (ax_h, ax_g, ax_s)]
    assert ax_h.get_xlim() == (0.5, 10.5)
    before = _plain_render(dash)
    dash.controls["depth"].value = 9  # within the x step 1..10, values inside the y decades
    assert [(ax.get_xlim(), ax.get_ylim()) for ax in (ax_h, ax_g, ax_s)] == limits
    stats = _expected([64] * 10, batch=64)
    np.testing.assert_array_equal(_sim(ax_h).get_ydata(), stats.h_m2)
    np.testing.assert_array_equal(_sim(ax_g).get_ydata(), stats.grad_h_var)
    np.testing.assert_array_equal(_sim(ax_s).get_ydata(), stats.saturation)
    _assert_shows_everything(dash)
    assert (_pixels(dash) != before).any(axis=2).sum() > 100  # a visibly different picture
    assert "9 layers of width 64" in dash.status_text()
    dash.controls["depth"].value = 11  # next x step: the axes change
    assert ax_h.get_xlim() == (0.5, 20.5) and ax_g.get_xlim() == (-0.5, 20.5)
    _assert_shows_everything(dash)
    dash.controls["theory"].value = "linear"  # the legend names the theory
    assert "theory (linear regime)" in [t.get_text() for t in dash.figure.legends[0].get_texts()]
    _assert_shows_everything(dash)
    dash.controls["seed"].value = 3
    np.testing.assert_array_equal(_sim(ax_g).get_ydata(), _expected([64] * 12, batch=64, seed=3).grad_h_var)
    _assert_shows_everything(dash)


def test_y_limits_follow_vanishing_values(shown):
    dash = shown
    dash.controls["init"].value = "standard"
    dash.controls["depth"].value = 30  # E[h_l^2] falls about 1/3 per layer
    ax_h = dash.figure.axes[0]
    lo, hi = ax_h.get_ylim()
    h_m2 = _sim(ax_h).get_ydata()
    assert lo <= h_m2.min() and h_m2.max() <= hi
    assert np.log10(lo) == round(np.log10(lo)) and np.log10(hi) == round(np.log10(hi))
    assert np.log10(h_m2.max() / h_m2.min()) >= 0.4 * np.log10(hi / lo)  # uses the range
    _assert_shows_everything(dash)


def test_a_changed_caption_or_label_is_never_left_stale(shown):
    """Text outside the data (caption, axis labels) is redrawn whenever it changes."""
    dash = shown
    caption = dash.figure._supxlabel
    drawn = caption.get_text()
    caption.set_text(drawn + " (edited by hand)")
    dash.controls["seed"].value = 1  # the caption is set anew from the network
    assert caption.get_text() != drawn + " (edited by hand)"
    _assert_shows_everything(dash)
    dash.controls["activation"].value = "relu"  # the saturation axis now says "dead units"
    assert "dead" in dash.figure.axes[2].get_ylabel()
    _assert_shows_everything(dash)


def test_overflow_is_shown(shown):
    dash = shown
    dash.controls["init"].value = "normal"
    dash.controls["activation"].value = "linear"
    dash.controls["depth"].value = 100
    dash.controls["std"].value = 10.0  # x (64 * 10^2) per layer: E[h^2] is inf from layer 81
    k = int(np.argmax(~np.isfinite(dash.stats.h_m2))) + 1
    caption = dash.figure._supxlabel.get_text()
    assert f"E[h_l²] overflows from layer {k} " in caption.replace("\n", " ")
    assert dash.stats.summary() in caption.replace("\n", " ")  # the one verdict
    assert f"overflows from layer {k} " in dash.status_text()
    ax_h = dash.figure.axes[0]
    rect, text = ax_h.patches[-2], ax_h.texts[0]
    assert rect.get_visible() and rect.get_x() == k - 0.5 and text.get_text() == f"from layer {k}"
    top = [l for l in ax_h.lines if l.get_marker() == "^" and l.get_visible()][0]
    np.testing.assert_array_equal(top.get_xdata(), np.arange(k, 101))  # the same layers
    assert "out of float range: inf" in [t.get_text() for t in dash.figure.legends[0].get_texts()]
    _assert_shows_everything(dash)
    _assert_shows_everything(dash)


def test_theory_toggle_reuses_the_simulation(dash, monkeypatch):
    calls = []
    real = widgets.layer_stats
    monkeypatch.setattr(widgets, "layer_stats", lambda *a, **k: calls.append(1) or real(*a, **k))
    ydata = _sim(dash.figure.axes[1]).get_ydata().copy()
    dash.controls["theory"].value = "off"
    dash.controls["theory"].value = "linear"
    assert calls == [] and _theory(dash.figure.axes[1]) is not None
    np.testing.assert_array_equal(_sim(dash.figure.axes[1]).get_ydata(), ydata)
    dash.controls["bias"].value = 0.1  # a change of the network: simulated again
    assert calls == [1]
    np.testing.assert_array_equal(_sim(dash.figure.axes[1]).get_ydata(),
                                  _expected([64] * 11, bias=0.1, batch=64).grad_h_var)


def test_static_snapshot_shows_the_data(shown):
    """The PNG saved with the notebook (what a reader without a kernel sees) is the figure."""
    dash = shown
    dash.controls["depth"].value = 9
    snapshot = _png_pixels(dash._png())
    np.testing.assert_array_equal(snapshot, _plain_render(dash))
    dash.controls["depth"].value = 8  # the live view still updates after a snapshot
    _assert_shows_everything(dash)


def test_snapped_limits_do_not_flip_flop():
    from wi_helpers.plots import artists
    assert [artists._snap_depth(L) for L in (1, 5, 6, 10, 11, 99, 100)] == [5, 5, 10, 10, 20, 100, 100]
    rng = np.random.default_rng(0)
    for lo, span in zip(rng.uniform(-200, 100, 200), rng.uniform(0.1, 100, 200)):
        hi = lo + span
        a, b = artists._snap_decades(None, lo, hi)
        assert isinstance(a, int) and isinstance(b, int) and a <= lo and hi <= b
        assert artists._snap_decades((a, b), lo, hi) == (a, b)  # asked again: kept
        # a small move inside the range keeps it; values leaving it change it
        assert artists._snap_decades((a, b), lo + 0.01 * span, hi - 0.01 * span) == (a, b)
        assert artists._snap_decades((a, b), lo, b + 0.5) != (a, b)
    assert artists._snap_decades((-20, 20), -1.0, 1.0) == (-2, 2)  # too wide for the data: shrinks


class _Frontend:
    """The picture the browser shows for an ipympl canvas, from the messages the kernel sends:
    a 'full' image replaces it, a 'diff' image is drawn over it (its transparent pixels leave
    the old ones), as ipympl's frontend does; a draw request (draw_idle) is answered at once
    with a draw, as the frontend answers it."""

    def __init__(self, monkeypatch, canvas):
        self.picture, self.messages = None, 0
        canvas.syncing_data_url = False  # as once a frontend is connected

        def receive(data):
            image = _png_pixels(data)
            if self.picture is None or canvas._image_mode == "full":  # the synced mode trait
                self.picture = image
            else:
                self.picture = np.where(image[..., 3:] == 0, self.picture, image)
            self.messages += 1

        monkeypatch.setattr(canvas, "send_binary", receive)
        monkeypatch.setattr(canvas, "draw_idle", lambda *a, **k: canvas.draw())
        canvas.draw()  # the frontend's first draw request


@pytest.mark.parametrize("factory, moves", [
    (variance_dashboard, [("depth", 9), ("depth", 11), ("theory", "linear"), ("init", "standard"),
                          ("activation", "relu")]),
    (histogram_dashboard, [("depth", 4), ("theory", "off"), ("seed", 2), ("activation", "sigmoid")]),
])
def test_the_browser_picture_is_the_figure_after_every_change(monkeypatch, factory, moves):
    d = factory(backend="ipympl", depth=6, width=32, batch=32)
    front = _Frontend(monkeypatch, d.figure.canvas)
    for name, value in moves:
        sent = front.messages
        d.controls[name].value = value
        assert front.messages > sent, f"{name}={value!r}: nothing reached the browser"
        np.testing.assert_array_equal(front.picture, _plain_render(d), err_msg=f"after {name}={value!r}")


def test_random_control_walk_never_raises():
    """Seeded random control moves (every activation x init, extremes of std/gain/depth) on both
    dashboards: no exception, no RuntimeWarning (pytest makes them errors), and the status
    names the network the controls describe whenever an update reports success (150 moves each)."""
    import numpy as np
    from wi_helpers.activations import ACTIVATIONS
    from wi_helpers.init import SCHEMES
    rng = np.random.default_rng(9)
    choices = dict(activation=list(ACTIVATIONS), init=list(SCHEMES), std=[1e-3, 10.0, 0.05],
                   gain=[0.05, 4.0, 1.0], depth=[1, 100, 7], width=[16, 32], batch=[16, 32],
                   bias=[0.0, 1.0], theory=["mean_field", "linear", "off"])
    for kind in ("variance", "histogram"):
        factory = widgets.variance_dashboard if kind == "variance" else widgets.histogram_dashboard
        d = factory(backend="agg", width=16, batch=16)
        d._repr_mimebundle_()
        for _ in range(150):
            name = str(rng.choice(list(choices)))
            options = choices[name]
            d.controls[name].value = options[int(rng.integers(len(options)))]
            ok = d.update()
            p = d.values()
            sizes = widgets.network_sizes(p["shape"], p["depth"], p["width"], p["sizes"])
            if ok:
                assert d.status_text().startswith(dashboard_model.describe_sizes(sizes) + ":"), d.status_text()
        d._png(hint=True)  # the snapshot renders too
    # the crash of issue 9: from the defaults to softsign, std 10, gain 4, depth 100
    d = widgets.variance_dashboard(backend="agg")
    d._repr_mimebundle_()
    for name, value in (("init", "normal"), ("std", 10.0), ("gain", 4.0),
                        ("activation", "softsign"), ("depth", 100)):
        d.controls[name].value = value
    assert d.status_text().startswith("100 layers of width 256: softsign")


def test_leaky_relu_has_no_dead_units_wording():
    """Issue 9: leaky units pass gradient with slope a; the status must not call them dead."""
    d = widgets.variance_dashboard(backend="agg", activation="leaky_relu", width=32, batch=32)
    text = d.status_text()
    assert "dead" not in text.lower() and "leak slope" in text
    d.controls["activation"].value = "relu"
    assert "Dead units" in d.status_text()


def test_presets_take_the_names_mlp_takes_and_sizes_text_is_strict():
    from wi_helpers import widgets as W
    d = W.variance_dashboard(activation="TANH", init="xavier_uniform", depth=3, width=16)
    assert "tanh" in d.status_text() and "glorot_uniform" in d.status_text()
    for bad in ["10,,10", "１０,１０", ",10,10", "10,10,"]:
        with pytest.raises(ValueError, match="sizes"):
            W.parse_sizes(bad)
    assert W.parse_sizes("784, 256; 10") == [784, 256, 10]


def test_each_dashboard_kind_declares_its_controls():
    """Every control is a row of its dashboard kind's CONTROLS, built with its preset value; a
    kind with an extra row shows it, the series' dashboards do not."""
    d = variance_dashboard(backend="agg", depth=7, gain=1.5, init="he_normal", fan_mode="fan_out")
    assert set(d.controls) == set(CONTROLS)
    assert (d.controls["depth"].value, d.controls["gain"].value) == (7, 1.5)
    assert d.controls["fan_mode"].value == "fan_out" and d.controls["fan_mode"].description == "fan mode"
    for row in widgets.VarianceDashboard.CONTROLS:
        assert isinstance(d.controls[row.name], row.widget) and f"wi-{row.name}" in d.controls[row.name]._dom_classes

    extra = widgets.Control("extra", 0.5, widgets.W.FloatSlider,
                            dict(description="extra", tooltip="a new option"), limits=(0.0, 1.0))

    class WithExtra(widgets.VarianceDashboard):
        CONTROLS = widgets.VarianceDashboard.CONTROLS + (extra,)

    e = WithExtra(WithExtra.check_controls(None), WithExtra.check_preset({"depth": 3}),
                  backend="agg")
    assert "extra" in e.controls and "extra" not in variance_dashboard(backend="agg").controls
    with pytest.raises(ValueError, match="unknown dashboard setting.*'extra'"):
        variance_dashboard(backend="agg", extra=0.2)


def test_presets_use_one_rule_for_case_and_sizes_imply_custom():
    """Issue 19: shape="Custom", theory="Linear" as accepted as activation="TANH"; typed sizes
    without a shape mean a custom network (not silently the default one)."""
    d = variance_dashboard(backend="agg", shape="Custom", sizes="20, 10, 5", theory="Linear",
                           activation="TANH", init="Xavier_Uniform", fan_mode="FAN_IN", batch=16)
    assert d.setting().theory == "linear" and d.values()["shape"] == "custom"
    d = variance_dashboard(backend="agg", sizes=[784, 100, 10], batch=16)
    assert d.status_text().startswith("2 layers, widths 784 → 100 → 10")
    with pytest.raises(ValueError, match="only used with shape='custom'"):
        variance_dashboard(backend="agg", sizes=[784, 100, 10], shape="constant")
    with pytest.raises(ValueError, match="shape='round' is not allowed.*any case"):
        variance_dashboard(backend="agg", shape="round")


def test_a_new_network_option_reaches_the_figure(monkeypatch):
    """Issue 20: adding a network option is one field of NetworkSpec, one branch in the
    network and one control row of one dashboard; changing only that field changes what the
    learner sees (no cache or reuse keeps a stale figure). Here the option is the dtype, a
    spec field no series dashboard shows, added as a new kind's control."""
    dtype = widgets.Control("dtype", "float64", widgets.W.Dropdown,
                            dict(options=["float64", "float32"], description="dtype",
                                 tooltip="floating-point type of the network"),
                            check=lambda v: str(v))

    class WithDtype(widgets.VarianceDashboard):
        CONTROLS = widgets.VarianceDashboard.CONTROLS + (dtype,)

        def _spec_options(self, v):
            return {**super()._spec_options(v), "dtype": v["dtype"]}

    d = WithDtype(WithDtype.check_controls(None),
                  WithDtype.check_preset(dict(depth=90, width=32, batch=16, init="normal",
                                              std=0.6, activation="linear")), backend="agg")
    d._repr_mimebundle_()
    before_setting, before = d.setting(), _plain_render(d)
    n = d.n_updates
    d.controls["dtype"].value = "float32"  # the only change
    after = d.setting()
    assert after != before_setting and after.spec.dtype == np.float32
    assert after.spec.sizes == before_setting.spec.sizes and after.batch == before_setting.batch
    assert d.n_updates == n + 1
    # the figure shows the float32 network (its entries leave float32's range near layer 75: the
    # stats and the picture differ), equal to one drawn from scratch
    net = MLP([32] * 91, activation="linear", init="normal", std=0.6, seed=0, dtype=np.float32)
    expected = layer_stats(net, batch=16, rng=np.random.default_rng([0, 1]), weight_grads=False)
    np.testing.assert_array_equal(d.stats.h_m2, expected.h_m2)
    assert d.stats.dtype == "float32"
    assert (_plain_render(d) != before).any()
    _assert_shows_everything(d)
