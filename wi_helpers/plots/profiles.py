"""Per-layer profiles: the variance profile, profiles compared, saturation per layer, and
generic curves with a theory drawn over them."""
from __future__ import annotations

from typing import Mapping

import numpy as np
from matplotlib.figure import FigureBase

from ..dashboard_model import dashboard_state
from ..stats import LayerStats
from ..theory import Prediction

from .style import (FIG_W, HEALTHY_BAND, LINE, MARKER, SYMBOLS, _as_float, _caption, _check_title,
                    _color, _marker, new_figure, _title, saturation_rule)
from .artists import (VarianceArtists, _Panel, _backward_regions, _check_prediction, _check_stats,
                      _edge_notes, _forward_regions)


def variance_profile(stats: LayerStats, prediction: Prediction | None = None, *,
                     title: str | None = None, fig: FigureBase | None = None) -> FigureBase:
    """Per-layer E[h_l^2] (left) and Var[dL/dh_l] (right), simulation solid and theory dashed."""
    _check_stats(stats)
    _check_prediction(prediction, stats)
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.8))
    artists = VarianceArtists(fig)
    artists.update(stats, prediction)
    _title(fig, title)
    return fig


# ------------------------------------------------------------ compare profiles

QUANTITIES = ("h_m2", "h_std", "z_var", "grad_h_var", "grad_z_var", "grad_W_var", "saturation")


def _quantity(stats: LayerStats, prediction: Prediction | None, quantity: str):
    """(x, simulation, theory or None, regions) for one quantity of one network."""
    L = stats.depth
    layers = np.arange(1, L + 1)
    if quantity == "grad_h_var":
        return (np.arange(0, L + 1), stats.grad_h_var,
                None if prediction is None else prediction.grad_h_var, _backward_regions(stats))
    sim = {"h_m2": stats.h_m2, "h_std": stats.h_std, "saturation": stats.saturation,
           "grad_z_var": stats.grad_z_var, "grad_W_var": stats.grad_W_var}.get(quantity)
    if quantity == "z_var":
        with np.errstate(over="ignore", invalid="ignore"):
            sim = np.asarray(stats.z_std, dtype=np.float64) ** 2
    # Prediction has no std of h (only E[h^2]) and no saturation: no theory line for those.
    theory = None if prediction is None else {
        "h_m2": prediction.h_m2, "z_var": prediction.z_var, "grad_z_var": prediction.grad_z_var,
        "grad_W_var": prediction.grad_W_var}.get(quantity)
    regions = _backward_regions(stats) if quantity.startswith("grad") else _forward_regions(stats)
    return layers, sim, theory, regions


def compare_profiles(profiles: Mapping[str, tuple[LayerStats, Prediction | None]], *,
                     quantity: str = "grad_h_var", title: str | None = None,
                     fig: FigureBase | None = None, band: bool = True) -> FigureBase:
    """One per-layer quantity for several networks on one axis, theory dashed in the same colour.

    `band=False` leaves out the shaded healthy band (e.g. for E[h^2] of an activation with a
    non-zero mean, where a value inside the band is mostly the squared mean, not signal).
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {', '.join(QUANTITIES)}; got {quantity!r}")
    if not isinstance(profiles, Mapping) or not profiles:
        raise ValueError("profiles must be a non-empty dict {name: (LayerStats, Prediction or None)}")
    for name, pair in profiles.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"profiles[{name!r}] must be a (LayerStats, Prediction or None) tuple")
        _check_stats(pair[0], f"profiles[{name!r}][0]")
        _check_prediction(pair[1], pair[0], f"profiles[{name!r}][1]")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.6))
    log = quantity != "saturation"
    if not isinstance(band, (bool, np.bool_)):
        raise TypeError(f"band must be True or False, got {band!r}")
    shaded = HEALTHY_BAND if band and quantity in ("h_m2", "h_std", "z_var", "grad_h_var") else None
    panel = _Panel(fig.add_subplot(), log=log, band=shaded, ylabel=SYMBOLS[quantity],
                   ylim=None if log else (-0.03, 1.08))
    xs, sims, theories, notes, theory_names, hatched = [], [], [], [], [], []
    for name, (stats, prediction) in profiles.items():
        x, sim, theory, regions = _quantity(stats, prediction, quantity)
        xs.append(x), sims.append(sim), theories.append(theory)
        if theory is not None:
            theory_names.append(prediction.name)
        if regions:
            notes.append(f"{name}: {dashboard_state(stats).float_summary()}")
            # hatch only the first flagged network (several would clutter); all are named
            if not hatched:
                hatched = [(kind, lo, hi, f"{name}: {label}") for kind, lo, hi, label in regions]
    edge = _edge_notes(panel.update(xs, sims, theories, regions=hatched), quantity,
                       names=list(profiles))
    entries = [(name, dict(color=_color(i), linewidth=LINE, marker=_marker(i), markersize=MARKER))
               for i, name in enumerate(profiles)]
    if theory_names:
        entries += [("simulation", dict(color="#444444", linewidth=LINE, marker="o",
                                        markersize=MARKER)),
                    (f"theory ({', '.join(dict.fromkeys(theory_names))})",
                     dict(color="#444444", linewidth=LINE, linestyle="--"))]
    panel.legend(entries)
    caption = "\n".join(n + "." for n in notes + edge) or "All values finite and above float precision."
    if quantity == "saturation":
        caption += f"\n{saturation_rule([s.activation for s, _ in profiles.values()])}."
    _caption(fig, caption)
    _title(fig, title)
    return fig


# ------------------------------------------------------------------ saturation


def saturation_plot(stats_by_name: Mapping[str, LayerStats], *, title: str | None = None,
                    fig: FigureBase | None = None) -> FigureBase:
    """Fraction of saturated activations (ReLU: of dead units) per layer, one line per network, y in [0, 1].

    The caption states the rule only for the activations shown.
    """
    if not isinstance(stats_by_name, Mapping) or not stats_by_name:
        raise ValueError("stats_by_name must be a non-empty dict {name: LayerStats}")
    for name, stats in stats_by_name.items():
        _check_stats(stats, f"stats_by_name[{name!r}]")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.4))
    panel = _Panel(fig.add_subplot(), log=False, band=None, ylabel=SYMBOLS["saturation"],
                   ylim=(-0.03, 1.08))
    names = list(stats_by_name)
    panel.update([np.arange(1, s.depth + 1) for s in stats_by_name.values()],
                 [s.saturation for s in stats_by_name.values()], [])
    states = {name: dashboard_state(s) for name, s in stats_by_name.items()}
    notes = [f"{name}: {v.float_summary()}" for name, v in states.items()
             if v.forward_overflow is not None or v.forward_underflow is not None]
    panel.legend([(f"{name} ({stats_by_name[name].activation})",
                   dict(color=_color(i), linewidth=LINE, marker=_marker(i), markersize=MARKER))
                  for i, name in enumerate(names)])
    rule = saturation_rule([s.activation for s in stats_by_name.values()])
    _caption(fig, rule + ("." if not notes else ".\n" + "; ".join(notes)))
    _title(fig, title)
    return fig


# ---------------------------------------------------------------- generic curves


def curve_plot(x, ys: Mapping[str, np.ndarray], *, theory: Mapping[str, np.ndarray] | None = None,
               logy: bool = True, xlabel: str, ylabel: str, title: str | None = None,
               fig: FigureBase | None = None) -> FigureBase:
    """One line per setting (solid, markers) with its theory dashed in the same colour."""
    x = _as_float(x, "x")
    if not isinstance(ys, Mapping) or not ys:
        raise ValueError("ys must be a non-empty dict {label: y array}")
    theory = dict(theory or {})
    unknown = set(theory) - set(ys)
    if unknown:
        raise ValueError(f"theory keys {sorted(unknown)} are not in ys ({', '.join(ys)})")
    for name, y in list(ys.items()) + list(theory.items()):
        if _as_float(y, f"ys[{name!r}]").shape != x.shape:
            raise ValueError(f"{name!r} has {np.size(y)} values but x has {x.size}")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.6))
    integer_x = bool(np.all(np.isfinite(x)) and np.allclose(x, np.round(x)))
    panel = _Panel(fig.add_subplot(), log=logy, band=None, xlabel=xlabel, ylabel=ylabel,
                   integer_x=integer_x)
    names = list(ys)
    edge = panel.update(x, [ys[n] for n in names], [theory.get(n) for n in names])
    entries = [(n, dict(color=_color(i), linewidth=LINE + 0.8, marker=_marker(i), markersize=MARKER,
                        alpha=0.6)) for i, n in enumerate(names)]
    if theory:
        entries.append(("theory", dict(color="#444444", linewidth=LINE, linestyle="--")))
    panel.legend(entries)
    notes = _edge_notes(edge, "the value", names=names, noun="x =")
    if notes:
        _caption(fig, "; ".join(notes) + ".")
    _title(fig, title)
    return fig
