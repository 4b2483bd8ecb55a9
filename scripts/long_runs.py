"""The long training runs behind the stored figures of notebook 05 (Glorot & Bengio 2010, Table 1).

    python scripts/long_runs.py [--jobs 2] [--out data/05_long_runs.npz] [--rates-from-search]

Trains `SETTINGS["long"].n_seeds` networks per row of Table 1 (`wi_helpers.lessons.nb05.TABLE1_RUNS`:
sigmoid, tanh and softsign, standard and normalized init) with the settings `SETTINGS["long"]`
(5 hidden layers of 256 units, 40,000 updates of 10 examples, centred and scaled inputs, the
learning rate of each row chosen on validation images by `scripts/lr_search.py --mode long`:
`LEARNING_RATES["long"]`, or with --rates-from-search the choices stored in
data/05_lr_search.json, which the code's table must then be given), exactly as notebook
05 does with MODE = "long", and saves every History, compressed, in one .npz file
(`save_histories`, keys 'Tanh N#0', ...) with the settings as JSON next to it. Same settings,
same numbers: every generator is seeded.

Runs are independent: `--jobs` processes train them in parallel, one BLAS thread each. Each
finished run is saved at once; started again, the script keeps the runs already stored
(when the stored JSON has the same settings) and trains only the missing ones.

Each finished run prints a line with the elapsed time and an estimate of the time left.
Wall time with --jobs 2 on an idle 2-core machine: about 5-10 minutes for the 15 runs; the
JSON file records the measured time (printed at the end).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # batch-10 matmuls gain nothing from threads

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts._pool import run_jobs  # noqa: E402
from wi_helpers.train import final_errors, load_histories, save_histories, seed_key  # noqa: E402
from wi_helpers.lessons.nb05 import (SETTINGS, TABLE1_RUNS, run_seed,  # noqa: E402
                                     shapeset_data, train_one)

REPO = Path(__file__).resolve().parents[1]
_DATA: dict = {}


def _job(job: tuple[str, int, float]):
    name, s, lr = job
    settings = SETTINGS["long"]
    if "long" not in _DATA:  # once per worker process
        _DATA["long"] = shapeset_data(settings)
    seed, order_seed = run_seed(settings, list(TABLE1_RUNS).index(name), s)
    return train_one(settings, *TABLE1_RUNS[name], lr, seed=seed,
                     order_seed=order_seed, data=_DATA["long"])


def config(settings, rates: dict[str, float] | None = None) -> dict:
    """What the stored file depends on: settings, runs and learning rates (as JSON reads it
    back: tuples become lists, so that a stored config compares equal)."""
    rates = {n: settings.lr_for(n) for n in TABLE1_RUNS} if rates is None else rates
    cfg = {**dataclasses.asdict(settings), "runs": {n: list(r) for n, r in TABLE1_RUNS.items()},
           "learning_rates": {n: float(rates[n]) for n in TABLE1_RUNS}}
    return json.loads(json.dumps(cfg))


def main(argv: list[str] | None = None) -> None:
    """Train every missing run and save the histories after each one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="runs trained in parallel processes")
    parser.add_argument("--out", default=str(REPO / "data" / "05_long_runs.npz"))
    parser.add_argument("--rates-from-search", action="store_true",
                        help="use the long search's stored choices, not LEARNING_RATES['long']")
    args = parser.parse_args(argv)
    settings = SETTINGS["long"]
    rates = {n: settings.lr_for(n) for n in TABLE1_RUNS}
    if args.rates_from_search:
        search = json.loads((REPO / "data" / "05_lr_search.json").read_text())
        rates = {n: float(search["chosen"]["table1_long"][n]) for n in TABLE1_RUNS}
        print(f"learning rates from the search: {rates}", flush=True)
    out = Path(args.out)
    meta_path = out.with_suffix(".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    cfg = config(settings, rates)
    done = {}
    if out.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("config") == cfg:
            done = load_histories(out)
        else:
            print(f"{out} was made with other settings: training every run afresh", flush=True)
    jobs = [(name, s, rates[name]) for s in range(settings.n_seeds) for name in TABLE1_RUNS]
    todo = [j for j in jobs if seed_key(*j[:2]) not in done or done[seed_key(*j[:2])].interrupted]
    meta = {"config": cfg, "describe": settings.describe(), "complete": False,
            "command": "python scripts/long_runs.py " + " ".join(sys.argv[1:] if argv is None else argv)}
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")

    def save(job, hist) -> None:
        done[seed_key(*job[:2])] = hist
        save_histories(out, dict(sorted(done.items())))

    wall = run_jobs(_job, todo, n_jobs=args.jobs, on_result=save, skipped=len(jobs) - len(todo),
                    label=lambda j, h: f"{seed_key(*j[:2]):<13} test error {final_errors([h])[0]:5.1f}%  "
                                       f"({h.seconds:.0f} s)")
    meta.update(complete=len(done) == len(jobs), wall_seconds=round(wall, 1), jobs=args.jobs,
                runs_trained=len(todo))  # this call: a resumed call trains only the missing runs
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
