"""Histograms of activations and gradients per layer (Glorot & Bengio Figs. 6 and 7)."""
from __future__ import annotations


import numpy as np
from matplotlib.figure import FigureBase


from .style import FIG_W, _caption, _check_title, new_figure, _title
from .artists import HistogramArtists


def histogram_plot(values: list[np.ndarray], *, xlabel: str, title: str | None = None,
                   bins: int = 60, range: tuple[float, float] | None = None,
                   labels: list[str] | None = None, fig: FigureBase | None = None) -> FigureBase:
    """Density of each array (one per layer) over shared bins, as in Glorot & Bengio Figs. 6 and 7."""
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError("values must be a non-empty list of arrays (one per layer)")
    if not isinstance(xlabel, str):
        raise TypeError(f"xlabel must be a string, got {type(xlabel).__name__}")
    if labels is not None and len(labels) != len(values):
        raise ValueError(f"labels must hold one label per array ({len(values)}), got {len(labels)}")
    _check_title(title)
    fig = new_figure(fig, (FIG_W, 4.4))
    artists = HistogramArtists(fig.add_subplot(), xlabel=xlabel,
                                colorbar=labels is None and len(values) > 6)
    _caption(fig, artists.update(values, bins=bins, range=range, labels=labels))
    _title(fig, title)
    return fig
