"""He et al. (2015) Fig. 2 in small, stored for notebook 07: 22-layer ReLU MLPs, He against Glorot.

    python scripts/he_depth22_runs.py [--jobs 2] [--out data/07_he_depth22.json]

Notebook 07 trains 30- and 14-layer networks live; at 22 layers the Glorot network needs
thousands of updates to leave chance, beyond the notebook's budget, so these runs are stored.
Setup as notebook 07's live experiment (ReLU MLPs of width 64 on Shapeset-3x2 at 16 x 16, inputs
centred and scaled with training statistics, plain SGD on minibatches of 64, softmax and NLL),
with 22 hidden layers, learning rate 0.1 for both inits, 20,000 updates and 5 seeds per init;
the test error is evaluated every 500 updates. Every generator is seeded.

Wall time with --jobs 2 on this 2-core machine: about 2 minutes (10 runs of about 25 s).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402

from scripts._pool import run_jobs  # noqa: E402
from wi_helpers import MLP  # noqa: E402
from wi_helpers.shapeset import make_shapeset  # noqa: E402
from wi_helpers.train import Recorder, input_statistics, train  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SETTINGS = dict(depth=22, width=64, size=16, n_train=4000, n_test=600, lr=0.1, batch_size=64,
                n_updates=20_000, eval_every=500, seeds=5, data_seed=2015,
                inits={"Xavier/Glorot": "glorot_normal", "He": "he_normal"})
_DATA: dict = {}


def _data():
    if "d" not in _DATA:  # once per worker process
        s = SETTINGS
        rng = np.random.default_rng(s["data_seed"])
        X, y = make_shapeset(s["n_train"], rng=rng, size=s["size"])
        X_te, y_te = make_shapeset(s["n_test"], rng=rng, size=s["size"])
        mean, std = input_statistics(X)
        _DATA["d"] = (((X - mean) / std).astype(np.float32), y,
                      ((X_te - mean) / std).astype(np.float32), y_te)
    return _DATA["d"]


def _job(job: tuple[str, int]) -> dict:
    label, seed = job
    s = SETTINGS
    X, y, X_te, y_te = _data()
    net = MLP([s["size"] ** 2] + [s["width"]] * s["depth"] + [9], activation="relu",
              init=s["inits"][label], output_activation="linear", seed=seed, dtype="float32")
    h = train(net, X, y, X_test=X_te, y_test=y_te, lr=s["lr"], batch_size=s["batch_size"],
              n_updates=s["n_updates"], rng=np.random.default_rng(100 + seed),
              record_every=s["n_updates"], eval_every=s["eval_every"],
              recorder=Recorder(X_te[:20], y_te[:20]), progress=False)
    return {"eval_update": h.eval_update.tolist(),
            "test_error": [round(100 * float(e), 2) for e in h.test_error], "seconds": h.seconds}


def main(argv: list[str] | None = None) -> None:
    """Train every run and store the test-error curves as JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", type=Path, default=REPO / "data" / "07_he_depth22.json")
    args = p.parse_args(argv)
    runs: dict = {label: [None] * SETTINGS["seeds"] for label in SETTINGS["inits"]}

    def keep(job, result):
        runs[job[0]][job[1]] = result

    jobs = [(label, s) for s in range(SETTINGS["seeds"]) for label in SETTINGS["inits"]]
    wall = run_jobs(_job, jobs, n_jobs=args.jobs, on_result=keep,
                    label=lambda j, r: f"{j[0]:<14} seed {j[1]}: final test error "
                                       f"{r['test_error'][-1]:5.1f}%  ({r['seconds']:.0f} s)")
    doc = {"settings": SETTINGS, "wall_seconds": round(wall, 1), "jobs": args.jobs,
           "command": "python scripts/he_depth22_runs.py " + " ".join(sys.argv[1:] if argv is None else argv),
           "runs": runs}
    args.out.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
