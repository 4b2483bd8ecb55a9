"""Figures of notebook 11 (width, SP against μP): arrays in, a Figure out.

`coord_check_plot` draws a coordinate check as microsoft/mup does: mean |coordinate| of each
layer against width on log-log axes, one panel per SGD step, one row per parametrization."""
from __future__ import annotations

import sys
from typing import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure, FigureBase

from .style import FIG_W, FONT, LINE, LINE_COLORS, MARKER, MARKERS, SMALL, TITLE

NAMES = {"sp": "standard (SP)", "mup": "μP"}


def _figure(size: tuple[float, float]) -> FigureBase:
    """A new figure (pyplot's under a notebook backend, else a bare Figure)."""
    if "matplotlib.pyplot" in sys.modules:
        backend = str(matplotlib.get_backend()).lower()
        if any(k in backend for k in ("inline", "ipympl", "widget", "nbagg")):
            import matplotlib.pyplot as plt
            return plt.figure(figsize=size, layout="constrained")
    return Figure(figsize=size, layout="constrained")


def coord_check_plot(widths: Sequence[int], checks: Mapping[str, np.ndarray],
                     layer_names: Sequence[str]) -> FigureBase:
    """Mean |coordinate| against width (log-log), panels (parametrization x step).

    checks: parametrization name -> array (width, seed, step, layer) from
    `parametrization.coordinate_check`; the seeds' mean is drawn."""
    if not checks:
        raise ValueError("checks must hold at least one parametrization")
    n_steps = next(iter(checks.values())).shape[2]
    fig = _figure((FIG_W, 2.7 * len(checks)))
    axes = fig.subplots(len(checks), n_steps, sharex=True, squeeze=False)
    for r, (name, a) in enumerate(checks.items()):
        a = np.asarray(a, dtype=float)
        if a.shape[0] != len(widths) or a.shape[3] != len(layer_names):
            raise ValueError(f"checks[{name!r}] must have shape (len(widths), seeds, steps, "
                             f"len(layer_names)), got {a.shape}")
        mean = a.mean(axis=1)
        lo, hi = np.nanmin(mean), np.nanmax(mean)
        for t in range(n_steps):
            ax = axes[r, t]
            for k, label in enumerate(layer_names):
                ax.plot(widths, mean[:, t, k], color=LINE_COLORS[k % len(LINE_COLORS)],
                        marker=MARKERS[k % len(MARKERS)], lw=LINE, ms=MARKER, label=label)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_ylim(lo / 2, hi * 2)
            ax.set_title(f"{NAMES.get(name, name)}, step {t}", fontsize=SMALL)
            ax.tick_params(labelsize=SMALL - 2)
            ax.grid(True, alpha=0.25)
            if r == len(checks) - 1:
                ax.set_xlabel("width", fontsize=FONT - 1)
            if t == 0:
                ax.set_ylabel("mean |x|", fontsize=FONT - 1)
    axes[0, 0].legend(fontsize=SMALL - 2, loc="best")
    fig.suptitle("Coordinate check: flat lines = width-independent", fontsize=TITLE)
    return fig


def transfer_plot(log2_lrs: Sequence[float], losses: Mapping[str, Mapping[int, Sequence[float]]]
                  ) -> FigureBase:
    """Final training loss against log2 learning rate, one line per width, one panel per
    parametrization; each width's best rate is marked (diverged runs: inf, not drawn)."""
    if not losses:
        raise ValueError("losses must hold at least one parametrization")
    fig = _figure((FIG_W, 3.4))
    axes = fig.subplots(1, len(losses), sharey=True, squeeze=False)[0]
    x = np.asarray(log2_lrs, dtype=float)
    for ax, (name, per_width) in zip(axes, losses.items()):
        for k, (n, y) in enumerate(sorted(per_width.items())):
            y = np.asarray(y, dtype=float)
            color = LINE_COLORS[k % len(LINE_COLORS)]
            ok = np.isfinite(y)
            ax.plot(x[ok], y[ok], color=color, lw=LINE, marker=MARKERS[k % len(MARKERS)],
                    ms=MARKER - 2, label=f"width {n}")
            if ok.any():
                i = int(np.argmin(np.where(ok, y, np.inf)))
                ax.axvline(x[i], color=color, lw=1, ls="--")
        ax.set_yscale("log")
        ax.set_title(NAMES.get(name, name), fontsize=SMALL + 1)
        ax.set_xlabel("log2 learning rate", fontsize=FONT - 1)
        ax.tick_params(labelsize=SMALL - 1)
        ax.grid(True, alpha=0.25)
    axes[0].set_ylabel("final training loss", fontsize=FONT - 1)
    axes[-1].legend(fontsize=SMALL - 2, loc="best")
    fig.suptitle("Best learning rate against width (dashed: each width's best)",
                 fontsize=TITLE)
    return fig
