"""Figures for the notebooks: arrays, LayerStats and Predictions in, a matplotlib Figure out.

Conventions shared by every figure here:

* x is the layer index l (integer ticks); simulation is a solid line with markers, a theory is
  dashed in the same colour; colours come from the Okabe-Ito palette (colour-blind safe).
* Variances are drawn on a log axis with a shaded *healthy band* [0.1, 10] (`HEALTHY_BAND`):
  within a factor of 10 of 1, the scale of the probes (unit-variance input x, unit-variance
  gradient dL/dh_L arriving at the output). The band is absolute, the same in every figure.
* Nothing is hidden: a value that overflowed (inf/nan) is drawn as an upward triangle at the
  top edge, a value that cannot be drawn on a log axis (0, underflow) as a downward triangle
  at the bottom edge; the layers LayerStats flags as overflowing or underflowing are hatched
  and labelled ("overflow from layer k"), and a caption under the axes says it in words.
* Font sizes >= 11 pt and lines >= 2 pt are set on each artist (no global rcParams change).

Figures: when `fig` is None a new figure is made. Under Jupyter's inline (or ipympl) backend it
is a pyplot figure, so a cell ending in `;` still shows it once and the backend closes it
afterwards; elsewhere (scripts, tests) it is a bare `Figure` that pyplot does not track, so
nothing piles up. Pass `fig=` to draw into an existing figure (it is cleared first).

The dashboards in `wi_helpers.widgets` redraw these figures in place: the static functions
build the same artist classes (`VarianceArtists`, `HistogramArtists`) once and call their
`.update()`, which the dashboards call again on every slider move.
"""
from __future__ import annotations

import math
import sys
import textwrap
from typing import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib import transforms as mtransforms
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure, FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .activations import SATURATION_LEVEL, get_activation
from .dashboard_state import DashboardState, dashboard_state
from .stats import LayerStats, layer_histograms
from .theory import Prediction

# ----------------------------------------------------------------------------- style

# Okabe & Ito (2008), ordered so that the first colours contrast most on white and on a
# projector; the yellow comes last.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000",
             "#F0E442")
FONT = 12          # axis labels
SMALL = 11         # ticks, legends, captions
TITLE = 13
LINE = 2.2         # line width in points (>= 2 px at 72 dpi and above)
MARKER = 6
# Width of every static figure, in inches at the inline backend's 100 dpi: 830 px, inside
# JupyterLab's notebook column at 1280 px with the file browser open (848 px), so figures
# are shown at 100 % and their 11-13 pt text renders at 15-18 px.
FIG_W = 8.3
HEALTHY_BAND = (0.1, 10.0)
BAND_COLOR = "#009E73"
ALARM = "#B2182B"  # overflow hatching and labels
VANISH = "#555555"  # underflow hatching and labels
SEQUENTIAL = "viridis"
# Log axes stop here (the tick locator steps a stride beyond the limits and would overflow
# float64); points outside are drawn as edge triangles, like inf and 0.
_LOG_FLOOR, _LOG_CEIL = 1e-250, 1e250
_HIST_MAX = 1e300  # histogram x range cap: bins x samples x width stays below 1e308
_TOP, _BOTTOM = 0.965, 0.035  # edge markers, in axes fractions

SYMBOLS = {
    "layer": r"layer $l$",
    "h_m2": r"$\mathrm{E}[h_l^2]$",
    "h_std": r"$\mathrm{Std}[h_l]$",
    "z_var": r"$\mathrm{Var}[z_l]$",
    "grad_h_var": r"$\mathrm{Var}[\partial L/\partial h_l]$",
    "grad_z_var": r"$\mathrm{Var}[\partial L/\partial z_l]$",
    "grad_W_var": r"$\mathrm{Var}[\partial L/\partial W_l]$",
    "saturation": "fraction saturated",
}
_ACTIVATION_LABELS = {"sigmoid": "logistic", "lecun_tanh": "LeCun tanh", "relu": "ReLU",
                      "leaky_relu": "leaky ReLU"}


def saturation_rule(activations: Sequence[str]) -> str:
    """The saturation rule in words for the given activations only (a figure's caption)."""
    names = [get_activation(a).name for a in activations]
    rules = []
    for name in dict.fromkeys(names):
        act = get_activation(name)
        if act.h_max is None:
            continue
        label = _ACTIVATION_LABELS.get(name, name)
        if act.h_offset:
            low = act.h_offset - SATURATION_LEVEL * act.h_max
            high = act.h_offset + SATURATION_LEVEL * act.h_max
            rules.append(f"{label}: h < {low:.3g} or h > {high:.3g}")
        else:
            rules.append(f"{label}: |h| > {SATURATION_LEVEL * act.h_max:.4g}")
    parts = []
    if rules:
        parts.append(f"Saturated: output within {100 * (1 - SATURATION_LEVEL):.0f}% of the "
                     f"half-range from an asymptote ({'; '.join(rules)})")
    dead = [_ACTIVATION_LABELS[n] for n in dict.fromkeys(names) if n in ("relu", "leaky_relu")]
    if dead:
        parts.append(f"{' and '.join(dead)}: dead unit (z <= 0 on the whole batch)")
    return "; ".join(parts) if parts else "Linear units never saturate"


# Line colours: Okabe-Ito without its yellow, which fades on white and on a projector.
LINE_COLORS = OKABE_ITO[:7]


def _color(i: int) -> str:
    return LINE_COLORS[i % len(LINE_COLORS)]


# One marker per series as well as one colour: series stay apart in grey, for colour-blind
# readers and on a washed-out projector (the first is the circle every single-series figure uses).
MARKERS = ("o", "s", "D", "P", "X", "h", "*")  # no triangles: those mark overflow and underflow


def _marker(i: int) -> str:
    return MARKERS[i % len(MARKERS)]


def _style_axes(ax, xlabel: str, ylabel: str, *, integer_x: bool = True) -> None:
    ax.set_xlabel(xlabel, fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    # tick_params also applies to ticks created later, at draw time
    ax.tick_params(labelsize=SMALL, width=1.2, length=5)
    ax.tick_params(which="minor", width=0.8, length=3)
    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins="auto"))
    ax.grid(True, which="major", alpha=0.25, linewidth=0.8)


def _pyplot_backend() -> str | None:
    if "matplotlib.pyplot" not in sys.modules:
        return None
    backend = matplotlib.rcParams._get_backend_or_none()
    return backend.lower() if isinstance(backend, str) else None


def _new_figure(fig: FigureBase | None, figsize: tuple[float, float]) -> FigureBase:
    """The figure to draw into: `fig` cleared, or a new one (see the module docstring)."""
    if fig is not None:
        if not isinstance(fig, FigureBase):
            raise TypeError(f"fig must be a matplotlib Figure (or SubFigure) or None, "
                            f"got {type(fig).__name__}")
        fig.clear()
        return fig
    backend = _pyplot_backend()
    if backend and any(key in backend for key in ("inline", "ipympl", "widget", "nbagg")):
        import matplotlib.pyplot as plt  # already imported: the notebook's backend shows it
        return plt.figure(figsize=figsize, layout="constrained")
    return Figure(figsize=figsize, layout="constrained")


def _wrap(fig: FigureBase, text: str) -> str:
    """Wrap each line of a caption to the figure's width (about 11 characters per inch at 11 pt)."""
    width = max(40, int(fig.get_figwidth() * 11.5)) if hasattr(fig, "get_figwidth") else 100
    return "\n".join(textwrap.fill(line, width) for line in text.split("\n"))


def _caption(fig: FigureBase, text: str):
    """A caption under the axes (a figure-level label, so layouts leave room for it)."""
    return fig.supxlabel(_wrap(fig, text), fontsize=SMALL, color="#333333")


def add_caption(fig: FigureBase, text: str):
    """A caption under the axes, wrapped to the figure's width (the dashboards use it)."""
    return _caption(fig, text)


def wrap_text(fig: FigureBase, text: str) -> str:
    """`text` wrapped to the width of `fig` at the caption's font size."""
    return _wrap(fig, text)


def _title(fig: FigureBase, title: str | None) -> None:
    if title:
        fig.suptitle(title, fontsize=TITLE)


def _check_title(title) -> None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__} {title!r}")


def _as_float(y, name: str) -> np.ndarray:
    a = np.asarray(y, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    return a


# Live figures: x axes cover 1..D layers for the next D of these (see _Panel._set_limits).
_DEPTH_STEPS = (5, 10, 20, 30, 50, 75, 100)


def _snap_depth(hi: float) -> float:
    """The smallest of `_DEPTH_STEPS` >= hi (hi itself beyond the last)."""
    return float(next((d for d in _DEPTH_STEPS if d >= hi), hi))


def _snap_decades(current: tuple[int, int] | None, lo: float, hi: float) -> tuple[int, int]:
    """Log-axis limits in whole decades covering [lo, hi] (log10 values), with hysteresis.

    The current limits stay while they cover [lo, hi] and are at most twice its span plus
    two decades; otherwise new ones are [lo, hi] widened by 10% of its span, rounded out to
    whole decades (which the keep rule then accepts: no flip-flopping between updates).
    """
    if current is not None:
        a, b = current
        if a <= lo and hi <= b and b - a <= 2 * (hi - lo) + 2:
            return current
    margin = 0.1 * (hi - lo)
    return (max(math.floor(lo - margin), -250), min(math.ceil(hi + margin), 250))


class _FiniteLogLocator(LogLocator):
    """LogLocator whose ticks stay inside the float range.

    Over a few hundred decades the stock locator proposes ticks a stride beyond the limits
    (10^350 = inf), and the formatter then raises OverflowError at draw time.
    """

    def tick_values(self, vmin, vmax):
        with np.errstate(over="ignore"):
            ticks = np.asarray(super().tick_values(vmin, vmax))
        return ticks[np.isfinite(ticks) & (ticks > 1e-300) & (ticks < 1e300)]


# ------------------------------------------------------------------ one panel


class _Panel:
    """One axes with series drawn as simulation (solid) + theory (dashed), built once.

    Non-finite points become upward triangles at the top edge and, on log axes, points <= 0
    downward triangles at the bottom edge (in the series colour); layer ranges flagged as
    overflowing/underflowing are hatched and labelled. `update` only moves existing
    artists (and adds series the first time more are needed).
    """

    def __init__(self, ax, *, log: bool = True, band: tuple[float, float] | None = HEALTHY_BAND,
                 xlabel: str = SYMBOLS["layer"], ylabel: str = "", ylim: tuple[float, float] | None = None,
                 integer_x: bool = True, snap: bool = False):
        """snap=True (live figures): axis limits move in coarse steps (see `_set_limits`), so
        that most updates leave the axes, ticks and labels as they are and only the data
        artists need redrawing (blitting)."""
        self.ax, self.log, self.fixed_ylim, self.snap = ax, log, ylim, snap
        self._ydecades: tuple[int, int] | None = None  # snapped log limits, in decades
        _style_axes(ax, xlabel, ylabel, integer_x=integer_x)
        if log:
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(_FiniteLogLocator())
        self.band = (ax.axhspan(*band, color=BAND_COLOR, alpha=0.12, linewidth=0, zorder=0)
                     if band else None)
        self.sim: list[Line2D] = []
        self.theory: list[Line2D] = []
        self.top: list[Line2D] = []
        self.bottom: list[Line2D] = []
        edge = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
        self._edge = edge
        self.regions = {}
        for kind, color, hatch, y in (("overflow", ALARM, "///", 0.93), ("underflow", VANISH, "\\\\\\", 0.85)):
            rect = Rectangle((0, 0), 0, 1, transform=edge, facecolor="none", edgecolor=color,
                             hatch=hatch, linewidth=0, alpha=0.45, visible=False,
                             # above the grid and spines: the dashboards blit it over them
                             zorder=2.8)
            ax.add_patch(rect)
            rect.set_in_layout(False)
            text = ax.text(0.5, y, "", transform=ax.transAxes, ha="center", va="top",
                           fontsize=SMALL, color=color, visible=False, zorder=5,
                           bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none",
                                     alpha=0.8))
            text.set_in_layout(False)
            self.regions[kind] = (rect, text)
        self._legend_key = None

    def dynamic_artists(self) -> list:
        """The artists an update changes (data lines, edge markers, hatched regions)."""
        regions = [a for pair in self.regions.values() for a in pair]
        return [*self.sim, *self.theory, *self.top, *self.bottom, *regions]

    def _ensure(self, n: int) -> None:
        while len(self.sim) < n:
            c = _color(len(self.sim))
            # The theory is drawn on top of a half-transparent simulation line, its dashes
            # edged in white: where the two agree (the usual case) they stay visible, also on
            # a projector.
            (s,) = self.ax.plot([], [], "-", color=c, linewidth=LINE + 0.8, marker=_marker(len(self.sim)),
                                markersize=MARKER, alpha=0.6, zorder=3)
            (t,) = self.ax.plot([], [], "--", color=c, linewidth=LINE, zorder=3.5,
                                path_effects=[patheffects.withStroke(linewidth=LINE + 2.0,
                                                                     foreground="white")])
            (top,) = self.ax.plot([], [], linestyle="none", marker="^", markersize=MARKER + 4,
                                  color=c, markeredgecolor="black", transform=self._edge,
                                  clip_on=False, zorder=4)
            (bot,) = self.ax.plot([], [], linestyle="none", marker="v", markersize=MARKER + 4,
                                  color=c, markeredgecolor="black", transform=self._edge,
                                  clip_on=False, zorder=4)
            for edge_marker in (top, bot):
                # empty marker lines would otherwise drag constrained layout to (0, 0)
                edge_marker.set_in_layout(False)
            self.sim.append(s), self.theory.append(t), self.top.append(top), self.bottom.append(bot)

    def _drawable(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """y with undrawable points as nan (drawn as gaps), and masks of overflowed / vanished ones."""
        finite = np.isfinite(y)
        if not self.log:
            return np.where(finite, y, np.nan), ~finite, np.zeros_like(finite)
        safe = np.where(finite, y, 1.0)
        over = ~finite | (safe > _LOG_CEIL)
        under = finite & (safe < _LOG_FLOOR)
        return np.where(over | under, np.nan, y), over, under

    def update(self, x, sims: Sequence[np.ndarray], theories: Sequence[np.ndarray | None], *,
               regions: Sequence[tuple[str, float, float, str]] = ()) -> list[tuple[str, int, np.ndarray]]:
        """Redraw with one (simulation, theory-or-None) pair per series.

        x: one array for all series, or a list with one array per series.
        regions: (kind "overflow"|"underflow", x_from, x_to, label) layer ranges to hatch.
        Returns the simulation points drawn as edge markers: ("over"|"under", series, x values).
        """
        xs = list(x) if isinstance(x, (list, tuple)) else [x] * len(sims)
        xs = [np.asarray(v, dtype=np.float64) for v in xs]
        self._ensure(len(sims))
        values, notes = [], []
        for i, (s_line, t_line, top, bot) in enumerate(zip(self.sim, self.theory, self.top, self.bottom)):
            active = i < len(sims)
            for artist in (s_line, t_line, top, bot):
                artist.set_visible(active)
            if not active:
                continue
            xi = xs[i]
            y, over, under = self._drawable(np.asarray(sims[i], dtype=np.float64))
            if over.any():
                notes.append(("over", i, xi[over]))
            if under.any():
                notes.append(("under", i, xi[under]))
            s_line.set_data(xi, y)
            top.set_data(xi[over], np.full(over.sum(), _TOP))
            bot.set_data(xi[under], np.full(under.sum(), _BOTTOM))
            values.append(y)
            th = theories[i] if i < len(theories) else None
            if th is None:
                t_line.set_visible(False)
                t_line.set_data([], [])
            else:
                ty, _, _ = self._drawable(np.asarray(th, dtype=np.float64))
                t_line.set_data(xi, ty)
                values.append(ty)
        self._set_limits(np.concatenate(xs) if xs else np.zeros(0), values)
        self._place_regions(regions)
        return notes

    def _place_regions(self, regions) -> None:
        for kind, (rect, text) in self.regions.items():
            match = [r for r in regions if r[0] == kind]
            rect.set_visible(bool(match))
            text.set_visible(bool(match))
            if match:
                _, lo, hi, label = match[0]
                rect.set_bounds(lo, 0.0, hi - lo, 1.0)
                x0, x1 = self.ax.get_xlim()
                centre = ((lo + hi) / 2 - x0) / (x1 - x0) if x1 > x0 else 0.5
                text.set_x(min(max(centre, 0.25), 0.75))
                text.set_text(label)

    def _set_limits(self, x: np.ndarray, values: list[np.ndarray]) -> None:
        ax = self.ax
        if x.size:
            lo, hi = float(np.min(x)), float(np.max(x))
            integer = bool(np.allclose(x, np.round(x)))
            if self.snap and integer:
                # layers lo..hi shown on [lo - 0.5, D + 0.5] with D the next of _DEPTH_STEPS:
                # moving the depth slider within a step leaves the x axis unchanged
                ax.set_xlim(lo - 0.5, _snap_depth(hi) + 0.5)
            else:
                pad = 0.5 if integer else 0.03 * max(hi - lo, 1e-12)
                ax.set_xlim(lo - pad, hi + pad)
        if self.fixed_ylim is not None:
            ax.set_ylim(*self.fixed_ylim)
            return
        pool = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.zeros(0)
        if self.log:
            pool = pool[pool > 0]
            if self.band is not None:
                pool = np.concatenate([pool, HEALTHY_BAND])
            if pool.size == 0:
                pool = np.array([0.1, 10.0])
            lo, hi = np.log10(max(pool.min(), _LOG_FLOOR)), np.log10(min(pool.max(), _LOG_CEIL))
            pad = 0.12 * max(hi - lo, 1.0)  # room for the edge markers and labels
            need = (max(lo - pad, -250.0), min(hi + 2 * pad, 250.0))
            if self.snap:
                self._ydecades = _snap_decades(self._ydecades, *need)
                need = self._ydecades
            ax.set_ylim(10.0 ** need[0], 10.0 ** need[1])
        else:
            if pool.size == 0:
                pool = np.array([0.0, 1.0])
            lo, hi = float(pool.min()), float(pool.max())
            pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
            ax.set_ylim(lo - pad, hi + 2 * pad)

    def legend(self, entries: list[tuple[str, dict]], *, loc: str = "best", figure: bool = False) -> None:
        """A legend of proxy artists, rebuilt only when its entries change.

        figure=True puts it above the axes, in the figure's top-left corner, in one row: it
        never covers data and needs no "best" placement search on every redraw.
        """
        key = tuple((label, tuple(sorted(style.items()))) for label, style in entries)
        if key == self._legend_key:
            return
        self._legend_key = key
        handles = [Patch(**style) if "facecolor" in style else Line2D([], [], **style)
                   for _, style in entries]
        labels = [label for label, _ in entries]
        if not figure:
            self.ax.legend(handles, labels, fontsize=SMALL, loc=loc, framealpha=0.85)
            return
        fig = self.ax.figure
        old = getattr(self, "_fig_legend", None)
        if old is not None:
            old.remove()
        self._fig_legend = fig.legend(handles, labels, fontsize=SMALL, loc="upper left",
                                      bbox_to_anchor=(0.005, 0.995), ncols=len(entries),
                                      frameon=False)


def _style_entries(color: str, theory_name: str | None, band: bool) -> list[tuple[str, dict]]:
    entries = [("simulation", dict(color=color, linewidth=LINE + 0.8, marker="o", markersize=MARKER,
                                   alpha=0.6))]
    if theory_name:
        entries.append((f"theory ({theory_name})", dict(color=color, linewidth=LINE, linestyle="--")))
    if band:
        entries.append((f"healthy band [{HEALTHY_BAND[0]:g}, {HEALTHY_BAND[1]:g}]",
                        dict(facecolor=BAND_COLOR, alpha=0.25)))
    return entries


def _layers_text(xs: np.ndarray, noun: str = "layer") -> str:
    """'layer 5', 'layers 5-9' or 'layers 2, 5, 8' for integer x values."""
    xs = [int(v) if float(v).is_integer() else v for v in np.asarray(xs).tolist()]
    if len(xs) == 1:
        return f"{noun} {xs[0]:g}"
    nouns = noun + "s" if noun.isalpha() else noun
    if all(isinstance(v, int) for v in xs) and xs == list(range(xs[0], xs[0] + len(xs))):
        return f"{nouns} {xs[0]}-{xs[-1]}"
    return f"{nouns} " + ", ".join(f"{v:g}" for v in xs[:8]) + (" ..." if len(xs) > 8 else "")


def _edge_notes(notes, quantity: str, names: Sequence[str] | None = None, noun: str = "layer") -> list[str]:
    """Plain words for the points drawn as edge triangles (see _Panel.update)."""
    out = []
    for kind, i, xs in notes:
        who = f"{names[i]}: " if names else ""
        if kind == "over":
            out.append(f"{who}{quantity} is inf/nan or above 1e250 at {_layers_text(xs, noun)} "
                       "(triangles at the top)")
        else:
            out.append(f"{who}{quantity} is 0 or below 1e-250 at {_layers_text(xs, noun)} "
                       "(triangles at the bottom)")
    return out


def _forward_regions(stats: LayerStats, state: DashboardState | None = None) -> list[tuple[str, float, float, str]]:
    """Forward layers to hatch, from the same `DashboardState` the caption and status use."""
    return (state or dashboard_state(stats)).forward_regions()


def _backward_regions(stats: LayerStats, state: DashboardState | None = None) -> list[tuple[str, float, float, str]]:
    """Gradient layers to hatch, from the same `DashboardState` the caption and status use."""
    return (state or dashboard_state(stats)).backward_regions()


def _check_stats(stats, name: str = "stats") -> None:
    if not isinstance(stats, LayerStats):
        raise TypeError(f"{name} must be a LayerStats (from layer_stats), got {type(stats).__name__}")


def _check_prediction(prediction, stats: LayerStats, name: str = "prediction") -> None:
    if prediction is None:
        return
    if not isinstance(prediction, Prediction):
        raise TypeError(f"{name} must be a Prediction (from mean_field or linear_theory) or None, "
                        f"got {type(prediction).__name__}")
    if len(prediction.h_m2) != stats.depth:
        raise ValueError(f"{name} has {len(prediction.h_m2)} layers but the stats have "
                         f"{stats.depth}: compute both for the same sizes")


# ------------------------------------------------------------ variance profile


class VarianceArtists:
    """E[h_l^2] and Var[dL/dh_l] panels (plus, optionally, saturation) that update in place."""

    def __init__(self, fig: FigureBase, axes=None, *, saturation: bool = False, live: bool = False):
        """live=True (the dashboards): legend above the axes and no minor ticks, both cheaper
        to redraw (no "best" legend placement search, fewer tick artists)."""
        if axes is None:
            axes = fig.subplots(1, 3 if saturation else 2)
        self.fig, self.live = fig, live
        self.h = _Panel(axes[0], ylabel=SYMBOLS["h_m2"], snap=live)
        self.g = _Panel(axes[1], ylabel=SYMBOLS["grad_h_var"], snap=live)
        if live:
            for panel in (self.h, self.g):
                panel.ax.yaxis.set_minor_locator(NullLocator())
        self.h.ax.set_title("activations, forward", fontsize=FONT)
        self.g.ax.set_title("gradients, backward", fontsize=FONT)
        self.sat = None
        if saturation:
            self.sat = _Panel(axes[2], log=False, band=None, ylabel=SYMBOLS["saturation"],
                              ylim=(-0.03, 1.08), snap=live)
            self.sat.ax.set_title("saturation", fontsize=FONT)
        self.caption = _caption(fig, "")

    def dynamic_artists(self) -> list:
        """The artists an update changes; everything else changes only with the axis limits,
        the legend (theory on/off), the saturation label (ReLU or not) or the caption (which
        names overflow and underflow, so it stays the same over most updates)."""
        panels = [self.h, self.g] + ([self.sat] if self.sat is not None else [])
        return [a for panel in panels for a in panel.dynamic_artists()]

    def update(self, stats: LayerStats, prediction: Prediction | None = None,
               state: DashboardState | None = None) -> None:
        """Show new statistics (and theory, or None to hide it); moves artists only.

        state: the verdict the caller also words its status from (default: computed here).
        """
        _check_stats(stats)
        _check_prediction(prediction, stats)
        state = dashboard_state(stats) if state is None else state
        self.state = state
        L = stats.depth
        layers = np.arange(1, L + 1)
        notes = _edge_notes(self.h.update(layers, [stats.h_m2],
                                          [None if prediction is None else prediction.h_m2],
                                          regions=state.forward_regions()), "E[h_l^2]")
        notes += _edge_notes(self.g.update(np.arange(0, L + 1), [stats.grad_h_var],
                                           [None if prediction is None else prediction.grad_h_var],
                                           regions=state.backward_regions()), "Var[dL/dh_l]")
        name = None if prediction is None else prediction.name
        self.h.legend(_style_entries(_color(0), name, True), figure=self.live)
        if self.sat is not None:
            self.sat.update(layers, [stats.saturation], [None], regions=state.forward_regions())
            dead = stats.activation in ("relu", "leaky_relu")
            self.sat.ax.set_ylabel("fraction of dead units" if dead else SYMBOLS["saturation"],
                                   fontsize=FONT)
        caption = f"Simulation: {state.float_summary()}."
        if notes:
            # live figures have room for two caption lines under fixed margins: one paragraph
            caption += (" " + "; ".join(notes) if self.live else "\n" + "\n".join(notes)) + "."
        self.caption.set_text(_wrap(self.fig, caption))


def variance_profile(stats: LayerStats, prediction: Prediction | None = None, *,
                     title: str | None = None, fig: FigureBase | None = None) -> FigureBase:
    """Per-layer E[h_l^2] (left) and Var[dL/dh_l] (right), simulation solid and theory dashed."""
    _check_stats(stats)
    _check_prediction(prediction, stats)
    _check_title(title)
    fig = _new_figure(fig, (FIG_W, 4.8))
    artists = VarianceArtists(fig)
    artists.update(stats, prediction)
    _title(fig, title)
    return fig


# ------------------------------------------------------------ compare profiles

QUANTITIES = ("h_m2", "h_std", "z_var", "grad_h_var", "grad_z_var", "grad_W_var", "saturation")


def _quantity(stats: LayerStats, prediction: Prediction | None, quantity: str):
    """(x, simulation, theory or None, regions) for one quantity of one network."""
    L = stats.depth
    layers = np.arange(1, L + 1)
    if quantity == "grad_h_var":
        return (np.arange(0, L + 1), stats.grad_h_var,
                None if prediction is None else prediction.grad_h_var, _backward_regions(stats))
    sim = {"h_m2": stats.h_m2, "h_std": stats.h_std, "saturation": stats.saturation,
           "grad_z_var": stats.grad_z_var, "grad_W_var": stats.grad_W_var}.get(quantity)
    if quantity == "z_var":
        with np.errstate(over="ignore", invalid="ignore"):
            sim = np.asarray(stats.z_std, dtype=np.float64) ** 2
    # Prediction has no std of h (only E[h^2]) and no saturation: no theory line for those.
    theory = None if prediction is None else {
        "h_m2": prediction.h_m2, "z_var": prediction.z_var, "grad_z_var": prediction.grad_z_var,
        "grad_W_var": prediction.grad_W_var}.get(quantity)
    regions = _backward_regions(stats) if quantity.startswith("grad") else _forward_regions(stats)
    return layers, sim, theory, regions


def compare_profiles(profiles: Mapping[str, tuple[LayerStats, Prediction | None]], *,
                     quantity: str = "grad_h_var", title: str | None = None,
                     fig: FigureBase | None = None) -> FigureBase:
    """One per-layer quantity for several networks on one axis, theory dashed in the same colour."""
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {', '.join(QUANTITIES)}; got {quantity!r}")
    if not isinstance(profiles, Mapping) or not profiles:
        raise ValueError("profiles must be a non-empty dict {name: (LayerStats, Prediction or None)}")
    for name, pair in profiles.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"profiles[{name!r}] must be a (LayerStats, Prediction or None) tuple")
        _check_stats(pair[0], f"profiles[{name!r}][0]")
        _check_prediction(pair[1], pair[0], f"profiles[{name!r}][1]")
    _check_title(title)
    fig = _new_figure(fig, (FIG_W, 4.6))
    log = quantity != "saturation"
    band = HEALTHY_BAND if quantity in ("h_m2", "h_std", "z_var", "grad_h_var") else None
    panel = _Panel(fig.add_subplot(), log=log, band=band, ylabel=SYMBOLS[quantity],
                   ylim=None if log else (-0.03, 1.08))
    xs, sims, theories, notes, theory_names, hatched = [], [], [], [], [], []
    for name, (stats, prediction) in profiles.items():
        x, sim, theory, regions = _quantity(stats, prediction, quantity)
        xs.append(x), sims.append(sim), theories.append(theory)
        if theory is not None:
            theory_names.append(prediction.name)
        if regions:
            notes.append(f"{name}: {dashboard_state(stats).float_summary()}")
            # hatch only the first flagged network (several would clutter); all are named
            if not hatched:
                hatched = [(kind, lo, hi, f"{name}: {label}") for kind, lo, hi, label in regions]
    edge = _edge_notes(panel.update(xs, sims, theories, regions=hatched), quantity,
                       names=list(profiles))
    entries = [(name, dict(color=_color(i), linewidth=LINE, marker=_marker(i), markersize=MARKER))
               for i, name in enumerate(profiles)]
    if theory_names:
        entries += [("simulation", dict(color="#444444", linewidth=LINE, marker="o",
                                        markersize=MARKER)),
                    (f"theory ({', '.join(dict.fromkeys(theory_names))})",
                     dict(color="#444444", linewidth=LINE, linestyle="--"))]
    panel.legend(entries)
    caption = "\n".join(n + "." for n in notes + edge) or "All values finite and above float precision."
    if quantity == "saturation":
        caption += f"\n{saturation_rule([s.activation for s, _ in profiles.values()])}."
    _caption(fig, caption)
    _title(fig, title)
    return fig


# ------------------------------------------------------------------ histograms


class HistogramArtists:
    """One density curve per layer in a sequential colour map, updated in place.

    With `colorbar=True` the layers are keyed by a colour bar (the dashboards: depth changes
    do not re-layout a legend), otherwise by a legend.
    """

    def __init__(self, ax, *, xlabel: str, colorbar: bool):
        self.ax = ax
        _style_axes(ax, xlabel, "density", integer_x=False)
        self.lines: list[Line2D] = []
        self.cmap = matplotlib.colormaps[SEQUENTIAL]
        self.colorbar = None
        self.mappable = None
        if colorbar:
            self.mappable = ScalarMappable(norm=BoundaryNorm([0.5, 1.5], self.cmap.N), cmap=self.cmap)
            self.colorbar = ax.figure.colorbar(self.mappable, ax=ax, pad=0.02)
            self.colorbar.set_label(SYMBOLS["layer"], fontsize=SMALL)
            self.colorbar.ax.tick_params(labelsize=SMALL)
        self._legend_labels = None

    def dynamic_artists(self) -> list:
        """The density curves (the axes limits change with the data: see the dashboards)."""
        return list(self.lines)

    def colors(self, n: int) -> np.ndarray:
        if n <= len(LINE_COLORS) and self.colorbar is None:
            # few layers, keyed by a legend: distinct colour-blind-safe colours
            return np.array([matplotlib.colors.to_rgba(c) for c in LINE_COLORS[:n]])
        # many layers: a sequential map (stop at 0.85: viridis' yellow end fades on white and
        # on a projector); neighbours also alternate solid and dashed (see update)
        return self.cmap(np.linspace(0.0, 0.85, n)) if n > 1 else self.cmap([0.0])

    def update(self, values: Sequence[np.ndarray], *, bins: int = 60,
               range: tuple[float, float] | None = None, labels: Sequence[str] | None = None) -> str:
        """Redraw the densities; returns the caption text (non-finite values dropped, counted)."""
        beyond = 0
        zeros_note = ""
        signed = [np.asarray(v, dtype=np.float64).ravel() for v in values]
        finite_all = np.concatenate([v[np.isfinite(v)] for v in signed]) if signed else np.zeros(0)
        if range is None and finite_all.size and finite_all.min() >= 0:
            # non-negative values (ReLU outputs): the axis starts at 0, and the exact zeros of
            # inactive units, a spike at 0 that would flatten every other curve, are counted
            # in the caption instead of drawn
            share = float(np.mean(finite_all == 0))
            if share > 0.05:
                signed = [v[v != 0] for v in signed]
                zeros_note = (f" Exact zeros ({100 * share:.0f}% of the values: inactive units) "
                              "are not drawn; the curves are densities of the non-zero values.")
        if range is None:
            # layer_histograms' default range, capped: near the float maximum the bin width
            # times the sample count overflows; values beyond the cap are counted in the caption
            pooled = np.concatenate([np.abs(v) for v in signed]) if signed else np.zeros(0)
            pooled = pooled[np.isfinite(pooled)]
            a = float(np.percentile(pooled, 99.5)) if pooled.size else 1.0
            a = min(a, _HIST_MAX) if a > 0 else 1.0
            nonneg = finite_all.size > 0 and finite_all.min() >= 0
            range = (0.0, a) if nonneg else (-a, a)
            beyond = int(np.count_nonzero(pooled > _HIST_MAX))
        counts, edges = layer_histograms(signed, bins=bins, range=range)
        centres = 0.5 * (edges[:-1] + edges[1:])
        n = len(values)
        while len(self.lines) < n:
            (line,) = self.ax.plot([], [], linewidth=LINE)
            self.lines.append(line)
        colors = self.colors(n)
        for i, line in enumerate(self.lines):
            line.set_visible(i < n)
            if i < n:
                line.set_data(centres, counts[i])
                line.set_color(colors[i])
                line.set_linestyle("--" if i % 2 and len(colors) > len(LINE_COLORS) else "-")
                # above the spines (2.5), as the variance panels' lines: the same picture
                # whether drawn with the axes or blitted over them (the dashboards)
                line.set_zorder(3 + i / max(n, 1))
        self.ax.set_xlim(edges[0], edges[-1])
        top = float(counts.max()) if counts.size else 1.0
        self.ax.set_ylim(0.0, 1.08 * top if top > 0 else 1.0)
        if self.colorbar is not None:
            self.mappable.set_cmap(ListedColormap(colors))
            self.mappable.set_norm(BoundaryNorm(np.arange(0.5, n + 1.0), n))
            self.colorbar.locator = MaxNLocator(integer=True, nbins=8)
            self.colorbar.update_ticks()
        else:
            labels = list(labels) if labels is not None else [f"layer {i + 1}" for i in np.arange(n)]
            if labels != self._legend_labels:
                self._legend_labels = labels
                self.ax.legend(self.lines[:n], labels, fontsize=SMALL, framealpha=0.85,
                               ncols=1 if n <= 6 else 2)
        dropped = [int(np.size(v) - np.count_nonzero(np.isfinite(np.asarray(v, dtype=np.float64))))
                   for v in values]
        total = sum(dropped)
        far = (f" {beyond} finite values above {_HIST_MAX:.0e} in size lie beyond the x axis."
               if beyond else "")
        if total == 0:
            return "All values finite." + far + zeros_note
        where = [str(i + 1) if labels is None else labels[i] for i, d in enumerate(dropped) if d]
        where = [w if labels is not None else f"layer {w}" for w in where]
        return (f"{total} non-finite values (inf/nan) left out of the histograms: "
                f"{', '.join(where[:6])}{' ...' if len(where) > 6 else ''}." + far + zeros_note)


def histogram_plot(values: list[np.ndarray], *, xlabel: str, title: str | None = None,
                   bins: int = 60, range: tuple[float, float] | None = None,
                   labels: list[str] | None = None, fig: FigureBase | None = None) -> FigureBase:
    """Density of each array (one per layer) over shared bins, as in Glorot & Bengio Figs. 6 and 7."""
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError("values must be a non-empty list of arrays (one per layer)")
    if not isinstance(xlabel, str):
        raise TypeError(f"xlabel must be a string, got {type(xlabel).__name__}")
    if labels is not None and len(labels) != len(values):
        raise ValueError(f"labels must hold one label per array ({len(values)}), got {len(labels)}")
    _check_title(title)
    fig = _new_figure(fig, (FIG_W, 4.4))
    artists = HistogramArtists(fig.add_subplot(), xlabel=xlabel,
                                colorbar=labels is None and len(values) > 6)
    _caption(fig, artists.update(values, bins=bins, range=range, labels=labels))
    _title(fig, title)
    return fig


# ------------------------------------------------------------------ saturation


def saturation_plot(stats_by_name: Mapping[str, LayerStats], *, title: str | None = None,
                    fig: FigureBase | None = None) -> FigureBase:
    """Fraction of saturated (ReLU: dead) units per layer, one line per network, y in [0, 1].

    The caption states the rule only for the activations shown.
    """
    if not isinstance(stats_by_name, Mapping) or not stats_by_name:
        raise ValueError("stats_by_name must be a non-empty dict {name: LayerStats}")
    for name, stats in stats_by_name.items():
        _check_stats(stats, f"stats_by_name[{name!r}]")
    _check_title(title)
    fig = _new_figure(fig, (FIG_W, 4.4))
    panel = _Panel(fig.add_subplot(), log=False, band=None, ylabel=SYMBOLS["saturation"],
                   ylim=(-0.03, 1.08))
    names = list(stats_by_name)
    panel.update([np.arange(1, s.depth + 1) for s in stats_by_name.values()],
                 [s.saturation for s in stats_by_name.values()], [])
    states = {name: dashboard_state(s) for name, s in stats_by_name.items()}
    notes = [f"{name}: {v.float_summary()}" for name, v in states.items()
             if v.forward_overflow is not None or v.forward_underflow is not None]
    panel.legend([(f"{name} ({stats_by_name[name].activation})",
                   dict(color=_color(i), linewidth=LINE, marker=_marker(i), markersize=MARKER))
                  for i, name in enumerate(names)])
    rule = saturation_rule([s.activation for s in stats_by_name.values()])
    _caption(fig, rule + ("." if not notes else ".\n" + "; ".join(notes)))
    _title(fig, title)
    return fig


# ------------------------------------------------------------ Jacobian spectrum


def jacobian_spectrum_plot(svs: list[np.ndarray], *, title: str | None = None,
                           fig: FigureBase | None = None) -> FigureBase:
    """Singular values of each layer Jacobian dh_l/dh_{l-1}: a box per layer, the mean as a line."""
    if not isinstance(svs, (list, tuple)) or not svs:
        raise ValueError("svs must be a non-empty list of arrays, one per layer "
                         "(from jacobian_singular_values)")
    _check_title(title)
    fig = _new_figure(fig, (FIG_W, 4.4))
    ax = fig.add_subplot()
    _style_axes(ax, SYMBOLS["layer"], r"singular values of $\partial h_l/\partial h_{l-1}$")
    layers = np.arange(1, len(svs) + 1)
    flat = [np.asarray(s, dtype=np.float64).ravel() for s in svs]
    finite = [f[np.isfinite(f)] for f in flat]
    ok = [i for i, f in enumerate(finite) if f.size]
    if ok:
        ax.boxplot([finite[i] for i in ok], positions=layers[ok], widths=0.5, whis=(5, 95),
                   showfliers=False, patch_artist=True, manage_ticks=False,
                   boxprops=dict(facecolor="#56B4E9", alpha=0.5, linewidth=1.5),
                   medianprops=dict(color="#000000", linewidth=1.5),
                   whiskerprops=dict(linewidth=1.5), capprops=dict(linewidth=1.5))
    means = np.array([f.mean() if f.size else np.nan for f in finite])
    ax.plot(layers, means, "-o", color=OKABE_ITO[1], linewidth=LINE, markersize=MARKER,
            label="mean singular value", zorder=3)
    ax.axhline(1.0, color="#444444", linestyle="--", linewidth=1.5, label="1 (isometry)")
    bad = np.array([f.size < g.size for f, g in zip(finite, flat)])
    edge = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    if bad.any():
        ax.plot(layers[bad], np.ones(bad.sum()), linestyle="none", marker="^", markersize=MARKER + 4,
                color=ALARM, transform=edge, clip_on=False, label="overflow (inf/nan)")
    # manage_ticks=False above: boxplot would otherwise pin fixed tick labels 1..k to the
    # positions of the drawn boxes, which the integer locator then shifts (layer 1 read "2")
    ax.set_xlim(0.5, len(svs) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins="auto"))
    ax.set_ylim(bottom=0.0)
    ax.legend(fontsize=SMALL, framealpha=0.85)
    summary = ", ".join(f"{m:.2f}" for m in means[:8]) + (" ..." if len(means) > 8 else "")
    caption = (f"Boxes: 25-75%, whiskers 5-95% of the singular values; mean per layer: {summary}.")
    if bad.any():
        caption += f" Non-finite Jacobian at layers {', '.join(str(l) for l in layers[bad])}."
    _caption(fig, caption)
    _title(fig, title)
    return fig


# ---------------------------------------------------------------- generic curves


def curve_plot(x, ys: Mapping[str, np.ndarray], *, theory: Mapping[str, np.ndarray] | None = None,
               logy: bool = True, xlabel: str, ylabel: str, title: str | None = None,
               fig: FigureBase | None = None) -> FigureBase:
    """One line per setting (solid, markers) with its theory dashed in the same colour."""
    x = _as_float(x, "x")
    if not isinstance(ys, Mapping) or not ys:
        raise ValueError("ys must be a non-empty dict {label: y array}")
    theory = dict(theory or {})
    unknown = set(theory) - set(ys)
    if unknown:
        raise ValueError(f"theory keys {sorted(unknown)} are not in ys ({', '.join(ys)})")
    for name, y in list(ys.items()) + list(theory.items()):
        if _as_float(y, f"ys[{name!r}]").shape != x.shape:
            raise ValueError(f"{name!r} has {np.size(y)} values but x has {x.size}")
    _check_title(title)
    fig = _new_figure(fig, (FIG_W, 4.6))
    integer_x = bool(np.all(np.isfinite(x)) and np.allclose(x, np.round(x)))
    panel = _Panel(fig.add_subplot(), log=logy, band=None, xlabel=xlabel, ylabel=ylabel,
                   integer_x=integer_x)
    names = list(ys)
    edge = panel.update(x, [ys[n] for n in names], [theory.get(n) for n in names])
    entries = [(n, dict(color=_color(i), linewidth=LINE + 0.8, marker=_marker(i), markersize=MARKER,
                        alpha=0.6)) for i, n in enumerate(names)]
    if theory:
        entries.append(("theory", dict(color="#444444", linewidth=LINE, linestyle="--")))
    panel.legend(entries)
    notes = _edge_notes(edge, "the value", names=names, noun="x =")
    if notes:
        _caption(fig, "; ".join(notes) + ".")
    _title(fig, title)
    return fig
