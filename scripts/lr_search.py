"""Learning-rate search per setting for notebook 05, as Glorot & Bengio (2010) chose theirs.

    python scripts/lr_search.py --mode short [--jobs 2] [--seeds 2]
    python scripts/lr_search.py --mode long  [--jobs 2] [--seeds 2]

For every row of Table 1 (`wi_helpers.lessons.nb05.TABLE1_RUNS`), trains networks of
`SETTINGS[mode]` at every rate of `LR_GRID`, with `--seeds` seeds each, and scores a run by
the mean *validation* error of its last 5 evaluations (steadier than the last one). The
validation images (`validation_data`: `n_val` further draws from the training generator,
never trained on) stand in for the test set, which the search never sees. The chosen rate
is the one with the lowest mean score over seeds. Both modes are stored in one file,
data/05_lr_search.json (experiments "table1" for short, "table1_long" for long); the chosen
rates are copied into `LEARNING_RATES[mode]` (tests/test_train.py checks that they agree).

The seeds of the search (index 10 and up) are not those of the notebook's runs (0-2). Every
finished run is written to the file at once: a search that is interrupted and started again
skips what it has (same mode, same settings).

Runs go seed by seed (every row and rate of seed 0 first), so that an interrupted search
already holds one complete seed. Each finished run prints a line with the time elapsed and
an estimate of the time left; the wall time is printed at the end and stored in the file
(summed over resumed calls). With --jobs 2 on an idle 2-core machine: short about a minute
(50 runs of 1-2 s); long about 35 minutes (50 runs of 40,000 updates, about 80 s each).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402

from scripts._pool import run_jobs  # noqa: E402
from wi_helpers.lessons.nb05 import (LR_GRID, SETTINGS, TABLE1_RUNS, run_seed,  # noqa: E402
                                     train_one, validation_data)

REPO = Path(__file__).resolve().parents[1]
SEED_OFFSET = 10  # search seeds 10, 11, ...: disjoint from the notebook's 0..n_seeds-1
EXPERIMENT = {"short": "table1", "long": "table1_long"}
_DATA: dict = {}


def _job(job: tuple[str, str, float, int]) -> tuple[float, float]:
    mode, name, lr, s = job
    settings = SETTINGS[mode]
    if mode not in _DATA:  # once per worker process
        _DATA[mode] = validation_data(settings)  # (X, y, X_val, y_val): no test images
    seed, order_seed = run_seed(settings, list(TABLE1_RUNS).index(name), SEED_OFFSET + s)
    h = train_one(settings, *TABLE1_RUNS[name], lr, seed=seed, order_seed=order_seed,
                  data=_DATA[mode])
    return float(100 * np.mean(h.test_error[-5:])), h.seconds


def main(argv: list[str] | None = None) -> None:
    """Run the search (or what is left of it) and store every score and the chosen rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(EXPERIMENT), default="short")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes (one BLAS thread each)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", default=str(REPO / "data" / "05_lr_search.json"))
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be >= 1, got {args.seeds}")
    out_path = Path(args.out)
    exp, settings = EXPERIMENT[args.mode], SETTINGS[args.mode]
    doc = json.loads(out_path.read_text()) if out_path.exists() else {}
    if doc.get("grid") not in (None, list(LR_GRID)) or doc.get("seed_offset") not in (None, SEED_OFFSET):
        sys.exit(f"{out_path} was made with another grid or seed offset: move it away first")
    doc.update(grid=list(LR_GRID), seed_offset=SEED_OFFSET,
               score="mean validation error (%) of the last 5 evaluations",
               validation=f"{settings.n_val:,} images drawn after the test set from the "
                          "training generator (lessons.nb05.validation_data)")
    for key in ("settings", "scores", "chosen", "seeds", "wall_seconds", "command"):
        doc.setdefault(key, {})
    if doc["settings"].get(exp) != settings.describe():  # other settings: start this mode afresh
        doc["scores"][exp] = {}
    doc["settings"][exp] = settings.describe()
    scores = doc["scores"].setdefault(exp, {})

    def stored(name: str, lr: float) -> list:
        return scores.setdefault(name, {}).setdefault(str(lr), [])

    all_jobs = [(args.mode, name, lr, s) for s in range(args.seeds) for name in TABLE1_RUNS
                for lr in LR_GRID]  # seed by seed: an interrupted search holds whole seeds
    todo = [j for j in all_jobs if len(stored(j[1], j[2])) <= j[3] or stored(j[1], j[2])[j[3]] is None]

    resumed = len(todo) < len(all_jobs)
    wall_before = doc["wall_seconds"].get(exp, 0) if resumed else 0
    t_start = time.perf_counter()

    def save(job, result) -> None:
        _, name, lr, s = job
        row = stored(name, lr)
        row.extend([None] * (s + 1 - len(row)))
        row[s] = round(result[0], 3)
        # the wall time so far, kept with every run: an interrupted search keeps it too
        doc["wall_seconds"][exp] = round(wall_before + time.perf_counter() - t_start, 1)
        out_path.write_text(json.dumps(doc, indent=1) + "\n")

    wall = run_jobs(_job, todo, n_jobs=args.jobs, on_result=save, skipped=len(all_jobs) - len(todo),
                    label=lambda j, r: f"{j[1]:<11} lr {j[2]:<5} seed {j[3]}: {r[0]:5.1f}%  ({r[1]:.0f} s)")
    chosen = {name: float(min(by_lr, key=lambda lr: np.mean(by_lr[lr][:args.seeds])))
              for name, by_lr in scores.items()}
    doc["chosen"][exp] = chosen
    doc["seeds"][exp] = args.seeds
    doc["wall_seconds"][exp] = round(wall_before + wall, 1)  # summed over resumed calls
    print(f"search wall time, all calls: {doc['wall_seconds'][exp]:.0f} s", flush=True)
    doc["command"][exp] = "python scripts/lr_search.py " + " ".join(sys.argv[1:] if argv is None else argv)
    out_path.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"chosen ({args.mode}): {chosen}")


if __name__ == "__main__":
    main()
