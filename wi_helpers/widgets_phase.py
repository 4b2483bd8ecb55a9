"""The phase-diagram dashboard (notebook 09): choose a point (sigma_w^2, sigma_b^2) of a tanh
network; the q_l and c_l curves of simulated networks at that point redraw beside the mean
field, with the point's phase and depth scales in the status line.

Widgets layer: it builds the controls and wires the numerics (`propagation`,
`lessons.phase_diagram`) to a matplotlib figure. The networks are drawn once (standard normals
scaled at each point), so a slider move changes the scale only; the phase map behind the
marker is computed once per session. The figure is rendered to a PNG image widget (Agg),
which needs no front-end extension.
"""
from __future__ import annotations

import io
from functools import lru_cache

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .lessons.phase_diagram import PairNetworks
from .plots.phase import CRIT_STYLE
from .plots.style import LINE, SMALL, OKABE_ITO
from .propagation import DepthScales, depth_scales, mean_field_trajectory, phase_maps
from .theory import order_chaos_line
from .validation import check_int, check_real
from .widgets import Blitter

SIGMA_W2 = (0.5, 4.5)     # the slider ranges: q* <= sigma_w2 + sigma_b2 stays within Q_MAX
SIGMA_B2 = (0.0, 0.5)
C0 = (0.2, 0.9)           # the two starting correlations drawn
FIGSIZE = (9.3, 3.6)      # 837 px at 90 dpi: inside the notebook column at 1280 px
DPI = 90


@lru_cache(maxsize=2)
def _background(n_w: int = 41, n_b: int = 26):
    """The chi_1 map and the critical line behind the marker (computed once)."""
    sw = np.linspace(*SIGMA_W2, n_w)
    sb = np.linspace(*SIGMA_B2, n_b)
    maps = phase_maps("tanh", sw, sb)
    line_b = np.linspace(*SIGMA_B2, 26)
    return sw, sb, maps.chi_1, (order_chaos_line("tanh", line_b), line_b)


def describe(d: DepthScales) -> str:
    """The status line: the point's phase, fixed points and depth scales (from depth_scales)."""
    sign = {"ordered": "<", "chaotic": ">", "critical": "="}[d.phase]
    xi = lambda v: "infinite" if not np.isfinite(v) else f"{v:.1f} layers"  # noqa: E731
    train = ("any depth (the mean field's limit)" if not np.isfinite(d.xi_c)
             else f"about {6 * d.xi_c:.0f} layers")
    what = {"ordered": "c* = 1: every pair of inputs ends up alike",
            "chaotic": f"c* = {d.c_star:.3f} < 1: nearby inputs decorrelate",
            "critical": "the edge of chaos"}[d.phase]
    return (f"<b>σ<sub>w</sub>² = {d.sigma_w2:.2f}, σ<sub>b</sub>² = {d.sigma_b2:.2f}: "
            f"{d.phase}</b> (χ<sub>1</sub> = {d.chi_1:.3f} {sign} 1); {what}. "
            f"q* = {d.q_star:.3g}. Depth scales: ξ<sub>q</sub> = {xi(d.xi_q)}, "
            f"ξ<sub>c</sub> = {xi(d.xi_c)}; trainable to {train} (6 ξ<sub>c</sub>).")


class PhaseDashboard(W.VBox):
    """Two sliders (sigma_w^2, sigma_b^2), a status line and a three-panel figure."""

    def __init__(self, *, sigma_w2: float = 2.5, sigma_b2: float = 0.05, width: int = 300,
                 depth: int = 30, draws: int = 2, seed: int = 0):
        sigma_w2 = check_real("sigma_w2", sigma_w2, min=SIGMA_W2[0], max=SIGMA_W2[1])
        sigma_b2 = check_real("sigma_b2", sigma_b2, min=SIGMA_B2[0], max=SIGMA_B2[1])
        self.width = check_int("width", width, min=2, max=1000)
        self.depth = check_int("depth", depth, min=2, max=100)
        self.nets = PairNetworks(width=self.width, depth=self.depth,
                                 draws=check_int("draws", draws, min=1, max=5), pairs=16,
                                 rng=np.random.default_rng(check_int("seed", seed, min=0)))
        style = {"description_width": "3em"}
        self.w = W.FloatSlider(value=sigma_w2, min=SIGMA_W2[0], max=SIGMA_W2[1], step=0.05,
                               description="σ_w²", continuous_update=False, readout_format=".2f",
                               style=style, layout=W.Layout(width="380px"))
        self.b = W.FloatSlider(value=sigma_b2, min=SIGMA_B2[0], max=SIGMA_B2[1], step=0.01,
                               description="σ_b²", continuous_update=False, readout_format=".2f",
                               style=style, layout=W.Layout(width="380px"))
        self.status = W.HTML(layout=W.Layout(width="100%", min_height="3.5em"))
        self.image = W.Image(format="png", layout=W.Layout(width=f"{FIGSIZE[0] * DPI:.0f}px"))
        self.figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
        FigureCanvasAgg(self.figure)
        self._build()
        self.blitter = Blitter(self.figure, self._animated)
        for s in (self.w, self.b):
            s.observe(lambda change: self.update(), names="value")
        super().__init__([W.HBox([self.w, self.b]), self.status, self.image])
        self.n_updates = 0
        self.update()

    def _build(self) -> None:
        sw, sb, chi, (line_w, line_b) = _background()
        ax0, self.ax_q, self.ax_c = self.figure.subplots(1, 3)
        dw, db = (sw[1] - sw[0]) / 2, (sb[1] - sb[0]) / 2
        ax0.imshow(np.log(chi), cmap="RdBu_r", vmin=-1.5, vmax=1.5, origin="lower",
                   aspect="auto", extent=(sw[0] - dw, sw[-1] + dw, sb[0] - db, sb[-1] + db),
                   interpolation="nearest")
        ax0.plot(line_w, line_b, **CRIT_STYLE)
        ax0.text(0.6, 0.45, "ordered", fontsize=SMALL, color="#08306b")
        ax0.text(3.2, 0.05, "chaotic", fontsize=SMALL, color="#67000d")
        (self.marker,) = ax0.plot([], [], "o", color="white", markeredgecolor="black",
                                  markersize=11, clip_on=False)
        ax0.set_xlabel(r"$\sigma_w^2$", fontsize=SMALL)
        ax0.set_ylabel(r"$\sigma_b^2$", fontsize=SMALL)
        ax0.set_title(r"phase ($\chi_1$; dashed: $\chi_1 = 1$)", fontsize=SMALL)
        layers = np.arange(1, self.depth + 1)
        self.lines = {}
        for ax, key, label in ((self.ax_q, "q", "$q_l$ (variance)"),
                               (self.ax_c, "c", "$c_l$ (correlation)")):
            starts = (None,) if key == "q" else C0
            for i, c0 in enumerate(starts):
                color = OKABE_ITO[i]
                sims = [ax.plot(layers, np.zeros_like(layers, dtype=float), color=color,
                                linewidth=1.3, alpha=0.8,
                                label="simulated" if (d == 0 and i == 0) else None)[0]
                        for d in range(self.nets.draws)]
                (theory,) = ax.plot(layers, np.zeros_like(layers, dtype=float), color=color,
                                    linewidth=LINE, linestyle="--",
                                    label="mean field" if i == 0 else None)
                self.lines[(key, c0)] = (sims, theory)
            ax.set_xlabel("layer $l$", fontsize=SMALL)
            ax.set_title(label, fontsize=SMALL)
            ax.tick_params(labelsize=SMALL - 1)
            ax.grid(alpha=0.25)
        (self.q_star_line,) = self.ax_q.plot([1, self.depth], [0, 0], color="#777777",
                                             linewidth=1, label="fixed point $q^*$, $c^*$")
        (self.c_star_line,) = self.ax_c.plot([1, self.depth], [0, 0], color="#777777",
                                             linewidth=1)
        self.ax_q.legend(fontsize=SMALL - 2, loc="upper right")
        self.ax_c.set_ylim(0, 1.03)
        # q_l <= sigma_w2 + sigma_b2 for tanh: one fixed range for every point of the sliders
        self.ax_q.set_ylim(0, 1.04 * (SIGMA_W2[1] + SIGMA_B2[1]))
        for i, c0 in enumerate(C0):
            self.ax_c.text(1.5, c0 + 0.03, rf"from $c_0$ = {c0:g}", color=OKABE_ITO[i],
                           fontsize=SMALL - 2, ha="left", va="bottom")

    def _animated(self) -> list:
        lines = [self.marker, self.q_star_line, self.c_star_line]
        for sims, theory in self.lines.values():
            lines += [*sims, theory]
        return lines

    def update(self) -> None:
        """Recompute the simulation and the theory at the sliders' point and redraw."""
        sw, sb = float(self.w.value), float(self.b.value)
        d = depth_scales("tanh", sw, sb)
        self.marker.set_data([sw], [sb])
        q0 = 1.0
        qt, ct = mean_field_trajectory("tanh", sw, sb, q0=q0, c0=list(C0), depth=self.depth)
        for i, c0 in enumerate(C0):
            q, c = self.nets.run(sw, sb, q0=q0, c0=c0)
            sims, theory = self.lines[("c", c0)]
            for line, row in zip(sims, c):
                line.set_ydata(row)
            theory.set_ydata(ct[i])
            if i == 0:
                sims, theory = self.lines[("q", None)]
                for line, row in zip(sims, q):
                    line.set_ydata(row)
                theory.set_ydata(qt)
        self.q_star_line.set_ydata([d.q_star, d.q_star])
        self.c_star_line.set_ydata([d.c_star, d.c_star])
        self.status.value = describe(d)
        canvas = self.figure.canvas
        self.blitter.show()  # the axes are fixed: after the first draw only the lines change
        if self.figure.get_layout_engine() is not None:
            self.figure.set_layout_engine("none")  # the layout solver ran once; keep it
        buf = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png",
                                                                 compress_level=1)
        self.image.value = buf.getvalue()
        self.n_updates += 1


def phase_dashboard(**kwargs) -> PhaseDashboard:
    """The phase-diagram dashboard (keyword arguments: sigma_w2, sigma_b2, width, depth, draws, seed)."""
    return PhaseDashboard(**kwargs)
