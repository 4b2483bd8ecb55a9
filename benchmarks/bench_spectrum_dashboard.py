"""How long one update of notebook 08's spectrum dashboard takes in the kernel (Python side).

    python benchmarks/bench_spectrum_dashboard.py [--repeat 9]

"Update" is the control's callback, from the new value to the PNG in the Image widget: both
spectra (this init and the other one: Jacobian products and SVDs), the density curves, the
status line, an Agg draw and the PNG encode. Not included: the widget message to the browser
and the browser's decode and paint (a few ms for a ~60 kB PNG). Each row alternates between
two values, so every update is a real change; the first update of a new (init, width, seed)
also draws its random layers (the "seed" row). Medians over --repeat updates after one
warm-up, at the dashboard's defaults (tanh, orthogonal, depth 32, q* = 0.05, width 200);
the machine's load makes single numbers noisy.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wi_helpers.widgets_spectrum import spectrum_dashboard  # noqa: E402

ROWS = [("depth", 32, 31), ("q_star", 0.05, 0.1), ("activation", "tanh", "hard_tanh"),
        ("init", "orthogonal", "gaussian")]


def main(argv: list[str] | None = None) -> None:
    """Print the median update time per control."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=9)
    args = p.parse_args(argv)
    d = spectrum_dashboard()
    print(f"spectrum dashboard, defaults {d.values()}; load average {os.getloadavg()[0]:.1f}")
    for name, a, b in ROWS:
        times = []
        for i in range(args.repeat + 1):
            t0 = time.perf_counter()
            d.controls[name].value = b if i % 2 == 0 else a
            if i:
                times.append(1000 * (time.perf_counter() - t0))
        d.controls[name].value = a
        print(f"{name:>10s}: median {statistics.median(times):6.0f} ms"
              f" (min {min(times):.0f}, max {max(times):.0f})")
    t0 = time.perf_counter()
    d.controls["seed"].value = d.controls["seed"].value + 1
    print(f"{'seed':>10s}: {1000 * (time.perf_counter() - t0):6.0f} ms (new random layers, once)")


if __name__ == "__main__":
    main()
