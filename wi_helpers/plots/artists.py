"""The updatable artists: panels whose data, limits and marks change in place.

`VarianceArtists` and `HistogramArtists` are what the static figures build once and what the
dashboards (`wi_helpers.widgets`) keep and `.update()` on every slider move; the axis limits
snap to steps and whole decades so that small changes keep the axes (and allow a blit)."""
from __future__ import annotations

import math
from typing import Sequence

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib import transforms as mtransforms
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, Locator, LogLocator, MaxNLocator, NullLocator

from ..dashboard_model import DashboardState, dashboard_state
from ..stats import HIST_MAX, LayerStats, histogram_range, layer_histograms
from ..theory import Prediction

from .style import _LOG_FLOOR as LOG_FLOOR
from .style import (ALARM, BAND_COLOR, FONT, HEALTHY_BAND, LINE, LINE_COLORS, MARKER, SEQUENTIAL,
                    SMALL, SYMBOLS, VANISH, _BOTTOM, _LOG_CEIL, _TOP,
                    _caption, _color, _marker, _style_axes, _wrap)


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
    return (max(math.floor(lo - margin), -307), min(math.ceil(hi + margin), 308))


class DecadeLocator(Locator):
    """Major ticks of a log axis at whole decades, every 1, 2, 5, 10, 20, 50, 100 or 200 decades.

    The stride is the smallest of those giving at most `numticks` ticks, so a 600-decade axis
    reads 10^-300, 10^-200, ..., 10^300 instead of the stock locator's 44- or 48-decade steps,
    and the ticks stay inside the float range (10^350 would be inf).
    """

    STRIDES = (1, 2, 5, 10, 20, 50, 100, 200)

    def __init__(self, numticks: int = 8):
        self.numticks = numticks

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin, vmax):
        """Decades inside [vmin, vmax] at the chosen stride."""
        vmin, vmax = sorted((vmin, vmax))
        if not (vmax > 0 and np.isfinite(vmax)):
            return np.zeros(0)
        lo = math.log10(max(vmin, LOG_FLOOR))
        hi = math.log10(vmax)
        stride = next((s for s in self.STRIDES if (hi - lo) / s <= self.numticks - 1), 200)
        first, last = math.ceil(lo / stride - 1e-9), math.floor(hi / stride + 1e-9)
        return 10.0 ** (stride * np.arange(first, last + 1, dtype=float))


class MinorLogLocator(LogLocator):
    """The stock minor log ticks, without overflow warnings near float64's maximum."""

    def __init__(self):
        super().__init__(subs="auto")

    def tick_values(self, vmin, vmax):
        """Minor ticks inside the float range (none over more than 12 decades)."""
        lo, hi = sorted((vmin, vmax))
        if not (lo > 0 and np.isfinite(hi)) or math.log10(hi) - math.log10(lo) > 12:
            return np.zeros(0)
        with np.errstate(over="ignore", invalid="ignore"):
            ticks = np.asarray(super().tick_values(vmin, vmax))
        return ticks[np.isfinite(ticks) & (ticks > 0)]


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_label(y: float, _pos=None) -> str:
    """Tick label 10ᵏ of a decade tick (plain text with superscript digits: no mathtext)."""
    return "10" + str(round(math.log10(y))).translate(_SUPERSCRIPT) if y > 0 else ""


def _inches(ax, axis: int = 0):
    """A transform: x (axis 0) or y (axis 1) in inches from the axes' left or bottom edge,
    the other coordinate in axes fractions (axis labels at a fixed distance in print units)."""
    from_corner = ax.figure.dpi_scale_trans + mtransforms.ScaledTranslation(0, 0, ax.transAxes)
    if axis == 0:
        return mtransforms.blended_transform_factory(from_corner, ax.transAxes)
    return mtransforms.blended_transform_factory(ax.transAxes, from_corner)


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
            ax.yaxis.set_major_locator(DecadeLocator())
            ax.yaxis.set_major_formatter(FuncFormatter(decade_label))
            ax.yaxis.set_minor_locator(MinorLogLocator())
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
        under = finite & (safe < LOG_FLOOR)
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
        self._place_labels()
        return notes

    def _place_regions(self, regions) -> None:
        for kind, (rect, text) in self.regions.items():
            match = [r for r in regions if r[0] == kind]
            rect.set_visible(bool(match))
            text.set_visible(bool(match))
            if match:
                _, lo, hi, label = match[0]
                rect.set_bounds(lo, 0.0, hi - lo, 1.0)
                text.set_text(label)
        # (the labels are placed by _set_limits' caller once the x limits are known)

    def _place_labels(self) -> None:
        """Each region's label inside the axes, on the region's side: never into a neighbour."""
        x0, x1 = self.ax.get_xlim()
        for rect, text in self.regions.values():
            if not rect.get_visible() or x1 <= x0:
                continue
            lo, hi = rect.get_x(), rect.get_x() + rect.get_width()
            left, right = (lo - x0) / (x1 - x0), (hi - x0) / (x1 - x0)
            if right >= 0.999:   # reaches the right edge (forward: from layer k on)
                text.set_x(0.98), text.set_horizontalalignment("right")
            elif left <= 0.001:  # reaches the left edge (backward: from layer k down)
                text.set_x(0.02), text.set_horizontalalignment("left")
            else:
                text.set_x(min(max((left + right) / 2, 0.25), 0.75))
                text.set_horizontalalignment("center")

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
            lo, hi = np.log10(max(pool.min(), LOG_FLOOR)), np.log10(min(pool.max(), _LOG_CEIL))
            pad = 0.12 * max(hi - lo, 1.0)  # room for the edge markers and labels
            # float64's normal range is 10^-307.7 .. 10^308.3: the axis never goes beyond it
            top = min(hi + 2 * pad, 308.0)
            need = (max(min(lo - pad, top - 1.0), -307.0), top)
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


REGION_STYLES = {"overflow": dict(facecolor="none", edgecolor=ALARM, hatch="///", linewidth=0,
                                  alpha=0.45),
                 "underflow": dict(facecolor="none", edgecolor=VANISH, hatch="\\\\\\",
                                   linewidth=0, alpha=0.45)}
REGION_KEYS = {"overflow": "out of float range: inf", "underflow": "below float precision"}


def _region_entries(kinds) -> list[tuple[str, dict]]:
    """Legend entries (the key) for the hatched regions present."""
    return [(REGION_KEYS[k], REGION_STYLES[k]) for k in ("overflow", "underflow") if k in kinds]


def _uncovered(notes, regions) -> list:
    """The edge-marker notes whose points lie outside every hatched region of their kind."""
    out = []
    for kind, i, xs in notes:
        spans = [(lo, hi) for k, lo, hi, _ in regions if k == ("overflow" if kind == "over"
                                                             else "underflow")]
        left = np.array([x for x in xs if not any(lo <= x <= hi for lo, hi in spans)])
        if left.size:
            out.append((kind, i, left))
    return out


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
            out.append(f"{who}{quantity} is inf/nan at {_layers_text(xs, noun)} "
                       "(triangles at the top)")
        else:
            out.append(f"{who}{quantity} is 0 or below float precision at "
                       f"{_layers_text(xs, noun)} (triangles at the bottom)")
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
        # live: titles at a fixed height (no search for the tallest tick label on each draw)
        where = dict(y=1.0, pad=5.0) if live else {}
        self.h.ax.set_title("activations, forward", fontsize=FONT, **where)
        self.g.ax.set_title("gradients, backward", fontsize=FONT, **where)
        self.sat = None
        if saturation:
            self.sat = _Panel(axes[2], log=False, band=None, ylabel=SYMBOLS["saturation"],
                              ylim=(-0.03, 1.08), snap=live)
            self.sat.ax.set_title("saturation", fontsize=FONT, **where)
        if live:
            # axis labels at fixed places, clear of the widest tick labels (10⁻³⁰⁰ on the
            # log panels): no layout of the tick labels' boxes on each draw
            for panel, width in ((self.h, 36), (self.g, 36), (self.sat, 24)):
                if panel is None:
                    continue
                ax = panel.ax
                ax.yaxis.set_label_coords(-(width + 8) / 72, 0.5, transform=_inches(ax))
                ax.xaxis.set_label_coords(0.5, -(SMALL + 10) / 72, transform=_inches(ax, 1))
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
        fwd, bwd = state.forward_regions(), state.backward_regions()
        # triangles inside a hatched region are explained by it (and by the key)
        notes = _edge_notes(_uncovered(self.h.update(
            layers, [stats.h_m2], [None if prediction is None else prediction.h_m2],
            regions=fwd), fwd), "E[h_l^2]")
        notes += _edge_notes(_uncovered(self.g.update(
            np.arange(0, L + 1), [stats.grad_h_var],
            [None if prediction is None else prediction.grad_h_var], regions=bwd), bwd),
            "Var[dL/dh_l]")
        name = None if prediction is None else prediction.name
        kinds = {r[0] for r in fwd + bwd}
        self.h.legend(_style_entries(_color(0), name, True) + _region_entries(kinds),
                      figure=self.live)
        if self.sat is not None:
            self.sat.update(layers, [stats.saturation], [None], regions=fwd)
            dead = stats.activation in ("relu", "leaky_relu")
            self.sat.ax.set_ylabel("fraction of dead units" if dead else SYMBOLS["saturation"],
                                   fontsize=FONT)
        caption = f"Simulation: {state.float_summary()}."
        if notes:
            # live figures have room for two caption lines under fixed margins: one paragraph
            caption += (" " + "; ".join(notes) if self.live else "\n" + "\n".join(notes)) + "."
        self.caption.set_text(_wrap(self.fig, caption))


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
            # the one default range (stats.histogram_range), capped at HIST_MAX: near the float
            # maximum the bin width times the sample count overflows; values beyond the cap
            # are counted in the caption
            nonneg = finite_all.size > 0 and finite_all.min() >= 0
            range = histogram_range(signed, from_zero=nonneg)
            beyond = int(sum(np.count_nonzero(np.isfinite(v) & (np.abs(v) > HIST_MAX))
                             for v in signed))
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
        far = (f" {beyond} finite values above {HIST_MAX:.0e} in size lie beyond the x axis."
               if beyond else "")
        if total == 0:
            return "All values finite." + far + zeros_note
        where = [str(i + 1) if labels is None else labels[i] for i, d in enumerate(dropped) if d]
        where = [w if labels is not None else f"layer {w}" for w in where]
        return (f"{total} non-finite values (inf/nan) left out of the histograms: "
                f"{', '.join(where[:6])}{' ...' if len(where) > 6 else ''}." + far + zeros_note)
