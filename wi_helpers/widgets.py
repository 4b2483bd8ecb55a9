"""Slider dashboards: ipywidgets controls wired to the numerics and drawn by `wi_helpers.plots`.

    variance_dashboard(controls=("depth", "std"), init="normal", std=0.05)
    histogram_dashboard(activation="tanh", init="standard")

Each factory returns a `Dashboard` (an ipywidgets VBox): the controls, a status line that says
in words what the figure shows, and one figure that is built once and then updated in place
(`set_data` on the existing artists; nothing is rebuilt, nothing stacks).

One update: the controls make one hashable `Setting` (network spec, batch, theory;
`Dashboard.setting`); the simulation is cached on it (`Dashboard._simulate`, the theory left
out), the theory on the whole setting (`dashboard_model.theory_prediction`); one verdict
(`dashboard_model.state_for`, from `LayerStats.float_range`) feeds the caption, the hatching
and the status (`dashboard_model.describe`). Each dashboard kind lists its controls
(`CONTROLS`, rows of `Control`) and draws (`_draw`); a control added for one kind appears on
no other.

Redrawing by blitting (`Blitter`): the data artists (lines, edge markers, hatched regions) are
`animated`, so a full draw leaves them out; right after each full draw (a `draw_event`,
whoever asked for it) the dashboard copies the figure's pixels as its background and draws
the data artists on top. An update whose axes, ticks, labels, legend and caption are unchanged
(`_static_key`; the live panels of `wi_helpers.plots.artists` snap their limits to coarse
steps) then only restores the background, draws the data artists and blits (ipympl sends the frontend
the changed pixels); any other update draws the whole figure. Only the theory changed: the
simulation is reused (`Dashboard._simulate`); the theory is cached by the setting.

DOM contract (CSS classes, stable, used by tests/test_browser.py): every control has class
`wi-<name>` (`wi-depth`, `wi-width`, ..., see `Dashboard.CONTROLS`), their box `wi-controls`,
the status line (an `ipywidgets.HTML`) has `wi-status`, the figure widget (the ipympl Canvas)
has `wi-figure`, the line shown when the kernel is gone `wi-saved-note`, and the whole
dashboard `wi-dashboard`.

Reproducibility: every update rebuilds the network from `np.random.default_rng(seed)` (inside
`MLP(seed=seed)`: a deeper network starts with the same first layers) and draws the probes
(unit-variance input X, unit-variance output gradient) from `probe_rng(seed)`, so moving one
slider changes one thing only.

Cost: the depth, width and batch sliders offer only networks whose forward+backward arrays
(`footprint_bytes`) fit `DASHBOARD_MAX_BYTES` with the other controls as they are
(`Dashboard._fit`), so every value a slider offers is drawn; typed sizes beyond it are refused
before anything is allocated, and the status says which of this dashboard's controls to lower.

Saved and reopened (the kernel gone): JupyterLab restores the widgets from the state saved in
the notebook (tools/install_lab_settings.py), and the dashboard shows its last figure as a
plain image under one line, "run this cell to make it live" (`_SAVED_CSS`; no controls, no
stale status, no broken-link icons). Without a widget frontend (GitHub, nbviewer, nbconvert)
its output shows a PNG snapshot of the figure as it was first displayed, with a line saying
how to get the live one (`Dashboard._repr_mimebundle_`).
"""
from __future__ import annotations

import base64
import html
import io
import math
import re
import sys
import textwrap
import warnings
from typing import Any, Callable

import ipywidgets as W
import traitlets
import matplotlib
from dataclasses import dataclass, field
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import IdentityTransform
from PIL import Image

from .plots import style
from .plots.artists import HistogramArtists, VarianceArtists
from .blas import single_threaded_blas
from .activations import ACTIVATIONS, get_activation
from .init import FAN_MODE_SCHEMES, SCHEMES, canonical_scheme
from .mlp import MLP, footprint_bytes
from .validation import check_int, check_real
from .stats import layer_stats
from .dashboard_model import (MAX_CUSTOM_LAYERS, SHAPES, NetworkSpec, Setting, build_network,
                              describe, describe_sizes, network_sizes, parse_sizes, probe_rng,
                              state_for, theory_prediction)

# The largest forward+backward (z, h, their gradients, W, dL/dW) one update may allocate.
# It admits depth 100 x width 256 x batch 256 (302 MiB) and refuses e.g. depth 40 x
# width 512 x batch 512; the sliders never offer a setting beyond it (see `Dashboard._fit`).
DASHBOARD_MAX_BYTES = 320 * 2**20
STATIC_HINT = ("Static snapshot of an interactive dashboard: run this notebook in JupyterLab "
               "(make lab) to move the sliders.")
# Shown instead of the controls when the dashboard's kernel is gone (a saved notebook
# reopened, or the kernel restarted): the figure is its last frame, a plain image.
SAVED_HINT = "Saved picture of a dashboard: run this cell (Shift+Enter) to make it live."
THEORIES = ("mean_field", "linear", "off")
FIGURE_DPI = 90

# Values the notebooks name that a clean log grid would miss: the critical scale
# 1/sqrt(256) of a 256-wide linear network and 0.088, tanh's edge of chaos with sigma_b^2 = 0.1.
STD_NAMED = (0.0625, 0.088)
STD_MANTISSAS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
STD_RANGE = (1e-3, 10.0)


def std_grid(extra: float | None = None) -> list[float]:
    """The std slider's values: 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 per decade over 1e-3..10,
    plus STD_NAMED and `extra` (a grid value within 8% of one of those gives way to it: no
    near-duplicate steps)."""
    lo, hi = STD_RANGE
    named = [*STD_NAMED] + ([float(extra)] if extra is not None else [])
    grid = {float(f"{m * 10.0 ** e:.3g}") for e in range(-3, 2) for m in STD_MANTISSAS}
    grid = {v for v in grid if not any(abs(v / n - 1) < 0.08 for n in named)}
    grid.update(named)
    return sorted(v for v in grid if lo <= v <= hi)


def _std_options(value: float | None = None) -> list[tuple[str, float]]:
    return [(f"{v:.4g}", v) for v in std_grid(value)]


class _StdSlider(W.SelectionSlider):
    """A log-spaced slider over `std_grid`: discrete values, so a click never moves a value.

    Setting `value` from code to a number between grid points snaps to the nearest one (in log).
    """

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        v = proposal.value
        values = [o[1] for o in self._options_full] if hasattr(self, "_options_full") else \
            list(self._options_values)
        if v in values:
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and math.isfinite(v):
            return min(values, key=lambda o: abs(math.log(o) - math.log(v)))
        return super()._validate_value(proposal)


# --------------------------------------------------------------------- controls


def _choice(name: str, allowed: tuple[str, ...], canonical: Callable[[str], str] | None = None):
    """A check for a dropdown's preset: case-insensitive, aliases resolved by `canonical`."""
    def check(value: Any) -> str:
        if isinstance(value, str):
            value = canonical(value) if canonical is not None else value.strip().lower()
        if value not in allowed:
            raise ValueError(f"{name}={value!r} is not allowed; choose one of "
                             f"{', '.join(allowed)} (any case)")
        return value
    return check


def _canonical_activation(name: str) -> str:
    return get_activation(name).name


def _canonical_init(name: str) -> str:
    return canonical_scheme(name)


def _check_theory(value: Any) -> str:
    if value is True:
        return "mean_field"
    if value is False or value is None:
        return "off"
    return _choice("theory", THEORIES)(value.replace(" ", "_") if isinstance(value, str) else value)


def _check_sizes_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(n) for n in value)
    parse_sizes(value)  # a bad preset is a programming error: raise now
    return value


@dataclass(frozen=True)
class Control:
    """One row of a dashboard's controls: the widget, its default and how a preset is checked.

    Every control gets the CSS class wi-<name>, a visible description and a tooltip. A
    dashboard kind lists the rows it has (`Dashboard.CONTROLS`); a row for a new option is
    added to the kind that shows it, and no other dashboard sees it.
    """

    name: str
    default: Any
    widget: type
    options: dict = field(default_factory=dict)
    check: Callable[[Any], Any] | None = None
    limits: tuple | None = None  # (min, max) of a slider

    def checked(self, value: Any) -> Any:
        """The preset `value`, checked and canonical (ValueError/TypeError naming the control)."""
        if self.check is not None:
            return self.check(value)
        lo, hi = self.limits
        if self.widget in (W.IntSlider, W.BoundedIntText):
            return check_int(self.name, value, min=lo, max=hi)
        return check_real(self.name, value, min=lo, max=hi)

    def make(self, value: Any) -> W.Widget:
        """The widget holding `value`."""
        kw = dict(self.options)
        if self.limits is not None and self.widget is not _StdSlider:
            kw.update(min=self.limits[0], max=self.limits[1])
        if self.widget is _StdSlider:  # a log grid that holds the preset value exactly
            kw["options"] = _std_options(value)
            value = float(value)
        w = self.widget(value=value, style={"description_width": "110px"},
                        layout=W.Layout(width="330px"), **kw)
        w.add_class(f"wi-{self.name}")
        return w


def _slider(cls: type, name: str, default: Any, limits: tuple, step: Any, description: str,
            tooltip: str, **kw) -> Control:
    return Control(name, default, cls, dict(step=step, description=description, tooltip=tooltip,
                                            continuous_update=False, **kw), limits=limits)


DEPTH = _slider(W.IntSlider, "depth", 10, (1, MAX_CUSTOM_LAYERS), 1, "depth L",
                "number of layers L (weight matrices)")
WIDTH = _slider(W.IntSlider, "width", 256, (16, 1024), 16, "width n",
                "units per layer (for the bottleneck and expanding shapes: the widest layer)")
SHAPE = Control("shape", "constant", W.Dropdown, dict(
    options=list(SHAPES), description="shape",
    tooltip="layer widths: all equal, narrowing in the middle, growing towards the output, "
            "or typed in (custom)"), check=_choice("shape", SHAPES))
SIZES = Control("sizes", "784, 256, 256, 10", W.Text, dict(
    description="sizes n_0..n_L", placeholder="784, 256, 256, 10", continuous_update=False,
    tooltip="layer widths from input to output, separated by commas (used when shape is "
            "custom); press Enter to apply"), check=_check_sizes_text)
INIT = Control("init", "glorot_uniform", W.Dropdown, dict(
    options=list(SCHEMES), description="init", tooltip="weight initialization scheme"),
    check=_choice("init", SCHEMES, _canonical_init))
FAN_MODE = Control("fan_mode", "fan_in", W.Dropdown, dict(
    options=[("fan_in (forward)", "fan_in"), ("fan_out (backward)", "fan_out")],
    description="fan mode",
    tooltip="which fan the He and LeCun inits divide by: fan_in keeps the forward second "
            "moment, fan_out the backward variance (PyTorch's kaiming_normal_(mode=...))"),
    check=_choice("fan_mode", ("fan_in", "fan_out")))
GAIN = _slider(W.FloatSlider, "gain", 1.0, (0.05, 4.0), 0.01, "gain",
               "multiplies the weights' standard deviation (PyTorch: tanh 5/3, ReLU sqrt 2)",
               readout_format=".2f")
STD = Control("std", 0.05, _StdSlider, dict(
    description="std σ", continuous_update=False,
    tooltip="standard deviation of the weights for init = normal: W ~ N(0, σ²)"),
    limits=STD_RANGE)
ACTIVATION = Control("activation", "tanh", W.Dropdown, dict(
    options=list(ACTIVATIONS), description="activation φ",
    tooltip="nonlinearity h = φ(z) of every layer"),
    check=_choice("activation", ACTIVATIONS, _canonical_activation))
BIAS = _slider(W.FloatSlider, "bias", 0.0, (0.0, 1.0), 0.01, "bias std σ_b",
               "standard deviation of the initial biases, b ~ N(0, σ_b²)", readout_format=".2f")
BATCH = _slider(W.IntSlider, "batch", 256, (16, 1024), 16, "batch",
                "number of probe examples averaged over")
SEED = Control("seed", 0, W.BoundedIntText, dict(
    description="seed", tooltip="random seed of the weights and probes"), limits=(0, 2**32 - 1))
THEORY = Control("theory", "mean_field", W.Dropdown, dict(
    options=[("mean field", "mean_field"), ("linear regime", "linear"), ("off", "off")],
    description="theory",
    tooltip="dashed overlay: mean-field recursion (any activation), Glorot & Bengio's linear "
            "regime, or none"), check=_check_theory)

# The controls of the two dashboards of this series (each kind lists its own, see Dashboard).
SERIES_CONTROLS = (DEPTH, WIDTH, SHAPE, SIZES, INIT, FAN_MODE, GAIN, STD, ACTIVATION, BIAS,
                   BATCH, SEED, THEORY)


def slider_limit(lo: int, hi: int, step: int, fits: Callable[[int], bool]) -> int:
    """The largest value lo + k*step <= hi with fits(value) (fits is monotone); lo if none."""
    a, b = 0, (hi - lo) // step
    if fits(lo + b * step):
        return lo + b * step
    while a < b - 1:  # invariant: fits(lo + a*step) (or a == 0), not fits(lo + b*step)
        m = (a + b) // 2
        a, b = (m, b) if fits(lo + m * step) else (a, m)
    return lo + a * step


# ------------------------------------------------------------------- computing


def _axes_key(ax) -> tuple:
    """What one axes' static drawing depends on (limits, scales, labels, title, legend)."""
    legend = ax.get_legend()
    return (ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(),
            ax.get_ylabel(), ax.get_title(),
            None if legend is None else tuple(t.get_text() for t in legend.get_texts()))


def _static_key(fig: Figure) -> tuple:
    """What a full draw depends on besides the animated artists: (the figure's part: size,
    legends, texts; one part per axes). Equal keys mean the background is still right; when
    only axes parts differ, those axes alone are redrawn (see `Blitter.show`)."""
    parts: list[Any] = [tuple(fig.get_size_inches()), fig.dpi]
    parts.append(tuple(tuple(t.get_text() for t in legend.get_texts()) for legend in fig.legends))
    for text in [*fig.texts, fig._suptitle, fig._supxlabel, fig._supylabel]:
        if text is not None and not text.get_animated():
            parts.append((text.get_text(), text.get_visible()))
    return tuple(parts), tuple(_axes_key(ax) for ax in fig.axes)


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# -------------------------------------------------------------------- dashboard


def _load_ipympl():
    """ipympl's Canvas and FigureManager, imported without switching the pyplot backend."""
    if "ipympl.backend_nbagg" not in sys.modules:
        # `import ipympl` calls matplotlib.use("module://ipympl.backend_nbagg") when matplotlib
        # is loaded; the notebooks' static figures must stay inline PNGs, so that call is
        # suppressed for the import.
        real_use = matplotlib.use
        matplotlib.use = lambda *args, **kwargs: None
        try:
            import ipympl.backend_nbagg  # noqa: F401
        finally:
            matplotlib.use = real_use
    nbagg = sys.modules["ipympl.backend_nbagg"]
    return nbagg.Canvas, nbagg.FigureManager


def _keep_saved_snapshot(canvas) -> None:
    """After each frame ipympl sends, put that frame in the canvas's `_data_url` state.

    Why: JupyterLab saves widget state in the notebook (tools/install_lab_settings.py turns
    saveState on), and a Canvas restored from it (notebook reopened, kernel gone) draws its
    `_data_url`. ipympl 0.10's frontend sets `_data_url` when a frame arrives but before
    decoding it, so it holds the previous frame (blank after the first one), and its kernel
    side stops sending `_data_url` once the frontend is up. Costs one fast PNG encode per
    frame (~12 ms at the default size) and ~130 kB to the browser. (Taking it once, 0.5 s
    after the last frame, on a timer of the kernel's event loop was tried: in the browser
    test the timers had not run when the notebook was saved, with no message reaching the
    kernel after the last frame, and the saved snapshots were blank.)
    """
    send_binary = canvas.send_binary

    def send_binary_then_snapshot(data):
        send_binary(data)
        buf = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png",
                                                                 compress_level=1)
        canvas._data_url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
        W.DOMWidget.send_state(canvas, key="_data_url")  # ipympl's send_state drops this key

    canvas.send_binary = send_binary_then_snapshot


class Blitter:
    """Shows a figure whose data artists change on every update, redrawing as little as it can.

    The data artists (given by `artists()`) are animated, so a full draw leaves them out; right
    after each full draw (a `draw_event`, whoever asked for it) the figure's pixels are kept as
    the background, with the `_static_key` they were drawn with, and the data artists are
    drawn on top. `show()` then blits (background restored, data artists drawn, `canvas.blit`)
    when the key is unchanged, and draws the whole figure otherwise.
    """

    def __init__(self, figure: Figure, artists: Callable[[], list]):
        self.figure, self._artists = figure, artists
        self.background = None
        self.drawn_key: tuple | None = None
        self.n_full_draws = self.n_blits = self.n_partial_draws = 0  # (the benchmark reports them)
        self.partial = True  # redraw changed axes alone (False: a full draw instead, the naive way)
        self._reserved: list[tuple] = []
        figure.canvas.mpl_connect("draw_event", self._on_draw)

    def artists(self) -> list:
        """The data artists, marked animated (also those an update has just added), by z-order."""
        found = self._artists()
        for artist in found:
            artist.set_animated(True)
        return sorted(found, key=lambda a: a.get_zorder())

    def forget(self) -> None:
        """Make the next `show()` a full draw."""
        self.background = self.drawn_key = None

    def _on_draw(self, event) -> None:
        canvas = self.figure.canvas
        if canvas.is_saving():  # savefig (the snapshot) renders elsewhere and draws everything
            return
        self.background = canvas.copy_from_bbox(self.figure.bbox)
        self.drawn_key = _static_key(self.figure)
        self.n_full_draws += 1
        # what lies outside the axes: an axes redrawn alone must not paint over it
        renderer = event.renderer
        self._reserved = [tuple(a.get_window_extent(renderer).extents)
                          for a in [*self.figure.legends, *self.figure.texts,
                                    self.figure._suptitle, self.figure._supxlabel]
                          if a is not None and a.get_visible() and not a.get_animated()
                          and (not hasattr(a, "get_text") or a.get_text())]
        for artist in self.artists():
            self.figure.draw_artist(artist)

    def _regions(self) -> list[tuple[float, float, float, float]]:
        """The pixels each axes draws into (ticks, labels and title included), in display
        units: the axes box widened towards its neighbours, as far as the axis labels go."""
        fig = self.figure
        dpi = fig.dpi
        boxes = [ax.get_window_extent().extents for ax in fig.axes]
        out = []
        for i, (x0, y0, x1, y1) in enumerate(boxes):
            left = [b[2] for b in boxes if b[2] <= x0 and b[1] < y1 and y0 < b[3]]
            # to the figure's edge, or to 14 px right of the neighbour (its last tick label)
            left_room = x0 - max(left) - 14 if left else x0
            out.append((math.floor(x0 - max(min(left_room, x0 if not left else 0.95 * dpi), 0.0)),
                        math.floor(y0 - 0.62 * dpi),
                        math.ceil(x1 + 12), math.ceil(max(y1 + 2, self._title_top(fig.axes[i])))))
        return out

    @staticmethod
    def _title_top(ax) -> float:
        """The top of the axes' title in display units (its box, with a pixel to spare)."""
        titles = [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]
        return max((t.get_window_extent().y1 + 1 for t in titles), default=0.0)

    def _redraw_axes(self, changed: list[int]) -> bool:
        """Paint over the regions of the axes `changed` and draw those axes again on the
        background (False, nothing done, when a region meets another's or a figure text)."""
        fig, canvas = self.figure, self.figure.canvas
        regions = self._regions()
        boxes = [tuple(ax.get_window_extent().extents) for ax in fig.axes]
        for i in changed:
            others = ([r for j, r in enumerate(regions) if j != i]
                      + [b for j, b in enumerate(boxes) if j != i] + self._reserved)
            if any(_overlap(regions[i], r) for r in others):
                return False
        renderer = canvas.get_renderer()
        canvas.restore_region(self.background)
        for i in changed:
            x0, y0, x1, y1 = regions[i]
            patch = Rectangle((x0, y0), x1 - x0, y1 - y0, transform=IdentityTransform(),
                              facecolor=fig.get_facecolor(), edgecolor="none", linewidth=0,
                              antialiased=False, snap=True)
            patch.set_figure(fig)
            patch.draw(renderer)
            fig.axes[i].draw(renderer)  # its static artists (the animated ones are left out)
        self.background = canvas.copy_from_bbox(fig.bbox)
        return True

    def show(self) -> None:
        """Put the current artists on the canvas: a blit if only they changed; if some axes
        changed (limits, ticks, labels), those axes are redrawn and the rest kept; else
        (the figure's legend, caption or size changed) a full draw."""
        canvas = self.figure.canvas
        dynamic = self.artists()
        key = _static_key(self.figure)
        if (self.background is None or key[0] != self.drawn_key[0]
                or len(key[1]) != len(self.drawn_key[1])):
            canvas.draw()  # -> _on_draw (new background + data); ipympl sends the changed pixels
            return
        changed = [i for i, (a, b) in enumerate(zip(key[1], self.drawn_key[1])) if a != b]
        if changed:
            if not self.partial or not self._redraw_axes(changed):
                canvas.draw()
                return
            self.drawn_key = key
            self.n_partial_draws += 1
        else:
            canvas.restore_region(self.background)
            self.n_blits += 1
        for artist in dynamic:
            self.figure.draw_artist(artist)
        canvas.blit(self.figure.bbox)  # ipympl: sends the changed pixels


# A dashboard whose kernel is gone (notebook saved and reopened, kernel restarted): ipywidgets
# marks every view of a model without a live comm `jupyter-widgets-disconnected` (and draws a
# broken-link icon before it). These rules, in the dashboard's own saved-note widget, turn the
# dashboard into its last figure (the Canvas restored from the saved widget state shows its
# last frame) under one line saying how to make it live: controls, status and icons hidden.
_SAVED_CSS = """<style>
.wi-dashboard .wi-saved-note { display: none; }
.wi-dashboard.jupyter-widgets-disconnected .wi-saved-note { display: block; }
.wi-dashboard.jupyter-widgets-disconnected .wi-controls,
.wi-dashboard.jupyter-widgets-disconnected .wi-status { display: none !important; }
.wi-dashboard.jupyter-widgets-disconnected::before,
.wi-dashboard .jupyter-widgets-disconnected::before { content: none !important;
  display: none !important; }
</style>"""


class Dashboard(W.VBox):
    """Controls, a status line and one figure updated in place; see the module docstring.

    A dashboard kind lists its controls (`CONTROLS`, rows of `Control`) and supplies what it
    draws: `_build_artists`, `_found_artists`, `_sample` (what it measures on the network) and
    `_draw` (the artists updated from the sample). The shared steps (the setting from the
    controls, the theory, the cached simulation, the one verdict, the status) live here.
    A kind with a new network option overrides `_spec_options` to pass it on.
    """

    FIGSIZE = (9.3, 4.4)  # inches at FIGURE_DPI: 837 px, inside the notebook column (848 px)
    CONTROLS: tuple[Control, ...] = SERIES_CONTROLS

    @classmethod
    def check_preset(cls, preset: dict[str, Any]) -> dict[str, Any]:
        """Every control's value: the preset's (checked, canonical) or the default."""
        rows = {c.name: c for c in cls.CONTROLS}
        unknown = sorted(set(preset) - set(rows))
        if unknown:
            raise ValueError(f"unknown dashboard setting(s) {', '.join(map(repr, unknown))}; "
                             f"allowed: {', '.join(rows)}")
        return {name: c.checked(preset[name]) if name in preset else c.default
                for name, c in rows.items()}

    @classmethod
    def check_controls(cls, controls) -> tuple[str, ...]:
        """The names of the controls to show (None: all of this kind's)."""
        names = tuple(c.name for c in cls.CONTROLS)
        if controls is None:
            return names
        if isinstance(controls, str):
            controls = (controls,)
        try:
            controls = tuple(controls)
        except TypeError:
            raise TypeError(f"controls must be None or a tuple of control names such as "
                            f"('depth', 'std'), got {type(controls).__name__} {controls!r}") from None
        unknown = [c for c in controls if c not in names]
        if unknown:
            raise ValueError(f"unknown control(s) {', '.join(map(repr, unknown))}; "
                             f"allowed: {', '.join(names)}")
        return controls

    def __init__(self, controls: tuple[str, ...], preset: dict[str, Any],
                 backend: str | None = None):
        if backend is None:
            try:
                _load_ipympl()
                backend = "ipympl"
            except ImportError:
                backend = "agg"
        if backend not in ("ipympl", "agg"):
            raise ValueError(f"backend must be 'ipympl', 'agg' or None, got {backend!r}")
        self.backend, self.shown = backend, controls
        self.controls = {c.name: c.make(preset[c.name]) for c in self.CONTROLS}
        self.status = W.HTML(value="", layout=W.Layout(width="100%", min_height="6em"))
        self.status.add_class("wi-status")
        self.saved_note = W.HTML(value=_SAVED_CSS + f'<div style="font-size:14px">'
                                 f'{html.escape(SAVED_HINT)}</div>')
        self.saved_note.add_class("wi-saved-note")
        # 837 px wide: fits the notebook column (848 px) at 1280 px with the file browser open
        self.figure = Figure(figsize=self.FIGSIZE, dpi=FIGURE_DPI)
        if backend == "ipympl":
            Canvas, FigureManager = _load_ipympl()
            canvas = Canvas(self.figure)
            with warnings.catch_warnings():
                # ipympl's Toolbar passes the canvas on to traitlets, which warns
                # (DeprecationWarning) on every figure; nothing a learner can act on
                warnings.filterwarnings("ignore", category=DeprecationWarning,
                                        message="Passing unrecognized arguments")
                # the manager speaks the canvas protocol (refresh, resize); pyplot never sees it
                self._manager = FigureManager(canvas, id(self))
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.toolbar_visible = False
            canvas.resizable = False
            _keep_saved_snapshot(canvas)  # a saved notebook reopens showing the figure
            self.figure_widget = canvas
        else:
            FigureCanvasAgg(self.figure)
            self.figure_widget = W.Image(format="png")
        self.figure_widget.add_class("wi-figure")
        self._displayed = False
        self._sim_setting: Setting | None = None  # what the last simulation was of
        self._sim = None
        self._net: MLP | None = None  # the last simulated network (lends its layers)
        self._shown = ""  # the network the figure shows, named when a setting is refused
        self.setting_shown: Setting | None = None
        self._build_artists()
        self.blitter = Blitter(self.figure, self._found_artists)
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        boxes = [self.controls[c.name] for c in self.CONTROLS if c.name in controls]
        half = (len(boxes) + 1) // 2
        panel = W.HBox([W.VBox(boxes[:half]), W.VBox(boxes[half:])]) if len(boxes) > 3 \
            else W.HBox(boxes, layout=W.Layout(flex_flow="row wrap"))
        panel.add_class("wi-controls")
        super().__init__([panel, self.saved_note, self.status, self.figure_widget])
        self.add_class("wi-dashboard")
        self.n_updates = 0
        self._sync_visibility()
        self._fit()
        self.update()

    # -- figure (per dashboard kind)
    def _build_artists(self) -> None:
        """Make the figure's axes and the artists the updates change."""
        raise NotImplementedError

    def _found_artists(self) -> list:
        """The artists each update changes."""
        raise NotImplementedError

    def _sample(self, net: MLP, setting: Setting, rng: np.random.Generator, previous: MLP | None):
        """What this dashboard draws, measured on `net` with the probes of `rng`; its first
        item (or itself) is the network's `LayerStats`."""
        raise NotImplementedError

    def _draw(self, setting: Setting, sample, prediction: Prediction | None, state) -> None:
        """Update the artists from the sample (and theory, verdict)."""
        raise NotImplementedError

    # -- controls
    def _on_change(self, change) -> None:
        # Updated at once, in the comm message's handler. Rapid key presses or a drag
        # coalesce in the browser: ipywidgets' frontend keeps one state update in flight
        # and, while the kernel is busy with it, merges later changes into one message sent
        # when the kernel is idle again, so the figure ends on the last value without a
        # backlog (benchmarks/bench_browser.py measures it). Deferring the update here would
        # defeat that: the kernel would look idle before the update was done.
        self._sync_visibility()
        self._fit()
        self.update()

    def _sync_visibility(self) -> None:
        c = self.controls
        shown = set(self.shown)
        custom = "shape" in c and c["shape"].value == "custom"
        for name, widget in c.items():
            visible = name in shown
            if name == "sizes":
                visible = visible and custom
            if name in ("depth", "width"):
                # the typed sizes set both: a slider reading 10 beside "3 layers" would mislead
                visible = visible and not custom
            widget.layout.display = None if visible else "none"
        if "std" in c and "init" in c:
            # std stays in view (the notebooks name it), disabled with a hint unless it is used
            normal = c["init"].value == "normal"
            c["std"].disabled = not normal
            c["std"].description = "std σ" if normal else "std σ (normal)"
            c["std"].tooltip = ("standard deviation of the weights: W ~ N(0, σ²)" if normal else
                                f"used only with init = normal; {c['init'].value} sets the "
                                "weights' std from the fans")
        if "fan_mode" in c and "init" in c:
            fans = c["init"].value in FAN_MODE_SCHEMES
            c["fan_mode"].disabled = not fans
            c["fan_mode"].description = "fan mode" if fans else "fan mode (He)"

    def _fits(self, **change: Any) -> bool:
        """Whether the controls' values, with `change`, fit DASHBOARD_MAX_BYTES."""
        v = {**self.values(), **change}
        try:
            sizes = self._sizes(v)
        except (ValueError, TypeError):
            return True  # the status says what is wrong with the typed sizes
        return footprint_bytes(sizes, v.get("batch", BATCH.default)) <= DASHBOARD_MAX_BYTES

    def _fit(self) -> None:
        """Limit the depth, width and batch sliders to the values that fit DASHBOARD_MAX_BYTES
        with the other controls as they are: every value a slider offers is drawn."""
        for row in (DEPTH, WIDTH, BATCH):
            w = self.controls.get(row.name)
            if w is None or not isinstance(w, W.IntSlider):
                continue
            lo, hi = row.limits
            top = slider_limit(lo, hi, row.options["step"],
                               lambda v, name=row.name: self._fits(**{name: v}))
            if w.max != top:
                w.max = max(top, w.value)  # (the value itself fits: it was drawn)

    def values(self) -> dict[str, Any]:
        """The controls' current values by name (hidden ones hold their preset)."""
        return {name: widget.value for name, widget in self.controls.items()}

    @staticmethod
    def _sizes(v: dict[str, Any]) -> list[int]:
        return network_sizes(v.get("shape", "constant"), v["depth"], v["width"], v.get("sizes", ""))

    def _spec_options(self, v: dict[str, Any]) -> dict[str, Any]:
        """The NetworkSpec fields the controls set, besides the sizes (a kind with a new
        network option adds its field here)."""
        return dict(activation=v["activation"], init=v["init"], gain=v["gain"], std=v["std"],
                    fan_mode=v["fan_mode"], bias_std=v["bias"], seed=v["seed"])

    def setting(self) -> Setting:
        """What the controls say: one hashable value (network specification, batch, theory)."""
        v = self.values()
        # relaxed: the std slider counts only for init = normal, the fan mode only for He
        # and LeCun; the controls keep their values while another scheme ignores them
        return Setting(NetworkSpec.relaxed(tuple(self._sizes(v)), **self._spec_options(v)),
                       batch=v["batch"], theory=v["theory"])

    # -- updating
    def _set_status(self, lines: list[str], *, error: bool = False) -> None:
        # what is shown and the one verdict; the rest one click away (issue 13)
        body = "<br>".join(html.escape(line) for line in lines[:2])
        if len(lines) > 2:
            body += ("<details><summary>details</summary>"
                     + "<br>".join(html.escape(line) for line in lines[2:]) + "</details>")
        color = "#B2182B" if error else "inherit"
        self.status.value = (f'<div role="status" aria-live="polite" style="color:{color}; '
                             f'font-size:14px; line-height:1.45">{body}</div>')

    def status_text(self) -> str:
        """The status line as plain text."""
        text = re.sub(r"<summary>.*?</summary>", "<br>", self.status.value)
        return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", text)))

    def _lower_hint(self) -> str:
        """What to change, in this dashboard's own controls, to make the network fit."""
        names = {"depth": "lower the depth", "width": "lower the width",
                 "batch": "lower the batch", "sizes": "type fewer or narrower layers in sizes"}
        have = [text for name, text in names.items() if name in self.shown]
        if not have:
            return "This dashboard's preset is too large; pass smaller sizes to it."
        return "To fit, " + (" or ".join(have) if len(have) < 3 else
                             ", ".join(have[:-1]) + " or " + have[-1]) + "."

    def _still_shown(self) -> str:
        """What the figure shows after a refused setting."""
        if not self._shown:
            return "Nothing is drawn yet."
        return f"The figure still shows the previous network ({self._shown})."

    def update(self) -> bool:
        """Recompute from the controls and redraw; False (status says why) if nothing was drawn."""
        v = self.values()
        try:
            sizes = self._sizes(v)
        except (ValueError, TypeError) as exc:
            self._set_status([f"Cannot read the sizes: {exc}", self._still_shown()], error=True)
            return False
        need = footprint_bytes(sizes, v["batch"])
        if need > DASHBOARD_MAX_BYTES:
            self._set_status([f"Too large for a live dashboard: {describe_sizes(sizes)} with batch "
                              f"{v['batch']} needs {need / 2**20:.0f} MB of arrays; the limit is "
                              f"{DASHBOARD_MAX_BYTES / 2**20:.0f} MB (DASHBOARD_MAX_BYTES). "
                              + self._lower_hint(),
                              "Nothing was computed. " + self._still_shown()], error=True)
            return False
        try:
            setting = self.setting()
            lines = self._compute_and_draw(setting)
        except (ValueError, TypeError) as exc:
            self._set_status([f"Cannot build this network: {exc}", self._still_shown()],
                             error=True)
            return False
        try:
            # drawn before the status is set: the status never describes a figure not shown
            self._redraw()
        except (OverflowError, ValueError, FloatingPointError) as exc:
            # a slider must never raise at a learner; the next update draws in full again
            self.blitter.forget()
            self._set_status([f"Could not draw this network ({type(exc).__name__}: {exc}); the "
                              "figure may still show the previous network. Move a control back."],
                             error=True)
            return False
        self._set_status(lines)
        self._shown = f"{describe_sizes(sizes)}, {setting.activation}, {setting.spec.init}"
        self.setting_shown = setting
        self.n_updates += 1
        return True

    def _compute_and_draw(self, setting: Setting) -> list[str]:
        """The shared steps: theory, simulation (or reuse), the one verdict, the kind's
        drawing; returns the status lines."""
        prediction = theory_prediction(setting)
        sample = self._simulate(setting)
        stats = sample[0] if isinstance(sample, tuple) else sample
        self.state = state = state_for(setting, stats)
        self.stats, self.prediction = stats, prediction
        self._draw(setting, sample, prediction, state)
        return describe(setting, stats, prediction, state)

    def _simulate(self, setting: Setting):
        """The network's measurements for this setting, reused when only the theory changed:
        the network and probes come from the seed, so the same setting gives the same numbers
        and recomputing them would only cost time."""
        key = setting.simulated()
        if key == self._sim_setting:
            return self._sim
        rng = probe_rng(setting.spec.seed)
        # Products of at most 1024-wide layers gain little from BLAS threads, and when other
        # processes share the cores the threads spin and an update costs 2-5x more (see
        # benchmarks/README.md).
        with single_threaded_blas():
            # The previous network lends what the new one shares with it (same numbers, less
            # time): one layer more or less keeps every other layer's weights and, on the same
            # probe input, their forward pass; only the backward pass is computed in full.
            previous = self._net
            self._net = None  # a failure below must not leave a half-built network to reuse
            net = build_network(setting.spec, reuse=previous)
            result = self._sample(net, setting, rng, previous)
            del previous
        self._net = net
        self._sim_setting, self._sim = key, result
        return result

    def _redraw(self) -> None:
        """Show the updated artists (blitted where it can be, see `Blitter`)."""
        if self.backend == "agg" and not self._displayed:
            # nothing shows the figure yet; _repr_mimebundle_'s full draw will leave out the
            # artists marked animated here (and _on_draw draws them)
            self.blitter.artists()
            return
        if self.blitter.background is None and self.backend == "ipympl":
            # never drawn: the frontend asks for a full draw once it shows the canvas
            self.blitter.artists()
            self.figure.canvas.draw_idle()
            return
        self.blitter.show()  # (marks artists added by this update as animated first)
        if self.backend == "agg":
            self.figure_widget.value = self._canvas_png()

    def _canvas_png(self) -> bytes:
        """The canvas's current pixels as PNG (what the last draw or blit left there)."""
        buf = io.BytesIO()
        # the fastest zlib level: half the encoding time of the default (24 -> 12 ms at the
        # default size here) for a PNG only ~4% larger
        Image.fromarray(np.asarray(self.figure.canvas.buffer_rgba())).save(
            buf, format="png", compress_level=1)
        return buf.getvalue()

    # -- static fallback
    def _png(self, hint: bool = False) -> bytes:
        buf = io.BytesIO()
        extra = None
        # animated figure-level artists (the caption) are skipped by any draw: show them
        dynamic = self.blitter.artists()
        for artist in dynamic:
            artist.set_animated(False)
        if hint:
            # drawn above the figure only for the snapshot; bbox_inches="tight" makes room
            extra = self.figure.text(0.01, 1.0, style.wrap_text(self.figure,
                                                           STATIC_HINT + "\n" + self.status_text()),
                                     ha="left", va="bottom", fontsize=style.SMALL,
                                     color="#333333", wrap=False)
        try:
            self.figure.savefig(buf, format="png", dpi=FIGURE_DPI,
                                bbox_inches="tight" if hint else None, facecolor="white")
        finally:
            if extra is not None:
                extra.remove()
            for artist in dynamic:
                artist.set_animated(True)
        return buf.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget for JupyterLab, plus a PNG snapshot and text for static viewers."""
        data = super()._repr_mimebundle_(**kwargs)
        self._displayed = True
        if self.backend == "agg":
            self.figure.canvas.draw()  # full draw: background for later blits
            self.figure_widget.value = self._canvas_png()
        data["image/png"] = base64.b64encode(self._png(hint=True)).decode("ascii")
        # static viewers print this as it is: lines wrapped at 100 characters
        data["text/plain"] = "\n".join(textwrap.fill(line, 100) for line in
                                       (STATIC_HINT + "\n" + self.status_text()).splitlines())
        return data


class VarianceDashboard(Dashboard):
    """Per-layer E[h_l^2], Var[dL/dh_l] (theory dashed) and saturation."""

    CONTROLS = SERIES_CONTROLS

    def _build_artists(self) -> None:
        fig = self.figure
        axes = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[1, 1, 0.8]))
        # A fixed layout: no layout engine runs on each redraw (see the benchmark).
        fig.subplots_adjust(left=0.1, right=0.97, top=0.86, bottom=0.25, wspace=0.5)
        self.artists = VarianceArtists(fig, axes, saturation=True, live=True)

    def _found_artists(self) -> list:
        return self.artists.dynamic_artists()

    def _sample(self, net, setting, rng, previous):
        # the panels show no weight gradients: skip dL/dW (one matmul per layer)
        return layer_stats(net, batch=setting.batch, rng=rng, weight_grads=False,
                           reuse=previous)

    def _draw(self, setting, stats, prediction, state) -> None:
        # one verdict: the caption, the hatching and the status all read it
        self.artists.update(stats, prediction, state)


class HistogramDashboard(Dashboard):
    """Per-layer histograms of activations and back-propagated gradients (their Figs. 6-7)."""

    FIGSIZE = (9.3, 4.0)
    CONTROLS = SERIES_CONTROLS

    def _build_artists(self) -> None:
        fig = self.figure
        axes = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.075, right=0.95, top=0.84, bottom=0.22, wspace=0.35)
        self.hist_h = HistogramArtists(axes[0], xlabel=r"activation $h_l$", colorbar=True)
        self.hist_g = HistogramArtists(axes[1], xlabel=r"gradient $\partial L/\partial z_l$",
                                       colorbar=True)
        axes[0].set_title("activations (Glorot & Bengio Fig. 6)", fontsize=style.FONT)
        axes[1].set_title("back-propagated gradients (Fig. 7)", fontsize=style.FONT)
        self.caption = style.add_caption(fig, "")

    def _found_artists(self) -> list:
        return [*self.hist_h.dynamic_artists(), *self.hist_g.dynamic_artists()]

    def _sample(self, net, setting, rng, previous):
        # the same probes layer_stats draws (X first, then the output gradient); layer_stats
        # runs the forward pass, so only dL/dz is asked for again
        X = rng.standard_normal((setting.batch, net.sizes[0]))
        grad_out = rng.standard_normal((setting.batch, net.sizes[-1]))
        stats = layer_stats(net, X, grad_out, reuse=previous)
        grads = net.backward(grad_out, weight_grads=False)
        return stats, net.h[1:], grads.z

    def _draw(self, setting, sample, prediction, state) -> None:
        _, h, grad_z = sample
        cap_h = self.hist_h.update(h)
        cap_g = self.hist_g.update(grad_z)
        self.caption.set_text(style.wrap_text(self.figure,
                                              f"Activations: {cap_h}  Gradients: {cap_g}"))
        self.figure.suptitle(f"{describe_sizes(setting.sizes)}, {setting.activation}, "
                             f"{setting.spec.init}", fontsize=style.TITLE)


def _factory(cls: type, controls, preset: dict[str, Any], backend: str | None) -> Dashboard:
    shown = cls.check_controls(controls)
    if "sizes" in preset and "shape" not in preset:
        preset = {**preset, "shape": "custom"}  # typed sizes mean a custom network
    p = cls.check_preset(preset)
    if "sizes" in preset and p["shape"] != "custom":
        raise ValueError(f"sizes={preset['sizes']!r} is only used with shape='custom', but "
                         f"shape={p['shape']!r}; drop one of them")
    if "sizes" in shown and "shape" not in shown and p["shape"] != "custom":
        if "shape" not in preset:
            p["shape"] = "custom"  # the typed sizes are the only way to set the widths then
        else:
            raise ValueError(f"control 'sizes' is only used with shape='custom', but shape="
                             f"{p['shape']!r} is fixed; add 'shape' to controls or drop the preset")
    if "std" in shown and "init" not in shown and p["init"] != "normal":
        raise ValueError(f"control 'std' is only used by init='normal', but init={p['init']!r} is "
                         "fixed; preset init='normal' or add 'init' to controls")
    sizes = cls._sizes(p)
    need = footprint_bytes(sizes, p["batch"])
    if need > DASHBOARD_MAX_BYTES:
        raise ValueError(f"{describe_sizes(sizes)} with batch {p['batch']} needs "
                         f"{need / 2**20:.0f} MB of arrays, more than a live dashboard may use "
                         f"({DASHBOARD_MAX_BYTES / 2**20:.0f} MB, DASHBOARD_MAX_BYTES): preset "
                         "a smaller depth, width or batch")
    return cls(shown, p, backend=backend)


def variance_dashboard(*, controls: tuple[str, ...] | None = None, backend: str | None = None,
                       **preset: Any) -> Dashboard:
    """Per-layer E[h_l^2], Var[dL/dh_l] (theory dashed) and saturation, with sliders."""
    return _factory(VarianceDashboard, controls, preset, backend)


def histogram_dashboard(*, controls: tuple[str, ...] | None = None, backend: str | None = None,
                        **preset: Any) -> Dashboard:
    """Per-layer histograms of activations and back-propagated gradients, with sliders."""
    return _factory(HistogramDashboard, controls, preset, backend)
