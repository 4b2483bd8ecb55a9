"""Learner edits for 08_orthogonal_isometry.ipynb (see README.md)."""
VARIANTS = {
    "seed, width, depths and draws": [
        ("SEED = 1701", "SEED = 7"),
        ("width_sp, draws, depths_sp = 200, 3, (8, 32)", "width_sp, draws, depths_sp = 120, 2, (6, 20)"),
        ("depths_lin, seeds = (4, 16, 64), (0, 1, 2)", "depths_lin, seeds = (3, 12, 40), (5, 6)"),
    ],
    "activation point, depth, learning rate and steps": [
        ('cases = [("linear", 1.0), ("relu", 1.0), ("hard_tanh", 0.5), ("tanh", 0.5)]',
         'cases = [("relu", 1.0), ("tanh", 0.25), ("hard_tanh", 1.0)]'),
        ("q_grid, L_q = (1 / 64, 0.05, 0.25, 1.0, 2.0), 32", "q_grid, L_q = (0.1, 0.5, 1.0), 12"),
        ("L_tr, q_tr, n_steps, seeds_tr, lr_tr = 32, 0.05, 300, (0, 1, 2), 0.05",
         "L_tr, q_tr, n_steps, seeds_tr, lr_tr = 16, 0.25, 60, (4,), 0.1"),
    ],
}
