"""A learner's edits to notebook 00 (see README.md in this folder)."""

VARIANTS = {
    "seed, sizes, activation and batch": [
        ("SEED = 1701", "SEED = 7"),
        ('[64, 64, 64, 10], activation="tanh"', '[64, 128, 32, 32, 10], activation="relu"'),
        ("batch=128", "batch=200"),
        ("depth=10, width=256", "depth=12, width=320"),
        ("fan_in, depth_std = 256, 10", "fan_in, depth_std = 320, 12"),
    ],
}
