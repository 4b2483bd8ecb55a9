"""How long one dashboard update takes in the kernel, against the usual `interact` + `plt.show()`.

    python benchmarks/bench_dashboard.py [--repeat 15] [--blas-threads N]

"Update" is what the kernel does after a slider moves, until the frontend has its new image:

* dashboard (wi_helpers.widgets): the control's callback: compute (new network, `layer_stats`,
  theory, `set_data` on the existing artists, status line), then render: a blit (restore the
  background, draw the data artists, send the PNG diff) when the axes did not change, else a
  full `fig.canvas.draw()` (Agg render + PNG diff); plus, if the callback asked the frontend
  for a draw (`draw_idle`), that draw. The canvas is put in the state it has once a frontend
  is connected (no full-image data URL).
* naive: what many course notebooks do with `ipywidgets.interact`: the same compute and the
  same three panels (same plotting code), but a new pyplot figure every time, `tight_layout`,
  and `plt.show()` rendered to PNG as the inline backend does (`bbox_inches="tight"`), then
  closed.

Both alternate between two depths (L and L-1) so that every update is a real change; the row
"axes change" alternates L=10 and 11, which crosses one of the dashboard's x-axis steps
(5, 10, 20, ...), so every update there is a full draw (the worst case of the blit path).
Medians over --repeat updates after one warm-up; the machine's load makes single numbers noisy.
"""
from __future__ import annotations

import argparse
import os
import sys


def _parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15, help="updates per measurement (default 15)")
    ap.add_argument("--blas-threads", type=int, default=None,
                    help="set OPENBLAS/OMP/MKL thread counts before NumPy loads")
    return ap.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None and ARGS.blas_threads:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.blas_threads)

import io  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # pyplot for the naive version; the dashboard uses its own ipympl canvas
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from wi_helpers import MLP, NetworkSpec, footprint_bytes, layer_stats, mean_field  # noqa: E402
from wi_helpers import dashboard_model, plots, widgets  # noqa: E402

SETTINGS = [  # (label, depth, width, batch, the other depth alternated with)
    ("default", 10, 256, 256, 9),
    ("  axes change", 10, 256, 256, 11),
    ("deepest allowed", 100, 256, 256, 99),
    ("widest allowed", 10, 1024, 256, 9),
]


def _median_ms(times: list[float]) -> float:
    return 1e3 * statistics.median(times)


def bench_dashboard(depth: int, width: int, batch: int, other: int, repeat: int) -> dict[str, float]:
    dash = widgets.variance_dashboard(backend="ipympl", depth=depth, width=width, batch=batch)
    canvas = dash.figure.canvas
    canvas.syncing_data_url = False  # what the frontend's "initialized" message sets
    canvas.draw()  # the frontend's first draw request
    requested = []
    real_draw_idle, real_redraw = canvas.draw_idle, dash._redraw
    canvas.draw_idle = lambda: requested.append(True)  # the frontend would answer with a draw
    render_time = []

    def timed_redraw() -> None:
        t = time.perf_counter()
        real_redraw()
        render_time.append(time.perf_counter() - t)

    dash._redraw = timed_redraw
    slider = dash.controls["depth"]
    total, compute, render, cpu = [], [], [], []
    full0 = blits0 = partial0 = 0
    for i in range(repeat + 1):
        if i == 1:  # the first one warms caches
            full0, blits0 = dash.blitter.n_full_draws, dash.blitter.n_blits
            partial0 = dash.blitter.n_partial_draws
        requested.clear(), render_time.clear()
        c0, t0 = time.process_time(), time.perf_counter()
        slider.value = other if slider.value == depth else depth  # the callback
        t1 = time.perf_counter()
        if requested:
            canvas.draw()  # what the frontend asks for after draw_idle
        t2, c2 = time.perf_counter(), time.process_time()
        if i:
            r = sum(render_time) + (t2 - t1)
            total.append(t2 - t0), render.append(r), compute.append(t2 - t0 - r), cpu.append(c2 - c0)
    canvas.draw_idle, dash._redraw = real_draw_idle, real_redraw
    assert "Too large" not in dash.status_text(), dash.status_text()
    return {"total": _median_ms(total), "compute": _median_ms(compute), "render": _median_ms(render),
            "cpu": _median_ms(cpu), "full": dash.blitter.n_full_draws - full0, "blits": dash.blitter.n_blits - blits0,
            "partial": dash.blitter.n_partial_draws - partial0}


def bench_naive(depth: int, width: int, batch: int, repeat: int) -> dict[str, float]:
    """interact-style: compute, build a new figure with the same plotting code, tight_layout, PNG."""
    def update(L: int) -> bytes:
        setting = dashboard_model.Setting(NetworkSpec([width] * (L + 1), seed=0), batch=batch)
        net = MLP.from_spec(setting.spec)
        stats = layer_stats(net, batch=batch, rng=widgets.probe_rng(0), weight_grads=False)
        prediction = mean_field(setting.spec, batch=batch)  # (no cache: a naive cell)
        fig, axes = plt.subplots(1, 3, figsize=(9.3, 4.4), dpi=widgets.FIGURE_DPI,
                                 gridspec_kw=dict(width_ratios=[1, 1, 0.8]))
        plots.VarianceArtists(fig, axes, saturation=True).update(stats, prediction)
        fig.suptitle(dashboard_model.describe_sizes(setting.sizes), fontsize=plots.TITLE)
        dashboard_model.describe(setting, stats, prediction)
        fig.tight_layout()
        buf = io.BytesIO()  # plt.show() under the inline backend: print_figure with a tight bbox
        fig.canvas.print_figure(buf, format="png", bbox_inches="tight", dpi=widgets.FIGURE_DPI)
        plt.close(fig)
        return buf.getvalue()

    times, cpu = [], []
    for i in range(repeat + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        update(depth - (i % 2))
        if i:
            times.append(time.perf_counter() - t0), cpu.append(time.process_time() - c0)
    return {"total": _median_ms(times), "cpu": _median_ms(cpu)}


def main() -> None:
    repeat = ARGS.repeat if ARGS else 15
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"Dashboard update, median of {repeat} (ms); OPENBLAS_NUM_THREADS={threads}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("wall = elapsed time; cpu = this process's CPU time (what an idle core would take)")
    print("compute = network, layer_stats, theory, artists, status; render = blit or full draw "
          "(blit/axes/full: how many of the timed updates were blits, redraws of the changed axes "
          "alone, full draws)")
    print(f"{'setting':16s} {'L x n x batch':>15s} {'MiB':>4s} | {'dashboard':>9s} {'compute':>7s} "
          f"{'render':>6s} {'cpu':>6s} {'blit/axes/full':>14s} | {'naive':>6s} {'cpu':>6s} | "
          f"{'speed-up':>8s} {'(cpu)':>6s}")
    for label, depth, width, batch, other in SETTINGS:
        mib = footprint_bytes([width] * (depth + 1), batch) / 2**20
        ours = bench_dashboard(depth, width, batch, other, repeat)
        naive = bench_naive(depth, width, batch, repeat)
        paths = f"{ours['blits']}/{ours['partial']}/{ours['full']}"
        print(f"{label:16s} {f'{depth} x {width} x {batch}':>15s} {mib:4.0f} | {ours['total']:9.0f} "
              f"{ours['compute']:7.0f} {ours['render']:6.0f} {ours['cpu']:6.0f} {paths:>14s} | "
              f"{naive['total']:6.0f} {naive['cpu']:6.0f} | {naive['total'] / ours['total']:7.1f}x "
              f"{naive['cpu'] / ours['cpu']:5.1f}x", flush=True)
    print(f"(MiB: arrays of one forward+backward, footprint_bytes; the cap is "
          f"DASHBOARD_MAX_BYTES = {widgets.DASHBOARD_MAX_BYTES / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
