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
# MODE = "long" retrains the 15 long runs here (12 minutes); a smaller long network checks
# that path in seconds (the claims then describe another setting and print one line each).
VARIANTS["long mode, a smaller long network"] = [
    ('MODE = "short"', 'MODE = "long"'),
    ('long_settings = SETTINGS["long"]',
     'long_settings = replace(SETTINGS["long"], hidden=(32,) * 5, n_updates=2000, '
     'n_train=3000, n_test=500, n_seeds=2)'),
]
