"""Figures of notebook 08 (orthogonal init, dynamical isometry): arrays in, a Figure out.

`spectrum_hist` draws the density of log10 of the squared singular values; `SpectrumArtists`
is the same panel kept for in-place updates (the spectrum dashboard)."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import FigureBase

from .style import (FIG_W, FONT, LINE, LINE_COLORS, MARKER, MARKERS, SMALL, TITLE, add_caption,
                    new_figure)

# log10 lambda from 1e-16 to 1e3 in half decades, with lambda = 1 at a bin centre. Below
# 1e-16 the singular values (1e-8 of the largest) are near the rounding of the SVD.
LOG_MIN, LOG_MAX, BIN = -16.0, 3.0, 0.5
DENSITY_FLOOR = 1e-3  # the log y axis starts here (one value in 2,000 per half decade)
_BINS = np.arange(LOG_MIN - BIN / 2, LOG_MAX + BIN, BIN)


def _axes_style(ax, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel, fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    ax.tick_params(labelsize=SMALL)
    ax.grid(True, alpha=0.25, linewidth=0.8)


def log_density(lam: np.ndarray, bins: np.ndarray = _BINS
                ) -> tuple[np.ndarray, np.ndarray, float]:
    """(bin centres, density per decade of lambda, fraction below the first bin).

    The density is normalized by all values, so the fraction below the range (zeros included:
    ReLU's exact zeros, and values lost to rounding) is what the curve's area lacks."""
    lam = np.asarray(lam, dtype=np.float64).ravel()
    lam = lam[np.isfinite(lam)]
    total = max(lam.size, 1)
    with np.errstate(divide="ignore"):
        x = np.log10(lam[lam > 0])
    below = float((lam.size - x.size + np.count_nonzero(x < bins[0])) / total)
    counts, _ = np.histogram(np.minimum(x, bins[-1] - 1e-9), bins=bins)
    return 0.5 * (bins[1:] + bins[:-1]), counts / (total * np.diff(bins)), below


class SpectrumArtists:
    """One axes of density curves of log10 lambda, updated in place (set_data)."""

    def __init__(self, ax, labels: Sequence[str], *, styles: Sequence[str] | None = None):
        """Create one step line per label on `ax` (empty until `update`)."""
        self.ax = ax
        self.lines = {}
        for i, label in enumerate(labels):
            ls = styles[i] if styles else "-"
            (self.lines[label],) = ax.step([], [], where="mid", linewidth=LINE,
                                           color=LINE_COLORS[i % len(LINE_COLORS)],
                                           linestyle=ls, label=label)
        self.one = ax.axvline(0.0, color="#444444", linestyle=":", linewidth=1.5,
                              label=r"$\lambda = 1$ (isometry)")
        _axes_style(ax, r"$\log_{10}\lambda$, $\lambda$ = squared singular value / mean",
                    "density per decade")
        ax.set_xlim(_BINS[0], _BINS[-1])
        ax.set_yscale("log")
        self.labels = list(labels)
        ax.legend(fontsize=SMALL, framealpha=0.85, loc="upper left")

    def update(self, lams: Mapping[str, np.ndarray], names: Mapping[str, str] | None = None,
               *, legend: bool = True) -> dict[str, float]:
        """Set each curve from its lambda values, label it with the fraction below 1e-16
        (zeros included) unless legend=False (the legend then stays as it is); return those
        fractions."""
        below = {}
        for label, lam in lams.items():
            x, d, below[label] = log_density(lam)
            self.lines[label].set_data(x, np.where(d > 0, d, np.nan))
            if legend:
                name = (names or {}).get(label, label)
                self.lines[label].set_label(f"{name} ({below[label]:.0%} below 1e-16)"
                                            if below[label] >= 0.005 else name)
        # empty bins are not drawn on the log axis; the limits are fixed, so every frame
        # of a dashboard has the same axes
        self.ax.set_ylim(DENSITY_FLOOR, 1.0 / BIN * 1.5)
        if legend:
            self.ax.legend(fontsize=SMALL, framealpha=0.85, loc="upper left")
        return below


def spectrum_hist(panels: Mapping[str, Mapping[str, np.ndarray]], *, title: str | None = None,
                  caption: str | None = None, fig: FigureBase | None = None) -> FigureBase:
    """A row of panels (one per key of `panels`), each with density curves of log10 lambda."""
    if not panels:
        raise ValueError("panels must map a panel title to {label: lambda values}")
    n = len(panels)
    fig = new_figure(fig, (FIG_W, 3.6 if n <= 2 else 3.4 * ((n + 1) // 2)))
    cols = min(n, 2)
    rows = (n + cols - 1) // cols
    for k, (name, lams) in enumerate(panels.items()):
        ax = fig.add_subplot(rows, cols, k + 1)
        styles = ["-" if i % 2 == 0 else "--" for i in range(len(lams))]
        art = SpectrumArtists(ax, list(lams), styles=styles)
        art.update(lams)
        ax.set_title(name, fontsize=FONT)
        if k % cols:
            ax.set_ylabel("")
        if k < n - cols:
            ax.set_xlabel("")
    if title:
        fig.suptitle(title, fontsize=TITLE)
    if caption:
        add_caption(fig, caption)
    return fig


def depth_plot(depths: Sequence[int], measured: Mapping[str, np.ndarray], *,
               theory: Mapping[str, np.ndarray] | None = None, ylabel: str,
               xlabel: str = "depth L", logy: bool = True, title: str | None = None,
               caption: str | None = None, budget: float | None = None,
               legend_loc: str = "upper left", fig: FigureBase | None = None) -> FigureBase:
    """Per label: the median over draws/seeds against depth with the min-max band; theory dashed.

    `measured[label]` has shape (n_depths, n_draws); nan marks a run that never arrived
    (drawn as an upward triangle at `budget`, the top of the budget)."""
    fig = new_figure(fig, (FIG_W, 4.2))
    ax = fig.add_subplot()
    d = np.asarray(depths, dtype=float)
    for i, (label, vals) in enumerate(measured.items()):
        v = np.asarray(vals, dtype=float)
        if v.ndim == 1:
            v = v[:, None]
        color = LINE_COLORS[i % len(LINE_COLORS)]
        ok = np.isfinite(v)
        with np.errstate(all="ignore"):
            med = np.array([np.median(r[np.isfinite(r)]) if np.all(np.isfinite(r)) else np.nan
                            for r in v])
            lo = np.array([np.min(r[np.isfinite(r)]) if np.any(np.isfinite(r)) else np.nan
                           for r in v])
            hi = np.array([np.max(r[np.isfinite(r)]) if np.any(np.isfinite(r)) else np.nan
                           for r in v])
        ax.plot(d, med, "-", marker=MARKERS[i % len(MARKERS)], color=color, linewidth=LINE,
                markersize=MARKER, label=label)
        ax.fill_between(d, lo, hi, color=color, alpha=0.2, linewidth=0)
        if budget is not None and (~ok).any():
            never = (~ok).sum(axis=1)
            rows = never > 0
            ax.plot(d[rows], np.full(rows.sum(), budget), linestyle="none", marker="^",
                    markersize=MARKER + 4, color=color,
                    label=f"{label}: not within the budget")
            for x, k in zip(d[rows], never[rows]):
                ax.annotate(f"{k}/{v.shape[1]}", (x, budget), textcoords="offset points",
                            xytext=(0, 9), ha="center", fontsize=SMALL, color=color)
        if theory is not None and label in theory:
            ax.plot(d, np.asarray(theory[label], dtype=float), "--", color=color,
                    linewidth=LINE - 0.4)
    if theory:
        ax.plot([], [], "--", color="#444444", linewidth=LINE - 0.4, label="theory (dashed)")
    if budget is not None:
        ax.axhline(budget, color="#444444", linestyle=":", linewidth=1.5)
    ax.set_xscale("log", base=2)
    ax.set_xticks(d)
    ax.set_xticklabels([str(int(x)) for x in d])
    if logy:
        ax.set_yscale("log")
    _axes_style(ax, xlabel, ylabel)
    ax.legend(fontsize=SMALL, framealpha=0.85, loc=legend_loc,
              ncols=2 if len(measured) > 3 else 1)
    if title:
        fig.suptitle(title, fontsize=TITLE)
    if caption:
        add_caption(fig, caption)
    return fig


def curves_plot(x: np.ndarray, curves: Mapping[str, np.ndarray], *, xlabel: str, ylabel: str,
                logy: bool = True, title: str | None = None, caption: str | None = None,
                fig: FigureBase | None = None) -> FigureBase:
    """Learning curves: per label the median over seeds (rows of curves[label]) and the min-max band."""
    fig = new_figure(fig, (FIG_W, 4.0))
    ax = fig.add_subplot()
    for i, (label, c) in enumerate(curves.items()):
        c = np.asarray(c, dtype=float)
        color = LINE_COLORS[i % len(LINE_COLORS)]
        ax.plot(x, np.median(c, axis=0), color=color, linewidth=LINE,
                label=f"{label} (median of {c.shape[0]}, min-max band)")
        ax.fill_between(x, c.min(axis=0), c.max(axis=0), color=color, alpha=0.2, linewidth=0)
    if logy:
        ax.set_yscale("log")
    _axes_style(ax, xlabel, ylabel)
    ax.legend(fontsize=SMALL, framealpha=0.85)
    if title:
        fig.suptitle(title, fontsize=TITLE)
    if caption:
        add_caption(fig, caption)
    return fig
