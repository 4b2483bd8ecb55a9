"""Runs that test two explanations of notebook 05, stored in data/05_explanations.json.

    python scripts/explanation_runs.py [--jobs 2] [--out data/05_explanations.json]

(a) "The sigmoid's non-zero mean is the root of the top layer's saturation" (their Fig. 2):
    the live sigmoid run of the notebook (`FIG2_SETTINGS`: the short network, lr 0.1) again,
    with the centred sigmoid sigmoid(z) - 1/2 (`lessons.nb03.CENTRED_SIGMOID`), same seeds,
    same learning rate; and both again with every layer's weights multiplied by 4
    (`MLP(gain=4)`), which gives the centred sigmoid (slope 1/4 at 0) a gain of about 1 per
    layer, so that its top layer carries a signal whose drift can be seen.
(b) Why does layer 1 of Tanh N saturate? The Tanh N row of the short mode with centred or raw
    inputs, at learning rates 0.03 (the chosen one) and 0.01.
Every setting with seeds 0-2 of the notebook (`run_seed`). Per run it stores, per hidden layer,
the activation mean, standard deviation and saturated fraction at update 0 and at the end, and
the test error (mean of the last 5 evaluations). Wall time with --jobs 2: about half a minute
(printed at the end and stored in the file).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process

from wi_helpers.lessons.nb03 import CENTRED_SIGMOID  # noqa: E402
from wi_helpers.train import final_errors  # noqa: E402
from wi_helpers.lessons.nb05 import (SETTINGS, TABLE1_RUNS, run_seed,  # noqa: E402
                                     shapeset_data, train_one)

REPO = Path(__file__).resolve().parents[1]
N_SEEDS = 3
# key -> (Table 1 row whose seeds are used, activation, init, centred inputs, learning rate,
#         weight gain)
SETUPS = {
    "sigmoid": ("Sigmoid", "sigmoid", "standard", True, 0.1, 1.0),
    "centred sigmoid": ("Sigmoid", "centred_sigmoid", "standard", True, 0.1, 1.0),
    "sigmoid, gain 4": ("Sigmoid", "sigmoid", "standard", True, 0.1, 4.0),
    "centred sigmoid, gain 4": ("Sigmoid", "centred_sigmoid", "standard", True, 0.1, 4.0),
    "Tanh N, centred, lr 0.03": ("Tanh N", "tanh", "glorot_uniform", True, 0.03, 1.0),
    "Tanh N, centred, lr 0.01": ("Tanh N", "tanh", "glorot_uniform", True, 0.01, 1.0),
    "Tanh N, raw, lr 0.03": ("Tanh N", "tanh", "glorot_uniform", False, 0.03, 1.0),
    "Tanh N, raw, lr 0.01": ("Tanh N", "tanh", "glorot_uniform", False, 0.01, 1.0),
}
_DATA: dict = {}


def _job(job: tuple[str, int]) -> tuple[str, int, dict]:
    key, s = job
    row, act, init, centre, lr, gain = SETUPS[key]
    settings = replace(SETTINGS["short"], centre=centre)
    if centre not in _DATA:  # once per worker process
        _DATA[centre] = shapeset_data(settings)
    seed, order_seed = run_seed(settings, list(TABLE1_RUNS).index(row), s)
    activation = CENTRED_SIGMOID if act == "centred_sigmoid" else act
    h = train_one(settings, activation, init, lr, seed=seed, order_seed=order_seed,
                  data=_DATA[centre], gain=gain)
    r = lambda a: [round(float(v), 5) for v in a]  # noqa: E731  (5 digits: small JSON)
    return key, s, {"h_mean": [r(m) for m in h.h_mean], "update": [int(u) for u in h.update],
                    "h_mean_0": r(h.h_mean[0]), "h_mean_end": r(h.h_mean[-1]),
                    "h_std_0": r(h.h_std[0]), "h_std_end": r(h.h_std[-1]),
                    "saturation_0": r(h.saturation[0]), "saturation_end": r(h.saturation[-1]),
                    "test_error": round(float(final_errors([h])[0]), 3)}


def main(argv: list[str] | None = None) -> int:
    """Run every setup with every seed, in parallel processes, and write the JSON file."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", type=Path, default=REPO / "data" / "05_explanations.json")
    args = p.parse_args(argv)
    jobs = [(key, s) for key in SETUPS for s in range(N_SEEDS)]
    t0 = time.perf_counter()
    out: dict = {key: [None] * N_SEEDS for key in SETUPS}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for i, (key, s, res) in enumerate(pool.map(_job, jobs), 1):
            out[key][s] = res
            print(f"[{i}/{len(jobs)}] {key} seed {s}: test error {res['test_error']:.1f}%, "
                  f"saturated % layer 1 {100 * res['saturation_end'][0]:.1f}", file=sys.stderr)
    wall = time.perf_counter() - t0
    doc = {"settings": SETTINGS["short"].describe(), "setups": {k: list(v) for k, v in SETUPS.items()},
           "wall_seconds": round(wall, 1), "runs": out}
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {args.out} in {wall:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
