"""Learner edits for 10_residual_normalization.ipynb (see README.md)."""
VARIANTS = {
    "seed, width, batch, depths and draws": [
        ("SEED = 1701", "SEED = 7"),
        ("width, batch, draws, depths = 256, 128, 3, (4, 16, 64)",
         "width, batch, draws, depths = 128, 64, 2, (3, 10, 40)"),
        ("ln_depths, ln_batch = (6, 24, 96), 64", "ln_depths, ln_batch = (4, 16), 32"),
        ("bn_depth, bn_batch = 30, 128", "bn_depth, bn_batch = 12, 32"),
        ("sh_depths, sh_points = (1, 4, 12, 24, 50), 256", "sh_depths, sh_points = (2, 8), 64"),
    ],
}
