"""Learner edits for notebook 02 (format: tests/tinker/README.md)."""

VARIANTS = {
    "seed, width, depth, weights and batch": [
        ("SEED = 1701", "SEED = 7"),
        ("FAN, DEPTH, BATCH = 256, 5, 512", "FAN, DEPTH, BATCH = 320, 3, 200"),
        ("WEIGHT_STD = 1.0", "WEIGHT_STD = 0.5"),
    ],
    "two hidden layers, another learning rate": [
        ("sizes = [16 * 16, 100, 100, 100, 100, 9]", "sizes = [16 * 16, 100, 100, 9]"),
        ("LR, N_UPDATES = 0.3, 1000", "LR, N_UPDATES = 0.1, 300"),
    ],
}
