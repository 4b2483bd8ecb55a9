"""ResidualMLP: every option's backward against finite differences, the variance theory
against sampled networks, torch's LayerNorm/BatchNorm backward when torch is importable."""
import itertools

import numpy as np
import pytest

from wi_helpers.mlp import MLP
from wi_helpers.residual import ResidualMLP, normalize, normalize_backward, variance_theory
from wi_helpers.spec import NetworkSpec

OPTIONS = list(itertools.product((None, 0.7), (None, "batch", "layer"), ("pre", "post"),
                                 (1, 2), ("tanh", "relu")))


def _loss_and_grads(spec, X, G):
    net = ResidualMLP.from_spec(spec)
    out = net.forward(X)
    return net, float((out * G).sum()), net.backward(G)


@pytest.mark.parametrize("alpha,norm,pos,m,act", OPTIONS)
def test_backward_matches_finite_differences(alpha, norm, pos, m, act):
    rng = np.random.default_rng(3)
    spec = NetworkSpec([5] * 4, activation=act, init="he_normal", seed=2,
                       residual_scale=alpha, normalization=norm, norm_position=pos,
                       branch_layers=m)
    X, G = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))
    net, _, grads = _loss_and_grads(spec, X, G)
    eps = 1e-6

    def loss():
        return float((net.forward(X) * G).sum())
    for l, k in ((0, 0), (2, m - 1)):
        W = net.weights[l][k]
        for i, j in ((0, 1), (3, 4)):
            W[i, j] += eps
            up = loss()
            W[i, j] -= 2 * eps
            down = loss()
            W[i, j] += eps
            assert abs((up - down) / (2 * eps) - grads.W[l][k][i, j]) < 1e-6, (l, k, i, j)
    dX = np.zeros_like(X)
    for i, j in ((0, 0), (5, 3)):
        Xp, Xm = X.copy(), X.copy()
        Xp[i, j] += eps
        Xm[i, j] -= eps
        dX[i, j] = (float((net.forward(Xp) * G).sum()) - float((net.forward(Xm) * G).sum())) / (2 * eps)
        assert abs(dX[i, j] - grads.h[0][i, j]) < 1e-6
    if alpha is not None:
        net.forward(X)
        net.alpha[1] += eps
        up = loss()
        net.alpha[1] -= 2 * eps
        down = loss()
        net.alpha[1] += eps
        assert abs((up - down) / (2 * eps) - grads.alpha[1]) < 1e-6


def test_normalize_statistics_and_backward_projection():
    rng = np.random.default_rng(0)
    x = 3 + 2 * rng.standard_normal((64, 10))
    for kind, axis in (("batch", 0), ("layer", 1)):
        y, inv = normalize(x, kind)
        assert np.allclose(y.mean(axis=axis), 0) and np.allclose(y.var(axis=axis), 1, atol=1e-4)
        # the backward pass removes the directions normalization ignores (shift and scale)
        dx = normalize_backward(np.ones_like(y), y, inv, kind)
        assert np.allclose(dx, 0, atol=1e-10)
        dx = normalize_backward(y.copy(), y, inv, kind)
        assert np.allclose(dx, 0, atol=1e-3)


@pytest.mark.parametrize("options,depth", [
    (dict(residual_scale=1.0), 8), (dict(residual_scale=1.0, normalization="batch"), 16),
    (dict(residual_scale=0.0), 8), (dict(residual_scale=1 / 4, branch_layers=2), 16),
    (dict(), 8), (dict(residual_scale=1.0, normalization="layer", norm_position="post"), 8)])
def test_variance_theory_matches_sampled_networks(options, depth):
    n = 512
    spec = NetworkSpec([n] * (depth + 1), activation="relu", init="he_normal", seed=5,
                       **options)
    net = ResidualMLP.from_spec(spec)
    net.forward(np.random.default_rng(1).standard_normal((256, n)))
    found = np.array([np.mean(h ** 2) for h in net.h])
    theory = variance_theory(spec)
    assert np.allclose(found, theory, rtol=0.2), (found, theory)


def test_theory_closed_forms():
    spec = NetworkSpec([8] * 11, activation="relu", init="he_normal", residual_scale=1.0)
    assert np.allclose(variance_theory(spec), 2.0 ** np.arange(11))
    bn = NetworkSpec([8] * 11, activation="relu", init="he_normal", residual_scale=1.0,
                     normalization="batch")
    assert np.allclose(variance_theory(bn), 1 + np.arange(11))


def test_mlp_refuses_residual_specs_and_spec_checks():
    with pytest.raises(ValueError, match="ResidualMLP"):
        MLP.from_spec(NetworkSpec([4, 4], residual_scale=1.0))
    with pytest.raises(ValueError, match="normalization must be one of"):
        NetworkSpec([4, 4], normalization="group")
    with pytest.raises(ValueError, match="norm_position"):
        NetworkSpec([4, 4], norm_position="middle")
    with pytest.raises(ValueError, match="branch_layers"):
        NetworkSpec([4, 4], branch_layers=3)
    with pytest.raises(ValueError, match="equal widths"):
        ResidualMLP.from_spec(NetworkSpec([4, 5], residual_scale=1.0))
    assert NetworkSpec([4, 4], normalization="LAYER").normalization == "layer"


def test_torch_layer_and_batch_norm_backward():
    torch = pytest.importorskip("torch", reason="torch is not installed: the finite-difference "
                                                "tests above check the backward passes")
    rng = np.random.default_rng(0)
    x, dy = rng.standard_normal((16, 8)), rng.standard_normal((16, 8))
    for kind in ("batch", "layer"):
        t = torch.tensor(x, requires_grad=True)
        if kind == "batch":
            y_t = torch.nn.functional.batch_norm(t, None, None, training=True, eps=1e-5)
        else:
            y_t = torch.nn.functional.layer_norm(t, (8,), eps=1e-5)
        y_t.backward(torch.tensor(dy))
        y, inv = normalize(x, kind)
        assert np.allclose(y, y_t.detach().numpy(), atol=1e-10)
        assert np.allclose(normalize_backward(dy, y, inv, kind), t.grad.numpy(), atol=1e-8)
