"""wi_helpers.conventions against independent references: the numbers torch's and Keras's
source state (REFERENCES.md), direct counts of connections, quadrature and sampling; and
against the libraries themselves where they are installed (skipped otherwise)."""
import math

import numpy as np
import pytest

from wi_helpers import conventions as C
from wi_helpers.lessons.relu_he import conv1d, conv_transpose1d

# ---------------------------------------------------------------- gains


def test_calculate_gain_is_torch_table():
    # torch/nn/init.py, as REFERENCES.md states it
    stated = {"linear": 1.0, "conv2d": 1.0, "conv_transpose3d": 1.0, "sigmoid": 1.0,
              "tanh": 5 / 3, "relu": math.sqrt(2), "selu": 3 / 4,
              "leaky_relu": math.sqrt(2 / (1 + 0.01 ** 2))}
    for name, value in stated.items():
        assert C.calculate_gain(name) == pytest.approx(value, rel=1e-15), name
    assert C.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert C.calculate_gain(" ReLU ") == C.calculate_gain("relu")  # one rule for case
    # kaiming_uniform_(a=sqrt 5): the gain sqrt(2/6) that makes nn.Linear's 1/sqrt(fan_in)
    assert C.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(1 / math.sqrt(3))


def test_leaky_gain_against_quadrature():
    u = np.linspace(-12, 12, 400_000)  # an even count: no node on the kink at 0
    w = np.exp(-u * u / 2) * (u[1] - u[0]) / math.sqrt(2 * math.pi)
    for a in (0.0, 0.01, 0.3, 1.0, -0.5):
        m2 = np.sum(np.where(u > 0, u, a * u) ** 2 * w)  # E[leaky(u)^2], u ~ N(0, 1)
        assert C.leaky_gain(a) == pytest.approx(1 / math.sqrt(m2), rel=1e-6)
    assert C.leaky_gain(1.0) == 1.0


def test_gain_inputs_are_refused_clearly():
    with pytest.raises(TypeError, match="slope"):
        C.leaky_gain(True)  # a boolean is not a slope (it used to give 1.0)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="slope"):
            C.leaky_gain(bad)
    with pytest.raises(TypeError, match="param"):
        C.calculate_gain("leaky_relu", True)  # torch refuses it too
    with pytest.raises(ValueError, match="softsign.*allowed: linear"):
        C.calculate_gain("softsign")
    with pytest.raises(ValueError, match="only used by nonlinearity 'leaky_relu'"):
        C.calculate_gain("relu", 0.1)
    with pytest.raises(TypeError, match="nonlinearity"):
        C.calculate_gain(None)


# ---------------------------------------------------------------- layouts and fans


def test_weight_shapes_and_the_fans_each_framework_reads():
    assert C.weight_shape("torch", "dense", 784, 256) == (256, 784)
    assert C.weight_shape("keras", "dense", 784, 256) == (784, 256)
    assert C.weight_shape("torch", "conv", 32, 64, kernel=3) == (64, 32, 3)
    assert C.weight_shape("torch", "conv", 32, 64, kernel=(3, 3), groups=4) == (64, 8, 3, 3)
    assert C.weight_shape("torch", "conv_transpose", 32, 64, kernel=(3, 3)) == (32, 64, 3, 3)
    assert C.weight_shape("keras", "conv", 32, 64, kernel=(3, 3)) == (3, 3, 32, 64)
    assert C.weight_shape("keras", "conv_transpose", 32, 64, kernel=(3, 3)) == (3, 3, 64, 32)
    assert C.torch_fans((256, 784)) == (784, 256)
    assert C.torch_fans((16, 3, 5, 5)) == (75, 400)
    assert C.keras_fans((784, 256)) == (784, 256)
    assert C.keras_fans((5, 5, 3, 16)) == (75, 400)
    assert C.keras_fans((7,)) == (7, 7)
    # a transposed convolution: both frameworks read c_out k^2 as fan_in (576), while 288
    # inputs feed each output
    for fw, fans in (("torch", C.torch_fans), ("keras", C.keras_fans)):
        shape = C.weight_shape(fw, "conv_transpose", 32, 64, kernel=(3, 3))
        assert fans(shape) == (576, 288)
    assert C.connection_fans("conv_transpose", 32, 64, kernel=(3, 3)) == (288.0, 576.0)
    assert C.connection_fans("conv", 32, 64, kernel=(3, 3)) == (288.0, 576.0)
    # a NumPy (in, out) array handed to torch's reader swaps the fans
    assert C.torch_fans(C.weight_shape("keras", "dense", 784, 256)) == (256, 784)


def _direct_counts(layer, c_in, c_out, k, stride, n=12):
    """Count, by enumerating every weight tap of a circular 1-D layer, how many inputs feed
    each output and how many outputs each input feeds (averaged over positions)."""
    n_out_pos = n // stride if layer == "conv" else n * stride
    feeds = np.zeros(n_out_pos)  # inputs per output position (per input channel)
    fed = np.zeros(n)            # outputs per input position (per output channel)
    for t in range(n_out_pos if layer == "conv" else n):
        for j in range(k):
            if layer == "conv":   # output t reads input stride t + j - k//2
                feeds[t] += 1
                fed[(stride * t + j - k // 2) % n] += 1
            else:                 # input t writes output stride t + j - k//2
                fed[t] += 1
                feeds[(stride * t + j - k // 2) % n_out_pos] += 1
    return c_in * feeds.mean(), c_out * fed.mean()


@pytest.mark.parametrize("layer", ["conv", "conv_transpose"])
@pytest.mark.parametrize("k,stride", [(3, 1), (3, 2), (4, 2), (5, 3)])
def test_connection_fans_against_direct_counts(layer, k, stride):
    c_in, c_out = 6, 4
    got = C.connection_fans(layer, c_in, c_out, kernel=k, stride=stride)
    assert got == pytest.approx(_direct_counts(layer, c_in, c_out, k, stride))
    # 2-D: the counts multiply over the dimensions
    got2 = C.connection_fans(layer, c_in, c_out, kernel=(k, k), stride=stride)
    one = _direct_counts(layer, 1, 1, k, stride)
    assert got2 == pytest.approx((c_in * one[0] ** 2, c_out * one[1] ** 2))


def test_conv_transpose_is_the_adjoint_of_conv_and_its_fan_halves_he():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 3, 10)), rng.standard_normal((2, 5, 10))
    W = rng.standard_normal((5, 3, 3))  # conv: 3 -> 5 channels; transposed (torch layout) 5 -> 3
    assert np.sum(conv1d(x, W) * y) == pytest.approx(np.sum(x * conv_transpose1d(y, W)))
    # E[z^2] of a transposed conv fed unit-variance inputs is (inputs per output) Var[W]
    c_in, c_out, k = 32, 64, 9
    fan_torch = C.torch_fans(C.weight_shape("torch", "conv_transpose", c_in, c_out, kernel=k))[0]
    true_in = C.connection_fans("conv_transpose", c_in, c_out, kernel=k)[0]
    assert (fan_torch, true_in) == (576, 288.0)
    Wt = rng.normal(0, math.sqrt(2 / fan_torch), (c_in, c_out, k))
    z = conv_transpose1d(rng.standard_normal((8, c_in, 64)), Wt)
    assert np.mean(z ** 2) == pytest.approx(true_in * 2 / fan_torch, rel=0.05)  # 1, not 2
    with pytest.raises(ValueError, match="c_in"):
        conv_transpose1d(x, W)


def test_fan_inputs_are_refused_clearly():
    with pytest.raises(TypeError, match=r"shape\[0\]"):
        C.torch_fans((True, 3))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        C.torch_fans((5,))
    with pytest.raises(TypeError, match="shape must be a sequence"):
        C.keras_fans("784x256")
    with pytest.raises(ValueError, match="groups=3 must divide"):
        C.weight_shape("torch", "conv", 32, 64, kernel=3, groups=3)
    with pytest.raises(ValueError, match="kernel is only used"):
        C.weight_shape("torch", "dense", 3, 4, kernel=3)
    with pytest.raises(ValueError, match="unknown layer"):
        C.weight_shape("torch", "lstm", 3, 4)
    with pytest.raises(ValueError, match="unknown framework"):
        C.weight_shape("jax", "dense", 3, 4)
    with pytest.raises(ValueError, match="no groups"):
        C.weight_shape("keras", "conv_transpose", 4, 4, kernel=3, groups=2)
    with pytest.raises(ValueError, match="one entry per kernel dimension"):
        C.connection_fans("conv", 4, 4, kernel=(3, 3), stride=(1, 2, 1))
    with pytest.raises(ValueError, match="stride is only used"):
        C.connection_fans("dense", 4, 4, stride=2)


# ---------------------------------------------------------------- truncated normals


def _quadrature_std(a, b, n=2_000_001):
    u = np.linspace(a, b, n)
    p = np.exp(-u * u / 2)
    mass = np.trapezoid(p, u)
    mean = np.trapezoid(u * p, u) / mass
    return math.sqrt(np.trapezoid((u - mean) ** 2 * p, u) / mass)


@pytest.mark.parametrize("a,b", [(-2, 2), (-1.5, 1.5), (-1, 3), (0.5, 2.5), (4, 6), (-7, -5)])
def test_truncated_normal_std_against_quadrature(a, b):
    assert C.truncated_normal_std(a, b) == pytest.approx(_quadrature_std(a, b), rel=1e-8)


def test_keras_constant_and_infinite_cuts():
    # the literal in Keras's source is the std of N(0, 1) cut at +-2
    assert C.truncated_normal_std(-2, 2) == pytest.approx(0.87962566103423978, abs=1e-15)
    assert C.KERAS_TRUNCATION_STD == 0.87962566103423978
    assert C.truncated_normal_std(-math.inf, math.inf) == pytest.approx(1.0)
    # half-normal: Var = 1 - 2/pi
    assert C.truncated_normal_std(0, math.inf) == pytest.approx(math.sqrt(1 - 2 / math.pi))
    with pytest.raises(ValueError, match="a < b"):
        C.truncated_normal_std(1, 1)
    with pytest.raises(TypeError, match="a must"):
        C.truncated_normal_std(False, 2)
    with pytest.raises(ValueError, match="no measurable mass"):
        C.truncated_normal_std(50, 60)


def test_torch_trunc_normal_cuts_at_absolute_points_sampled():
    rng = np.random.default_rng(1)
    for std, a, b in ((1.0, -2.0, 2.0), (0.02, -2.0, 2.0), (0.02, -0.04, 0.04), (1.0, -1, 3)):
        x = C.sample_trunc_normal(300_000, rng=rng, std=std, a=a, b=b)
        assert x.min() >= a and x.max() <= b
        assert x.std() == pytest.approx(C.torch_trunc_normal_std(std, a, b), rel=0.01)
    assert C.torch_trunc_normal_std(1.0) == pytest.approx(0.8796, abs=1e-4)
    assert C.torch_trunc_normal_std(0.02) == pytest.approx(0.02, rel=1e-12)  # cuts nothing
    with pytest.raises(ValueError, match="std"):
        C.torch_trunc_normal_std(0.0)
    with pytest.raises(ValueError, match="keeps only"):
        C.sample_trunc_normal(10, rng=rng, std=1.0, a=5.0, b=6.0)
    with pytest.raises(TypeError, match="rng"):
        C.sample_trunc_normal(10, rng=1)


def test_trunc_normal_args_hit_the_target_and_the_other_order_does_not():
    rng = np.random.default_rng(2)
    target = 0.05
    std, a, b = C.trunc_normal_args(target)
    assert (a, b) == pytest.approx((-2 * std, 2 * std))
    x = C.sample_trunc_normal(400_000, rng=rng, std=std, a=a, b=b)
    assert x.std() == pytest.approx(target, rel=0.005)
    assert C.torch_trunc_normal_std(std, a, b) == pytest.approx(target, rel=1e-12)
    # cut at +-2 target first, then divide the std by 0.8796: the cut sits at 1.76 of the
    # std, and the draws have 0.9346 times the target
    literal = C.torch_trunc_normal_std(target / C.KERAS_TRUNCATION_STD, -2 * target, 2 * target)
    assert literal / target == pytest.approx(0.9346, abs=1e-4)
    y = C.sample_trunc_normal(400_000, rng=rng, std=target / C.KERAS_TRUNCATION_STD,
                              a=-2 * target, b=2 * target)
    assert y.std() / target == pytest.approx(0.9346, rel=0.005)


# ---------------------------------------------------------------- initializers, defaults


def test_torch_initializers_and_defaults():
    assert C.torch_kaiming_std((256, 784), nonlinearity="relu") == pytest.approx(math.sqrt(2 / 784))
    assert C.torch_kaiming_std((256, 784), nonlinearity="relu", mode="FAN_OUT") == pytest.approx(
        math.sqrt(2 / 256))  # torch lowers the mode too
    assert C.torch_kaiming_std((256, 784), a=0.5) == pytest.approx(math.sqrt(2 / 1.25 / 784))
    assert C.torch_xavier_std((256, 784), gain=5 / 3) == pytest.approx(5 / 3 * math.sqrt(2 / 1040))
    # nn.Linear(784, 256): U[-1/sqrt 784, 1/sqrt 784] for the weight and the bias
    assert C.torch_default_bounds("dense", 784, 256) == pytest.approx((1 / 28, 1 / 28))
    w = np.random.default_rng(0).uniform(-1 / math.sqrt(50), 1 / math.sqrt(50), 200_000)
    assert w.var() == pytest.approx(C.torch_default_bounds("linear", 50, 7)[0] ** 2 / 3, rel=0.01)
    # ConvTranspose2d(32, 64, 3): fan_in read from (32, 64, 3, 3) is 576
    assert C.torch_default_bounds("conv_transpose", 32, 64, kernel=(3, 3)) == pytest.approx(
        (1 / 24, 1 / 24))
    assert C.torch_default_bounds("conv", 32, 64, kernel=(3, 3), groups=4)[0] == pytest.approx(
        1 / math.sqrt(72))
    with pytest.raises(ValueError, match="unknown mode"):
        C.torch_kaiming_std((3, 3), mode="fan_avg")


def test_keras_variance_scaling_sampled():
    rng = np.random.default_rng(3)
    draw = C.keras_initializer("glorot_normal", (784, 256))
    target = math.sqrt(2 / 1040)
    assert draw.distribution == "truncated_normal" and draw.std == pytest.approx(target)
    assert draw.param == pytest.approx(target / 0.87962566103423978)
    x = C.sample_trunc_normal(400_000, rng=rng, std=draw.param, a=-draw.cut, b=draw.cut)
    assert x.std() == pytest.approx(target, rel=0.005)
    # "normal" means truncated, as in Keras
    assert C.keras_variance_scaling((784, 256), distribution="normal") == C.keras_variance_scaling(
        (784, 256), distribution="truncated_normal")
    uni = C.keras_initializer("glorot_uniform", (784, 256))
    assert uni.param == pytest.approx(math.sqrt(6 / 1040)) and uni.std == pytest.approx(target)
    he = C.keras_initializer("he_normal", (3, 3, 32, 64))
    assert he.std == pytest.approx(math.sqrt(2 / 288))
    assert C.KERAS_DEFAULTS["Dense"] == ("glorot_uniform", "zeros")
    assert C.KERAS_DEFAULTS["Conv2DTranspose"] == ("glorot_uniform", "zeros")
    with pytest.raises(ValueError, match="unknown distribution"):
        C.keras_variance_scaling((3, 3), distribution="gamma")
    with pytest.raises(TypeError, match="scale"):
        C.keras_variance_scaling((3, 3), scale=True)


def test_optional_module():
    assert C.optional_module("math") is math
    assert C.optional_module("no_such_module_here_xyz") is None
    with pytest.raises(TypeError, match="name"):
        C.optional_module(3)


# ---------------------------------------------------------------- the libraries themselves


def test_against_torch_when_installed():
    torch = pytest.importorskip("torch", reason="torch is not installed (never a dependency)")
    for name in C.NONLINEARITIES:
        assert C.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert C.calculate_gain("leaky_relu", 0.3) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.3))
    torch.manual_seed(0)
    for layer, kw in (("dense", {}), ("conv", {"kernel": (3, 3)}),
                      ("conv_transpose", {"kernel": (3, 3)})):
        module = {"dense": lambda: torch.nn.Linear(32, 64),
                  "conv": lambda: torch.nn.Conv2d(32, 64, 3),
                  "conv_transpose": lambda: torch.nn.ConvTranspose2d(32, 64, 3)}[layer]()
        assert tuple(module.weight.shape) == C.weight_shape("torch", layer, 32, 64, **kw)
        bound, bias = C.torch_default_bounds(layer, 32, 64, **kw)
        w = module.weight.detach().abs().max().item()
        assert 0.99 * bound < w <= bound * (1 + 1e-6)
        assert module.bias.detach().abs().max().item() <= bias * (1 + 1e-6)
    t = torch.empty(2000, 500)
    torch.nn.init.trunc_normal_(t, std=1.0, a=-2.0, b=2.0)
    assert t.std().item() == pytest.approx(C.torch_trunc_normal_std(1.0, -2, 2), rel=0.01)


def test_against_keras_when_installed():
    keras = pytest.importorskip("keras", reason="keras is not installed (never a dependency)")
    dense = keras.layers.Dense(3)
    assert type(dense.kernel_initializer).__name__ == "GlorotUniform"
    assert type(dense.bias_initializer).__name__ == "Zeros"
    kernel = np.asarray(keras.initializers.GlorotNormal(seed=0)((784, 256)))
    assert kernel.std() == pytest.approx(C.keras_initializer("glorot_normal", (784, 256)).std,
                                         rel=0.01)
