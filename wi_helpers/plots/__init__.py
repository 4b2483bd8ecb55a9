"""Figures for the notebooks (the plots layer): arrays, LayerStats and Predictions in, a matplotlib
Figure out.

Modules: `style` (palette, fonts, sizes, captions), `artists` (the updatable panels the
static figures and the dashboards share), `profiles` (variance profiles, comparisons,
saturation, curves), `histograms`, `spectra` (Jacobian singular values) and `training`
(the figures of the training experiments, notebooks 05 and 07). The figure functions and the
style constants are importable from `wi_helpers.plots` itself.

Conventions shared by every figure here:

* x is the layer index l (integer ticks); simulation is a solid line with markers, a theory is
  dashed in the same colour; colours come from the Okabe-Ito palette (colour-blind safe).
* Variances are drawn on a log axis with a shaded *healthy band* [0.1, 10] (`HEALTHY_BAND`):
  within a factor of 10 of 1, the scale of the probes (unit-variance input x, unit-variance
  gradient dL/dh_L arriving at the output). The band is absolute, the same in every figure.
* Nothing is hidden: a value that overflowed (inf/nan) is drawn as an upward triangle at the
  top edge, a value that cannot be drawn on a log axis (0, underflow) as a downward triangle
  at the bottom edge; the layers LayerStats flags as overflowing or underflowing are hatched
  and labelled ("overflow from layer k"), and a caption under the axes says it in words.
* Font sizes >= 11 pt and lines >= 2 pt are set on each artist (no global rcParams change).

Figures: when `fig` is None a new figure is made. Under Jupyter's inline (or ipympl) backend it
is a pyplot figure, so a cell ending in `;` still shows it once and the backend closes it
afterwards; elsewhere (scripts, tests) it is a bare `Figure` that pyplot does not track, so
nothing piles up. Pass `fig=` to draw into an existing figure (it is cleared first).

The dashboards in `wi_helpers.widgets` redraw these figures in place: the static functions
build the same artist classes (`artists.VarianceArtists`, `artists.HistogramArtists`) once and
call their `.update()`, which the dashboards call again on every slider move.
"""
from . import training  # noqa: F401  (wi_helpers.plots.training: the training figures)
from . import isometry  # noqa: F401  (wi_helpers.plots.isometry: notebook 08's figures)
from . import phase  # noqa: F401  (wi_helpers.plots.phase: the phase-diagram figures, notebook 09)
from . import residual  # noqa: F401  (wi_helpers.plots.residual: notebook 10's figures)
from . import width  # noqa: F401  (wi_helpers.plots.width: notebook 11's figures)
from .artists import HistogramArtists, VarianceArtists
from .histograms import histogram_plot
from .profiles import QUANTITIES, compare_profiles, curve_plot, saturation_plot, variance_profile
from .spectra import jacobian_spectrum_plot
from .style import (ALARM, BAND_COLOR, FIG_W, FONT, HEALTHY_BAND, LINE, LINE_COLORS, MARKER,
                    MARKERS, OKABE_ITO, SEQUENTIAL, SMALL, SYMBOLS, TITLE, VANISH, add_caption,
                    saturation_rule, wrap_text)

__all__ = [
    "variance_profile", "compare_profiles", "QUANTITIES", "saturation_plot", "curve_plot",
    "histogram_plot", "jacobian_spectrum_plot", "VarianceArtists", "HistogramArtists",
    "add_caption", "wrap_text", "saturation_rule",
    "ALARM", "BAND_COLOR", "FIG_W", "FONT", "HEALTHY_BAND", "LINE", "LINE_COLORS", "MARKER",
    "MARKERS", "OKABE_ITO", "SEQUENTIAL", "SMALL", "SYMBOLS", "TITLE", "VANISH",
]
