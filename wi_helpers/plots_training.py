"""Figures of training experiments over several seeds (mean line, min..max band)."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import FigureBase

from .plots import FIG_W, LINE, SMALL, _check_title, _color, _new_figure, _style_axes, _title


def depth_experiment_plot(runs: Mapping[str, Sequence], *, chance: float | None = None,
                          title: str | None = None, fig: FigureBase | None = None) -> FigureBase:
    """Left: test error (%) over updates, mean and min..max over seeds, per init. Right: the
    variance of the back-propagated gradient dC_i/dz_l per layer at update 0 (log scale)."""
    if not isinstance(runs, Mapping) or not runs or not all(len(hs) for hs in runs.values()):
        raise ValueError("runs must be a non-empty dict {label: [History, ...]} with at least one "
                         "History per label")
    _check_title(title)
    fig = _new_figure(fig, (FIG_W, 4.4))
    ax, ax2 = fig.subplots(1, 2)
    _style_axes(ax, "SGD updates", "test error (%)", integer_x=False)
    _style_axes(ax2, "hidden layer $l$", r"Var$[\partial C_i/\partial z_l]$ at update 0")
    for i, (label, hs) in enumerate(runs.items()):
        x = hs[0].eval_update
        err = 100 * np.array([h.test_error for h in hs])
        c = _color(i)
        ax.fill_between(x, err.min(axis=0), err.max(axis=0), color=c, alpha=0.25, linewidth=0)
        ax.plot(x, err.mean(axis=0), color=c, linewidth=LINE, label=f"{label} ({len(hs)} seeds)")
        v = np.array([h.grad_z_var[0] for h in hs])
        layers = np.arange(1, v.shape[1] + 1)
        ax2.fill_between(layers, v.min(axis=0), v.max(axis=0), color=c, alpha=0.25, linewidth=0)
        ax2.plot(layers, np.exp(np.log(v).mean(axis=0)), "o-", color=c, linewidth=LINE, label=label)
    if chance is not None:
        ax.axhline(chance, color="#777777", linestyle=":", linewidth=1.2)
        ax.text(x[-1], chance, f"chance {chance:.1f}%", fontsize=SMALL, va="bottom", ha="right",
                color="#555555")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=SMALL, framealpha=0.85, loc="lower left")
    ax2.set_yscale("log")
    ax2.legend(fontsize=SMALL, framealpha=0.85, loc="lower right")
    _title(fig, title)
    return fig
