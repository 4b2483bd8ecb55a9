"""Learner edits for notebook 03 (format: tests/tinker/README.md)."""

VARIANTS = {
    "seed, depth, batch and a short SGD run": [
        ("SEED = 1998", "SEED = 7"),
        ("sizes = [256] * 11", "sizes = [320] * 13"),
        ("BATCH = 10", "BATCH = 250"),
        ("N_STEPS = 150", "N_STEPS = 50"),
    ],
}
