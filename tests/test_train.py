"""Tests for wi_helpers.train: the loss, the SGD loop, the recorder, interrupts, validation."""
from __future__ import annotations

import numpy as np
import pytest

from wi_helpers import MLP
from wi_helpers.train import (PERCENTILES, History, Recorder, error_rate, load_histories,
                              save_histories, softmax_nll, train)
from wi_helpers.lessons.nb05 import (PAPER_TABLE1_SHAPESET, SETTINGS, TABLE1_RUNS, Settings,
                                     run_table1)


def _blobs(n: int, rng: np.random.Generator, n_inputs: int = 8, n_classes: int = 3):
    """Gaussian blobs around well-separated centres: an easy task, ~100% separable."""
    centres = 3.0 * np.eye(n_classes, n_inputs)
    y = rng.integers(0, n_classes, n)
    X = centres[y] + 0.5 * rng.standard_normal((n, n_inputs))
    return X, y


def _net(activation="tanh", init="glorot_uniform", sizes=(8, 16, 16, 3), seed=0):
    return MLP(list(sizes), activation=activation, init=init, output_activation="linear", seed=seed)


def _run(net=None, n_updates=60, seed=1, **kw):
    rng = np.random.default_rng(0)
    X, y = _blobs(400, rng)
    Xt, yt = _blobs(200, rng)
    net = net or _net()
    args = dict(X_test=Xt, y_test=yt, lr=0.05, batch_size=10, n_updates=n_updates,
                rng=np.random.default_rng(seed), record_every=10, eval_every=20, progress=False)
    args.update(kw)
    return train(net, X, y, **args), net, (X, y, Xt, yt)


# ---------------------------------------------------------------------------- loss


def test_softmax_nll_value_matches_direct_computation():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((7, 5)) * 3
    y = rng.integers(0, 5, 7)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss, grad = softmax_nll(logits, y)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(7), y])), rel=1e-12)
    onehot = np.eye(5)[y]
    np.testing.assert_allclose(grad, (p - onehot) / 7, rtol=1e-10, atol=1e-15)


def test_softmax_nll_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((4, 6))
    y = np.array([0, 5, 2, 2])
    _, grad = softmax_nll(logits, y)
    eps = 1e-6
    numeric = np.zeros_like(logits)
    for idx in np.ndindex(*logits.shape):
        up, down = logits.copy(), logits.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (softmax_nll(up, y)[0] - softmax_nll(down, y)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_softmax_nll_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        loss, grad = softmax_nll(logits, np.array([0, 0]))
    assert loss == pytest.approx(400.0)  # (0 + 800) / 2
    assert np.isfinite(grad).all()


@pytest.mark.parametrize("logits, y, match", [
    (np.zeros(3), np.array([0]), "logits must have shape"),
    (np.zeros((2, 3)), np.array([0]), "y must be a 1-D array of 2"),
    (np.zeros((2, 3)), np.array([0, 3]), "labels in 0..2"),
    (np.zeros((2, 3)), np.array([0, -1]), "labels in 0..2"),
    (np.array([[0.0, np.nan, 0.0]]), np.array([0]), "logits must be finite"),
])
def test_softmax_nll_rejects_bad_input(logits, y, match):
    with pytest.raises(ValueError, match=match):
        softmax_nll(logits, y)


def test_softmax_nll_rejects_float_labels():
    with pytest.raises(TypeError, match="y must hold integer"):
        softmax_nll(np.zeros((2, 3)), np.array([0.0, 1.0]))


# --------------------------------------------------------------------------- train


def test_training_learns_an_easy_task():
    hist, net, (_, _, Xt, yt) = _run(n_updates=200)
    assert hist.test_error[0] > 0.4  # chance is 2/3 for 3 classes
    assert hist.final_test_error <= 0.02  # stated: >= 98% accuracy within 200 updates
    assert error_rate(net, Xt, yt) == hist.final_test_error
    assert hist.eval_update[-1] == 200 and hist.updates_done == 200 and not hist.interrupted


def test_a_training_update_is_mlp_sgd_step():
    """train()'s update is MLP.sgd_step on the softmax NLL's gradient (tested against
    MLP.backward in test_core): one full-batch update gives the very same numbers."""
    rng = np.random.default_rng(0)
    X, y = _blobs(10, rng)
    net, ref = _net(seed=3), _net(seed=3)
    lr = 0.1
    train(net, X, y, X_test=X, y_test=y, lr=lr, batch_size=10, n_updates=1,
          rng=np.random.default_rng(0), progress=False)
    _, g = softmax_nll(ref.forward(X[np.random.default_rng(0).permutation(10)]),
                       y[np.random.default_rng(0).permutation(10)])
    ref.sgd_step(g, lr)
    for l in range(ref.depth):
        np.testing.assert_array_equal(net.weights[l], ref.weights[l])
        np.testing.assert_array_equal(net.biases[l], ref.biases[l])


def test_history_shapes_and_record_steps():
    hist, net, _ = _run(n_updates=55)
    H, L, P = net.depth - 1, net.depth, len(PERCENTILES)
    R = 7  # 0, 10, ..., 50 and the last update 55
    np.testing.assert_array_equal(hist.update, [0, 10, 20, 30, 40, 50, 55])
    np.testing.assert_array_equal(hist.eval_update, [0, 20, 40, 55])
    assert hist.h_mean.shape == hist.h_std.shape == hist.grad_z_var.shape == (R, H)
    assert hist.h_percentiles.shape == (R, H, P) and hist.grad_W_var.shape == (R, L)
    B = len(hist.h_edges) - 1
    assert hist.h_hist.shape == hist.grad_hist.shape == (R, H, B)
    # every monitoring entry is counted once (values outside the edges in the end bins)
    assert (hist.h_hist.sum(axis=2) == 200 * 16).all() and (hist.grad_hist.sum(axis=2) == 200 * 16).all()
    assert np.isnan(hist.train_loss[0]) and np.isfinite(hist.train_loss[1:]).all()
    assert hist.h_edges[0] == -1 and hist.h_edges[-1] == 1  # tanh's range


def test_recorder_statistics_match_direct_computation():
    rng = np.random.default_rng(0)
    X, y = _blobs(300, rng)
    Xm, ym = _blobs(50, rng)
    net = _net(activation="sigmoid", init="standard")
    rec = Recorder(Xm, ym, bins=20, grad_range=(-0.2, 0.2))
    hist = train(net, X, y, X_test=Xm, y_test=ym, lr=0.5, n_updates=30, record_every=30,
                 rng=np.random.default_rng(2), recorder=rec, progress=False)
    # The last record (update 30) was taken with the final weights: recompute it directly.
    out = net.forward(Xm)
    p = np.exp(out - out.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    nll = -np.log(p[np.arange(50), ym])
    dC_dout = p - np.eye(3)[ym]  # per-example gradient of each NLL
    grads = net.backward(dC_dout)
    assert hist.update[-1] == 30
    assert hist.monitor_loss[-1] == pytest.approx(nll.mean(), rel=1e-12)
    assert hist.monitor_error[-1] == pytest.approx(np.mean(out.argmax(axis=1) != ym))
    edges_h = np.linspace(0, 1, 21)  # the sigmoid's range, fixed
    edges_g = np.linspace(-0.2, 0.2, 21)
    np.testing.assert_allclose(hist.h_edges, edges_h)
    np.testing.assert_allclose(hist.grad_edges, edges_g)
    for l in range(net.depth - 1):
        h = net.h[l + 1]
        assert hist.h_mean[-1, l] == pytest.approx(h.mean(), rel=1e-12)
        assert hist.h_std[-1, l] == pytest.approx(h.std(), rel=1e-12)
        # saturated: sigmoid output within 3% of 0 or 1
        assert hist.saturation[-1, l] == pytest.approx(np.mean(np.abs(h - 0.5) > 0.97 * 0.5))
        np.testing.assert_allclose(hist.h_percentiles[-1, l], np.percentile(h, PERCENTILES), rtol=1e-12)
        np.testing.assert_array_equal(hist.h_hist[-1, l], np.histogram(h, edges_h)[0])
        gz = grads.z[l]
        expected = np.histogram(np.clip(gz, -0.2, 0.2), edges_g)[0]
        np.testing.assert_array_equal(hist.grad_hist[-1, l], expected)
        assert hist.grad_z_var[-1, l] == pytest.approx(gz.var(), rel=1e-10)
    for l in range(net.depth):
        # Var of dC/dW for the mean NLL over the monitoring batch
        assert hist.grad_W_var[-1, l] == pytest.approx(np.var(grads.W[l] / 50), rel=1e-10)


def test_same_seed_same_run_and_different_seed_differs():
    a, net_a, _ = _run(n_updates=40, seed=5)
    b, net_b, _ = _run(n_updates=40, seed=5)
    c, net_c, _ = _run(n_updates=40, seed=6)
    for name in ("test_error", "train_loss", "h_mean", "h_percentiles", "grad_hist", "grad_W_var"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(net_a.weights[0], net_b.weights[0])
    assert not np.array_equal(net_a.weights[0], net_c.weights[0])


class _StopAt(Recorder):
    """A recorder that raises KeyboardInterrupt when asked to record update `stop`."""

    def __init__(self, *args, stop: int, **kw):
        super().__init__(*args, **kw)
        self.stop = stop

    def record(self, net, update, train_loss=float("nan")):
        if update == self.stop:
            raise KeyboardInterrupt
        super().record(net, update, train_loss)


def test_keyboard_interrupt_returns_history_so_far():
    rng = np.random.default_rng(0)
    _, _, (X, y, Xt, yt) = _run(n_updates=1)
    rec = _StopAt(Xt[:50], yt[:50], stop=30)
    hist = train(_net(), X, y, X_test=Xt, y_test=yt, lr=0.05, n_updates=100, record_every=10,
                 eval_every=20, rng=rng, recorder=rec, progress=False)
    assert hist.interrupted and "interrupted after 30 of 100" in hist.note
    assert hist.updates_done == 30 and hist.n_updates == 100
    np.testing.assert_array_equal(hist.update, [0, 10, 20])
    np.testing.assert_array_equal(hist.eval_update, [0, 20, 30])  # curve ends where it stopped
    assert hist.h_mean.shape[0] == 3 and hist.grad_hist.shape[0] == 3


def test_interrupt_before_any_record_gives_empty_arrays():
    rng = np.random.default_rng(0)
    _, _, (X, y, Xt, yt) = _run(n_updates=1)
    hist = train(_net(), X, y, X_test=Xt, y_test=yt, lr=0.05, n_updates=10, rng=rng,
                 recorder=_StopAt(Xt, yt, stop=0), progress=False)
    assert hist.interrupted and hist.updates_done == 0 and len(hist.update) == 0


def test_history_round_trips_through_npz(tmp_path):
    hist, _, _ = _run(n_updates=20)
    np.savez(tmp_path / "h.npz", **hist.to_npz_dict())
    back = History.from_npz_dict(np.load(tmp_path / "h.npz"))
    assert back.activation == "tanh" and back.sizes == hist.sizes and back.lr == hist.lr
    np.testing.assert_array_equal(back.grad_hist, hist.grad_hist)
    assert back.final_test_error == hist.final_test_error


# ---------------------------------------------------------------------- validation


@pytest.mark.parametrize("change, exc, match", [
    (dict(lr=0.0), ValueError, "lr must be a finite number > 0"),
    (dict(lr=-1.0), ValueError, "lr must be"),
    (dict(lr=float("nan")), ValueError, "lr must be"),
    (dict(n_updates=0), ValueError, "n_updates must be a positive integer, got 0"),
    (dict(batch_size=0), ValueError, "batch_size must be a positive integer, got 0"),
    (dict(batch_size=10_000), ValueError, "batch_size must be at most"),
    (dict(record_every=0), ValueError, "record_every"),
    (dict(eval_every=2.5), TypeError, "eval_every must be a positive integer, got 2.5"),
    (dict(rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (dict(progress="yes"), ValueError, "progress must be True, False or 'auto'"),
    (dict(X=np.zeros((5, 7))), ValueError, r"X must have shape \(n, 8\)"),
    (dict(y=np.zeros(3, dtype=int)), ValueError, "y must be a 1-D array of 400"),
    (dict(y=np.full(400, 3)), ValueError, "y must hold labels in 0..2"),
    (dict(X_test=np.zeros((5, 9))), ValueError, "X_test must have shape"),
    (dict(y_test=np.full(200, 7)), ValueError, "y_test must hold labels in 0..2"),
    (dict(y_test=np.zeros(200)), TypeError, "y_test must hold integer"),
    (dict(net="a network"), TypeError, "net must be an MLP"),
    (dict(recorder="r"), TypeError, "recorder must be a Recorder"),
])
def test_bad_arguments_raise_before_any_work(change, exc, match):
    rng = np.random.default_rng(0)
    X, y = _blobs(400, rng)
    Xt, yt = _blobs(200, rng)
    net = _net()
    before = [W.copy() for W in net.weights]
    args = dict(net=net, X=X, y=y, X_test=Xt, y_test=yt, lr=0.1, n_updates=5,
                rng=np.random.default_rng(0), progress=False)
    args.update(change)
    with pytest.raises(exc, match=match):
        train(args.pop("net"), args.pop("X"), args.pop("y"), **args)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))


def test_train_needs_a_linear_output():
    rng = np.random.default_rng(0)
    X, y = _blobs(50, rng)
    net = MLP([8, 16, 3], activation="tanh", seed=0)  # tanh output: not logits
    with pytest.raises(ValueError, match="output_activation='linear'"):
        train(net, X, y, X_test=X, y_test=y, lr=0.1, n_updates=5, rng=rng, progress=False)


def test_a_used_recorder_is_refused():
    hist, _, (X, y, Xt, yt) = _run(n_updates=10)
    rec = Recorder(Xt, yt)
    rec.record(_net(), 0)
    with pytest.raises(ValueError, match="fresh Recorder"):
        train(_net(), X, y, X_test=Xt, y_test=yt, lr=0.1, n_updates=5,
              rng=np.random.default_rng(0), recorder=rec, progress=False)


@pytest.mark.parametrize("kw, match", [
    (dict(bins=0), "bins must be a positive integer"),
    (dict(percentiles=(50, 101)), "percentiles must be numbers in"),
    (dict(grad_range=(1.0, -1.0)), "grad_range must be None or two finite"),
])
def test_recorder_rejects_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        Recorder(np.zeros((4, 8)), np.zeros(4, dtype=int), **kw)


def test_single_threaded_blas_restores_the_thread_count():
    from threadpoolctl import threadpool_info

    from wi_helpers.blas import single_threaded_blas

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    if not before:
        pytest.skip("no BLAS library found by threadpoolctl")
    with single_threaded_blas():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before
    # and train() leaves it as it found it, even when interrupted
    rng = np.random.default_rng(0)
    _, _, (X, y, Xt, yt) = _run(n_updates=1)
    train(_net(), X, y, X_test=Xt, y_test=yt, lr=0.05, n_updates=10, rng=rng,
          recorder=_StopAt(Xt, yt, stop=5), record_every=5, progress=False)
    assert blas_threads() == before


def test_run_table1_trains_each_row_and_round_trips(tmp_path):
    tiny = Settings(hidden=(16, 16), n_updates=30, n_train=200, n_test=50, record_every=10,
                    eval_every=15)
    runs = run_table1(tiny, names=["Tanh", "Tanh N"], progress=False)
    assert list(runs) == ["Tanh", "Tanh N"]
    assert runs["Tanh"].init == "standard" and runs["Tanh N"].init == "glorot_uniform"
    assert runs["Tanh"].sizes == [1024, 16, 16, 9] and runs["Tanh"].updates_done == 30
    again = run_table1(tiny, names=["Tanh N"], progress=False)["Tanh N"]  # seeded per row
    np.testing.assert_array_equal(again.test_error, runs["Tanh N"].test_error)
    save_histories(tmp_path / "runs.npz", runs)
    back = load_histories(tmp_path / "runs.npz")
    assert list(back) == ["Tanh", "Tanh N"]
    np.testing.assert_array_equal(back["Tanh"].saturation, runs["Tanh"].saturation)
    with pytest.raises(ValueError, match="unknown run 'ReLU'"):
        run_table1(tiny, names=["ReLU"])
    with pytest.raises(TypeError, match="settings must be a Settings"):
        run_table1("short")


def test_table1_constants_match_the_paper():
    assert set(PAPER_TABLE1_SHAPESET) == set(TABLE1_RUNS)
    assert PAPER_TABLE1_SHAPESET["Tanh N"] == 15.60 and PAPER_TABLE1_SHAPESET["Sigmoid"] == 82.61
    assert SETTINGS["long"].hidden == (256,) * 5 and SETTINGS["long"].batch_size == 10


# ------------------------------------------------------- plots of notebook 05 (smoke)


def test_training_plots_draw_history_arrays():
    from matplotlib.figure import Figure

    from wi_helpers.plots import training as plots_training
    from wi_helpers.shapeset import CLASS_NAMES, make_shapeset

    hist, _, _ = _run(n_updates=20)
    curves = dict(update=hist.update, mean=hist.h_mean, std=hist.h_std,
                  p98=hist.h_percentiles[:, :, -1])
    fig = plots_training.training_activation_plot({"a": curves, "b": curves}, ylabel="h", markers="p98")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    # per layer: the mean line, the markers and the spread as two dotted lines
    assert len(fig.axes[0].lines) == 4 * hist.h_mean.shape[1]
    fig = plots_training.counts_histogram_plot(hist.h_edges, {"start": hist.h_hist[0]}, xlabel="h")
    assert len(fig.axes[0].lines) == hist.h_hist.shape[1]
    fig = plots_training.learning_curves_plot({"x": (hist.eval_update, 100 * hist.test_error)},
                                     reference={"chance": 66.7})
    # the y axis covers the data and the reference, in steps of 5 with a margin of 2, not 0-100
    err = 100 * hist.test_error
    lo, hi = fig.axes[0].get_ylim()
    assert lo <= min(err.min(), 66.7) and hi >= max(err.max(), 66.7) and hi - lo < 100
    seeds = np.stack([err, err + 1.0])
    fig = plots_training.learning_curves_plot({"x": (hist.eval_update, seeds)})
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(err.min()) and band.max() == pytest.approx(err.max() + 1.0)
    assert "2 seeds" in fig.legends[0].get_texts()[0].get_text()
    fig = plots_training.grad_W_var_plot({"x": (hist.update, hist.grad_W_var)})
    assert len(fig.axes[0].lines) == hist.grad_W_var.shape[1]
    X, y = make_shapeset(4, rng=np.random.default_rng(0))
    fig = plots_training.shapeset_grid(X, y, CLASS_NAMES, n_cols=2, n_rows=2)
    assert len(fig.axes) == 4 and fig.axes[0].get_title().replace("\n", "") in CLASS_NAMES
    with pytest.raises(ValueError, match="counts\\['start'\\] must have shape"):
        plots_training.counts_histogram_plot(hist.h_edges, {"start": hist.h_hist[0][:, :3]}, xlabel="h")
    with pytest.raises(ValueError, match="band must be"):
        plots_training.training_activation_plot({"a": curves}, ylabel="h", band="minmax")


def test_run_table1_stops_after_an_interrupted_run(monkeypatch):
    import wi_helpers.lessons.nb05 as tr  # where run_table1 looks train up

    calls = []

    def fake_train(net, *args, **kw):
        calls.append(net.activation.name)
        hist, _, _ = _run(n_updates=5)
        hist.interrupted = len(calls) == 2  # the stop button during the second run
        return hist

    monkeypatch.setattr(tr, "train", fake_train)
    tiny = Settings(hidden=(4,), n_updates=5, n_train=20, n_test=10, record_every=5, eval_every=5)
    runs = run_table1(tiny, progress=False)
    assert list(runs) == ["Sigmoid", "Tanh"] and runs["Tanh"].interrupted


def test_notebook05_claims_survive_a_one_ulp_nudge_of_the_initial_weights():
    """Another BLAS kernel rounds differently; a one-ulp nudge of every initial weight stands in
    for it. Every claim notebook 05 makes about its live sigmoid runs (their Fig. 2,
    `FIG2_SETTINGS`) must still hold, with the notebook's thresholds."""
    from wi_helpers.mlp import MLP
    from wi_helpers.train import final_errors, train
    from wi_helpers.lessons.nb05 import FIG2_SETTINGS, run_seed, shapeset_data
    s = FIG2_SETTINGS
    X, y, X_test, y_test = shapeset_data(s)
    seed, order_seed = run_seed(s, list(TABLE1_RUNS).index("Sigmoid"), 0)
    net = MLP([X.shape[1], *s.hidden, 9], activation="sigmoid", init="standard",
              output_activation="linear", seed=seed, dtype=s.dtype)
    for W in net.weights:
        W[...] = np.nextafter(W, np.inf)
    h = train(net, X, y, X_test=X_test, y_test=y_test, lr=s.lr_for("Sigmoid"),
              n_updates=s.n_updates, rng=np.random.default_rng(order_seed),
              record_every=s.record_every, eval_every=s.eval_every, progress=False)
    assert h.h_mean[-1, -1] < 0.2 and h.h_mean[-1, :-1].min() > 0.45
    below = np.flatnonzero(h.h_mean[:, -1] < 0.25)
    assert below.size and h.update[below[0]] <= 1000
    assert final_errors([h])[0] > 87.0


def test_validation_images_are_new_draws_and_leave_the_training_and_test_sets_alone():
    from dataclasses import replace
    from wi_helpers.lessons.nb05 import shapeset_data, validation_data
    s = replace(SETTINGS["short"], n_train=500, n_test=100, n_val=200)
    X, y, X_test, y_test = shapeset_data(s)
    Xv_train, yv_train, X_val, y_val = validation_data(s)
    np.testing.assert_array_equal(X, Xv_train)
    np.testing.assert_array_equal(y, yv_train)
    assert X_val.shape == (200, X.shape[1]) and y_val.shape == (200,)
    # no validation image is a test image or a training image
    rows = lambda A: {a.tobytes() for a in A}  # noqa: E731
    assert not rows(X_val) & rows(X_test) and not rows(X_val) & rows(X)
    # centred with the training statistics: the training inputs have mean 0 and variance 1
    assert abs(X.mean()) < 1e-5 and abs(X.var() - 1) < 1e-4
    with pytest.raises(ValueError, match="n_val"):
        validation_data(replace(s, n_val=0))


def test_train_one_gain_multiplies_every_weight():
    from dataclasses import replace
    from wi_helpers.lessons.nb05 import shapeset_data, train_one
    s = replace(SETTINGS["short"], hidden=(8, 8), n_updates=1, n_train=50, n_test=20,
                record_every=1, eval_every=1)
    data = shapeset_data(s)
    h1 = train_one(s, "linear", "standard", 1e-12, seed=3, order_seed=4, data=data)
    h4 = train_one(s, "linear", "standard", 1e-12, seed=3, order_seed=4, data=data, gain=4.0)
    # a linear network at update 0: layer l's activations scale by 4^l
    np.testing.assert_allclose(h4.h_std[0], h1.h_std[0] * 4.0 ** np.arange(1, 3), rtol=1e-4)


def test_progress_line_counts_runs_and_prints_nothing_outside_ipython(capsys):
    from wi_helpers.lessons.nb05 import ProgressLine
    line = ProgressLine(3)
    line("Tanh", None)
    line()
    assert line.done == 2 and "trained 2 of 3 networks" in line.text()
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    with pytest.raises(ValueError, match="total"):
        ProgressLine(0)


def test_learning_rates_are_the_stored_search_choices():
    import json
    from pathlib import Path
    from wi_helpers.lessons.nb05 import LEARNING_RATES, LR_GRID, SETTINGS
    search = json.loads((Path(__file__).resolve().parents[1] / "data" / "05_lr_search.json").read_text())
    assert search["grid"] == list(LR_GRID)
    for mode, exp in (("short", "table1"), ("long", "table1_long")):
        # the stored search was made with the settings of this mode, for every row and rate
        assert search["settings"][exp] == SETTINGS[mode].describe(), mode
        assert search["chosen"][exp] == LEARNING_RATES[mode], mode
        for name, by_lr in search["scores"][exp].items():  # the choice is the argmin of the means
            assert sorted(by_lr, key=float) == [str(lr) for lr in LR_GRID]
            assert all(len(v) == search["seeds"][exp] and None not in v for v in by_lr.values())
            assert min(by_lr, key=lambda lr: np.mean(by_lr[lr])) == str(LEARNING_RATES[mode][name])


def test_silhouette_data_is_one_centred_shape_per_image():
    from dataclasses import replace

    from wi_helpers.shapeset import sample_scene
    from wi_helpers.train import input_statistics
    from wi_helpers.lessons.nb05 import DEPTH_SETTINGS, silhouette_data
    s = replace(DEPTH_SETTINGS, n_train=900, n_test=300)
    X, y, Xt, yt = silhouette_data(s)
    assert X.shape == (900, 256) and Xt.shape == (300, 256) and X.dtype == np.float32
    assert set(np.unique(y)) == {0, 1, 2} and set(np.unique(yt)) <= {0, 1, 2}
    # centred and scaled with the training statistics: per-pixel mean 0, overall variance 1
    assert np.abs(X.mean(axis=0)).max() < 1e-5
    assert abs(float(np.mean(X.astype(np.float64) ** 2)) - 1.0) < 1e-4
    # the images are the masks of the first one-shape scenes drawn, centred and scaled
    sc = sample_scene(3 * 900 + 300, rng=np.random.default_rng(s.seed), size=16)
    keep = sc.labels < 3
    masks = sc.masks[keep, 0].reshape(int(keep.sum()), -1).astype(np.float64)[:900]
    mean, std = input_statistics(masks)
    np.testing.assert_allclose(X, (masks - mean) / std, atol=1e-5)
    np.testing.assert_array_equal(y, sc.labels[keep][:900])


def test_depth_experiment_standard_init_starves_the_lower_layers():
    """At update 0 the gradient variance ratio layer 1 / layer 16 is ~3^-16 under the standard
    init (n Var[W] = 1/3 per layer) and far larger under the normalized init; seeds are shared."""
    from dataclasses import replace

    from wi_helpers.lessons.nb05 import DEPTH_SETTINGS, run_depth_experiment, silhouette_data
    s = replace(DEPTH_SETTINGS, n_train=300, n_test=100, n_updates=20, eval_every=10, n_seeds=2)
    runs = run_depth_experiment(s, data=silhouette_data(s))
    assert set(runs) == {"standard", "glorot_uniform"} and all(len(h) == 2 for h in runs.values())
    for h in runs["standard"]:
        ratio = h.grad_z_var[0, 0] / h.grad_z_var[0, -1]
        assert 3.0 ** -16 / 30 < ratio < 3.0 ** -16 * 30
    for h in runs["glorot_uniform"]:
        assert h.grad_z_var[0, 0] / h.grad_z_var[0, -1] > 1e-3
        assert h.sizes == [256, *([32] * 16), 3] and h.lr == 0.1 and h.updates_done == 20
    # same data and order seeds: rerunning gives the same history
    again = run_depth_experiment(s, data=silhouette_data(s))
    np.testing.assert_array_equal(again["standard"][1].test_error, runs["standard"][1].test_error)
    with pytest.raises(TypeError, match="DepthSettings"):
        run_depth_experiment(SETTINGS["short"])


def test_depth_experiment_plot_draws_bands():
    from dataclasses import replace

    from wi_helpers.plots.training import depth_experiment_plot
    from wi_helpers.lessons.nb05 import DEPTH_SETTINGS, run_depth_experiment
    s = replace(DEPTH_SETTINGS, hidden=(8,) * 3, n_train=100, n_test=50, n_updates=10,
                eval_every=5, n_seeds=2)
    runs = run_depth_experiment(s)
    fig = depth_experiment_plot(runs, chance=200 / 3, title="t")
    ax, ax2 = fig.axes
    assert len(ax.lines) == 3 and ax2.get_yscale() == "log"  # 2 means + the chance line
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               100 * np.mean([h.test_error for h in runs["standard"]], axis=0))
    with pytest.raises(ValueError, match="runs"):
        depth_experiment_plot({})


def test_predict_and_error_rate_refuse_empty_or_mismatched_input():
    import wi_helpers.train as T
    net = MLP([4, 3], activation="tanh", output_activation="linear", seed=0)
    with pytest.raises(ValueError, match="X"):
        T.predict(net, np.zeros((0, 4)))
    with pytest.raises(ValueError, match="X"):
        T.error_rate(net, np.zeros((0, 4)), np.zeros(0, int))
    with pytest.raises(ValueError, match="y must hold one label per row of X"):
        T.error_rate(net, np.zeros((5, 4)), np.zeros(4, int))
    assert T.error_rate(net, np.zeros((5, 4)), T.predict(net, np.zeros((5, 4)))) == 0.0


def _square(x):
    return x * x


def test_scripts_resume_and_run_in_parallel(capsys):
    """The long-run script's stored config compares equal after a JSON round trip (else a
    restart would retrain everything), and the shared pool runs jobs, reports each and the
    skipped ones, and refuses a bad --jobs."""
    import importlib.util
    import json
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("wi_long_runs", root / "scripts" / "long_runs.py")
    long_runs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(long_runs)
    from wi_helpers.lessons.nb05 import SETTINGS
    cfg = long_runs.config(SETTINGS["long"])
    assert json.loads(json.dumps(cfg)) == cfg
    stored = json.loads((root / "data" / "05_long_runs.json").read_text())
    assert stored["config"] == cfg and stored["complete"], "data/05_long_runs.npz is not current"
    from scripts._pool import run_jobs
    got = {}
    run_jobs(_square, [1, 2, 3], n_jobs=2, on_result=got.__setitem__, skipped=2)
    assert got == {1: 1, 2: 4, 3: 9}
    out = capsys.readouterr().out
    assert "resuming: 2 of 5 runs already stored, 3 to go" in out and "[  5/5]" in out
    with pytest.raises(ValueError, match="--jobs must be an integer >= 1"):
        run_jobs(_square, [1], n_jobs=0, on_result=print)
