"""A learner's edits to notebook 04 (format: tests/tinker/README.md)."""

VARIANTS = {
    "seed, narrowing depth, paper shape and batch": [
        ("SEED = 2010", "SEED = 7"),
        ("sizes = [1024, 512, 256, 128, 64, 32]", "sizes = [1024, 512, 256, 128]"),
        ("[1000] * 5", "[600] * 4"),
        ("make_shapeset(300", "make_shapeset(120"),
        ("[256] * 5", "[128] * 4"),
    ],
}
