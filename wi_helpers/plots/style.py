"""The look shared by every figure: the palette, fonts and sizes, markers, axes style, new
figures, captions and titles, symbols and the saturation rule."""
from __future__ import annotations

import sys
import textwrap
from typing import Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure, FigureBase
from matplotlib.ticker import MaxNLocator

from ..activations import SATURATION_LEVEL, get_activation



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
# Log axes span at most float64's normal range: every finite value a float64 moment can hold
# is drawn, and only inf/nan (top) and 0 or subnormal values (bottom) become edge triangles,
# the same points the float-range verdict names and the hatching marks.
_LOG_FLOOR, _LOG_CEIL = float(np.finfo(np.float64).tiny), float(np.finfo(np.float64).max)
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


def new_figure(fig: FigureBase | None, figsize: tuple[float, float]) -> FigureBase:
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
