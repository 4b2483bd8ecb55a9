"""Tests for wi_helpers.shapeset: the Shapeset-3x2 generator of Glorot & Bengio (2010)."""

import math
import warnings

import numpy as np
import pytest

from wi_helpers import shapeset
from wi_helpers.shapeset import (CLASS_KINDS, CLASS_NAMES, MIN_CONTRAST, SHAPES, composite,
                                 make_shapeset, sample_scene)


@pytest.fixture(scope="module")
def scene():
    """One shared sample of 3000 scenes (about 2000 with two shapes)."""
    return sample_scene(3000, rng=np.random.default_rng(1))


def chi2_sf_even_df(x, df):
    """Survival function of chi-square with an even df (closed form, no SciPy needed)."""
    half = x / 2
    return math.exp(-half) * sum(half**k / math.factorial(k) for k in range(df // 2))


def test_public_constants():
    assert SHAPES == ("triangle", "parallelogram", "ellipse")
    assert CLASS_NAMES == ("triangle", "parallelogram", "ellipse",
                           "triangle+triangle", "parallelogram+parallelogram",
                           "ellipse+ellipse", "triangle+parallelogram", "triangle+ellipse",
                           "parallelogram+ellipse")


@pytest.mark.parametrize("size", [8, 32, 40])
def test_shapes_dtypes_and_range(size):
    X, y = make_shapeset(300, rng=np.random.default_rng(0), size=size)
    assert X.shape == (300, size * size) and X.dtype == np.float32
    assert y.shape == (300,) and np.issubdtype(y.dtype, np.integer)
    assert X.min() >= 0 and X.max() <= 1 and np.isfinite(X).all()
    assert y.min() >= 0 and y.max() <= 8


def test_dtype_float64():
    X, _ = make_shapeset(10, rng=np.random.default_rng(0), dtype=np.float64)
    assert X.dtype == np.float64


def test_classes_uniform():
    # Under uniform classes the Pearson statistic for n=9000 (expected 1000 per class) is
    # chi-square with 8 df; requiring p > 1e-6 (statistic < ~45) almost never fails a
    # correct generator, but catches real bias: e.g. drawing *ordered* pairs uniformly
    # (mixed-pair classes twice as likely) gives a statistic in the thousands.
    _, y = make_shapeset(9000, rng=np.random.default_rng(2024))
    counts = np.bincount(y, minlength=9)
    assert counts.size == 9 and (counts > 0).all()
    stat = ((counts - 1000) ** 2 / 1000).sum()
    assert chi2_sf_even_df(stat, 8) > 1e-6, counts


def test_labels_match_kinds(scene):
    for label, kinds, masks in zip(scene.labels, scene.kinds, scene.masks):
        drawn = tuple(sorted(int(k) for k in kinds if k >= 0))
        assert drawn == tuple(sorted(CLASS_KINDS[label]))
        assert (kinds[1] >= 0) == masks[1].any()  # the second mask exists iff drawn
    # Mixed pairs are drawn in both orders (either kind may be in front).
    mixed = scene.kinds[(scene.kinds[:, 1] >= 0) & (scene.kinds[:, 0] != scene.kinds[:, 1])]
    assert len({tuple(k) for k in mixed}) == 6


def test_mean_area_per_kind_matches_geometry(scene):
    # Ties each kind id to the right shape: the mean pixel area of first shapes (never
    # rejected) must match the expected continuous area for the documented distributions,
    # with E[r^2] for r ~ U(4.8, 9.6) px. 5% is ~4 standard errors for ~1000 shapes.
    lo, hi = (f * 32 for f in shapeset.RADIUS_RANGE)
    mean_r2 = (hi**3 - lo**3) / (3 * (hi - lo))
    mean_rho = 0.75
    sinc = math.sin(math.pi / 9) / (math.pi / 9)  # E[cos j] for j ~ U(-20, 20) degrees
    expected = {
        "triangle": 0.5 * 3 * math.sin(2 * math.pi / 3) * sinc**2 * mean_r2,
        "parallelogram": 2 * mean_rho * (3 / math.pi) * mean_r2,  # E[sin skew] = 3/pi
        "ellipse": math.pi * mean_rho * mean_r2,
    }
    areas = scene.masks[:, 0].sum(axis=(1, 2))
    for kind, name in enumerate(SHAPES):
        mean = areas[scene.kinds[:, 0] == kind].mean()
        assert mean == pytest.approx(expected[name], rel=0.05), name


def test_overlap_bound(scene):
    two = scene.kinds[:, 1] >= 0
    assert two.sum() > 1500
    m1, m2 = scene.masks[two, 0], scene.masks[two, 1]
    both = (m1 & m2).sum(axis=(1, 2))
    a1, a2 = m1.sum(axis=(1, 2)), m2.sum(axis=(1, 2))
    assert (both <= 0.5 * a1).all() and (both <= 0.5 * a2).all()
    assert (both > 0).mean() > 0.1  # the bound is exercised, shapes do touch


def test_minimum_visible_area(scene):
    # Smallest continuous area is ~0.87 * 4.8^2 ~ 20 px^2; allow for rasterization.
    drawn = scene.masks[:, 0].sum(axis=(1, 2))
    assert drawn.min() >= 12
    two = scene.kinds[:, 1] >= 0
    assert scene.masks[two, 1].sum(axis=(1, 2)).min() >= 12
    visible_first = (scene.masks[:, 0] & ~scene.masks[:, 1]).sum(axis=(1, 2))
    assert (2 * visible_first >= drawn).all() and visible_first.min() >= 6


def test_shapes_inside_image(scene):
    size = scene.masks.shape[-1]
    present = np.isfinite(scene.radii)
    assert present.sum() == (scene.kinds >= 0).sum()
    r, c = scene.radii[present], scene.centres[present]
    # The enclosing disc lies in the image ...
    assert (c - r[:, None] >= 0).all() and (c + r[:, None] <= size).all()
    # ... and every pixel of the shape lies in its disc.
    grid = np.arange(size) + 0.5
    for mask, (cx, cy), rad in zip(scene.masks[present], c, r):
        rows, cols = np.nonzero(mask)
        assert (np.hypot(grid[cols] - cx, grid[rows] - cy) <= rad + 1e-6).all()


def test_grey_levels_and_compositing(scene):
    X = composite(scene)[:200]
    g, b = scene.greys[:200], scene.background[:200]
    two = scene.kinds[:200, 1] >= 0
    assert (np.abs(g[:, 0] - b) >= MIN_CONTRAST - 1e-12).all()
    assert (np.abs(g[two, 1] - b[two]) >= MIN_CONTRAST - 1e-12).all()
    assert (np.abs(g[two, 1] - g[two, 0]) >= MIN_CONTRAST - 1e-12).all()
    for i in range(200):
        m1, m2 = scene.masks[i, 0].ravel(), scene.masks[i, 1].ravel()
        assert np.all(X[i][m2] == np.float32(g[i, 1]))  # empty when there is no second shape
        assert np.all(X[i][m1 & ~m2] == np.float32(g[i, 0]))  # second shape occludes
        assert np.all(X[i][~m1 & ~m2] == np.float32(b[i]))


def test_make_shapeset_equals_composited_scene():
    # 1500 images span two internal chunks.
    X, y = make_shapeset(1500, rng=np.random.default_rng(7))
    sc = sample_scene(1500, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(y, sc.labels)
    np.testing.assert_array_equal(X, composite(sc))


def test_determinism():
    X1, y1 = make_shapeset(200, rng=np.random.default_rng(5))
    X2, y2 = make_shapeset(200, rng=np.random.default_rng(5))
    X3, y3 = make_shapeset(200, rng=np.random.default_rng(6))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3) and not np.array_equal(y1, y3)


def test_restart_path(monkeypatch):
    # With one try per round, scenes whose second shape fails are restarted: still valid.
    monkeypatch.setattr(shapeset, "MAX_TRIES", 1)
    sc = sample_scene(300, rng=np.random.default_rng(3))
    two = sc.kinds[:, 1] >= 0
    m1, m2 = sc.masks[two, 0], sc.masks[two, 1]
    both = (m1 & m2).sum(axis=(1, 2))
    assert (2 * both <= np.minimum(m1.sum(axis=(1, 2)), m2.sum(axis=(1, 2)))).all()
    assert m2.any(axis=(1, 2)).all()
    # With no tries at all, the bounded loop gives up loudly instead of spinning.
    monkeypatch.setattr(shapeset, "MAX_TRIES", 0)
    with pytest.raises(RuntimeError, match="second shape"):
        sample_scene(300, rng=np.random.default_rng(3))


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"n": 0}, ValueError, r"n must be a positive integer, got 0"),
    ({"n": -5}, ValueError, r"n must be .*got -5"),
    ({"n": 2.5}, TypeError, r"n must be a positive integer, got 2\.5"),
    ({"n": True}, TypeError, r"n must be a positive integer, got True"),
    ({"n": "10"}, TypeError, r"n must be a positive integer, got '10'"),
    ({"size": 7}, ValueError, r"size must be an integer >= 8 and <= 4096, got 7"),
    ({"size": 32.0}, TypeError, r"size must be an integer .*got 32\.0"),
    ({"rng": 0}, TypeError, r"rng must be a numpy\.random\.Generator.*got 0"),
    ({"rng": None}, TypeError, r"rng must be a numpy\.random\.Generator.*got None"),
    ({"rng": np.random.RandomState(0)}, TypeError, r"rng must be a numpy\.random\.Generator"),
    ({"dtype": np.int32}, TypeError, r"dtype must be a floating-point dtype"),
    ({"n": 10**8}, ValueError, r"n=100000000 .*MiB.*n must be <= \d+"),
    ({"n": 70_000, "size": 32, "dtype": np.float64}, ValueError, r"n=70000 .*256 MiB"),
])
def test_bad_arguments(kwargs, error, pattern):
    args = {"n": 10, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=pattern):
        make_shapeset(args.pop("n"), **args)


def test_memory_bound_for_masks():
    with pytest.raises(ValueError, match=r"n=200000 .*MiB"):
        sample_scene(200_000, rng=np.random.default_rng(0))


def test_no_runtime_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_shapeset(500, rng=np.random.default_rng(11), size=8)
        make_shapeset(500, rng=np.random.default_rng(11), dtype=np.float16)
        sample_scene(200, rng=np.random.default_rng(11), size=64)
