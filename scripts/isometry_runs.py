"""The stored runs behind notebook 08 (orthogonal initialization and dynamical isometry).

    python scripts/isometry_runs.py [--part saxe|spectrum|shapeset|all] [--jobs 2]

Three parts, each stored in its own JSON file under data/ (settings, the command, the wall time
and --jobs recorded beside the results):

* ``saxe`` -> data/08_saxe.json: deep linear networks of width 16 (Saxe, McClelland & Ganguli
  2013) on the notebook's teacher task (whitened inputs, 256 examples, a Gaussian teacher),
  depths 4-64, orthogonal and scaled-Gaussian init, 5 seeds, full-batch gradient descent at
  lr = 0.2/L for at most 4,000 steps; stored: the steps to reach 1 % of the initial loss and
  the final loss ratio.
* ``spectrum`` -> data/08_spectrum.json: the variance of the squared singular values of the
  end-to-end Jacobian (mean normalized to 1) and the largest one, width 400, depths 2-64,
  linear / ReLU / hard-tanh / tanh at criticality (q* = 0.5 for the bounded ones), Gaussian
  and orthogonal weights, 6 draws each.
* ``shapeset`` -> data/08_tanh_shapeset.json: tanh MLPs of 64 hidden layers of width 64 at
  the critical point with q* = 0.05, on Shapeset-3x2 at 16 x 16 (inputs centred and scaled with
  training statistics, softmax and NLL, plain SGD on minibatches of 64, lr 0.1), 6,000 updates,
  3 seeds per init, test error every 250 updates.

Runs are independent and run in `--jobs` processes (scripts/_pool.py), one BLAS thread each;
each finished run is written at once, and a restarted script skips the runs already stored
with the same settings. Every generator is seeded: same settings, same numbers (to rounding).

Wall time with --jobs 2 on this shared 2-core machine: see "wall_seconds" in each file.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402

from scripts._pool import run_jobs  # noqa: E402
from wi_helpers import MLP  # noqa: E402
from wi_helpers.lessons import isometry as iso  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SETTINGS = {
    "saxe": dict(width=16, n=256, task_seed=0, depths=[4, 8, 16, 32, 64], seeds=5,
                 lr_times_depth=0.2, max_steps=4000, threshold=0.01,
                 inits=["orthogonal", "gaussian"]),
    "spectrum": dict(width=400, depths=[2, 4, 8, 16, 32, 64], draws=6, q_star_bounded=0.5,
                     cases=[["linear", "gaussian"], ["linear", "orthogonal"],
                            ["relu", "gaussian"], ["relu", "orthogonal"],
                            ["hard_tanh", "gaussian"], ["hard_tanh", "orthogonal"],
                            ["tanh", "gaussian"], ["tanh", "orthogonal"]]),
    "shapeset": dict(depth=64, width=64, q_star=0.05, size=16, n_train=4000, n_test=600,
                     lr=0.1, batch_size=64, n_updates=6000, eval_every=250, seeds=3,
                     data_seed=2015, inits={"orthogonal": "orthogonal", "Gaussian": "lecun_normal"}),
}
OUT = {"saxe": "08_saxe.json", "spectrum": "08_spectrum.json", "shapeset": "08_tanh_shapeset.json"}
_DATA: dict = {}


def _key(job: tuple) -> str:
    return "|".join(str(j) for j in job)


def saxe_job(job: tuple[str, int, int]) -> dict:
    """One deep linear network trained to the threshold: steps taken, final loss ratio."""
    init, depth, seed = job
    s = SETTINGS["saxe"]
    X, Y, _ = iso.teacher_task(s["width"], s["n"], rng=np.random.default_rng(s["task_seed"]))
    weights = iso.draw_weights(init, s["width"], depth, 1.0, rng=np.random.default_rng(seed))
    hit, losses = iso.train_deep_linear(weights, X, Y, lr=s["lr_times_depth"] / depth,
                                        max_steps=s["max_steps"], threshold=s["threshold"])
    ratio = float(losses[-1] / losses[0])
    return {"steps": hit, "final_ratio": ratio if math.isfinite(ratio) else None}


def spectrum_job(job: tuple[str, str, int, int]) -> dict:
    """One network's Jacobian spectrum: variance of lambda (mean 1) and its largest value."""
    act, init, depth, draw = job
    s = SETTINGS["spectrum"]
    q = 1.0 if act in ("linear", "relu") else s["q_star_bounded"]
    sp = iso.network_spectrum(act, init, depth, s["width"], q_star=q,
                              rng=np.random.default_rng(10_000 * depth + draw))
    return {"variance": sp.variance, "max_lam": sp.max_lam}


def _shapeset():
    if "d" not in _DATA:  # once per worker process
        from wi_helpers.shapeset import make_shapeset
        from wi_helpers.train import input_statistics
        s = SETTINGS["shapeset"]
        rng = np.random.default_rng(s["data_seed"])
        X, y = make_shapeset(s["n_train"], rng=rng, size=s["size"])
        X_te, y_te = make_shapeset(s["n_test"], rng=rng, size=s["size"])
        mean, std = input_statistics(X)
        _DATA["d"] = (((X - mean) / std).astype(np.float32), y,
                      ((X_te - mean) / std).astype(np.float32), y_te)
    return _DATA["d"]


def shapeset_job(job: tuple[str, int]) -> dict:
    """One deep critical tanh MLP trained on Shapeset-3x2: its test-error curve."""
    from wi_helpers.train import Recorder, train
    label, seed = job
    s = SETTINGS["shapeset"]
    X, y, X_te, y_te = _shapeset()
    cp = iso.critical_point("tanh", s["q_star"])
    net = MLP([s["size"] ** 2] + [s["width"]] * s["depth"] + [9], activation="tanh",
              init=s["inits"][label], gain=math.sqrt(cp.sigma_w2), bias_std=math.sqrt(cp.sigma_b2),
              output_activation="linear", seed=seed, dtype="float32")
    h = train(net, X, y, X_test=X_te, y_test=y_te, lr=s["lr"], batch_size=s["batch_size"],
              n_updates=s["n_updates"], rng=np.random.default_rng(100 + seed),
              record_every=s["n_updates"], eval_every=s["eval_every"],
              recorder=Recorder(X_te[:20], y_te[:20]), progress=False)
    return {"eval_update": h.eval_update.tolist(),
            "test_error": [round(100 * float(e), 2) for e in h.test_error],
            "seconds": round(h.seconds, 1)}


def _jobs(part: str) -> list[tuple]:
    s = SETTINGS[part]
    if part == "saxe":
        return [(i, d, k) for d in s["depths"] for k in range(s["seeds"]) for i in s["inits"]]
    if part == "spectrum":
        return [(a, i, d, k) for a, i in s["cases"] for d in s["depths"] for k in range(s["draws"])]
    return [(label, k) for k in range(s["seeds"]) for label in s["inits"]]


FUNCS = {"saxe": saxe_job, "spectrum": spectrum_job, "shapeset": shapeset_job}


def run_part(part: str, jobs: int, argv: list[str]) -> None:
    """Run one part, resuming from its file when the settings match; write after every run."""
    path = REPO / "data" / OUT[part]
    doc = {"settings": SETTINGS[part], "runs": {}, "wall_seconds": 0.0}
    if path.exists():
        old = json.loads(path.read_text())
        if old.get("settings") == json.loads(json.dumps(SETTINGS[part])):
            doc = old
    todo = [j for j in _jobs(part) if _key(j) not in doc["runs"]]
    done = len(_jobs(part)) - len(todo)
    doc["command"] = "python scripts/isometry_runs.py " + " ".join(argv)
    doc["jobs"] = jobs

    def keep(job, result):
        doc["runs"][_key(job)] = result
        path.write_text(json.dumps(doc, indent=1) + "\n")

    print(f"{part}: {len(todo)} runs to do -> {path.relative_to(REPO)}", flush=True)
    wall = run_jobs(FUNCS[part], todo, n_jobs=jobs, on_result=keep, skipped=done,
                    label=lambda j, r: f"{_key(j):<28} {json.dumps(r)[:60]}")
    doc["wall_seconds"] = round(doc.get("wall_seconds", 0.0) + wall, 1)
    path.write_text(json.dumps(doc, indent=1) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Run the chosen parts."""
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--part", choices=["saxe", "spectrum", "shapeset", "all"], default="all")
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args(argv)
    for part in (["saxe", "spectrum", "shapeset"] if args.part == "all" else [args.part]):
        run_part(part, args.jobs, argv)


if __name__ == "__main__":
    main()
