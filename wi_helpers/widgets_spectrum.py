"""The spectrum dashboard of notebook 08: the singular values of a deep network's Jacobian.

    spectrum_dashboard(activation="tanh", depth=32, q_star=0.05)

Controls: depth, init (Gaussian / orthogonal), activation (linear, tanh, hard-tanh, ReLU), a
point on the critical line (its fixed point q*; sigma_w^2 and sigma_b^2 follow from it and are
printed), width and seed. The figure: the density of log10 lambda (lambda = squared singular
value over its mean) for the chosen init, and for the other init in grey at the same
setting; the status line says in words what it shows, with the moments theory beside the
measurement, from the same numbers as the caption.

The figure is a PNG in an `ipywidgets.Image` (drawn with Agg): no frontend extension is
needed, and a saved notebook shows the last frame. Each (init, width, seed) keeps its
unit-scale random layers (`lessons.isometry.DrawCache`): moving q*, the activation or the depth
draws nothing new, and a deeper network starts with the same layers.

DOM contract: the controls have the classes `wi-depth`, `wi-init`, `wi-activation`,
`wi-q_star`, `wi-width`, `wi-seed`; the status line `wi-status`; the figure `wi-figure`; the
whole dashboard `wi-dashboard`.
"""
from __future__ import annotations

import base64
import html
import io
import re
import time

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
import numpy as np
from PIL import Image

from .lessons import isometry as iso
from .plots.isometry import SpectrumArtists
from .plots.style import SMALL
from .validation import check_choice, check_int, check_real

Q_STARS = (1 / 64, 1 / 16, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
WIDTHS = (50, 100, 200, 400)
MAX_DEPTH = 128
_LABELS = {"linear": "linear", "tanh": "tanh", "hard_tanh": "hard-tanh", "relu": "ReLU"}


def _q_label(q: float) -> str:
    return {1 / 64: "1/64", 1 / 16: "1/16"}.get(q, f"{q:g}")


class SpectrumDashboard(W.VBox):
    """Controls, a status line and the spectrum figure, redrawn on every change."""

    def __init__(self, *, activation: str = "tanh", init: str = "orthogonal", depth: int = 32,
                 q_star: float = 0.05, width: int = 200, seed: int = 0):
        """Build the controls at these values and draw the first frame."""
        activation = iso.canonical_activation(activation)
        init = iso.canonical_init(init)
        depth = check_int("depth", depth, min=1, max=MAX_DEPTH)
        q_star = check_real("q_star", q_star, min=0, include_min=False)
        if not any(abs(q_star - q) < 1e-12 for q in Q_STARS):
            raise ValueError(f"q_star must be one of {', '.join(_q_label(q) for q in Q_STARS)}; "
                             f"got {q_star!r}")
        q_star = min(Q_STARS, key=lambda q: abs(q - q_star))
        width = check_int("width", width, min=1)
        if width not in WIDTHS:
            raise ValueError(f"width must be one of {WIDTHS}, got {width}")
        seed = check_int("seed", seed, min=0)
        style = {"description_width": "6em"}
        self.controls = {
            "depth": W.IntSlider(value=depth, min=1, max=MAX_DEPTH, description="depth L",
                                 continuous_update=False, style=style),
            "init": W.ToggleButtons(options=[("Gaussian", "gaussian"), ("orthogonal", "orthogonal")],
                                    value=init, description="init", style=style),
            "activation": W.Dropdown(options=[(v, k) for k, v in _LABELS.items()],
                                     value=activation, description="activation", style=style),
            "q_star": W.SelectionSlider(options=[(_q_label(q), q) for q in Q_STARS], value=q_star,
                                        description="q*", continuous_update=False, style=style),
            "width": W.SelectionSlider(options=list(WIDTHS), value=width, description="width",
                                       continuous_update=False, style=style),
            "seed": W.BoundedIntText(value=seed, min=0, max=10**6, description="seed",
                                     style=style, layout=W.Layout(width="14em")),
        }
        for name, widget in self.controls.items():
            widget.add_class(f"wi-{name}")
            widget.observe(self._on_change, names="value")
        self.status = W.HTML(layout=W.Layout(width="100%", min_height="4.5em"))
        self.status.add_class("wi-status")
        # a fixed layout: a layout engine would draw the figure twice per frame
        self.figure = Figure(figsize=(9.3, 4.2), dpi=90)
        self.figure.subplots_adjust(left=0.08, right=0.98, top=0.91, bottom=0.27)
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.artists = SpectrumArtists(self.ax, ["this init", "the other init"],
                                       styles=["-", "--"])
        self.artists.lines["the other init"].set_color("#999999")
        self.caption = self.figure.text(0.5, 0.015, " ", ha="center", va="bottom",
                                        fontsize=SMALL, color="#333333")
        self.ax.set_title("Squared singular values of J over their mean (lambda)", fontsize=12)
        for artist in (*self.artists.lines.values(), self.caption):
            artist.set_animated(True)
        self._backgrounds: dict[str, object] = {}
        self.image = W.Image(format="png")
        self.image.add_class("wi-figure")
        self._caches: dict[tuple, iso.DrawCache] = {}
        c = self.controls
        panel = W.HBox([W.VBox([c["depth"], c["init"], c["activation"]]),
                        W.VBox([c["q_star"], c["width"], c["seed"]])])
        super().__init__([panel, self.status, self.image])
        self.add_class("wi-dashboard")
        self.last_seconds = 0.0
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        # Without a widget frontend (GitHub, nbconvert): the last frame and a line saying how
        # to get the live dashboard.
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):
            data["text/plain"] = ("Spectrum dashboard (run the notebook in Jupyter to use the "
                                  "controls). " + html.unescape(
                                      re.sub("<[^>]+>", "", self.status.value)))
            data["image/png"] = base64.b64encode(self.image.value).decode()
        return bundle

    def _cache(self, init: str, width: int, seed: int) -> iso.DrawCache:
        key = (init, width, seed)
        if key not in self._caches:
            if len(self._caches) > 8:  # a few settings kept: a learner flips back and forth
                self._caches.pop(next(iter(self._caches)))
            self._caches[key] = iso.DrawCache(init, width, seed)
        return self._caches[key]

    def _on_change(self, change) -> None:
        self.update()

    def values(self) -> dict:
        """The current setting, one value per control."""
        return {k: w.value for k, w in self.controls.items()}

    def update(self) -> None:
        """Recompute both spectra at the current setting and redraw the figure and status line."""
        t0 = time.perf_counter()
        v = self.values()
        other = "gaussian" if v["init"] == "orthogonal" else "orthogonal"
        this_sp = self._cache(v["init"], v["width"], v["seed"]).spectrum(
            v["activation"], v["depth"], v["q_star"])
        other_sp = self._cache(other, v["width"], v["seed"]).spectrum(
            v["activation"], v["depth"], v["q_star"])
        text = describe(this_sp)
        name = {"gaussian": "Gaussian", "orthogonal": "orthogonal"}
        below = self.artists.update({"this init": this_sp.lam, "the other init": other_sp.lam},
                                    legend=False)
        self.caption.set_text(
            f"{_LABELS[v['activation']]}, depth {v['depth']}, width {v['width']}, q* = "
            f"{_q_label(v['q_star'])}. Variance of lambda: {name[v['init']]} "
            f"{_num(this_sp.variance)}, {name[other]} {_num(other_sp.variance)} (theory "
            f"{_num(theory_variance(this_sp))} and {_num(theory_variance(other_sp))}).\n"
            f"Below 1e-16 (zero, or lost to rounding; not drawn): {name[v['init']]} "
            f"{below['this init']:.0%}, {name[other]} {below['the other init']:.0%}.")
        self.status.value = f"<span style='font-size:110%'>{html.escape(text)}</span>"
        self._draw(v["init"], name[v["init"]], name[other])
        buf = io.BytesIO()
        Image.fromarray(np.asarray(self.figure.canvas.buffer_rgba())).save(
            buf, format="png", compress_level=1)
        self.image.value = buf.getvalue()
        self.last_seconds = time.perf_counter() - t0


    def _draw(self, key: str, this_name: str, other_name: str) -> None:
        # Blitting: the axes, ticks and legend depend only on which init is "this" one, so a
        # full draw happens once per legend (two in all); every other frame restores that
        # background and draws the two curves and the caption on it.
        canvas = self.figure.canvas
        if key not in self._backgrounds:
            self.artists.lines["this init"].set_label(f"{this_name} (this init)")
            self.artists.lines["the other init"].set_label(f"{other_name} (same setting)")
            self.ax.legend(fontsize=SMALL, framealpha=0.85, loc="upper left")
            canvas.draw()  # the animated artists are left out of a full draw
            self._backgrounds[key] = canvas.copy_from_bbox(self.figure.bbox)
        canvas.restore_region(self._backgrounds[key])
        for line in self.artists.lines.values():
            self.ax.draw_artist(line)
        self.figure.draw_artist(self.caption)


def _num(v: float) -> str:
    """3 significant digits; 0 for what is zero up to rounding (an exact isometry)."""
    return f"{v:.3g}" if abs(v) > 1e-12 else "0"


def theory_variance(sp: iso.Spectrum) -> float:
    """The moments theory's variance of lambda for this spectrum's setting."""
    cp = iso.critical_point(sp.activation, sp.q_star)
    per_layer = cp.mu2 / cp.mu1 ** 2 - 1.0 + (1.0 if sp.init == "gaussian" else 0.0)
    return sp.depth * per_layer


def describe(sp: iso.Spectrum) -> str:
    """The status line: the spread of the spectrum in words, with the theory beside it."""
    if not sp.singular_values.size or not (sp.singular_values == sp.singular_values).all():
        return "The Jacobian overflowed (inf or nan): no spectrum to show."
    cond = sp.condition()
    th = theory_variance(sp)
    zeros = int((sp.singular_values <= 1e-8 * sp.singular_values.max()).sum())
    zero_text = (f" {zeros} of {sp.width} singular values lie below 1e-8 of the largest (zero, "
                 "or too small to resolve in floating point)." if zeros else "")
    sb2 = f"{sp.sigma_b2:.2g}" if sp.sigma_b2 > 1e-12 else "0 (below 1e-12)"
    return (f"{_LABELS[sp.activation]}, {sp.init}, depth {sp.depth} at the critical point "
            f"sigma_w^2 = {sp.sigma_w2:.3f}, sigma_b^2 = {sb2} (q* = {_q_label(sp.q_star)}): "
            f"the largest singular value is {cond:.3g}x the smallest resolved one; the largest "
            f"lambda is {sp.max_lam:.3g} times the mean, the variance of lambda "
            f"{_num(sp.variance)} (theory {_num(th)}).{zero_text}")


def spectrum_dashboard(*, activation: str = "tanh", init: str = "orthogonal", depth: int = 32,
                       q_star: float = 0.05, width: int = 200, seed: int = 0) -> SpectrumDashboard:
    """The spectrum dashboard at this setting (see the module docstring)."""
    check_choice("init", init, iso.INITS, aliases={"normal": "gaussian", "haar": "orthogonal"})
    return SpectrumDashboard(activation=activation, init=init, depth=depth, q_star=q_star,
                             width=width, seed=seed)
