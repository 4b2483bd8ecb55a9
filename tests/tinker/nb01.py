"""A learner's edits to notebook 01 (see README.md in this folder)."""

VARIANTS = {
    "seed, widths, depths and batches": [
        ("SEED = 1701", "SEED = 7"),
        ("depth = 8", "depth = 12"),
        ("WIDTH, DEPTH = 256, 30", "WIDTH, DEPTH = 320, 12"),
        ("batch=64", "batch=200"),
        ("grad_width, grad_depth, grad_batch = 256, 10, 64",
         "grad_width, grad_depth, grad_batch = 320, 12, 200"),
        ("explode_width, explode_batch = 100, 32", "explode_width, explode_batch = 150, 64"),
        ("sym_sizes, sym_updates = [256, 20, 20, 9], 300",
         "sym_sizes, sym_updates = [256, 32, 9], 200"),
    ],
    "other sweeps, a float32 net too shallow to overflow, ReLU": [
        ("linear_scales = [0.8, 1.0, 1.25]", "linear_scales = [0.5, 0.9, 1.1, 1.5]"),
        ("tanh_scales = [0.8, 1.0, 2.0]", "tanh_scales = [0.5, 1.5]"),
        ("explode_depth = {np.float64: 320, np.float32: 60}",
         "explode_depth = {np.float64: 100, np.float64: 20}"),
        ('for act in ("tanh", "sigmoid", CENTRED_SIGMOID):',
         'for act in ("relu", "sigmoid", CENTRED_SIGMOID):'),
        ('activation="linear",\n                   width=256', 'activation="tanh",\n                   width=256'),
    ],
}
