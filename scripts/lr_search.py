"""Learning-rate search per setting for notebook 05, as Glorot & Bengio (2010) chose theirs.

    python scripts/lr_search.py [--jobs 2] [--out data/05_lr_search.json]

For every row of Table 1 (`wi_helpers.train.TABLE1_RUNS`), trains short-mode networks
(`SETTINGS["short"]`) at every
rate of `LR_GRID`, with `--seeds` seeds each, and scores a run by the mean test error of its
last 5 evaluations (steadier than the last one). The chosen rate is the one with the lowest
mean score over seeds. The chosen rates are copied into `LEARNING_RATES`
(tests/test_train.py checks that they agree with the stored file).

Wall time on this 2-core machine with --jobs 2: about 1 minute (40 runs of 1-2 s each).
The seeds of the search (index 10 and up) are not those of the notebook's runs (0-2).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process

import numpy as np  # noqa: E402

from wi_helpers.train import (LR_GRID, SETTINGS, TABLE1_RUNS, run_seed,  # noqa: E402
                              shapeset_data, train_one)

REPO = Path(__file__).resolve().parents[1]
SEED_OFFSET = 10  # search seeds 10, 11, ...: disjoint from the notebook's 0..n_seeds-1
_DATA: dict = {}


def _job(job: tuple[str, str, int, float, int]) -> tuple[str, str, float, int, float, float]:
    experiment, name, k, lr, s = job
    settings, runs = SETTINGS["short"], TABLE1_RUNS
    if experiment not in _DATA:  # once per worker process
        _DATA[experiment] = shapeset_data(settings)
    seed, order_seed = run_seed(settings, k, SEED_OFFSET + s)
    t0 = time.perf_counter()
    h = train_one(settings, *runs[name], lr, seed=seed, order_seed=order_seed,
                  data=_DATA[experiment])
    return experiment, name, lr, s, float(100 * np.mean(h.test_error[-5:])), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    """Run the search and store every score and the chosen rates as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes (one BLAS thread each)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", default=str(REPO / "data" / "05_lr_search.json"))
    args = parser.parse_args(argv)
    jobs = [(exp, name, k, lr, s)
            for exp, runs in (("table1", TABLE1_RUNS),)
            for k, name in enumerate(runs) for lr in LR_GRID for s in range(args.seeds)]
    scores: dict = {}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for i, (exp, name, lr, s, score, sec) in enumerate(pool.map(_job, jobs), 1):
            scores.setdefault(exp, {}).setdefault(name, {}).setdefault(str(lr), []).append(score)
            print(f"[{i:>3}/{len(jobs)}] {exp:<6} {name:<11} lr {lr:<5} seed {s}: "
                  f"{score:5.1f}%  ({sec:.1f} s)", flush=True)
    chosen = {exp: {name: float(min(by_lr, key=lambda lr: np.mean(by_lr[lr])))
                    for name, by_lr in rows.items()} for exp, rows in scores.items()}
    wall = time.perf_counter() - t0
    out = {"grid": list(LR_GRID), "seeds": args.seeds, "seed_offset": SEED_OFFSET,
           "score": "mean test error (%) of the last 5 evaluations",
           "settings": {"table1": SETTINGS["short"].describe()},
           "scores": scores, "chosen": chosen, "wall_seconds": round(wall, 1),
           "command": "python scripts/lr_search.py " + " ".join(sys.argv[1:] if argv is None else argv)}
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    print(f"chosen: {chosen}\nwall time {wall:.0f} s")


if __name__ == "__main__":
    main()
