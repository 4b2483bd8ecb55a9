"""Helpers for the weight-initialization notebooks.

Three layers that only point downwards: the numerics (pure NumPy, imported here),
`wi_helpers.plots` (matplotlib) and `wi_helpers.widgets` (ipywidgets), imported on demand so
that `import wi_helpers` never pulls in a plotting or widget library.
"""
from .activations import ACTIVATIONS, Activation, get_activation, saturation_fraction, sigmoid
from .init import SCHEMES, canonical_scheme, init_weights, weight_bound, weight_std
from .mlp import MAX_BYTES, MLP, Gradients, footprint_bytes
from .spec import NetworkSpec
from .stats import (FloatRange, FloatVerdict, LayerStats, format_number, histogram_range,
                    jacobian_singular_values, layer_histograms, layer_stats, moments)
from .theory import (Prediction, chi_1, critical_sigma_w2, fixed_point_q, gaussian_expectation,
                     linear_theory, mean_field, order_chaos_line, scheme_weight_var)

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation", "saturation_fraction", "sigmoid",
    "SCHEMES", "canonical_scheme", "init_weights", "weight_bound", "weight_std",
    "MAX_BYTES", "MLP", "Gradients", "footprint_bytes", "NetworkSpec",
    "FloatRange", "FloatVerdict", "LayerStats", "format_number", "histogram_range",
    "jacobian_singular_values", "layer_histograms", "layer_stats", "moments",
    "Prediction", "chi_1", "critical_sigma_w2", "fixed_point_q", "gaussian_expectation",
    "linear_theory", "mean_field", "order_chaos_line", "scheme_weight_var",
]
