"""Figures of the order-to-chaos phase diagram (notebook 09): the correlation map, phase maps,
depth scales, trainability and where the inits sit. Arrays in, a Figure out."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.colors import LogNorm, TwoSlopeNorm
from matplotlib.figure import FigureBase

from .style import FIG_W, LINE, MARKER, SMALL, TITLE, _caption, _color, _marker, new_figure, \
    _style_axes

CRIT_STYLE = dict(color="black", linewidth=LINE, linestyle="--")


def _check_2d(name: str, a, shape: tuple[int, int]) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {shape} (sigma_b2 x sigma_w2), got {a.shape}")
    return a


def correlation_map_plot(c: np.ndarray, maps: Mapping[str, np.ndarray],
                         c_star: Mapping[str, float], layers: np.ndarray,
                         simulated: Mapping[str, np.ndarray],
                         theory: Mapping[str, np.ndarray], *, caption: str | None = None,
                         fig: FigureBase | None = None) -> FigureBase:
    """Left: the maps c -> f(c) with the diagonal and c*; right: c_l simulated (per draw) and in theory."""
    fig = new_figure(fig, (FIG_W, 3.9))
    ax1, ax2 = fig.subplots(1, 2)
    c = np.asarray(c, dtype=np.float64)
    ax1.plot([0, 1], [0, 1], color="#888888", linewidth=1.2, label="$c_{l+1} = c_l$")
    for i, (name, f) in enumerate(maps.items()):
        ax1.plot(c, f, color=_color(i), linewidth=LINE, label=name)
        cs = c_star[name]
        ax1.plot([cs], [cs], marker=_marker(i), color=_color(i), markersize=MARKER + 2,
                 linestyle="none")
    _style_axes(ax1, "$c_l$", "$c_{l+1} = f(c_l)$", integer_x=False)
    ax1.set_xlim(0, 1)
    ax1.set_ylim(0, 1.02)
    ax1.legend(fontsize=SMALL, loc="upper left")
    ax1.set_title("the correlation map (markers: $c^*$)", fontsize=SMALL)
    layers = np.asarray(layers)
    for i, name in enumerate(simulated):
        sim = np.atleast_2d(simulated[name])
        for d, row in enumerate(sim):
            ax2.plot(layers, row, color=_color(i), linewidth=1.2, marker=_marker(i),
                     markersize=3, alpha=0.7, label=f"{name}: simulated" if d == 0 else None)
        ax2.plot(layers, theory[name], color=_color(i), linewidth=LINE, linestyle="--",
                 label="mean field" if i == len(simulated) - 1 else None)
    _style_axes(ax2, "layer $l$", "correlation $c_l$")
    ax2.set_ylim(0, 1.02)
    ax2.legend(fontsize=SMALL - 1, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    ax2.set_title("two inputs through random networks", fontsize=SMALL)
    if caption:
        _caption(fig, caption)
    return fig


def phase_maps_plot(sigma_w2: np.ndarray, sigma_b2: np.ndarray, chi_1: np.ndarray,
                    q_star: np.ndarray, c_star: np.ndarray, *, critical: tuple[np.ndarray,
                                                                              np.ndarray],
                    points: Sequence[tuple[str, float, float]] = (),
                    caption: str | None = None, fig: FigureBase | None = None) -> FigureBase:
    """chi_1, q* and c* over (sigma_w^2, sigma_b^2) with the critical line and marked points."""
    sw, sb = np.asarray(sigma_w2, dtype=np.float64), np.asarray(sigma_b2, dtype=np.float64)
    shape = (sb.size, sw.size)
    chi_1, q_star, c_star = (_check_2d(n, a, shape) for n, a in
                             (("chi_1", chi_1), ("q_star", q_star), ("c_star", c_star)))
    fig = new_figure(fig, (FIG_W, 3.5))
    axes = fig.subplots(1, 3, sharey=True)
    lo, hi = max(np.nanmin(chi_1), 1e-3), max(np.nanmax(chi_1), 1.001)
    panels = [(r"$\chi_1$ (white: 1)", chi_1, "RdBu_r",
               TwoSlopeNorm(vcenter=1.0, vmin=min(lo, 0.999), vmax=hi)),
              (r"$q^*$", q_star, "viridis", None), (r"$c^*$", c_star, "magma", None)]
    for ax, (title, a, cmap, norm) in zip(axes, panels):
        mesh = ax.pcolormesh(sw, sb, a, cmap=cmap, norm=norm, shading="nearest")
        fig.colorbar(mesh, ax=ax, shrink=0.9, pad=0.02).ax.tick_params(labelsize=SMALL - 1)
        ax.plot(critical[0], critical[1], **CRIT_STYLE)
        for i, (label, x, y) in enumerate(points):
            ax.plot([x], [y], marker=_marker(i + 1), color="white", markeredgecolor="black",
                    markersize=MARKER + 2, linestyle="none", label=label)
        _style_axes(ax, r"$\sigma_w^2$", r"$\sigma_b^2$" if ax is axes[0] else "",
                    integer_x=False)
        ax.grid(False)
        ax.set_title(title, fontsize=TITLE - 1)
        ax.set_xlim(sw[0], sw[-1])
        ax.set_ylim(sb[0], sb[-1])
    if points:
        axes[0].legend(fontsize=SMALL - 2, loc="upper left", framealpha=0.85)
    if caption:
        _caption(fig, caption)
    return fig


def depth_scales_plot(sigma_w2: np.ndarray, xi_q: np.ndarray, xi_c: np.ndarray, *,
                      critical_w2: float, measured: Mapping[str, tuple[np.ndarray, np.ndarray]]
                      = {}, caption: str | None = None,
                      fig: FigureBase | None = None) -> FigureBase:
    """xi_q and xi_c against sigma_w^2 (log scale), the critical sigma_w^2, measured points."""
    fig = new_figure(fig, (FIG_W, 3.6))
    ax = fig.subplots()
    sw = np.asarray(sigma_w2, dtype=np.float64)
    ax.plot(sw, xi_c, color=_color(0), linewidth=LINE, label=r"$\xi_c$ (mean field)")
    ax.plot(sw, xi_q, color=_color(1), linewidth=LINE, label=r"$\xi_q$ (mean field)")
    ax.axvline(critical_w2, **{**CRIT_STYLE, "linewidth": 1.5},
               label=rf"critical $\sigma_w^2$ = {critical_w2:.3f}")
    for i, (name, (x, y)) in enumerate(measured.items()):
        ax.plot(x, y, marker=_marker(i + 2), color=_color(i if i < 2 else i + 2),
                markersize=MARKER + 2, linestyle="none", markeredgecolor="black", label=name)
    ax.set_yscale("log")
    _style_axes(ax, r"$\sigma_w^2$", "depth scale (layers)", integer_x=False)
    ax.legend(fontsize=SMALL, loc="upper right")
    if caption:
        _caption(fig, caption)
    return fig


def trainability_plot(sigma_w2: Sequence[float], depths: Sequence[int], accuracy: np.ndarray,
                      *, curve: tuple[np.ndarray, np.ndarray], critical_w2: float,
                      chance: float, title: str | None = None, caption: str | None = None,
                      fig: FigureBase | None = None) -> FigureBase:
    """Accuracy after a fixed budget over (sigma_w^2, depth) (nan: not run) with 6 xi_c drawn."""
    sw = np.asarray(sigma_w2, dtype=np.float64)
    dp = np.asarray(depths, dtype=np.float64)
    acc = _check_2d("accuracy", accuracy, (dp.size, sw.size))
    fig = new_figure(fig, (FIG_W, 4.0))
    ax = fig.subplots()
    xs, ys = np.arange(sw.size), np.arange(dp.size)
    masked = np.ma.masked_invalid(acc)
    mesh = ax.pcolormesh(xs, ys, masked, cmap="viridis", vmin=chance, vmax=1.0,
                         shading="nearest")
    cb = fig.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label("training accuracy", fontsize=SMALL)
    cb.ax.tick_params(labelsize=SMALL - 1)
    for j, i in zip(*np.nonzero(~np.isfinite(acc))):
        ax.text(i, j, "not run", ha="center", va="center", fontsize=SMALL - 2, color="#555555")
    # the curve in cell coordinates: x by interpolation over the (uneven) sigma_w2 columns,
    # y by interpolation over the (uneven) depth rows
    cx = np.interp(curve[0], sw, xs)
    with np.errstate(invalid="ignore"):
        cy = np.interp(np.clip(curve[1], 0, dp[-1] * 4), dp, ys, right=np.inf)
    cy = np.where(np.isfinite(cy), cy, np.nan)  # beyond the deepest row: a gap
    ax.plot(cx, cy, color="white", linewidth=LINE + 1.5)
    ax.plot(cx, cy, color=_color(1), linewidth=LINE,
            label=r"$6\,\xi_c$ (gap: beyond the top row)")
    ax.axvline(np.interp(critical_w2, sw, xs), **{**CRIT_STYLE, "color": "white",
                                                  "linewidth": 1.5},
               label=rf"critical $\sigma_w^2$ = {critical_w2:.2f}")
    ax.set_xticks(xs, [f"{v:g}" for v in sw])
    ax.set_yticks(ys, [f"{int(v)}" for v in dp])
    _style_axes(ax, r"$\sigma_w^2$", "depth (hidden layers)", integer_x=False)
    ax.grid(False)
    ax.set_xlim(-0.5, sw.size - 0.5)
    ax.set_ylim(-0.5, dp.size - 0.5)
    ax.legend(fontsize=SMALL, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    if title:
        ax.set_title(title, fontsize=SMALL)
    if caption:
        _caption(fig, caption)
    return fig


def init_points_plot(sigma_w2: np.ndarray, sigma_b2: np.ndarray, chi_1: np.ndarray, *,
                     critical: tuple[np.ndarray, np.ndarray],
                     points: Sequence[tuple[str, float, float]],
                     caption: str | None = None, fig: FigureBase | None = None) -> FigureBase:
    """The chi_1 map (log colour scale around 1) with the critical line and one marker per init."""
    sw, sb = np.asarray(sigma_w2, dtype=np.float64), np.asarray(sigma_b2, dtype=np.float64)
    chi = _check_2d("chi_1", chi_1, (sb.size, sw.size))
    fig = new_figure(fig, (FIG_W, 4.2))
    ax = fig.subplots()
    lo, hi = max(np.nanmin(chi), 1e-2), max(np.nanmax(chi), 1.01)
    r = max(1.0 / lo, hi)
    mesh = ax.pcolormesh(sw, sb, chi, cmap="RdBu_r", norm=LogNorm(vmin=1.0 / r, vmax=r),
                         shading="nearest")
    cb = fig.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label(r"$\chi_1$ (blue: ordered, red: chaotic)", fontsize=SMALL)
    ax.plot(critical[0], critical[1], **CRIT_STYLE, label=r"critical line $\chi_1 = 1$")
    for i, (label, x, y) in enumerate(points):
        ax.plot([x], [y], marker=_marker(i), color=_color(i), markeredgecolor="black",
                markersize=MARKER + 4, linestyle="none", label=label, clip_on=False)
    _style_axes(ax, r"$\sigma_w^2$", r"$\sigma_b^2$", integer_x=False)
    ax.grid(False)
    ax.set_xlim(sw[0], sw[-1])
    ax.set_ylim(sb[0], sb[-1])
    ax.legend(fontsize=SMALL - 2, loc="upper right", framealpha=0.9)
    if caption:
        _caption(fig, caption)
    return fig
