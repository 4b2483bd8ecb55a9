"""Learner edits for 11_width_mup.ipynb (see README.md)."""
VARIANTS = {
    "seed, widths, seeds, steps and learning rate": [
        ("SEED = 1701", "SEED = 7"),
        ("widths = (64, 128, 256, 512, 1024, 2048, 4096)", "widths = (32, 100, 300)"),
        ("seeds, n_steps, lr = (0, 1, 2), 3, 0.5", "seeds, n_steps, lr = (5,), 1, 0.1"),
        ("K, width_loss = 10, 1024", "K, width_loss = 3, 50"),
    ],
}
