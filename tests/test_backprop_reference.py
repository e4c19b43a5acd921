"""The backprop reference solution agrees with Keras/TensorFlow.

Activations against ``keras.activations``; every gradient (activation_backward,
dense_backward, mlp_loss_and_grads) against ``tf.GradientTape``; the loss against
``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``. Plus the properties the
assignment teaches: gradient_check reports tiny errors for right gradients and large ones
for wrong ones, sgd_step updates all parameters at once without touching its inputs, and
gradient descent with the reference lowers the loss. (The spec lists no worked numbers for
this assignment.)
"""
from __future__ import annotations

import importlib.util
import os
import warnings
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")


def _load():
    spec = importlib.util.spec_from_file_location("backprop_solution_for_reference_tests",
                                                  ROOT / "solutions" / "backprop.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bp = _load()


@pytest.fixture(scope="module", autouse=True)
def _tensorflow():
    pytest.importorskip("tensorflow")


def _mlp_problem(rng, n, d, hidden, classes):
    params = {"W1": rng.standard_normal((d, hidden)), "b1": rng.standard_normal(hidden) * 0.5,
              "W2": rng.standard_normal((hidden, classes)), "b2": rng.standard_normal(classes) * 0.5}
    return params, rng.standard_normal((n, d)), rng.integers(0, classes, size=n)


# --- activations ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_forward_matches_keras(name):
    rng = np.random.default_rng(1)
    for shape in ((7,), (3, 5), (2, 3, 4), ()):
        z = rng.standard_normal(shape) * 4
        np.testing.assert_allclose(bp.activation_forward(z, name), bp.keras_activation_forward(z, name),
                                   rtol=1e-12, atol=1e-14)
        assert np.shape(bp.activation_forward(z, name)) == shape


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_backward_matches_gradient_tape(name):
    rng = np.random.default_rng(2)
    for shape in ((9,), (4, 6), (2, 2, 5)):
        z = rng.standard_normal(shape) * 3
        da = rng.standard_normal(shape)
        np.testing.assert_allclose(bp.activation_backward(da, z, name), bp.tf_activation_backward(da, z, name),
                                   rtol=1e-12, atol=1e-14)


def test_sigmoid_is_stable_and_relu_derivative_is_zero_at_zero():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = bp.activation_forward(z, "sigmoid")
            ds = bp.activation_backward(np.ones_like(z), z, "sigmoid")
    np.testing.assert_allclose(s, [0.0, 1.9287498479639178e-22, 0.5, 1.0, 1.0], rtol=1e-12, atol=0)
    assert ds[2] == 0.25 and ds[0] == 0.0 and ds[-1] == 0.0
    assert bp.activation_backward(np.ones(3), np.array([-1.0, 0.0, 1.0]), "relu").tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(ValueError):
        bp.activation_forward(z, "softplus")
    with pytest.raises(ValueError):
        bp.activation_backward(z, z, "softplus")


# --- dense layers ----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_backward_matches_gradient_tape(activation):
    rng = np.random.default_rng(3)
    for m, n_in, n_out in ((1, 3, 4), (5, 2, 3), (8, 6, 6), (4, 1, 1), (7, 5, 2)):
        a_prev = rng.standard_normal((m, n_in))
        W = rng.standard_normal((n_in, n_out))
        b = rng.standard_normal(n_out)
        da = rng.standard_normal((m, n_out))
        a, cache = bp.dense_forward(a_prev, W, b, activation)
        np.testing.assert_allclose(a, bp.keras_activation_forward(a_prev @ W + b, activation), rtol=1e-12)
        assert a.shape == (m, n_out)
        got = bp.dense_backward(da, cache)
        want = bp.tf_dense_backward(a_prev, W, b, activation, da)
        for g, w, shape in zip(got, want, ((m, n_in), (n_in, n_out), (n_out,))):
            assert g.shape == shape
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_dense_forward_rejects_the_column_form():
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError):
        bp.dense_forward(rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), np.zeros(2), "relu")
    with pytest.raises(ValueError):
        bp.dense_forward(rng.standard_normal(4), rng.standard_normal((4, 2)), np.zeros(2), "relu")


# --- the two-layer network ------------------------------------------------------------------


def test_mlp_loss_and_grads_match_keras_and_gradient_tape():
    rng = np.random.default_rng(5)
    for n, d, hidden, classes in ((1, 2, 3, 2), (6, 3, 5, 3), (16, 4, 8, 5), (9, 7, 2, 4), (30, 5, 10, 3)):
        params, x, labels = _mlp_problem(rng, n, d, hidden, classes)
        loss, grads = bp.mlp_loss_and_grads(params, x, labels)
        keras_loss, tape_grads = bp.keras_mlp_loss_and_grads(params, x, labels)
        assert isinstance(loss, float)
        assert loss == pytest.approx(keras_loss, rel=1e-10)
        assert sorted(grads) == ["W1", "W2", "b1", "b2"]
        for key in params:
            assert grads[key].shape == params[key].shape
            np.testing.assert_allclose(grads[key], tape_grads[key], rtol=1e-9, atol=1e-12)


def test_mlp_loss_is_stable_for_large_scores():
    rng = np.random.default_rng(6)
    params, x, labels = _mlp_problem(rng, 5, 3, 4, 3)
    params = {k: v * 300 for k, v in params.items()}
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss, grads = bp.mlp_loss_and_grads(params, x, labels)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
    keras_loss, _ = bp.keras_mlp_loss_and_grads(params, x, labels)
    assert loss == pytest.approx(keras_loss, rel=1e-9)


def test_mlp_loss_of_uniform_scores_is_log_classes():
    params = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 4)), "b2": np.zeros(4)}
    loss, grads = bp.mlp_loss_and_grads(params, np.ones((5, 2)), np.array([0, 1, 2, 3, 0]))
    assert loss == pytest.approx(np.log(4), rel=1e-14)
    # dscores = (1/4 - onehot) / 5 summed over the batch
    np.testing.assert_allclose(grads["b2"], (5 * 0.25 - np.array([2, 1, 1, 1])) / 5)


# --- gradient checking -----------------------------------------------------------------------


def test_gradient_check_accepts_the_reference_gradients():
    rng = np.random.default_rng(7)
    for n, d, hidden, classes in ((6, 3, 5, 3), (10, 2, 4, 2)):
        params, x, labels = _mlp_problem(rng, n, d, hidden, classes)
        _, grads = bp.mlp_loss_and_grads(params, x, labels)
        before = {k: v.copy() for k, v in params.items()}
        error = bp.gradient_check(lambda p: bp.mlp_loss_and_grads(p, x, labels)[0], params, grads)
        assert 0 <= error <= 1e-7
        for key in params:  # the caller's params are untouched
            np.testing.assert_array_equal(params[key], before[key])


def test_gradient_check_reports_planted_mistakes():
    rng = np.random.default_rng(8)
    params, x, labels = _mlp_problem(rng, 8, 3, 5, 3)
    _, grads = bp.mlp_loss_and_grads(params, x, labels)

    def f(p):
        return bp.mlp_loss_and_grads(p, x, labels)[0]

    wrong = {k: v.copy() for k, v in grads.items()}
    wrong["b2"][1] *= 2.0
    assert bp.gradient_check(f, params, wrong) == pytest.approx(1 / 3, rel=1e-4)
    scaled = {k: v * 8 for k, v in grads.items()}  # forgot the 1/N
    assert bp.gradient_check(f, params, scaled) == pytest.approx(7 / 9, rel=1e-4)
    flipped = {k: -v for k, v in grads.items()}
    assert bp.gradient_check(f, params, flipped) == pytest.approx(1.0, rel=1e-6)


def test_gradient_check_formula_and_floor():
    params = {"w": np.array([1.0, 2.0]), "unused": np.array([3.0])}

    def f(p):
        return float(np.sum(p["w"] ** 2))

    right = {"w": np.array([2.0, 4.0]), "unused": np.array([0.0])}
    assert bp.gradient_check(f, params, right) < 1e-9  # the unused entry: 0 / max(0, 1e-12)
    wrong = {"w": np.array([2.0, 5.0]), "unused": np.array([0.0])}
    assert bp.gradient_check(f, params, wrong) == pytest.approx(1 / 9, rel=1e-8)
    assert bp.gradient_check(f, params, right, h=1e-3) < 1e-9  # exact for a quadratic


def test_gradient_check_against_autodiff_of_a_smooth_function():
    import tensorflow as tf

    rng = np.random.default_rng(9)
    params = {"a": rng.uniform(-1, 1, (3, 2)), "c": rng.uniform(-1, 1, 4)}

    def f(p):
        return float(np.sum(np.sin(p["a"])) * np.sum(np.exp(p["c"] / 2)))

    variables = {k: tf.Variable(v) for k, v in params.items()}
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(tf.sin(variables["a"])) * tf.reduce_sum(tf.exp(variables["c"] / 2))
    grads = {k: g.numpy() for k, g in tape.gradient(value, variables).items()}
    assert bp.gradient_check(f, params, grads) < 1e-7


# --- gradient descent ------------------------------------------------------------------------


def test_sgd_step_updates_all_at_once_and_leaves_inputs_alone():
    rng = np.random.default_rng(10)
    params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(2), "gamma": rng.standard_normal(4)}
    grads = {k: rng.standard_normal(v.shape) for k, v in reversed(list(params.items()))}
    before = {k: v.copy() for k, v in params.items()}
    grads_before = {k: v.copy() for k, v in grads.items()}
    new = bp.sgd_step(params, grads, 0.25)
    assert list(new) == list(params)
    for key in params:
        np.testing.assert_array_equal(new[key], before[key] - 0.25 * grads_before[key])
        np.testing.assert_array_equal(params[key], before[key])
        np.testing.assert_array_equal(grads[key], grads_before[key])
        assert new[key] is not params[key]


def test_gradient_descent_lowers_the_loss_like_keras_sgd():
    """Our loop and Keras' own SGD optimizer on the same network take the same steps."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(11)
    centres = np.array([[0.0, 3.0], [-2.6, -1.5], [2.6, -1.5]])
    labels = np.repeat(np.arange(3), 20)
    x = centres[labels] + rng.standard_normal((60, 2))
    params = {"W1": rng.standard_normal((2, 8)) * 0.3, "b1": np.zeros(8),
              "W2": rng.standard_normal((8, 3)) * 0.3, "b2": np.zeros(3)}

    variables = {k: tf.Variable(v) for k, v in params.items()}
    optimizer = keras.optimizers.SGD(learning_rate=0.2)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    ours, theirs = [], []
    for _ in range(30):
        loss, grads = bp.mlp_loss_and_grads(params, x, labels)
        ours.append(loss)
        params = bp.sgd_step(params, grads, 0.2)
        with tf.GradientTape() as tape:
            hidden = tf.nn.relu(x @ variables["W1"] + variables["b1"])
            keras_loss = loss_fn(labels, hidden @ variables["W2"] + variables["b2"])
        theirs.append(float(keras_loss))
        tape_grads = tape.gradient(keras_loss, variables)
        optimizer.apply([tape_grads[k] for k in variables], [variables[k] for k in variables])
    # Keras keeps the learning rate as a float32 variable (0.2 + 3e-9): agreement to ~1e-7
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert ours[-1] < 0.3 * ours[0]
    for key in params:
        np.testing.assert_allclose(params[key], variables[key].numpy(), rtol=1e-6, atol=1e-9)
