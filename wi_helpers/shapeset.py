"""Shapeset-3x2 (Glorot & Bengio, 2010): a fast, pure-NumPy generator.

Each image is a ``size x size`` grey image (default 32x32) holding one or two shapes
among triangle, parallelogram and ellipse. The label says which shapes are present,
ignoring order: 9 classes, listed in ``CLASS_NAMES`` (3 single shapes, then the 6
unordered pairs TT, PP, EE, TP, TE, PE). The paper's stream is endless; here you ask
for ``n`` images at a time with ``make_shapeset(n, rng=...)``.

What exactly is generated (our precise reading of the paper's description):

* Class: drawn uniformly among the 9, so class counts are multinomial(n, 1/9).
  For a mixed pair (e.g. triangle+ellipse) the drawing order is a fair coin flip,
  so either kind may be the one in front.
* Coordinates: continuous, in pixel units, with pixel (row i, column j) centred at
  ``(x, y) = (j + 0.5, i + 0.5)``. ``X`` is flattened row-major: ``X[k, i*size + j]``.
* Size: every shape fits in a disc of radius ``r`` around its centre, with ``r``
  uniform in ``RADIUS_RANGE`` = [0.15, 0.30] x ``size`` (4.8 to 9.6 px at 32x32).
  - ellipse: semi-axes ``r`` and ``rho*r``;
  - parallelogram: half-diagonals of lengths ``r`` and ``rho*r`` meeting at an
    angle uniform in [60, 120] degrees;
  - triangle: vertices on the circle of radius ``r`` at angles 0, 120, 240 degrees,
    each jittered by up to +-20 degrees (so triangles vary in shape, none is flat);
  with aspect ratio ``rho`` uniform in ``ASPECT_RANGE`` = [0.5, 1].
  The smallest continuous area is about 0.87 r^2 (about 20 px^2 at 32x32).
* Rotation: uniform in [0, 360) degrees.
* Position: centre uniform in [r, size - r] on both axes, so the enclosing disc, and
  hence the whole shape, lies inside the image.
* Grey levels: background ``b`` uniform in [0, 1]; each shape's grey level is uniform
  among the values at least ``MIN_CONTRAST`` = 0.2 away from the background and, for
  the second shape, also from the first shape's grey level. (Sampled exactly, without
  rejection, by working on the circle [0, 1) mod 1, where arc distance >= 0.2 implies
  plain distance >= 0.2.)
* Rendering: a pixel belongs to a shape when its centre lies in it (half-plane tests
  for polygons, the quadratic form for ellipses), vectorized over images; no
  anti-aliasing, so images are piecewise constant. The second shape is painted over
  the first (occlusion).
* Overlap bound, measured on those pixel masks: the number of pixels covered by both
  shapes is at most half the pixel area of the first shape AND at most half that of
  the second (i.e. of the smaller one). So at least half of each shape stays visible.
  It is enforced by rejection: the second shape (size, form, rotation, position) is
  redrawn, vectorized over the images that still violate the bound, up to
  ``MAX_TRIES`` times; the rare leftovers get a whole new scene, at most
  ``MAX_RESTARTS`` times, after which a RuntimeError is raised (never seen in practice).

Lower level: ``sample_scene`` returns a ``Scene`` with the per-shape kinds, grey
levels, boolean masks, centres and enclosing radii (used by the tests to check labels,
areas, overlap and containment); ``composite`` turns a scene into images, and
``make_shapeset(n, rng=g)`` equals ``composite(sample_scene(n, rng=g2))`` when ``g2``
starts in the same state as ``g``.

Speed: about 0.25-0.3 s for 10,000 images of 32x32 on a 2-core machine
(``python -m wi_helpers.shapeset`` prints the timing).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Iterator, NamedTuple

import numpy as np
import numpy.typing as npt

from .validation import check_int, check_rng

SHAPES = ("triangle", "parallelogram", "ellipse")

# Class id -> kinds drawn (indices into SHAPES): singles first, then TT, PP, EE, TP, TE, PE.
CLASS_KINDS = ((0,), (1,), (2,), (0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2))
CLASS_NAMES = tuple("+".join(SHAPES[k] for k in kinds) for kinds in CLASS_KINDS)
N_CLASSES = len(CLASS_NAMES)

RADIUS_RANGE = (0.15, 0.30)  # enclosing-disc radius, as a fraction of the image side
ASPECT_RANGE = (0.5, 1.0)  # minor/major ratio; >= 0.5 keeps every shape recognisable
MIN_CONTRAST = 0.2  # <= 0.25 is needed for a third distinct grey to always exist
MAX_OVERLAP = 0.5  # overlap pixels <= MAX_OVERLAP * pixels of either shape
MAX_TRIES = 64  # worst first shapes accept ~29% of tries: 64 fail with odds < 1e-9
MAX_RESTARTS = 8  # restarts exist for correctness, not speed; they essentially never run
MAX_BYTES = 256 * 2**20  # refuse outputs (X, or the masks of sample_scene) above 256 MiB
_CHUNK = 1024  # images rendered at once: keeps temporaries (~4 MB each at 32x32) in cache
_CHUNK_BYTES = 16  # bytes per pixel of one chunk's temporaries (2 bool masks, ~3 float32 planes)
MAX_SIZE = 4096  # widest image side accepted (the paper's is 32)

_TRIANGLE_JITTER = np.pi / 9  # +-20 degrees: vertex gaps stay in [80, 160] degrees
_SKEW_RANGE = (np.pi / 3, 2 * np.pi / 3)  # angle between parallelogram diagonals


@dataclass(frozen=True)
class Scene:
    """Everything drawn for ``n`` images; slot 1 is unused (kind -1) for one-shape images."""

    labels: np.ndarray  # (n,) int64 class ids
    kinds: np.ndarray  # (n, 2) int8 indices into SHAPES, -1 = no second shape
    background: np.ndarray  # (n,) float64 grey level
    greys: np.ndarray  # (n, 2) float64 shape grey levels (NaN for an absent shape)
    masks: np.ndarray  # (n, 2, size, size) bool, pixel centres inside each shape
    centres: np.ndarray  # (n, 2, 2) float64 (x, y) of each shape's centre (NaN if absent)
    radii: np.ndarray  # (n, 2) float64 radius of each shape's enclosing disc (NaN if absent)


class _Geometry(NamedTuple):
    """Per-shape parameters, all arrays of length m (jitter is (m, 3))."""

    cx: np.ndarray
    cy: np.ndarray
    radius: np.ndarray
    angle: np.ndarray
    aspect: np.ndarray
    skew: np.ndarray
    jitter: np.ndarray


def _check_args(n: object, rng: object, size: object, mask_bytes_per_image: int,
                itemsize: int) -> None:
    """Raise TypeError/ValueError naming the parameter, the value and what is allowed."""
    n = check_int("n", n, min=1)
    size = check_int("size", size, min=8, max=MAX_SIZE)
    check_rng("rng", rng)
    pixels = size * size
    # Output (and masks), plus the temporaries of one rendered chunk: two boolean masks and
    # about three float32 planes per image (measured peak of _sample_chunk at 32x32).
    nbytes = n * pixels * (itemsize + mask_bytes_per_image) + min(n, _CHUNK) * pixels * _CHUNK_BYTES
    if nbytes > MAX_BYTES:
        per_image = pixels * (itemsize + mask_bytes_per_image + _CHUNK_BYTES)
        most = MAX_BYTES // per_image
        if most < 1:
            raise ValueError(f"size={size} needs {per_image / 2**20:.0f} MiB for a single image, "
                             f"over the {MAX_BYTES // 2**20} MiB limit; use a smaller size "
                             "(the paper's images are 32x32)")
        raise ValueError(f"n={n} at size={size} would need {nbytes / 2**20:.0f} MiB, over "
                         f"the {MAX_BYTES // 2**20} MiB limit; n must be <= {most} "
                         "(generate in several calls)")


def _sample_geometry(m: int, rng: np.random.Generator, size: int) -> _Geometry:
    """Draw m shapes' parameters (all kinds' parameters are drawn; each kind uses its own)."""
    radius = rng.uniform(*RADIUS_RANGE, m) * size
    # Centre at least `radius` from every border: the enclosing disc stays inside the image.
    cx = radius + rng.random(m) * (size - 2 * radius)
    cy = radius + rng.random(m) * (size - 2 * radius)
    return _Geometry(cx, cy, radius, rng.uniform(0, 2 * np.pi, m), rng.uniform(*ASPECT_RANGE, m),
                     rng.uniform(*_SKEW_RANGE, m),
                     rng.uniform(-_TRIANGLE_JITTER, _TRIANGLE_JITTER, (m, 3)))


def _polygon_masks(vx: np.ndarray, vy: np.ndarray, size: int) -> np.ndarray:
    """(m, size, size) masks of convex polygons with counter-clockwise vertices (m, k)."""
    grid = np.arange(size, dtype=np.float32) + np.float32(0.5)
    vx, vy = vx.astype(np.float32), vy.astype(np.float32)
    inside = np.ones((len(vx), size, size), dtype=bool)
    for k in range(vx.shape[1]):
        ex = np.roll(vx, -1, axis=1)[:, k] - vx[:, k]
        ey = np.roll(vy, -1, axis=1)[:, k] - vy[:, k]
        # Left of edge k: ex*(y - vy) - ey*(x - vx) >= 0, split into a row term (m, size, 1)
        # and a column term (m, 1, size) so only the comparison is full size.
        rows = ex[:, None] * grid + (ey * vx[:, k] - ex * vy[:, k])[:, None]
        inside &= rows[:, :, None] >= (ey[:, None] * grid)[:, None, :]
    return inside


def _ellipse_masks(g: _Geometry, size: int) -> np.ndarray:
    """(m, size, size) masks of rotated ellipses via the quadratic form q(d) <= 1."""
    grid = np.arange(size, dtype=np.float32) + np.float32(0.5)
    cos, sin = np.cos(g.angle), np.sin(g.angle)
    inv_a2, inv_b2 = 1 / g.radius**2, 1 / (g.aspect * g.radius) ** 2
    qa = (cos**2 * inv_a2 + sin**2 * inv_b2).astype(np.float32)[:, None, None]
    qb = (2 * cos * sin * (inv_a2 - inv_b2)).astype(np.float32)[:, None, None]
    qc = (sin**2 * inv_a2 + cos**2 * inv_b2).astype(np.float32)[:, None, None]
    dx = grid[None, None, :] - g.cx.astype(np.float32)[:, None, None]  # (m, 1, size)
    dy = grid[None, :, None] - g.cy.astype(np.float32)[:, None, None]  # (m, size, 1)
    return (qa * dx**2 - 1) + dy * (qc * dy + qb * dx) <= 0


def _render(kinds: np.ndarray, g: _Geometry, size: int) -> np.ndarray:
    """(m, size, size) masks for shapes of the given kinds (0, 1, 2 = SHAPES order)."""
    out = np.zeros((len(kinds), size, size), dtype=bool)
    for kind in range(len(SHAPES)):
        idx = np.flatnonzero(kinds == kind)
        if idx.size == 0:
            continue
        s = _Geometry(*(a[idx] for a in g))
        if kind == 2:
            out[idx] = _ellipse_masks(s, size)
            continue
        if kind == 0:  # three jittered vertices on the circle
            theta = s.angle[:, None] + 2 * np.pi / 3 * np.arange(3) + s.jitter
            rad = s.radius[:, None] * np.ones(3)
        else:  # parallelogram: half-diagonals r and aspect*r, `skew` apart
            theta = s.angle[:, None] + np.stack([0 * s.skew, s.skew, np.pi + 0 * s.skew,
                                                 np.pi + s.skew], axis=1)
            rad = s.radius[:, None] * np.stack([np.ones_like(s.aspect), s.aspect] * 2, axis=1)
        vx = s.cx[:, None] + rad * np.cos(theta)
        vy = s.cy[:, None] + rad * np.sin(theta)
        out[idx] = _polygon_masks(vx, vy, size)
    return out


def _sample_greys(m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Background (m,) and two shape greys (m, 2), pairwise >= MIN_CONTRAST apart."""
    d = MIN_CONTRAST
    back = rng.random(m)
    first = (back + rng.uniform(d, 1 - d, m)) % 1
    # Second grey: uniform on the two arcs of the circle that are >= d from both `back`
    # and `first`; arc distance >= d implies |difference| >= d on [0, 1].
    gap = (first - back) % 1
    arc1, arc2 = np.maximum(gap - 2 * d, 0), np.maximum(1 - gap - 2 * d, 0)
    u = rng.random(m) * (arc1 + arc2)
    second = np.where(u < arc1, back + d + u, first + d + (u - arc1)) % 1
    return back, np.stack([first, second], axis=1)


def _sample_chunk(m: int, rng: np.random.Generator, size: int) -> Scene:
    """Draw a complete Scene of m images (rejection sampling of the second shape)."""
    labels = rng.integers(N_CLASSES, size=m)
    kinds = np.full((m, 2), -1, dtype=np.int8)
    for c, ks in enumerate(CLASS_KINDS):
        kinds[labels == c, : len(ks)] = ks
    swap = (kinds[:, 0] != kinds[:, 1]) & (kinds[:, 1] >= 0) & (rng.random(m) < 0.5)
    kinds[swap] = kinds[swap, ::-1]
    back, greys = _sample_greys(m, rng)
    greys[kinds[:, 1] < 0, 1] = np.nan

    masks = np.zeros((m, 2, size, size), dtype=bool)
    centres, radii = np.full((m, 2, 2), np.nan), np.full((m, 2), np.nan)

    def keep(rows: np.ndarray, slot: int, g: _Geometry, mask: np.ndarray) -> None:
        masks[rows, slot], radii[rows, slot] = mask, g.radius
        centres[rows, slot] = np.stack([g.cx, g.cy], axis=1)

    todo = np.arange(m)  # images whose first shape must be (re)drawn
    for _ in range(MAX_RESTARTS + 1):
        g = _sample_geometry(len(todo), rng, size)
        keep(todo, 0, g, _render(kinds[todo, 0], g, size))
        pending = todo[kinds[todo, 1] >= 0]
        area1 = np.count_nonzero(masks[pending, 0], axis=(1, 2))
        for _ in range(MAX_TRIES):
            if pending.size == 0:
                break
            g = _sample_geometry(len(pending), rng, size)
            cand = _render(kinds[pending, 1], g, size)
            both = np.count_nonzero(cand & masks[pending, 0], axis=(1, 2))
            area2 = np.count_nonzero(cand, axis=(1, 2))
            ok = both <= MAX_OVERLAP * np.minimum(area1, area2)
            keep(pending[ok], 1, _Geometry(*(a[ok] for a in g)), cand[ok])
            pending, area1 = pending[~ok], area1[~ok]
        if pending.size == 0:
            return Scene(labels.astype(np.int64), kinds, back, greys, masks, centres, radii)
        todo = pending  # hopeless first shape (huge, central): redraw the whole scene
    raise RuntimeError(f"could not place a second shape in {len(todo)} images "
                       f"after {MAX_RESTARTS} restarts of {MAX_TRIES} tries")


def _chunks(n: int, rng: np.random.Generator, size: int) -> Iterator[Scene]:
    """Scenes for n images, _CHUNK at a time (fixed chunking keeps results reproducible)."""
    for start in range(0, n, _CHUNK):
        yield _sample_chunk(min(_CHUNK, n - start), rng, size)


def sample_scene(n: int, *, rng: np.random.Generator, size: int = 32) -> Scene:
    """Draw n scenes: labels, shape kinds, grey levels and per-shape pixel masks."""
    _check_args(n, rng, size, mask_bytes_per_image=2, itemsize=0)
    parts = list(_chunks(int(n), rng, int(size)))
    return Scene(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Scene)))


def composite(scene: Scene, dtype: npt.DTypeLike = np.float32) -> np.ndarray:
    """Paint a scene: (n, size*size) images, second shape over the first."""
    n, _, size, _ = scene.masks.shape
    x = np.empty((n, size, size), dtype=dtype)
    x[...] = scene.background[:, None, None]
    for slot in range(2):
        # An absent second shape has an all-False mask, so its NaN grey is never written.
        np.copyto(x, scene.greys[:, slot, None, None].astype(dtype), where=scene.masks[:, slot])
    return x.reshape(n, size * size)


def make_shapeset(n: int, *, rng: np.random.Generator, size: int = 32,
                  dtype: npt.DTypeLike = np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Return n Shapeset-3x2 images X (n, size*size) in [0, 1] and labels y (n,) in 0..8."""
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"dtype must be a floating-point dtype (float16, float32, float64), "
                        f"got {dtype!r}") from None
    if dt.kind != "f":
        raise TypeError(f"dtype must be a floating-point dtype (float16, float32, float64), "
                        f"got {dtype!r}")
    _check_args(n, rng, size, mask_bytes_per_image=0, itemsize=dt.itemsize)
    x = np.empty((int(n), int(size) ** 2), dtype=dt)
    y = np.empty(int(n), dtype=np.int64)
    start = 0
    for part in _chunks(int(n), rng, int(size)):
        stop = start + len(part.labels)
        x[start:stop], y[start:stop] = composite(part, dt), part.labels
        start = stop
    return x, y


if __name__ == "__main__":
    import time

    make_shapeset(100, rng=np.random.default_rng(0))  # warm-up
    for count in (1_000, 10_000):
        t0 = time.perf_counter()
        make_shapeset(count, rng=np.random.default_rng(0))
        print(f"{count:>6} images of 32x32: {time.perf_counter() - t0:.3f} s")
