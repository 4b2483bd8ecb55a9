"""Singular values of the layer Jacobians."""
from __future__ import annotations


import numpy as np
from matplotlib import transforms as mtransforms
from matplotlib.figure import FigureBase
from matplotlib.ticker import MaxNLocator


from .style import (ALARM, FIG_W, LINE, MARKER, OKABE_ITO, SMALL, SYMBOLS, _caption, _check_title,
                    new_figure, _style_axes, _title)


# ------------------------------------------------------------ Jacobian spectrum


def jacobian_spectrum_plot(svs: list[np.ndarray], *, title: str | None = None,
                           fig: FigureBase | None = None) -> FigureBase:
    """Singular values of each layer Jacobian dh_l/dh_{l-1}: a box per layer, the mean as a line."""
    if not isinstance(svs, (list, tuple)) or not svs:
        raise ValueError("svs must be a non-empty list of arrays, one per layer "
                         "(from jacobian_singular_values)")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.4))
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
