"""A learner's edits of notebook 06 (the explorer): see tests/tinker/README.md."""

VARIANTS = {
    # another seed, width and depth for the table; a milder weight scale for the overflow
    # example (std 2: nothing overflows, the first-layer searches find none)
    "seed, width, depth and std": [("SEED = 1701", "SEED = 7"),
                                   ("width, depth = 256, 10", "width, depth = 320, 12"),
                                   ("deep_depth, deep_std = 80, 10.0", "deep_depth, deep_std = 60, 2.0")],
    # another activation name and depth in the overflow example; a dashboard preset in capitals
    "activation and names": [("deep_depth, deep_std = 80, 10.0", "deep_depth, deep_std = 90, 10.0"),
                             ('histogram_dashboard(init="standard",',
                              'histogram_dashboard(init="Standard", activation="TANH",')],
}
