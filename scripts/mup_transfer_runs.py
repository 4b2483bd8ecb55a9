"""Learning-rate transfer across width, SP against μP, stored for notebook 11.

    python scripts/mup_transfer_runs.py [--jobs 1] [--out data/11_mup_transfer.json]

A two-hidden-layer tanh student of width 64 ... 1024 learns a fixed random tanh teacher
(`wi_helpers.parametrization.teacher_loss`: online SGD, batch 32, 200 steps, inputs of
dimension 16) at every learning rate of a half-octave grid, under the standard
parametrization and under μP (Tensor Programs V's SGD table), with 2 seeds. Stored: the final
training loss of every run (null when it diverged) and the wall time. Resumes: runs already in
--out are kept and not trained again. Every generator is seeded.

Wall time: 319 s with --jobs 2 on this shared 2-core machine (460 runs; the width-1024 runs
take most of it); expect about 8-10 minutes with --jobs 1.
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
from wi_helpers.parametrization import teacher_loss  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SETTINGS = dict(widths=[64, 128, 256, 512, 1024], log2_lrs=[x / 2 for x in range(-16, 7)],
                seeds=[0, 1], steps=200, batch=32, d_in=16, teacher_width=32,
                parametrizations=["sp", "mup"])


def _key(job) -> str:
    p, n, k, s = job
    return f"{p}|{n}|{k}|{s}"


def _job(job) -> float | None:
    p, n, k, s = job
    st = SETTINGS
    loss = teacher_loss(p, n, 2.0 ** k, s, steps=st["steps"], batch=st["batch"],
                        d_in=st["d_in"], teacher_width=st["teacher_width"])
    return None if not np.isfinite(loss) else round(loss, 5)


def main(argv: list[str] | None = None) -> None:
    """Train every missing run and store the final losses as JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--out", type=Path, default=REPO / "data" / "11_mup_transfer.json")
    args = p.parse_args(argv)
    doc = {"settings": SETTINGS, "runs": {}, "wall_seconds": 0.0}
    if args.out.exists():
        old = json.loads(args.out.read_text())
        if old.get("settings") == SETTINGS:
            doc = old
    st = SETTINGS
    jobs = [(q, n, k, s) for n in st["widths"][::-1] for q in st["parametrizations"]
            for k in st["log2_lrs"] for s in st["seeds"]]
    todo = [j for j in jobs if _key(j) not in doc["runs"]]

    def keep(job, result):
        doc["runs"][_key(job)] = result

    try:
        wall = run_jobs(_job, todo, n_jobs=args.jobs, on_result=keep,
                        skipped=len(jobs) - len(todo),
                        label=lambda j, r: f"{j[0]:>3} width {j[1]:>4} lr 2^{j[2]:+.1f} "
                                           f"seed {j[3]}: loss {r}")
    finally:  # an interrupted call keeps what it trained (resume)
        doc["wall_seconds"] = round(doc["wall_seconds"] + (locals().get("wall") or 0), 1)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=0, sort_keys=True) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
