VARIANTS = {
    "seed, widths, depths and the live budget": [
        ("SEED = 1701", "SEED = 7"),
        ("WIDTH, DRAWS, DEPTH, DELTA = 1000, 3, 30, 0.05",
         "WIDTH, DRAWS, DEPTH, DELTA = 400, 2, 24, 0.05"),
        ("LIVE_W2, LIVE_DEPTH, LIVE_UPDATES = (1.0, 1.76, 4.0), 40, 300",
         "LIVE_W2, LIVE_DEPTH, LIVE_UPDATES = (1.2, 2.0), 12, 100"),
        ("LSUV_WIDTH, LSUV_DEPTH, BATCH = 256, 20, 512", "LSUV_WIDTH, LSUV_DEPTH, BATCH = 64, 5, 100"),
        ("WIDTH_INIT = 256", "WIDTH_INIT = 320"),
    ],
    "other points and bias": [
        ("SIGMA_B2 = 0.05", "SIGMA_B2 = 0.2"),
        ("POINTS = [1.5, 2.5, 4.0]  # sigma_w^2", "POINTS = [1.2, 3.0]  # sigma_w^2"),
    ],
}
