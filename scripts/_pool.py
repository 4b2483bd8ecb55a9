"""Shared by the scripts: independent runs in parallel processes, with progress and resume.

Each run is a job (a picklable tuple); `run_jobs` trains them in `jobs` processes (one BLAS
thread each: OPENBLAS_NUM_THREADS is set before NumPy is imported by the scripts), prints one
line per finished job with the elapsed time and an estimate of the time left, and hands every
result to `on_result` as soon as it arrives, so that the caller saves it at once: an
interrupted script keeps every finished run and skips it when started again.
"""
from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Iterable


def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}" if m < 60 else f"{m // 60}:{m % 60:02d}:{s:02d}"


def run_jobs(fn: Callable, jobs: Iterable, *, n_jobs: int, on_result: Callable,
             label: Callable | None = None, skipped: int = 0) -> float:
    """Run fn(job) for every job in `n_jobs` processes; return the wall time in seconds.

    `on_result(job, result)` runs in this process as each job finishes (in completion order).
    `skipped` (jobs already done by an earlier, interrupted run) is reported, not run again.
    """
    jobs = list(jobs)
    label = label or (lambda job, result: str(job))
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"--jobs must be an integer >= 1, got {n_jobs!r}")
    total = len(jobs) + skipped
    if skipped:
        print(f"resuming: {skipped} of {total} runs already stored, {len(jobs)} to go", flush=True)
    t0 = time.perf_counter()
    if not jobs:
        return 0.0
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        futures = {pool.submit(fn, job): job for job in jobs}
        for i, fut in enumerate(as_completed(futures), 1):
            job = futures[fut]
            result = fut.result()
            on_result(job, result)
            elapsed = time.perf_counter() - t0
            left = elapsed / i * (len(jobs) - i)
            print(f"[{skipped + i:>3}/{total}] {label(job, result)}   "
                  f"elapsed {_clock(elapsed)}, about {_clock(left)} left", flush=True)
    wall = time.perf_counter() - t0
    print(f"wall time {_clock(wall)} ({wall:.0f} s) for {len(jobs)} runs with --jobs {n_jobs}",
          file=sys.stderr, flush=True)
    return wall
