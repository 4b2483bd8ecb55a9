"""Notebook 05: a learner's edits (see README.md in this folder)."""
VARIANTS = {
    "seed and a shallower, slower depth experiment": [
        ("SEED = 1701", "SEED = 7"),
        ("depth_settings = DEPTH_SETTINGS",
         "depth_settings = replace(DEPTH_SETTINGS, hidden=(24,) * 10, lr=0.05, n_seeds=2)"),
    ],
    "another sigmoid network and rate": [
        ("fig2_settings = FIG2_SETTINGS",
         "fig2_settings = replace(FIG2_SETTINGS, lr=0.03, hidden=(96,) * 5, n_seeds=2)"),
    ],
}
