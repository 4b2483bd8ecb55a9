"""Tests of the numerics core: activations, initializers, the MLP's gradients, statistics."""
import subprocess
from pathlib import Path
import sys
import warnings

import numpy as np
import pytest

import wi_helpers as wi
from wi_helpers import MLP, get_activation, init_weights, layer_stats, weight_std

# ---------------------------------------------------------------- activations


@pytest.mark.parametrize("name", wi.ACTIVATIONS)
def test_activation_derivative_matches_finite_differences(name):
    act = get_activation(name)
    z = np.linspace(-6, 6, 1201) + 1e-3  # avoid the ReLU kink at exactly 0
    eps = 1e-6
    fd = (act.fn(z + eps) - act.fn(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.deriv(z), fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(act.deriv_from_output(z, act.fn(z)), act.deriv(z), rtol=1e-12, atol=1e-14)


def test_activation_values_and_aliases():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(get_activation("sigmoid").fn(z), 1 / (1 + np.exp(-z)))
    assert get_activation("logistic") is get_activation("sigmoid")
    np.testing.assert_allclose(get_activation("lecun_tanh").fn(np.array([1.0, -1.0])),
                               [1.0, -1.0], atol=2e-4)  # LeCun's f(+-1) = +-1
    np.testing.assert_allclose(get_activation("softsign").fn(z), z / (1 + np.abs(z)))
    np.testing.assert_allclose(get_activation("leaky_relu").fn(z), [-0.01, 0.0, 2.0])
    # tanh(x) = 2 sigmoid(2x) - 1
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(np.tanh(x), 2 * get_activation("sigmoid").fn(2 * x) - 1, atol=1e-15)


@pytest.mark.parametrize("name", wi.ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activations_never_warn_or_overflow_on_finite_input(name, dtype):
    act = get_activation(name)
    big = np.finfo(dtype).max
    z = np.array([-big, -1e30, -800.0, -40.0, -1e-30, 0.0, 1e-30, 40.0, 800.0, 1e30, big], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h, d = act.fn(z), act.deriv(z)
    assert np.isfinite(h).all() and np.isfinite(d).all()
    assert h.dtype == dtype and d.dtype == dtype
    if name == "sigmoid" and dtype == np.float64:
        assert h[3] > 0 and h[3] == pytest.approx(np.exp(-40.0), rel=1e-12)  # precise tail


def test_unknown_activation_lists_the_allowed_ones():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*tanh.*relu"):
        get_activation("swish")
    with pytest.raises(TypeError, match="activation must be a string"):
        get_activation(3)


def test_saturation_fraction_rules():
    z = np.array([[-10.0, 0.0, 3.0, 0.5]])
    tanh = get_activation("tanh")
    # |tanh| > 0.97 only for z = -10 and 3 (tanh 3 = 0.995)
    assert wi.saturation_fraction(tanh, z, tanh.fn(z)) == pytest.approx(0.5)
    sig = get_activation("sigmoid")
    # the logistic saturates below 0.015 / above 0.985: z = -10 only (sigma(3) = 0.953)
    assert wi.saturation_fraction(sig, z, sig.fn(z)) == pytest.approx(0.25)
    relu = get_activation("relu")
    Z = np.array([[-1.0, 2.0, -3.0], [-1.0, -2.0, 3.0]])  # unit 0 is dead on every example
    assert wi.saturation_fraction(relu, Z, relu.fn(Z)) == pytest.approx(1 / 3)
    assert wi.saturation_fraction("linear", Z, Z) == 0.0

# ---------------------------------------------------------------- initializers


FORMULAS = {  # std before gain, written out independently of the module
    "standard": lambda i, o: np.sqrt(1 / (3 * i)),
    "glorot_uniform": lambda i, o: np.sqrt(2 / (i + o)),
    "glorot_normal": lambda i, o: np.sqrt(2 / (i + o)),
    "he_uniform": lambda i, o: np.sqrt(2 / i),
    "he_normal": lambda i, o: np.sqrt(2 / i),
    "lecun_uniform": lambda i, o: np.sqrt(1 / i),
    "lecun_normal": lambda i, o: np.sqrt(1 / i),
    "orthogonal": lambda i, o: np.sqrt(1 / max(i, o)),
}


@pytest.mark.parametrize("scheme", sorted(FORMULAS))
@pytest.mark.parametrize("fan_in,fan_out", [(300, 200), (200, 300)])
def test_sampled_std_matches_formula(scheme, fan_in, fan_out):
    gain = 1.7
    expected = gain * FORMULAS[scheme](fan_in, fan_out)
    assert weight_std(scheme, fan_in, fan_out, gain=gain) == pytest.approx(expected, rel=1e-12)
    W = init_weights(scheme, fan_in, fan_out, rng=np.random.default_rng(0), gain=gain)
    assert W.shape == (fan_in, fan_out)
    # 60,000 samples: the std's relative sampling error is about 1/sqrt(2 * 60000) = 0.3%
    # for the normal (less for the uniform); 2% is several sigma.
    assert np.sqrt(np.mean(W**2)) == pytest.approx(expected, rel=0.02)
    assert abs(W.mean()) < 0.02 * expected
    if scheme == "standard" or scheme.endswith("_uniform"):
        a = np.sqrt(3) * expected
        assert wi.weight_bound(scheme, fan_in, fan_out, gain=gain) == pytest.approx(a)
        assert np.abs(W).max() <= a and np.abs(W).max() > 0.99 * a
    if scheme == "orthogonal":
        small = W.T @ W if fan_in >= fan_out else W @ W.T
        np.testing.assert_allclose(small, gain**2 * np.eye(min(fan_in, fan_out)), atol=1e-10)


def test_glorot_uniform_bound_and_standard_variance():
    # Glorot & Bengio eq. (16): U[-sqrt(6/(n_in+n_out)), +...]; eq. (1): n Var[W] = 1/3.
    assert wi.weight_bound("glorot_uniform", 100, 300) == pytest.approx(np.sqrt(6 / 400))
    assert 100 * weight_std("standard", 100, 30) ** 2 == pytest.approx(1 / 3)
    assert wi.weight_bound("standard", 100, 30) == pytest.approx(1 / np.sqrt(100))


def test_normal_scheme_and_aliases():
    W = init_weights("normal", 400, 400, rng=np.random.default_rng(1), std=0.05, gain=2.0)
    assert W.std() == pytest.approx(0.1, rel=0.02)
    for alias, name in [("xavier_uniform", "glorot_uniform"), ("kaiming_normal", "he_normal"),
                        ("XAVIER_NORMAL", "glorot_normal"), ("kaiming_uniform", "he_uniform")]:
        a = init_weights(alias, 20, 30, rng=np.random.default_rng(5))
        b = init_weights(name, 20, 30, rng=np.random.default_rng(5))
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: init_weights("gaussian", 3, 3, rng=np.random.default_rng()), ValueError,
     r"unknown init scheme 'gaussian'.*glorot_uniform.*orthogonal"),
    (lambda: init_weights("normal", 3, 3, rng=np.random.default_rng()), ValueError,
     r"std is required for scheme 'normal'"),
    (lambda: init_weights("normal", 3, 3, rng=np.random.default_rng(), std=-1), ValueError,
     r"std must be a finite number >= 0, got -1"),
    (lambda: init_weights("he_normal", 3, 3, rng=np.random.default_rng(), std=0.1), ValueError,
     r"std is only used by scheme 'normal'"),
    (lambda: init_weights("he_normal", 0, 3, rng=np.random.default_rng()), ValueError,
     r"fan_in must be a positive integer, got 0"),
    (lambda: init_weights("he_normal", 3, 2.5, rng=np.random.default_rng()), TypeError,
     r"fan_out must be a positive integer, got 2.5"),
    (lambda: init_weights("he_normal", 3, 3, rng=42), TypeError, r"rng must be a numpy.random.Generator"),
    (lambda: init_weights("he_normal", 3, 3, rng=np.random.default_rng(), gain=float("nan")),
     ValueError, r"gain must be a finite number"),
])
def test_init_bad_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()

# ---------------------------------------------------------------- MLP gradients


def numerical_grad(f, x, eps=1e-6):
    """Central finite differences of a scalar function f() with respect to array x (in place)."""
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f()
        x[i] = old - eps
        fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


@pytest.mark.parametrize("activation", wi.ACTIVATIONS)
@pytest.mark.parametrize("sizes,output_activation", [
    ([4, 6, 3], None), ([5, 3, 7, 2], "linear"), ([3, 3, 3, 3], None), ([6, 2], None)])
def test_backward_matches_finite_differences(activation, sizes, output_activation):
    rng = np.random.default_rng(123)
    net = MLP(sizes, activation=activation, init="glorot_normal", bias_std=0.3,
              output_activation=output_activation, seed=7)
    X = rng.standard_normal((5, sizes[0]))
    G = rng.standard_normal((5, sizes[-1]))
    loss = lambda: float(np.sum(net.forward(X) * G))  # noqa: E731
    loss()
    grads = net.backward(G)
    for l in range(net.depth):
        np.testing.assert_allclose(grads.W[l], numerical_grad(loss, net.weights[l]), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(grads.b[l], numerical_grad(loss, net.biases[l]), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grads.h[0], numerical_grad(loss, X), rtol=1e-5, atol=1e-7)
    # dL/dz and dL/dh of the hidden layers follow from the chain rule at each layer
    loss()
    grads = net.backward(G)
    for l in range(net.depth):
        act = net.activations[l]
        np.testing.assert_allclose(grads.z[l], grads.h[l + 1] * act.deriv(net.z[l]), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(grads.b[l], grads.z[l].sum(0), rtol=1e-12)
    assert len(grads.h) == net.depth + 1 and grads.h[-1] is not None


@pytest.mark.parametrize("activation", wi.ACTIVATIONS)
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_sgd_step_is_backward_then_the_update(activation, dtype, rtol):
    """sgd_step (the training step) equals W -= lr dL/dW, b -= lr dL/db with MLP.backward's
    gradients, for every activation, on a net with a nonlinear output and biases; twice, so
    that the kept buffers are reused."""
    rng = np.random.default_rng(4)
    sizes = [7, 9, 6, 4]
    net = MLP(sizes, activation=activation, init="glorot_normal", bias_std=0.3, seed=2, dtype=dtype)
    ref = MLP(sizes, activation=activation, init="glorot_normal", bias_std=0.3, seed=2, dtype=dtype)
    lr = 0.37
    for step in range(2):
        X = rng.standard_normal((5, sizes[0]))
        G = rng.standard_normal((5, sizes[-1]))
        net.forward(X)
        net.sgd_step(G, lr)
        ref.forward(X)
        grads = ref.backward(G)
        assert all(np.any(g != 0) for g in grads.W)  # every layer really moves
        for l in range(ref.depth):
            ref.weights[l] = ref.weights[l] - lr * grads.W[l]
            ref.biases[l] = ref.biases[l] - lr * grads.b[l]
            np.testing.assert_allclose(net.weights[l], ref.weights[l], rtol=rtol, atol=rtol * 1e-2)
            np.testing.assert_allclose(net.biases[l], ref.biases[l], rtol=rtol, atol=rtol * 1e-2)
            assert net.weights[l].dtype == np.dtype(dtype)


def test_sgd_step_checks_its_arguments():
    net = MLP([3, 4, 2], seed=0)
    with pytest.raises(RuntimeError, match="call net.forward"):
        net.sgd_step(np.zeros((1, 2)), 0.1)
    net.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got 0"):
        net.sgd_step(np.zeros((2, 2)), 0)
    with pytest.raises(ValueError, match=r"grad_output must have the output's shape \(2, 2\)"):
        net.sgd_step(np.zeros((3, 2)), 0.1)
    W = [w.copy() for w in net.weights]
    with pytest.raises(ValueError, match="grad_output must be finite"):
        net.sgd_step(np.full((2, 2), np.nan), 0.1)
    assert all(np.array_equal(a, b) for a, b in zip(W, net.weights))  # refused before any change


def test_mlp_layout_and_defaults():
    net = MLP([500] * 11)
    assert net.depth == 10 and net.activation.name == "tanh" and net.init == "glorot_uniform"
    assert [W.shape for W in net.weights] == [(500, 500)] * 10
    assert all(np.all(b == 0) for b in net.biases)
    net = MLP([784, 256, 10], activation="relu", output_activation="linear", init="he_normal", seed=0)
    assert [W.shape for W in net.weights] == [(784, 256), (256, 10)]
    assert [a.name for a in net.activations] == ["relu", "linear"]
    X = np.ones((3, 784))
    out = net.forward(X)
    assert out.shape == (3, 10) and len(net.z) == 2 and len(net.h) == 3
    assert net.h[0] is X  # h_0 = x: the input itself is kept, not a copy


def test_assigned_weights_are_used():
    net = MLP([3, 2], activation="linear", seed=0)
    net.weights[0] = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    net.biases[0] = np.array([0.5, -0.5])
    np.testing.assert_allclose(net.forward(np.array([[1.0, 2.0, 3.0]])), [[4.5, 4.5]])
    net.weights[0] = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"weights\[0\] must have shape \(3, 2\), got \(2, 3\)"):
        net.forward(np.ones((1, 3)))


def test_same_seed_same_numbers_and_depth_prefix():
    a = MLP([50, 40, 30, 20], init="he_uniform", bias_std=0.1, seed=3)
    b = MLP([50, 40, 30, 20], init="he_uniform", bias_std=0.1, seed=3)
    for Wa, Wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(Wa, Wb)
    c = MLP([50, 40, 30, 20], init="he_uniform", bias_std=0.1, seed=4)
    assert not np.array_equal(a.weights[0], c.weights[0])
    # one layer deeper, or another bias_std: the same first weights
    d = MLP([50, 40, 30, 20, 20], init="he_uniform", seed=3)
    for Wa, Wd in zip(a.weights, d.weights):
        np.testing.assert_array_equal(Wa, Wd)
    s1 = layer_stats(a, batch=8, rng=np.random.default_rng(9))
    s2 = layer_stats(b, batch=8, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(s1.grad_h_var, s2.grad_h_var)


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: MLP([10]), ValueError, r"sizes must hold at least 2 widths"),
    (lambda: MLP([10, 0, 5]), ValueError, r"sizes\[1\] must be a positive integer, got 0"),
    (lambda: MLP([10, -3]), ValueError, r"sizes\[1\] must be a positive integer, got -3"),
    (lambda: MLP("784,10"), TypeError, r"sizes must be a sequence"),
    (lambda: MLP([4, 4], activation="swish"), ValueError, r"unknown activation 'swish'"),
    (lambda: MLP([4, 4], init="uniform"), ValueError, r"unknown init scheme 'uniform'"),
    (lambda: MLP([4, 4], init="normal"), ValueError, r"std is required"),
    (lambda: MLP([4, 4], bias_std=-1), ValueError, r"bias_std must be a finite number >= 0"),
    (lambda: MLP([4, 4], dtype=np.int32), ValueError, r"dtype must be one of float32, float64, got <class 'numpy.int32'>"),
    (lambda: MLP([4, 3]).forward(np.ones((2, 5))), ValueError,
     r"X must have shape \(batch, 4\) to match sizes\[0\], got shape \(2, 5\)"),
    (lambda: MLP([4, 3]).forward(np.ones(4)), ValueError, r"X must have shape \(batch, 4\)"),
    (lambda: MLP([2, 3]).forward(np.array([[1.0, np.nan]])), ValueError, r"X must be finite"),
    (lambda: MLP([2, 3]).forward(np.array([[1.0, np.inf]])), ValueError, r"X must be finite"),
    (lambda: MLP([2, 3]).backward(np.ones((1, 3))), RuntimeError, r"call net.forward\(X\) first"),
    (lambda: MLP([30000, 30000]), ValueError, r"limit is 400 MB"),
    (lambda: MLP([2000, 2000, 2000]).forward(np.ones((20000, 2000))), ValueError,
     r"batch=20000 with sizes=\[2000, 2000, 2000\] needs .* MB; the limit is 400 MB"),
])
def test_mlp_bad_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_backward_checks_grad_output_shape():
    net = MLP([2, 3], seed=0)
    net.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"grad_output must have the output's shape \(4, 3\), got \(3, 4\)"):
        net.backward(np.ones((3, 4)))


def test_memory_bound_is_checked_before_allocating():
    # 6 layers of 4096 with batch 4096 need about 3 GB: refused at once, not swapped in.
    net = MLP([64, 64], seed=0)
    assert wi.footprint_bytes([4096] * 7, 4096) > wi.MAX_BYTES
    with pytest.raises(ValueError, match="limit"):
        MLP([4096] * 7)
    with pytest.raises(ValueError, match="batch="):
        net.forward(np.zeros((2_000_000, 64)))  # 1 GB of input: refused before the forward pass

# ---------------------------------------------------------------- overflow


def test_exploding_network_overflows_silently_and_is_reported():
    net = MLP([64] * 41, activation="linear", init="normal", std=1e8, seed=0)  # x 8e8 per layer
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = layer_stats(net, batch=16, rng=np.random.default_rng(0))
    assert s.forward_overflow is not None and 20 < s.forward_overflow < 41
    assert np.isfinite(s.h_std[: s.forward_overflow - 1]).all()
    assert not np.isfinite(s.h_std[s.forward_overflow - 1:]).any()
    assert s.backward_overflow is not None and s.backward_overflow < 40
    assert "overflow" in s.summary()


def test_float32_explodes_earlier_than_float64():
    kw = dict(activation="relu", init="normal", std=1.0, seed=2)  # x 5.7 per layer
    s32 = layer_stats(MLP([64] * 61, dtype=np.float32, **kw), batch=8, rng=np.random.default_rng(1))
    s64 = layer_stats(MLP([64] * 61, dtype=np.float64, **kw), batch=8, rng=np.random.default_rng(1))
    assert s32.forward_overflow is not None
    assert s64.forward_overflow is None or s64.forward_overflow > s32.forward_overflow


def test_vanishing_network_underflow_is_reported():
    net = MLP([32] * 61, activation="tanh", init="normal", std=1e-6, seed=0)  # x ~5.7e-6 per layer
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = layer_stats(net, batch=8, rng=np.random.default_rng(0))
    assert s.forward_underflow is not None and 50 < s.forward_underflow < 61
    assert s.h_std[s.forward_underflow - 2] > 0 and s.h_std[s.forward_underflow - 1] < 1e-300
    assert s.backward_underflow is not None
    # E[h^2] underflows first (squares of ~1e-160 are 0); the verdict names that layer, as
    # the figures mark it, and the one where the entries follow
    first = int(np.flatnonzero(s.h_m2 < np.finfo(np.float64).tiny)[0]) + 1
    assert first < s.forward_underflow
    assert s.forward_overflow is None and s.summary().startswith(
        f"E[h_l²] underflows from layer {first} ") and \
        f"the activations themselves from layer {s.forward_underflow};" in s.summary()


def test_float_range_is_one_verdict_on_the_shown_numbers():
    """issue 20's example: every entry stays finite, but E[h_l²] (forward) and Var[dL/dh_l]
    (backward) pass 1.8e308. The verdict names both, from the layers where the arrays turn
    inf, and summary() prints exactly it."""
    net = MLP([256] * 101, activation="linear", init="normal", std=3, seed=0)  # x 2304 per layer
    s = layer_stats(net, batch=64, rng=np.random.default_rng(0))
    v = s.float_range
    bad_h = np.flatnonzero(~np.isfinite(s.h_m2))
    bad_g = np.flatnonzero(~np.isfinite(s.grad_h_var))
    # 2304**l passes 1.8e308 near l = 308.3 / 3.36 = 91.7; going down from 100, at 100 - 91
    assert v.forward.moment_overflow == bad_h[0] + 1 and 88 <= v.forward.moment_overflow <= 94
    assert v.backward.moment_overflow == bad_g[-1] and 6 <= v.backward.moment_overflow <= 12
    assert (v.forward.entries_overflow, v.backward.entries_overflow) == (None, None)
    assert (s.forward_overflow, s.backward_overflow) == (None, None)
    assert not v.ok() and s.summary() == v.text()
    text = s.summary()
    assert text == (f"E[h_l²] overflows from layer {bad_h[0] + 1} (beyond float64's "
                    "1.8e+308; the activations themselves stay finite); Var[dL/dh_l] overflows "
                    f"from layer {bad_g[-1]} down (beyond float64's 1.8e+308; the "
                    "gradients dL/dh themselves stay finite)")
    # float32 entries overflow while their float64 moments are finite: one phrase each
    f32 = layer_stats(MLP([100] * 61, activation="linear", init="normal", std=1.0, seed=0,
                          dtype=np.float32), batch=16, rng=np.random.default_rng(0))
    assert f32.summary() == (f"activations overflow (inf/nan) from layer {f32.forward_overflow}; "
                             "gradients dL/dh overflow (inf/nan) from layer "
                             f"{f32.backward_overflow} down")
    # entries above 1.3e154 in float64: the moment first, then the entries
    deep = layer_stats(MLP([64] * 41, activation="linear", init="normal", std=1e8, seed=0),
                       batch=16, rng=np.random.default_rng(0))
    k = deep.forward_overflow
    assert deep.float_range.forward.moment_overflow < k
    assert f"1.8e+308), the activations themselves from layer {k};" in deep.summary()
    # a second moment below float64's smallest normal, entries still normal numbers
    small = layer_stats(MLP([256] * 101, activation="linear", init="normal", std=1e-3, seed=0),
                        batch=64, rng=np.random.default_rng(0))
    w = small.float_range
    assert w.forward.entries_underflow is None and w.forward.moment_underflow is not None
    assert small.h_m2[w.forward.moment_underflow - 1] < 2.3e-308 <= small.h_m2[
        w.forward.moment_underflow - 2]
    assert "E[h_l²] underflows" in small.summary()
    healthy = layer_stats(MLP([64] * 11, seed=0), batch=16, rng=np.random.default_rng(0))
    assert healthy.float_range.ok()
    assert healthy.summary() == "all values finite and above float precision"


def test_moments_survive_huge_finite_values():
    x = np.array([1e200, -1e200, 3e200])
    mean, std, m2 = wi.moments(x)
    assert mean == pytest.approx(1e200) and std == pytest.approx(np.std(x / 1e200) * 1e200)
    assert m2 == np.inf  # E[x^2] = 3.7e400 really is beyond float64


@pytest.mark.parametrize("exponent", [-320, -300, -200, -150, -101, -100, -50, 0, 50, 100, 101,
                                      150, 153, 200, 300, 307])
def test_moments_match_an_exact_reference_at_every_scale(exponent):
    """mean, std and E[x^2] against exact rational arithmetic (fractions.Fraction) on the same
    float64 entries, from subnormal to near-overflow magnitudes, both sides of _UNSCALED."""
    from fractions import Fraction
    rng = np.random.default_rng(exponent + 400)
    x = (rng.standard_normal(257) + 0.3) * 10.0 ** exponent  # a nonzero mean too
    mean, std, m2 = wi.moments(x)
    n = len(x)
    fx = [Fraction(float(v)) for v in x]
    ref_mean = sum(fx) / n
    ref_m2 = sum(v * v for v in fx) / n
    ref_var = ref_m2 - ref_mean ** 2
    rtol = Fraction(1, 10**12) if exponent > -300 else Fraction(1, 1000)  # subnormals carry few digits
    big = Fraction(float(np.finfo(np.float64).max))

    def close(got, exact):  # compared exactly, so that no side overflows on the way
        if exact > big:
            return got == np.inf
        # plus half the smallest subnormal: the rounding of a result near or below it
        return abs(Fraction(float(got)) - exact) <= rtol * abs(exact) + ulp0

    ulp0 = Fraction(5e-324) / 2

    # the standard deviation to within rtol: compare its square, to within 2 rtol
    assert close(mean, ref_mean) and close(m2, ref_m2)
    assert abs(Fraction(float(std)) ** 2 - ref_var) <= 2 * rtol * ref_var + 2 * Fraction(float(std)) * ulp0
    if exponent >= 200:
        assert m2 == np.inf and np.isfinite(std)  # E[x^2] beyond float64, the entries finite


def test_moments_of_non_finite_and_empty_arrays():
    assert all(np.isnan(v) for v in wi.moments(np.array([1.0, np.nan])))
    assert all(np.isnan(v) for v in wi.moments(np.array([1.0, -np.inf])))
    assert wi.moments(np.zeros(0)) == (0.0, 0.0, 0.0) and wi.moments(np.zeros(5)) == (0.0, 0.0, 0.0)
    assert wi.moments(np.array([2, 4], dtype=np.int64)) == (3.0, 1.0, 10.0)
    with pytest.raises(TypeError, match="x must hold real numbers, got dtype complex128"):
        wi.moments(np.ones(3, dtype=complex))


def test_layer_stats_match_direct_computation():
    net = MLP([20, 30, 10], activation="sigmoid", init="standard", seed=1)
    rng = np.random.default_rng(0)
    X, G = rng.standard_normal((40, 20)), rng.standard_normal((40, 10))
    s = layer_stats(net, X, G)
    grads = net.backward(G)
    np.testing.assert_allclose(s.h_mean, [h.mean() for h in net.h[1:]])
    np.testing.assert_allclose(s.h_std, [h.std() for h in net.h[1:]])
    np.testing.assert_allclose(s.h_m2, [np.mean(h**2) for h in net.h[1:]])
    np.testing.assert_allclose(s.z_std, [z.std() for z in net.z])
    np.testing.assert_allclose(s.grad_h_var, [g.var() for g in grads.h])
    np.testing.assert_allclose(s.grad_W_var, [g.var() for g in grads.W])
    assert s.h_mean[0] == pytest.approx(0.5, abs=0.05)  # the logistic's mean is about 1/2


def test_jacobian_singular_values():
    net = MLP([30, 20, 40], activation="tanh", seed=0)
    X = np.random.default_rng(0).standard_normal((6, 30))
    net.forward(X)
    svs = wi.jacobian_singular_values(net, n_examples=3)
    assert [sv.shape for sv in svs] == [(3, 20), (3, 20)]
    # direct: J = diag(phi'(z)) W^T at example 1 of layer 2
    J = np.diag(1 - np.tanh(net.z[1][1]) ** 2) @ net.weights[1].T
    np.testing.assert_allclose(np.sort(svs[1][1]), np.sort(np.linalg.svd(J, compute_uv=False)), rtol=1e-10)
    # orthogonal weights with a linear activation: every singular value is 1
    lin = MLP([30, 30, 30], activation="linear", init="orthogonal", seed=0)
    lin.forward(X)
    np.testing.assert_allclose(np.concatenate(wi.jacobian_singular_values(lin)).ravel(), 1.0, rtol=1e-10)


def test_layer_histograms_are_densities():
    rng = np.random.default_rng(0)
    counts, edges = wi.layer_histograms([rng.standard_normal(10000), np.array([0.0, np.inf, np.nan])],
                                        bins=40, range=(-4, 4))
    assert counts.shape == (2, 40) and edges.shape == (41,)
    width = edges[1] - edges[0]
    assert counts[0].sum() * width == pytest.approx(1.0, abs=0.001)
    assert counts[1].sum() * width == pytest.approx(1.0)  # non-finite values dropped
    peak = counts[0][19:21].mean()
    assert peak == pytest.approx(1 / np.sqrt(2 * np.pi), rel=0.1)


# The three layers point downwards only: every numerics module (anything in wi_helpers outside
# the plots package and widgets.py) imports no plotting or widget library, and no plots module
# imports a widget library.
_PKG = Path(__file__).resolve().parents[1] / "wi_helpers"


def _modules(paths) -> list[str]:
    return sorted("wi_helpers." + ".".join(p.relative_to(_PKG).with_suffix("").parts).replace(".__init__", "")
                  for p in paths)


# widgets_*.py: dashboards of one notebook (widgets_spectrum.py, notebook 08), widget layer too
NUMERICS = _modules(p for p in _PKG.rglob("*.py")
                    if p.relative_to(_PKG).parts[0] not in ("plots", "widgets.py")
                    and not p.relative_to(_PKG).parts[0].startswith("widgets_")
                    and p.name != "__init__.py")
PLOTS = _modules((_PKG / "plots").glob("*.py"))


@pytest.mark.parametrize("modules,banned", [
    (NUMERICS, ("matplotlib", "ipywidgets", "IPython", "ipympl")),
    (PLOTS, ("ipywidgets", "ipympl")),
])
def test_layers_point_downwards(modules, banned):
    assert len(modules) >= 7  # every module of the layer, found on disk
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"bad = [m for m in {banned!r} if m in sys.modules]\nprint(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, f"{modules} imported {r.stdout.strip()} {r.stderr}"


def test_backward_without_weight_grads_gives_the_same_signal_gradients():
    net = MLP([12, 9, 7, 5], activation="tanh", bias_std=0.2, seed=3)
    rng = np.random.default_rng(0)
    X, G = rng.standard_normal((6, 12)), rng.standard_normal((6, 5))
    net.forward(X)
    full = net.backward(G)
    light = net.backward(G, weight_grads=False)
    assert light.W == [None] * 3 and light.b == [None] * 3
    for a, b in zip(full.h + full.z, light.h + light.z):
        np.testing.assert_array_equal(a, b)
    s_full = layer_stats(net, X, G)
    s_light = layer_stats(net, X, G, weight_grads=False)
    np.testing.assert_array_equal(s_full.grad_h_var, s_light.grad_h_var)
    assert np.isnan(s_light.grad_W_var).all() and np.isfinite(s_full.grad_W_var).all()
    with pytest.raises(TypeError, match="weight_grads must be True or False, got 'no'"):
        net.backward(G, weight_grads="no")


def _stats_equal(a, b) -> bool:
    import dataclasses
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y, equal_nan=True):
                return False
        elif x != y:
            return False
    return True


def test_reuse_gives_the_numbers_of_a_fresh_network():
    """MLP(reuse=) and forward(reuse=) (the dashboards' depth slider) change only the time:
    along a random walk of settings, every statistic equals that of a fresh network."""
    from wi_helpers.stats import layer_stats
    rng = np.random.default_rng(5)
    previous = None
    settings = dict(sizes=[32] * 6, activation="tanh", init="glorot_uniform", gain=1.0, std=None,
                    bias_std=0.0, seed=3)
    reused = 0
    for step in range(60):
        move = rng.integers(8)
        s = dict(settings)
        if move < 3:   # depth up or down (the common move)
            L = int(np.clip(len(s["sizes"]) - 1 + rng.choice([-1, 1]), 1, 12))
            s["sizes"] = [s["sizes"][0]] * (L + 1)
        elif move == 3:
            s["sizes"] = [int(rng.choice([16, 32]))] * len(s["sizes"])
        elif move == 4:
            s["init"] = str(rng.choice(["glorot_uniform", "orthogonal", "normal", "standard"]))
            s["std"] = 1.5 if s["init"] == "normal" else None
        elif move == 5:
            s["activation"] = str(rng.choice(["tanh", "relu", "sigmoid"]))
        elif move == 6:
            s["bias_std"] = float(rng.choice([0.0, 0.2]))
        else:
            s["seed"] = int(rng.integers(3))
        settings = s
        kw = dict(activation=s["activation"], init=s["init"], gain=s["gain"], std=s["std"],
                  bias_std=s["bias_std"], seed=s["seed"])
        fresh = MLP(s["sizes"], **kw)
        expected = layer_stats(fresh, batch=40, rng=np.random.default_rng(s["seed"]), weight_grads=False)
        net = MLP(s["sizes"], reuse=previous, **kw)
        for W, V in zip(net.weights, fresh.weights):
            assert np.array_equal(W, V)
        assert all(np.array_equal(b, c) for b, c in zip(net.biases, fresh.biases))
        got = layer_stats(net, batch=40, rng=np.random.default_rng(s["seed"]), weight_grads=False,
                          reuse=previous)
        assert _stats_equal(got, expected), (step, s)
        if (previous is not None and net.weights[0] is previous.weights[0]
                and net.activation.name == previous.activation.name
                and np.array_equal(net.biases[0], previous.biases[0])):
            reused += 1
            assert net.z[0] is previous.z[0]  # the forward pass was lent, not recomputed
        previous = net
    assert reused >= 15  # the walk did exercise the reuse


def test_reuse_refuses_a_non_network():
    with pytest.raises(TypeError, match="reuse must be an MLP"):
        MLP([4, 4], reuse="net")
    net = MLP([4, 4], seed=0)
    with pytest.raises(TypeError, match="reuse must be an MLP"):
        net.forward(np.ones((2, 4)), reuse=[1])


def test_fan_mode_picks_the_fan_of_he_and_lecun():
    """He and LeCun divide by fan_in or fan_out (PyTorch's kaiming_*(mode=...)): sampled
    variances against 2/fan and 1/fan; other schemes refuse a mode they do not use."""
    rng = np.random.default_rng(0)
    for scheme, k in (("he_normal", 2.0), ("he_uniform", 2.0), ("lecun_normal", 1.0)):
        for mode, fan in (("fan_in", 300), ("fan_out", 200)):
            assert weight_std(scheme, 300, 200, mode=mode) == pytest.approx(np.sqrt(k / fan))
            W = init_weights(scheme, 300, 200, rng=rng, mode=mode)
            assert W.var() == pytest.approx(k / fan, rel=0.02)
    with pytest.raises(ValueError, match="mode='fan_out' is only used by he_uniform"):
        weight_std("glorot_uniform", 3, 4, mode="fan_out")
    with pytest.raises(ValueError, match="mode must be one of|mode"):
        weight_std("he_normal", 3, 4, mode="fan_avg")
    with pytest.raises(ValueError, match="fan_mode"):
        MLP([4, 4], init="he_normal", fan_mode="avg")
    net = MLP([64, 16, 16], init="he_normal", fan_mode="fan_out", seed=0)
    assert net.weights[0].std() == pytest.approx(np.sqrt(2 / 16), rel=0.05)
    # a different fan mode is a different network: never lent by reuse
    other = MLP([64, 16, 16], init="he_normal", seed=0, reuse=net)
    assert other.weights[0] is not net.weights[0]
    assert other.weights[0].std() == pytest.approx(np.sqrt(2 / 64), rel=0.05)


# ---------------------------------------------------------------- NetworkSpec: one value


def test_spec_canonicalizes_names_once_and_is_hashable():
    """Case and aliases are resolved in the spec: the README's names build the same network."""
    from wi_helpers.spec import NetworkSpec
    for name, canonical in (("xavier", "glorot_uniform"), ("Glorot", "glorot_uniform"),
                            ("Xavier", "glorot_uniform"), ("XAVIER_NORMAL", "glorot_normal"),
                            ("he", "he_normal"), ("Kaiming", "he_normal"),
                            ("kaiming_uniform", "he_uniform"), ("LeCun", "lecun_normal")):
        assert NetworkSpec([4, 4], init=name).init == canonical
        assert MLP([4, 4], init=name).init == canonical
    spec = NetworkSpec((8, 4), activation="TANH", init="Glorot_Uniform", dtype="float64",
                       output_activation="tanh")
    assert spec == NetworkSpec([8, 4]) and hash(spec) == hash(NetworkSpec([8, 4]))
    assert spec.sizes == (8, 4) and spec.activation.name == "tanh"
    assert NetworkSpec([4, 4], init="He", fan_mode="FAN_OUT").fan_mode == "fan_out"
    # the README's MLP(...) keeps working and stores its spec
    net = MLP([8, 4], activation="Tanh", init="xavier", seed=0)
    assert net.spec == NetworkSpec([8, 4], seed=0)
    assert np.array_equal(net.weights[0], MLP([8, 4], seed=0).weights[0])
    assert np.array_equal(MLP.from_spec(net.spec).weights[0], net.weights[0])
    with pytest.raises(TypeError, match="MLP.from_spec"):
        MLP(net.spec)
    with pytest.raises(ValueError, match="std is required for scheme 'normal'"):
        NetworkSpec([4, 4], init="normal")
    # relaxed: the options the scheme does not use are dropped, not refused
    assert NetworkSpec.relaxed([4, 4], init="Xavier", std=0.3, fan_mode="fan_out") == NetworkSpec(
        [4, 4])
    assert NetworkSpec.relaxed([4, 4], init="normal", std=0.3).std == 0.3
    assert NetworkSpec.relaxed([4, 4], init="he", fan_mode="fan_out").fan_mode == "fan_out"


def test_spec_reserved_options_are_refused_until_implemented():
    from wi_helpers.spec import NetworkSpec
    for name, value in (("parametrization", "mup"),):
        with pytest.raises(NotImplementedError, match=f"{name}=.* is not implemented yet"):
            NetworkSpec([4, 4], **{name: value})


# One other value for every option of the spec (the reserved ones are refused above).
_OTHER_VALUE = dict(activation="relu", init="orthogonal", gain=1.5, fan_mode="fan_out",
                    bias_std=0.3, output_activation="linear", seed=8, dtype="float32")


def test_every_spec_option_alone_changes_the_keys_and_refuses_reuse():
    """Change one field: the spec, its hash and its per-layer keys change, and MLP's reuse
    (weights in the constructor, z and h in forward) is refused where that field matters."""
    import dataclasses

    from wi_helpers.spec import DRAW, NetworkSpec
    # the residual options are ResidualMLP's (tests/test_residual.py), refused by MLP
    reserved = {"residual_scale", "normalization", "parametrization", "norm_position",
                "branch_layers"}
    names = {f.name for f in dataclasses.fields(NetworkSpec)}
    assert names == {"sizes", "std"} | reserved | set(_OTHER_VALUE), (
        "a new NetworkSpec field needs a value in _OTHER_VALUE (and a test of its key)")
    base = dict(sizes=[16, 16, 16], init="he_normal", seed=7)
    X = np.random.default_rng(0).standard_normal((5, 16))
    ref = MLP(**base)
    ref.forward(X)
    cases = [(name, {name: value}) for name, value in _OTHER_VALUE.items()]
    cases.append(("std", dict(init="normal", std=0.25)))
    cases.append(("sizes", dict(sizes=[16, 12, 16])))
    for name, change in cases:
        if name == "fan_mode":
            change = dict(fan_mode="fan_out")
        spec = dataclasses.replace(ref.spec, **change)
        assert spec != ref.spec and hash(spec) != hash(ref.spec), name
        last = spec.depth - 1
        assert spec.layer_key(last) != ref.spec.layer_key(last), name
        net = MLP.from_spec(spec, reuse=ref)
        net.forward(X, reuse=ref)
        draws = {f.name: f.metadata.get(DRAW, True) for f in dataclasses.fields(spec)}[name]
        # a field that changes the draws lends no weights; the others lend the weights
        # (the dashboards' activation and bias switches) but not the forward pass
        assert (net.weights[0] is ref.weights[0]) is (not draws), name
        assert net.z[-1] is not ref.z[-1], name
        fresh = MLP.from_spec(spec)
        assert np.array_equal(fresh.forward(X), net.h[-1], equal_nan=True), name


def test_a_new_spec_field_is_seen_by_the_keys_without_other_changes():
    """Adding a field (here in a subclass) is all it takes for reuse and caches to see it."""
    import dataclasses

    from wi_helpers.spec import NetworkSpec

    @dataclasses.dataclass(frozen=True)
    class Wider(NetworkSpec):
        new_option: float = 0.0

    a, b = Wider([8, 8], seed=1), Wider([8, 8], seed=1, new_option=1.0)
    assert a != b and hash(a) != hash(b) and {a: 1, b: 2}[a] == 1
    assert a.weight_key(0) != b.weight_key(0)
    lender = MLP.from_spec(a)
    assert MLP.from_spec(b, reuse=lender).weights[0] is not lender.weights[0]
    assert MLP.from_spec(Wider([8, 8], seed=1), reuse=lender).weights[0] is lender.weights[0]


def test_theory_accepts_a_spec():
    from wi_helpers.spec import NetworkSpec
    from wi_helpers.theory import linear_theory, mean_field, scheme_weight_var
    spec = NetworkSpec([30, 20, 10], activation="tanh", init="he", bias_std=0.1)
    wv = scheme_weight_var([30, 20, 10], "he_normal")
    assert np.array_equal(spec.weight_var(), wv)
    assert np.array_equal(scheme_weight_var([30, 20, 10], "he", fan_mode="fan_out"),
                          scheme_weight_var([30, 20, 10], "he", mode="fan_out"))
    assert np.allclose(wv, [2 / 30, 2 / 20])
    assert weight_std("He", 30, 20, fan_mode="FAN_OUT") == weight_std("he_normal", 30, 20,
                                                                      mode="fan_out")
    with pytest.raises(TypeError, match="give the fan mode once"):
        weight_std("he", 3, 4, fan_mode="fan_out", mode="fan_out")
    p, q = mean_field(spec), mean_field([30, 20, 10], "tanh", wv, bias_var=0.1 ** 2)
    assert np.array_equal(p.z_var, q.z_var) and np.array_equal(p.grad_h_var, q.grad_h_var)
    assert np.array_equal(linear_theory(spec).z_var, linear_theory([30, 20, 10], wv).z_var)
    with pytest.raises(TypeError, match="takes weight_var from the NetworkSpec"):
        mean_field(spec, weight_var=1.0)
    with pytest.raises(TypeError, match="needs sizes, activation and weight_var"):
        mean_field([3, 3])
    with pytest.raises(ValueError, match="one activation for every layer"):
        mean_field(NetworkSpec([3, 3, 3], output_activation="linear"))


def test_shared_formatting_and_histogram_range():
    """One formatter, one first-layer search and one histogram range rule for every caller."""
    from wi_helpers.stats import HIST_MAX, first_where, format_number, histogram_range
    assert [format_number(x) for x in (0.0, 0.5, 12.345, 999.0, 1000.0, 0.009, -2e-5)] == [
        "0", "0.5", "12", "1e+03", "1.0e+03", "9.0e-03", "-2.0e-05"]
    assert [format_number(x) for x in (np.inf, -np.inf, np.nan)] == ["inf", "-inf", "nan"]
    assert format_number(0.0, zero="0 (underflow)") == "0 (underflow)"
    assert first_where((l, l * l > 10) for l in range(10)) == 4
    assert first_where((l, False) for l in range(3)) is None
    x = np.arange(1, 1001, dtype=float)  # |x|'s 99.5th percentile: 995.005
    assert histogram_range([x[:500], -x[500:], [np.nan, np.inf]]) == pytest.approx((-995.005, 995.005))
    assert histogram_range([x], from_zero=True) == pytest.approx((0.0, 995.005))
    assert histogram_range([np.zeros(3)]) == (-1.0, 1.0) and histogram_range([]) == (-1.0, 1.0)
    assert histogram_range([np.full(4, 1e305)]) == (-HIST_MAX, HIST_MAX)
    counts, edges = wi.layer_histograms([np.full(4, 1e305), np.ones(3)])
    assert edges[-1] == HIST_MAX and np.isfinite(counts).all()
