"""validation.py's checks, and every public numerics function refusing bad input by name, early."""
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest

import wi_helpers as wi
from wi_helpers import MLP, footprint_bytes, layer_stats
from wi_helpers.shapeset import make_shapeset
from wi_helpers.validation import (check_array, check_bool, check_choice, check_float_dtype,
                                   check_int, check_real, check_rng, check_seed, short_repr)


# ---------------------------------------------------------------- the checks themselves

def test_check_int():
    assert check_int("n", 3, min=1) == 3 and type(check_int("n", np.int64(3))) is int
    for bad in (True, np.bool_(False), 2.0, "3", None, 3 + 0j):
        with pytest.raises(TypeError, match=r"n must be .*got "):
            check_int("n", bad, min=1)
    with pytest.raises(ValueError, match=r"n must be a positive integer, got 0"):
        check_int("n", 0, min=1)
    with pytest.raises(ValueError, match=r"k must be an integer >= 2 and <= 5, got 6"):
        check_int("k", 6, min=2, max=5)


def test_check_real():
    assert check_real("x", 2) == 2.0 and check_real("x", np.float32(0.5)) == 0.5
    for bad in (True, "0.01", 1j, None, [1.0]):
        with pytest.raises(TypeError, match=r"x must be a finite number"):
            check_real("x", bad)
    for bad in (float("nan"), float("inf"), 10**400):
        with pytest.raises(ValueError, match=r"x must be a finite number"):
            check_real("x", bad)
    with pytest.raises(ValueError, match=r"x must be a finite number > 0, got 0"):
        check_real("x", 0, min=0, include_min=False)
    with pytest.raises(ValueError, match=r"<= 1"):
        check_real("x", 1.5, max=1)
    assert check_real("x", float("inf"), finite=False) == float("inf")


def test_check_bool_rng_seed_choice_dtype():
    assert check_bool("f", np.bool_(True)) is True
    with pytest.raises(TypeError, match="f must be True or False, got 1"):
        check_bool("f", 1)
    g = np.random.default_rng(0)
    assert check_rng("rng", g) is g
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator.*RandomState"):
        check_rng("rng", np.random.RandomState(0))
    assert check_seed("seed", None) is None and check_seed("seed", np.uint8(7)) == 7
    for bad, exc in ((1.5, TypeError), ("0", TypeError), (True, TypeError), (-1, ValueError)):
        with pytest.raises(exc, match=r"seed must be None or an integer >= 0"):
            check_seed("seed", bad)
    assert check_choice("act", " TANH ", ("tanh", "relu"), aliases={"logistic": "sigmoid"}) == "tanh"
    with pytest.raises(ValueError, match=r"unknown act 'swish'; allowed: tanh, relu"):
        check_choice("act", "swish", ("tanh", "relu"))
    with pytest.raises(TypeError, match=r"act must be a string"):
        check_choice("act", 3, ("tanh",))
    assert check_float_dtype("dtype", "float32") == np.float32
    with pytest.raises(TypeError, match=r"dtype must be one of float32, float64, got 'foo'"):
        check_float_dtype("dtype", "foo")
    with pytest.raises(ValueError, match=r"dtype must be one of float32, float64"):
        check_float_dtype("dtype", np.float16)


def test_check_array():
    assert check_array("X", [[1, 2], [3, 4]], ndim=2).shape == (2, 2)
    with pytest.raises(ValueError, match=r"X must be a rectangular array .*ragged"):
        check_array("X", [[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=r"X must hold real numbers, got complex"):
        check_array("X", np.ones(3, dtype=complex))
    with pytest.raises(TypeError, match=r"X must hold real numbers .*object"):
        check_array("X", np.array([1, None], dtype=object))
    with pytest.raises(TypeError, match=r"X must hold real numbers .*bool"):
        check_array("X", np.ones(3, dtype=bool))
    with pytest.raises(TypeError, match=r"X must be an array"):
        check_array("X", "1, 2")
    with pytest.raises(ValueError, match=r"X must not be empty"):
        check_array("X", np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"X must hold finite numbers"):
        check_array("X", [1.0, np.nan])
    with pytest.raises(ValueError, match=r"X must be a 2-D array, got shape \(3,\)"):
        check_array("X", np.ones(3), ndim=2)
    assert len(short_repr(list(range(1000)))) <= 60
    assert "shape (100,)" in short_repr(np.zeros(100))


# ---------------------------------------------------------------- issue 8: named, right kind

@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: MLP([3, 2], seed=1.5), TypeError, r"seed must be None or an integer >= 0, got 1.5"),
    (lambda: MLP([3, 2], seed="0"), TypeError, r"seed must be None or an integer >= 0, got '0'"),
    (lambda: MLP([3, 2], seed=-1), ValueError, r"seed must be None or an integer >= 0, got -1"),
    (lambda: MLP([3, 2], seed=True), TypeError, r"seed must be"),
    (lambda: MLP([3, 2], dtype="foo"), TypeError, r"dtype must be one of float32, float64, got 'foo'"),
    (lambda: MLP([3, 2], gain="2"), TypeError, r"gain must be a finite number >= 0, got '2'"),
    (lambda: MLP([3, 2], bias_std=True), TypeError, r"bias_std must be a finite number"),
    (lambda: MLP([3, 2]).forward([[1.0, 2.0, 3.0], [1.0]]), ValueError, r"X must be a rectangular"),
    (lambda: MLP([3, 2]).forward(np.ones((2, 3), dtype=complex)), TypeError,
     r"X must hold real numbers, got complex"),
    (lambda: MLP([3, 2]).forward(np.array([["a", "b", "c"]])), TypeError, r"X must hold real numbers"),
    (lambda: MLP([3, 2]).forward(np.zeros((0, 3))), ValueError, r"X must hold at least one example"),
    (lambda: footprint_bytes([4, 3], -10), ValueError, r"batch must be an integer >= 0, got -10"),
    (lambda: footprint_bytes([4, 3], 2.5), TypeError, r"batch must be an integer >= 0"),
    (lambda: footprint_bytes([4, 0], 1), ValueError, r"sizes\[1\] must be a positive integer"),
    (lambda: make_shapeset(1, size=10**5, rng=np.random.default_rng(0)), ValueError,
     r"size must be an integer >= 8 and <= 4096, got 100000"),
    (lambda: make_shapeset(1, size=4096, rng=np.random.default_rng(0)), ValueError,
     r"size=4096 needs \d+ MiB for a single image"),
    (lambda: make_shapeset(10, size=2048, rng=np.random.default_rng(0)), ValueError,
     r"n=10 at size=2048 .* n must be <= [1-9]"),
    (lambda: make_shapeset(1, dtype="foo", rng=np.random.default_rng(0)), TypeError,
     r"dtype must be a floating-point dtype"),
    (lambda: layer_stats(MLP([3, 2]), batch=True, rng=np.random.default_rng(0)), TypeError,
     r"batch must be a positive integer, got True"),
    (lambda: layer_stats(MLP([3, 2]), rng=0), TypeError, r"rng .* must be a numpy.random.Generator"),
    (lambda: wi.weight_std("he_normal", np.int64(3), 4, gain=float("inf")), ValueError,
     r"gain must be a finite number"),
])
def test_bad_input_is_named(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        assert call()


def test_backward_refuses_complex_and_nonfinite_grad_output_and_complex_weights():
    net = MLP([3, 2], seed=0)
    net.forward(np.ones((4, 3)))
    with pytest.raises(TypeError, match="grad_output must hold real numbers, got complex"):
        net.backward(np.ones((4, 2), dtype=complex))
    for bad in (np.nan, np.inf, -np.inf):
        g = np.ones((4, 2))
        g[1, 1] = bad
        with pytest.raises(ValueError, match="grad_output must be finite numbers"):
            net.backward(g)
    net.weights[0] = net.weights[0].astype(complex)
    with pytest.raises(TypeError, match=r"weights\[0\] must hold real numbers, got dtype complex128"):
        net.forward(np.ones((4, 3)))


def test_names_are_case_insensitive():
    assert MLP([3, 2], activation=" TANH", init="Xavier_Uniform").init == "glorot_uniform"


def test_integer_inputs_still_work():
    net = MLP([3, 2], seed=0)
    out = net.forward(np.ones((2, 3), dtype=np.int64))
    assert out.dtype == np.float64 and np.isfinite(out).all()
    net.backward(np.ones((2, 2), dtype=np.int32))


# ---------------------------------------------------------------- memory caps, before the work

def _peak(call):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="limit"):
            call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_layer_stats_refuses_before_drawing_the_probe():
    net = MLP([2000, 10], seed=0)
    # The probe alone would be 40000 x 2000 float64 = 610 MiB.
    assert _peak(lambda: layer_stats(net, batch=40_000, rng=np.random.default_rng(0))) < 2**20


def test_forward_checks_the_cap_before_scanning_X():
    net = MLP([64, 64], seed=0)
    # A read-only broadcast view costs no memory; a full isfinite scan of it would take seconds
    # and report nan instead of the size.
    X = np.broadcast_to(np.float64(np.nan), (50_000_000, 64))
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"batch=50000000 .* MB; the limit is 400 MB"):
        net.forward(X)
    assert time.perf_counter() - t0 < 0.1


def test_many_layers_are_refused_at_once_and_counted_with_their_overhead():
    million = [1] * 10**6  # the list itself is 8 MB, made before measuring
    t0 = time.perf_counter()
    assert _peak(lambda: MLP(million)) < 2**20
    assert time.perf_counter() - t0 < 0.5
    with pytest.raises(ValueError, match=r"at most 10001 widths"):
        footprint_bytes([1] * (wi.mlp.MAX_DEPTH + 2), 1)
    # Per-layer Python/ndarray overhead dominates for narrow layers: the count must cover what
    # a forward+backward pass really holds (tracemalloc), not only the 8-byte numbers.
    sizes = [1] * 2001
    X, g = np.ones((1, 1)), np.ones((1, 1))
    tracemalloc.start()
    net = MLP(sizes, seed=0)
    net.forward(X)
    grads = net.backward(g)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del net, grads
    assert held <= footprint_bytes(sizes, 1) <= 3 * held + 100_000
    assert footprint_bytes(sizes, 1) > 100 * 8 * 2000  # not the 8-byte-per-number count


def test_wide_network_peak_rss_stays_small_when_refused():
    # Peak RSS in a fresh interpreter: the refused call must not allocate its arrays first.
    code = ("import resource, numpy as np; from wi_helpers import MLP, layer_stats\n"
            "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "net = MLP([2000, 10], seed=0)\n"
            "try:\n    layer_stats(net, batch=40000, rng=np.random.default_rng(0))\n"
            "except ValueError: pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) < 20_000  # kB; the probe alone would be 625,000 kB


def test_stats_helpers_refuse_bad_input():
    with pytest.raises(TypeError, match="x must hold real numbers, got dtype complex128"):
        wi.moments(np.ones(3, dtype=complex))
    assert wi.moments(np.array([1, 3])) == (2.0, 1.0, 5.0)
    with pytest.raises(TypeError, match=r"bins must be .*got True"):
        wi.layer_histograms([np.ones(3)], bins=True)
    with pytest.raises(TypeError, match=r"range\[1\] must be a finite number"):
        wi.layer_histograms([np.ones(3)], range=(0, "1"))
    with pytest.raises(ValueError, match=r"range must be two finite numbers lo < hi"):
        wi.layer_histograms([np.ones(3)], range=(1, 0))
    net = MLP([8, 8], seed=0)
    net.forward(np.ones((4, 8)))
    with pytest.raises(TypeError, match="n_examples must be a positive integer, got 2.0"):
        wi.jacobian_singular_values(net, 2.0)


def test_forward_refuses_exactly_what_footprint_bytes_refuses():
    """forward checks the cap from two coefficients kept at construction (the footprint is
    affine in the batch): the refusal starts at the same batch as check_footprint's."""
    from wi_helpers.mlp import MAX_BYTES
    for sizes, dtype in (([700, 300, 10], np.float64), ([64] * 6, np.float32), ([5, 1, 2], np.float64)):
        net = MLP(sizes, seed=0, dtype=dtype)
        per = footprint_bytes(sizes, 1, dtype) - footprint_bytes(sizes, 0, dtype)
        largest_ok = (MAX_BYTES - footprint_bytes(sizes, 0, dtype)) // per
        assert footprint_bytes(sizes, largest_ok, dtype) <= MAX_BYTES < footprint_bytes(sizes, largest_ok + 1, dtype)
        X = np.lib.stride_tricks.as_strided(np.zeros(1), (largest_ok + 1, sizes[0]), (0, 0))
        with pytest.raises(ValueError, match=f"batch={largest_ok + 1} with sizes="):
            net.forward(X)


# ---------------------------------------------------------------- checks at the boundary

def _validation_calls(call) -> int:
    """Python calls into validation.py (and any check_* function) while `call()` runs."""
    from wi_helpers import validation
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        code = frame.f_code
        if event == "call" and (code.co_filename == validation.__file__
                                or code.co_name.startswith("check_")):
            count += 1

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return count


def test_a_deep_network_is_checked_once_at_the_boundary():
    """Each public entry point checks its arguments once; the per-layer work is unchecked
    (building a 100-layer network made ~1,400 calls into validation before)."""
    sizes = [256] * 101
    assert _validation_calls(lambda: MLP(sizes, init="he_normal", fan_mode="fan_out",
                                         seed=0)) <= 40
    net = MLP(sizes, seed=0)
    assert _validation_calls(lambda: layer_stats(net, batch=8, rng=np.random.default_rng(0))) <= 40
    assert _validation_calls(lambda: wi.mean_field(net.spec)) <= 40
    assert _validation_calls(lambda: wi.scheme_weight_var(sizes, "glorot_uniform")) <= 40
    # and the checks still refuse bad input before any work, naming it
    with pytest.raises(ValueError, match=r"sizes\[100\] must be a positive integer"):
        MLP(sizes[:-1] + [0])


def test_a_batch_size_passed_as_X_is_named():
    net = MLP([500, 10], seed=0)
    with pytest.raises(TypeError, match=r"got the number 256: .* pass batch=256"):
        layer_stats(net, 256, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"got shape \(\) \(one number, not a batch"):
        net.forward(3.0)
