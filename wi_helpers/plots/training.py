"""Figures of the training experiments (notebook 05, and 07's He replication): the Shapeset
images, per-layer activations and gradients over training (Glorot & Bengio Figs. 2-4, 6-9),
learning curves over seeds, the depth experiment. Conventions as in `wi_helpers.plots`."""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import FigureBase
from matplotlib.ticker import MaxNLocator

from .style import (FIG_W, FONT, LINE, MARKER, SMALL, _caption, _check_title, _color,
                    new_figure, _style_axes, _title)

PANEL_H = 3.8  # inches: the multi-panel training figures share FIG_W between their panels


def shapeset_grid(X: np.ndarray, y: np.ndarray, class_names: Sequence[str], *, n_cols: int = 6,
                  n_rows: int = 3, fig: FigureBase | None = None) -> FigureBase:
    """A grid of Shapeset-3x2 images (rows of X reshaped to squares), each titled by its class."""
    X = np.asarray(X, dtype=np.float64)
    n = min(len(X), n_cols * n_rows)
    side = int(round(np.sqrt(X.shape[1]))) if X.ndim == 2 else 0
    if X.ndim != 2 or side * side != X.shape[1] or n < 1:
        raise ValueError(f"X must have shape (n, side*side) with n >= 1, got {X.shape}")
    fig = new_figure(fig, (FIG_W, FIG_W / n_cols * 1.1 * n_rows))
    for i in range(n_cols * n_rows):
        ax = fig.add_subplot(n_rows, n_cols, i + 1)
        ax.set_axis_off()
        if i < n:
            ax.imshow(X[i].reshape(side, side), cmap="gray", vmin=0.0, vmax=1.0,
                      interpolation="nearest")
            ax.set_title(class_names[int(y[i])].replace("+", "+\n"), fontsize=SMALL - 1)
    return fig


def _layer_axes(fig, n: int, *, sharey: bool = True):
    return fig.subplots(1, n, sharey=sharey, squeeze=False)[0]


def _panels_legend(fig, axes) -> None:
    """One legend for all panels, below them (clear of the titles), from the panel with the
    most lines."""
    handles, labels = max((ax.get_legend_handles_labels() for ax in axes), key=lambda hl: len(hl[1]))
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6),
               fontsize=SMALL, framealpha=0.85)


def training_activation_plot(runs: Mapping[str, Mapping[str, np.ndarray]], *, ylabel: str,
                             band: str = "std", markers: str | None = None,
                             markers_label: str | None = None, title: str | None = None,
                             fig: FigureBase | None = None) -> FigureBase:
    """Per hidden layer, the mean activation over updates with a band, one panel per run (Figs. 2-3).

    Each run is a dict with arrays `update` (R,), `mean` (R, H) and, for band="std", `std`
    (R, H) (band = mean +- std) or, for band="percentiles", `lower` and `upper` (R, H).
    `markers`: the key of an (R, H) array drawn as markers alone (e.g. the 98th percentile),
    named `markers_label` in the caption.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError("runs must be a non-empty dict {title: arrays}")
    if band not in ("std", "percentiles"):
        raise ValueError(f"band must be 'std' or 'percentiles', got {band!r}")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, PANEL_H + 0.6))
    axes = _layer_axes(fig, len(runs))
    for ax, (name, run) in zip(axes, runs.items()):
        update = np.asarray(run["update"], dtype=np.float64)
        mean = np.asarray(run["mean"], dtype=np.float64)
        _style_axes(ax, "SGD updates", ylabel if ax is axes[0] else "", integer_x=False)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))  # 5-digit update counts: few ticks
        H = mean.shape[1]
        for l in range(H):
            # coloured from the top down, so that the top hidden layer has the same colour in
            # every panel, whatever the panel's depth; each panel keys its own layers
            c = _color(H - 1 - l)
            if band == "std":
                lo, hi = mean[:, l] - run["std"][:, l], mean[:, l] + run["std"][:, l]
            else:
                lo, hi = run["lower"][:, l], run["upper"][:, l]
            label = f"layer {l + 1}" + (" (top)" if l == H - 1 else "")
            if markers is None:
                ax.fill_between(update, lo, hi, color=c, alpha=0.15, linewidth=0)
            else:
                # with markers, the spread as thin dotted lines: five filled bands would merge
                for edge in (lo, hi):
                    ax.plot(update, edge, ":", color=c, linewidth=1.2)
                ax.plot(update, run[markers][:, l], linestyle="none", marker="o",
                        markersize=MARKER + 1, color=c, markeredgecolor="white",
                        markeredgewidth=0.8)
            ax.plot(update, mean[:, l], "-", color=c, linewidth=LINE, label=label)
        ax.set_title(name, fontsize=FONT)
        ax.legend(fontsize=SMALL - 1, framealpha=0.85, ncols=2 if H > 3 else 1, loc="best")
    what = "mean +- one standard deviation" if band == "std" else "mean, band between percentiles"
    spread = "" if markers is None else " (dotted)"
    _caption(fig, f"Lines: {what}{spread} of each hidden layer's activations on the monitoring batch"
             + (f"; filled markers: {markers_label or markers}" if markers else "") + ".")
    _title(fig, title)
    return fig


def counts_histogram_plot(edges: np.ndarray, counts: Mapping[str, np.ndarray], *, xlabel: str,
                          logy: bool = False, title: str | None = None,
                          fig: FigureBase | None = None) -> FigureBase:
    """Normalized histograms from stored counts, one panel per entry, one line per layer (Figs. 4, 6, 7).

    `counts[name]` has shape (H, B) for H layers over the B bins of `edges` (B + 1,).
    """
    edges = np.asarray(edges, dtype=np.float64)
    if not isinstance(counts, Mapping) or not counts:
        raise ValueError("counts must be a non-empty dict {panel title: (layers, bins) array}")
    for name, c in counts.items():
        if np.ndim(c) != 2 or np.shape(c)[1] != edges.size - 1:
            raise ValueError(f"counts[{name!r}] must have shape (layers, {edges.size - 1}), "
                             f"got {np.shape(c)}")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, PANEL_H))
    axes = _layer_axes(fig, len(counts))
    centres, width = 0.5 * (edges[1:] + edges[:-1]), edges[1] - edges[0]
    for ax, (name, c) in zip(axes, counts.items()):
        c = np.asarray(c, dtype=np.float64)
        _style_axes(ax, xlabel, "density" if ax is axes[0] else "", integer_x=False)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        for l in range(c.shape[0]):
            total = c[l].sum()
            dens = c[l] / (total * width) if total else c[l]
            ax.plot(centres, dens, "-", color=_color(l), linewidth=LINE, label=f"layer {l + 1}")
        if logy:
            ax.set_yscale("log")
        ax.set_title(name, fontsize=FONT)
    _panels_legend(fig, axes)
    _title(fig, title)
    return fig


def learning_curves_plot(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], *,
                         reference: Mapping[str, float] | None = None, title: str | None = None,
                         fig: FigureBase | None = None) -> FigureBase:
    """Test error (%) over SGD updates, one line per run; optional dotted reference levels.

    `curves[name] = (updates, errors)`: errors of shape (R,) for one run, or (seeds, R) for
    several, drawn as their mean with a min..max band. Runs named "<name> N" (normalized
    init) are dashed, in the colour of "<name>". The y axis covers the data and the
    references (not 0-100), so that close curves stay apart.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty dict {label: (updates, test error %)}")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.8))
    ax = fig.add_subplot()
    _style_axes(ax, "SGD updates", "test error (%)", integer_x=False)
    # One colour per activation, dashed for its normalized-init twin ("Tanh" / "Tanh N").
    bases = list(dict.fromkeys(name.removesuffix(" N") for name in curves))
    lo, hi = np.inf, -np.inf
    for name, (x, err) in curves.items():
        err = np.atleast_2d(np.asarray(err, dtype=np.float64))
        c = _color(bases.index(name.removesuffix(" N")))
        mean = err.mean(axis=0)
        if err.shape[0] > 1:
            ax.fill_between(x, err.min(axis=0), err.max(axis=0), color=c, alpha=0.18, linewidth=0)
        ax.plot(x, mean, "--" if name.endswith(" N") else "-", color=c, linewidth=LINE,
                label=name + (f" ({err.shape[0]} seeds)" if err.shape[0] > 1 else ""))
        lo, hi = min(lo, float(np.nanmin(err))), max(hi, float(np.nanmax(err)))
    for name, level in (reference or {}).items():
        ax.axhline(level, color="#777777", linestyle=":", linewidth=1.4)
        ax.text(ax.get_xlim()[1], level, f" {name}", fontsize=SMALL - 1, va="center",
                color="#555555", clip_on=False)
        lo, hi = min(lo, level), max(hi, level)
    ax.set_ylim(max(0.0, 5 * math.floor(lo / 5) - 2), min(100.0, 5 * math.ceil(hi / 5) + 2))
    several = any(np.ndim(err) == 2 and np.shape(err)[0] > 1 for _, err in curves.values())
    fig.legend(loc="outside lower center", ncols=3, fontsize=SMALL, framealpha=0.85,
               title="lines: mean over seeds; bands: min..max" if several else None,
               title_fontsize=SMALL)
    _title(fig, title)
    return fig


def grad_W_var_plot(runs: Mapping[str, tuple[np.ndarray, np.ndarray]], *, title: str | None = None,
                    fig: FigureBase | None = None) -> FigureBase:
    """Var[dC/dW_l] of every layer over SGD updates (log scale), one panel per run (Figs. 8-9)."""
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError("runs must be a non-empty dict {title: (updates, (R, L) variances)}")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, PANEL_H))
    axes = _layer_axes(fig, len(runs))
    for ax, (name, (x, var)) in zip(axes, runs.items()):
        var = np.asarray(var, dtype=np.float64)
        _style_axes(ax, "SGD updates", r"$\mathrm{Var}[\partial C/\partial W_l]$" if ax is axes[0] else "",
                    integer_x=False)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_yscale("log")
        for l in range(var.shape[1]):
            label = f"layer {l + 1}" + (" (output)" if l == var.shape[1] - 1 else "")
            ax.plot(x, np.where(var[:, l] > 0, var[:, l], np.nan), "-", color=_color(l),
                    linewidth=LINE, label=label)
        ax.set_title(name, fontsize=FONT)
    _panels_legend(fig, axes)
    _title(fig, title)
    return fig



def depth_experiment_plot(runs: Mapping[str, Sequence], *, chance: float | None = None,
                          title: str | None = None, fig: FigureBase | None = None) -> FigureBase:
    """Left: test error (%) over updates, mean and min..max over seeds, per init. Right: the
    variance of the back-propagated gradient dC_i/dz_l per layer at update 0 (log scale)."""
    if not isinstance(runs, Mapping) or not runs or not all(len(hs) for hs in runs.values()):
        raise ValueError("runs must be a non-empty dict {label: [History, ...]} with at least one "
                         "History per label")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.4))
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
