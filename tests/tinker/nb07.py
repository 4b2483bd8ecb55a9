"""A learner's edits to notebook 07 (format: tests/tinker/README.md)."""

VARIANTS = {
    "seed, depth and the training depths": [
        ("SEED = 1701", "SEED = 7"),
        ("depth, width, batch = 30, 256, 128", "depth, width, batch = 10, 256, 128"),
        ("DEPTHS = (30, 14)", "DEPTHS = (24, 10)"),
        ("t_in, t_out, t_k = 32, 64, 3", "t_in, t_out, t_k = 16, 48, 5"),
    ],
}
