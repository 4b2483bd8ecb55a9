"""Figures of notebook 10 (residual networks, normalization): arrays in, a Figure out."""
from __future__ import annotations

from typing import Mapping

import numpy as np
from matplotlib.figure import FigureBase

from .style import FIG_W, FONT, LINE, LINE_COLORS, MARKERS, SMALL, TITLE, new_figure

__all__ = ["variance_depth_plot", "profiles_plot"]


def variance_depth_plot(runs: Mapping[str, tuple[np.ndarray, np.ndarray]], *,
                        fig: FigureBase | None = None) -> FigureBase:
    """Mean h_l^2 against l per architecture: each draw thin, the theory dashed."""
    return profiles_plot(runs, ylabel=r"mean $h_l^2$", title="Forward second moment at init",
                         fig=fig)


def profiles_plot(runs: Mapping[str, tuple[np.ndarray, np.ndarray | None]], *, ylabel: str,
                  title: str, xlabel: str = "block $l$", x: np.ndarray | None = None,
                  log: bool = True, fig: FigureBase | None = None) -> FigureBase:
    """name -> (draws (k, n) or (n,), theory (n,) or None) against x (default 0..n-1), on a
    log y axis unless log=False."""
    fig = new_figure(fig, (FIG_W, 4.2))
    ax = fig.add_subplot()
    for i, (name, (draws, theory)) in enumerate(runs.items()):
        c = LINE_COLORS[i % len(LINE_COLORS)]
        draws = np.atleast_2d(draws)
        xs = np.arange(draws.shape[1]) if x is None else np.asarray(x)
        for k, d in enumerate(draws):
            ax.plot(xs, d, color=c, lw=LINE, marker=MARKERS[i % len(MARKERS)],
                    markevery=max(1, len(xs) // 8), label=name if k == 0 else None, alpha=0.8)
        if theory is not None:
            ax.plot(xs if x is not None else np.arange(len(theory)), theory, color=c, lw=LINE, ls="--")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel, fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    has_theory = any(t is not None for _, t in runs.values())
    ax.set_title(title + (" (dashed: theory)" if has_theory else ""), fontsize=TITLE)
    ax.tick_params(labelsize=SMALL)
    ax.legend(fontsize=SMALL, loc="best")
    return fig
