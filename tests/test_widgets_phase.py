"""The phase-diagram dashboard: what the learner sees follows the chosen point."""
import time

import numpy as np
import pytest

from wi_helpers.widgets_phase import SIGMA_B2, SIGMA_W2, describe, phase_dashboard
from wi_helpers.propagation import depth_scales, mean_field_trajectory


@pytest.fixture(scope="module")
def dash():
    return phase_dashboard(width=120, depth=12, draws=2, seed=3)


def test_status_and_curves_follow_the_point(dash):
    before = dash.image.value
    dash.w.value, dash.b.value = 1.2, 0.2
    d = depth_scales("tanh", 1.2, 0.2)
    assert "ordered" in dash.status.value and describe(d) == dash.status.value
    assert f"{d.xi_c:.1f} layers" in dash.status.value
    assert dash.image.value != before and dash.image.value[:4] == b"\x89PNG"
    np.testing.assert_allclose(dash.marker.get_xdata(), [1.2])
    q, c = dash.nets.run(1.2, 0.2, q0=1.0, c0=0.9)
    sims, theory = dash.lines[("c", 0.9)]
    for line, row in zip(sims, c):
        np.testing.assert_allclose(line.get_ydata(), row)
    _, ct = mean_field_trajectory("tanh", 1.2, 0.2, q0=1.0, c0=0.9, depth=12)
    np.testing.assert_allclose(theory.get_ydata(), ct)
    dash.w.value = 4.0
    assert "chaotic" in dash.status.value and "c* = " in dash.status.value


def test_every_corner_of_the_sliders_is_accepted(dash):
    for w in SIGMA_W2:
        for b in SIGMA_B2:
            dash.w.value, dash.b.value = w, b
            assert "σ" in dash.status.value
    dash.w.value, dash.b.value = 1.0, 0.0  # Glorot's point: critical, xi_c infinite
    assert "critical" in dash.status.value and "infinite" in dash.status.value


def test_an_update_is_fast_after_the_first_draw(dash):
    dash.w.value = 2.0
    t0 = time.perf_counter()
    dash.w.value = 2.5
    assert time.perf_counter() - t0 < 1.0  # 0.1 s on an idle core; the shared CI is slower
