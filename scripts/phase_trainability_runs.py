"""Schoenholz et al. (2017) Fig. 5 in small, stored for notebook 09: which depths train at each sigma_w^2.

    python scripts/phase_trainability_runs.py [--jobs 1] [--out data/09_trainability.json]

Deep tanh MLPs of width 64 at sigma_b^2 = 0.05, weights N(0, sigma_w^2 / fan_in), for every
(sigma_w^2, depth) of `lessons.phase_diagram.TRAIN_SETTINGS` and 2 seeds, trained by plain SGD
(lr 0.01, minibatches of 32, 2,000 updates) on the teacher task (16-dimensional Gaussian inputs
labelled by a fixed random tanh network, 4 classes); the training accuracy after the budget is
stored. Each finished run is written at once: an interrupted call keeps it, and the next call
trains only the missing runs (resume). The wall time of every call is added up in the file.

Wall time with --jobs 1 on the shared 2-core machine (load about 6): 1,198 s, 20 minutes (128 runs).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts._pool import run_jobs  # noqa: E402
from wi_helpers.lessons.phase_diagram import (TRAIN_SETTINGS, run_key,  # noqa: E402
                                              trainability_run)

REPO = Path(__file__).resolve().parents[1]


def _job(job: tuple[float, int, int]) -> dict:
    sigma_w2, depth, seed = job
    s = TRAIN_SETTINGS
    r = trainability_run(sigma_w2, depth, sigma_b2=s["sigma_b2"], width=s["width"], seed=seed,
                         n_updates=s["n_updates"], lr=s["lr"], batch_size=s["batch_size"],
                         n_train=s["n_train"], n_test=s["n_test"], data_seed=s["data_seed"])
    d = asdict(r)
    d["seconds"] = round(d["seconds"], 2)
    return d


def main(argv: list[str] | None = None) -> None:
    """Train every missing run and store its accuracies as JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--out", type=Path, default=REPO / "data" / "09_trainability.json")
    args = p.parse_args(argv)
    s = TRAIN_SETTINGS
    doc = {"settings": s, "wall_seconds": 0.0, "runs": {}}
    if args.out.exists():
        old = json.loads(args.out.read_text())
        if old.get("settings") == s:
            doc = old
        else:
            print(f"{args.out}: settings differ from TRAIN_SETTINGS; starting afresh",
                  file=sys.stderr)
    # Shallow networks first, seed 0 before seed 1: an interrupted call leaves whole rows.
    jobs = [(w, d, seed) for seed in range(s["seeds"]) for d in s["depths"]
            for w in s["sigma_w2"]]
    todo = [j for j in jobs if run_key(*j) not in doc["runs"]]
    doc["total_runs"] = len(jobs)

    def save(job, result):
        doc["runs"][run_key(*job)] = result
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, indent=1) + "\n")
        tmp.replace(args.out)

    wall = run_jobs(_job, todo, n_jobs=args.jobs, on_result=save, skipped=len(jobs) - len(todo),
                    label=lambda j, r: f"sigma_w2 {j[0]:<5g} depth {j[1]:>3} seed {j[2]}: "
                                       f"train accuracy {r['train_accuracy']:.3f} "
                                       f"({r['seconds']:.0f} s)")
    doc["wall_seconds"] = round(doc.get("wall_seconds", 0.0) + wall, 1)
    doc["jobs"] = args.jobs
    args.out.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
