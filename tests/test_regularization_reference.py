"""The regularization reference solution against Keras' own classes and the spec's numbers.

- BatchNormalization equals keras.layers.BatchNormalization with the same settings (1e-5):
  training outputs, moving statistics after several updates, inference outputs, on (N, C)
  and (N, H, W, C), also on every case of the rubric's BatchNormalization checks (the grader
  compares students with the reference, so the reference must be Keras);
- Dropout keeps the expected fraction of units, scales them like keras.layers.Dropout, and is
  the identity at inference;
- L2WeightDecay is half of keras.regularizers.L2 with the same λ, with gradient λ·W;
- EarlyStopping behaves like keras.callbacks.EarlyStopping on every scripted case of the
  rubric and in a real fit;
- the notebook's overfitting demo runs (a few epochs).
"""
from __future__ import annotations

import importlib.util
import os
import types
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

from autograder.rubrics.regularization import RUBRIC  # noqa: E402
from autograder.exercises import regularization as scenarios  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHECKS = {check.number: check for check in RUBRIC.checks}


def _load():
    spec = importlib.util.spec_from_file_location("regularization_solution_for_reference_tests",
                                                  ROOT / "solutions" / "regularization.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REF = _load()
KERAS = types.SimpleNamespace(BatchNormalization=keras.layers.BatchNormalization,
                              EarlyStopping=keras.callbacks.EarlyStopping)


def _assert_close(got, want, tol=1e-5):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    assert np.all(np.abs(got - want) <= tol * scale + tol * np.abs(want)), np.max(np.abs(got - want))


def _assert_tree_close(got, want, tol=1e-5):
    if isinstance(want, dict):
        assert set(got) == set(want)
        for key in want:
            _assert_tree_close(got[key], want[key], tol)
    elif isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _assert_tree_close(g, w, tol)
    else:
        _assert_close(got, want, tol)


# --- BatchNormalization ------------------------------------------------------------------


@pytest.mark.parametrize("shape,momentum,epsilon", [
    ((32, 5), 0.99, 1e-3), ((16, 3), 0.9, 1e-5), ((8, 4, 3, 6), 0.5, 0.1), ((2, 3, 3, 2), 0.99, 1e-3)])
def test_batch_normalization_equals_keras(shape, momentum, epsilon):
    rng = np.random.default_rng(sum(shape))
    ours = REF.BatchNormalization(momentum=momentum, epsilon=epsilon)
    theirs = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
    channels = shape[-1]
    gamma, beta = rng.uniform(0.5, 2, channels), rng.uniform(-1, 1, channels)
    for layer in (ours, theirs):
        layer.build(shape)
        layer.gamma.assign(gamma.astype("float32"))
        layer.beta.assign(beta.astype("float32"))
    for _ in range(5):
        x = (rng.uniform(-2, 3, channels) + rng.uniform(0.5, 3, channels)
             * rng.standard_normal(shape)).astype("float32")
        _assert_close(ours(x, training=True), theirs(x, training=True))
        _assert_close(ours.moving_mean, theirs.moving_mean)
        _assert_close(ours.moving_variance, theirs.moving_variance)
    x = rng.standard_normal(shape).astype("float32")
    _assert_close(ours(x, training=False), theirs(x, training=False))
    _assert_close(ours(x), theirs(x))
    _assert_close(ours.moving_mean, theirs.moving_mean)  # inference changed nothing


def test_batch_normalization_weights_like_keras():
    ours, theirs = REF.BatchNormalization(), keras.layers.BatchNormalization()
    for layer in (ours, theirs):
        layer.build((4, 3))
    assert ours.momentum == theirs.momentum == 0.99 and ours.epsilon == theirs.epsilon == 1e-3
    for name, value, trainable in (("gamma", 1, True), ("beta", 0, True), ("moving_mean", 0, False),
                                   ("moving_variance", 1, False)):
        for layer in (ours, theirs):
            weight = getattr(layer, name)
            assert weight.trainable is trainable and tuple(weight.shape) == (3,)
            assert np.all(np.asarray(weight) == value)
    assert len(ours.trainable_weights) == len(theirs.trainable_weights) == 2
    assert len(ours.non_trainable_weights) == len(theirs.non_trainable_weights) == 2


@pytest.mark.parametrize("number", ["2.2", "2.3", "2.4", "2.5", "2.7"])
def test_rubric_batch_normalization_cases_equal_keras(number):
    for call in CHECKS[number].make_cases():
        ours = scenarios.bn_full(REF, "BatchNormalization", call.args, dict(call.kwargs))
        theirs = scenarios.bn_full(KERAS, "BatchNormalization", call.args, dict(call.kwargs))
        _assert_tree_close(ours, theirs)


# --- Dropout -----------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_scale_like_keras(rate):
    x = np.ones((400, 500), dtype="float32")
    ours = np.asarray(REF.Dropout(rate, seed=1)(x, training=True))
    theirs = np.asarray(keras.layers.Dropout(rate, seed=1)(x, training=True))
    n = x.size
    for y in (ours, theirs):
        assert abs(np.mean(y == 0) - rate) < 5 * np.sqrt(rate * (1 - rate) / n)
        assert np.allclose(y[y != 0], 1 / (1 - rate))
        assert abs(np.mean(y) - 1.0) < 0.02  # E[y] = x: the point of inverted dropout
    assert np.array_equal(np.asarray(REF.Dropout(rate)(x)), x)
    assert np.array_equal(np.asarray(REF.Dropout(rate)(x, training=False)), x)
    assert np.array_equal(np.asarray(REF.Dropout(0.0)(x, training=True)), x)


def test_dropout_fresh_masks_and_seeded_reproducibility():
    x = np.ones((100, 100), dtype="float32")
    layer = REF.Dropout(0.5, seed=3)
    first, second = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert not np.array_equal(first, second)
    again = np.asarray(REF.Dropout(0.5, seed=3)(x, training=True))
    assert np.array_equal(first, again)
    assert REF.Dropout(0.25, seed=4).get_config()["rate"] == 0.25
    with pytest.raises(ValueError):
        REF.Dropout(1.0)


# --- L2WeightDecay -----------------------------------------------------------------------


def test_l2_is_half_of_keras_l2():
    import tensorflow as tf

    w = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    for l2 in (0.01, 0.3):
        ours = float(REF.L2WeightDecay(l2)(keras.Variable(w)))
        theirs = float(keras.regularizers.L2(l2)(keras.Variable(w)))
        assert ours == pytest.approx(theirs / 2, rel=1e-6)
        assert ours == pytest.approx(0.5 * l2 * np.sum(w.astype(float) ** 2), rel=1e-5)
        variable = keras.Variable(w)
        with tf.GradientTape() as tape:
            penalty = REF.L2WeightDecay(l2)(variable)
        assert np.allclose(tape.gradient(penalty, variable), l2 * w, rtol=1e-6)
    assert REF.L2WeightDecay().l2 == 0.01
    assert REF.L2WeightDecay(0.2).get_config() == {"l2": 0.2}
    assert REF.L2WeightDecay.from_config({"l2": 0.2}).l2 == 0.2


def test_l2_weight_decay_in_fit():
    """On all-zero inputs only the penalty moves the kernel: W (1 - ηλ)^k."""
    w = np.random.default_rng(1).standard_normal((4, 3))
    result = scenarios.l2_dense_decay(REF, "L2WeightDecay", (w, 0.1, 3), {"l2": 0.5})
    assert float(result["n_losses"]) == 1
    assert float(result["losses_sum"]) == pytest.approx(0.25 * np.sum(w.astype("float32") ** 2), rel=1e-5)
    assert np.allclose(result["kernel_after_fit"], w * 0.95 ** 3, rtol=1e-5, atol=1e-6)


# --- EarlyStopping -----------------------------------------------------------------------


def _keras_es_kwargs(kwargs: dict) -> dict:
    """The spec's defaults made explicit: Keras' own are patience=0, restore_best_weights=False."""
    return {"monitor": "val_loss", "patience": 2, "restore_best_weights": True, **kwargs}


def test_early_stopping_defaults_are_the_spec_s():
    callback = REF.EarlyStopping()
    assert (callback.monitor, callback.patience, callback.restore_best_weights) == ("val_loss", 2, True)


@pytest.mark.parametrize("number,scenario", [
    ("4.1", "early_stopping_epochs"), ("4.2", "early_stopping_epochs"),
    ("4.3", "early_stopping_weights"), ("4.4", "early_stopping_keeps_last"),
    ("4.6", "early_stopping_reuse")])
def test_early_stopping_equals_keras_on_rubric_cases(number, scenario):
    function = getattr(scenarios, scenario)
    assert CHECKS[number].scenario == f"regularization:{scenario}"
    for call in CHECKS[number].make_cases():
        ours = function(REF, "EarlyStopping", call.args, dict(call.kwargs))
        theirs = function(KERAS, "EarlyStopping", call.args, _keras_es_kwargs(call.kwargs))
        _assert_tree_close(ours, theirs, tol=0)


def test_early_stopping_in_fit_equals_keras_and_the_formula():
    for call in CHECKS["4.5"].make_cases():
        ours = scenarios.early_stopping_fit(REF, "EarlyStopping", call.args, dict(call.kwargs))
        theirs = scenarios.early_stopping_fit(KERAS, "EarlyStopping", call.args,
                                              _keras_es_kwargs(call.kwargs))
        _assert_tree_close(ours, theirs, tol=1e-6)
    first = scenarios.early_stopping_fit(REF, "EarlyStopping", (0.1, 20), {})
    assert int(first["epochs_run"]) == 5  # best after epoch 3 (counted from 1), patience 2
    assert float(first["kernel"].ravel()[0]) == pytest.approx(1 - 0.8 ** 3, abs=1e-6)


def test_notebook_early_stopping_example():
    """patience=2 on 0.9, 0.7, 0.8, 0.75, 0.6: four epochs run, epoch 1's weights come back."""
    args = ((0.9, 0.7, 0.8, 0.75, 0.6), (1.0,) * 5)
    assert int(scenarios.early_stopping_epochs(REF, "EarlyStopping", args, {})["epochs_run"]) == 4
    assert int(scenarios.early_stopping_weights(REF, "EarlyStopping", args, {})["weights_of_epoch"]) == 1


# --- the notebook ------------------------------------------------------------------------


def test_overfitting_demo_runs_briefly():
    history = REF.overfitting_demo(regularizer=REF.L2WeightDecay(1e-3), dropout=0.3, batch_norm=True,
                                   callbacks=[REF.EarlyStopping(patience=1)], n_train=60, epochs=2)
    assert set(history.history) >= {"accuracy", "val_accuracy", "loss", "val_loss"}
    assert 1 <= len(history.history["accuracy"]) <= 2
