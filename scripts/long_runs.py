"""The long training runs behind the stored figures of notebook 05 (Glorot & Bengio 2010, Table 1).

    python scripts/long_runs.py [--jobs 2] [--updates N] [--out data/05_long_runs.npz]

Trains one network per row of Table 1 (`wi_helpers.train.TABLE1_RUNS`: sigmoid, tanh and
softsign, standard and normalized init) with the settings `SETTINGS["long"]` (5 hidden layers
of 256 units, 40,000 updates of 10 examples, lr 0.1), exactly as notebook 05 does with
MODE = "long", and saves every History, compressed, in one .npz file (`save_histories`),
with the settings as JSON next to it. Same settings, same numbers: every generator is seeded.

Running time: 2-3 minutes per run on an idle machine (5 runs). The stored file was made with
--jobs 2 on a busy shared 2-core machine (load average 5-6) in about 21 minutes.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # batch-10 matmuls gain nothing from threads

from wi_helpers.train import SETTINGS, TABLE1_RUNS, run_table1, save_histories  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _one(args: tuple[str, dataclasses.dataclass]) -> tuple[str, object, float]:
    name, settings = args
    t0 = time.perf_counter()
    hist = run_table1(settings, names=[name], progress=False)[name]
    return name, hist, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    """Run every configuration and save the histories."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=SETTINGS["long"].n_updates)
    parser.add_argument("--jobs", type=int, default=1, help="runs trained in parallel processes")
    parser.add_argument("--out", default=str(REPO / "data" / "05_long_runs.npz"))
    args = parser.parse_args(argv)
    settings = SETTINGS["long"]
    if args.updates != settings.n_updates:
        every = max(1, args.updates // 40)
        settings = dataclasses.replace(settings, n_updates=args.updates, record_every=every,
                                       eval_every=every)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for name, hist, seconds in pool.map(_one, [(n, settings) for n in TABLE1_RUNS]):
            print(f"{name:<11} test error {100 * hist.final_test_error:5.1f}%  ({seconds:.0f} s)",
                  flush=True)
            done[name] = hist
            # Saved after every run, so that an interrupted job keeps what it finished.
            save_histories(out, done)
    cfg = {**dataclasses.asdict(settings), "runs": {n: list(r) for n, r in TABLE1_RUNS.items()},
           "command": "python scripts/long_runs.py " + " ".join(sys.argv[1:] if argv is None else argv)}
    out.with_suffix(".json").write_text(json.dumps(cfg, indent=1) + "\n")


if __name__ == "__main__":
    main()
