"""The softmax_loglik reference solution against Keras/TensorFlow and the lecture's numbers.

- softmax, log_softmax, one_hot agree with keras.ops on many random shapes, axes and scales
  (including logits near +-1000);
- categorical_cross_entropy / sparse_categorical_cross_entropy agree with
  keras.losses.CategoricalCrossentropy / SparseCategoricalCrossentropy(from_logits=True);
- softmax_cross_entropy_gradient agrees with tf.GradientTape autodiff of the sparse loss and
  with central differences;
- multilabel_bce agrees with tf.nn.sigmoid_cross_entropy_with_logits summed over the labels
  and with keras.losses.binary_crossentropy(from_logits=True) times C;
- log_likelihood_loss agrees with Keras' sparse cross-entropy on probabilities, rescaled;
- the spec's worked numbers come out to the shown digits, without NumPy warnings;
- the rubric's forbidden names exist in the installed libraries.
"""
from __future__ import annotations

import fnmatch
import importlib
import importlib.util
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np  # noqa: E402
import pytest  # noqa: E402

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "softmax_loglik.py"


def _load():
    spec = importlib.util.spec_from_file_location("softmax_loglik_solution_for_reference_tests", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


S = _load()
SEEDS = range(25)
pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax over axis:UserWarning")


def _random_case(rng, large=False):
    n, c = int(rng.integers(1, 9)), int(rng.integers(2, 9))  # Keras warns about one class
    scale = 1000.0 if large else float(rng.choice([0.5, 2.0, 8.0]))
    logits = rng.standard_normal((n, c)) * scale
    labels = rng.integers(0, c, size=n)
    return labels, logits


# --- softmax, log_softmax, one_hot ----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_and_log_softmax_match_keras(seed):
    rng = np.random.default_rng(seed)
    ndim = int(rng.integers(1, 4))
    shape = tuple(int(d) for d in rng.integers(1, 7, size=ndim))
    scale = float(rng.choice([0.1, 3.0, 30.0, 1000.0]))
    s = rng.standard_normal(shape) * scale
    axis = int(rng.integers(-ndim, ndim))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="warn", divide="warn", invalid="warn"):  # as the sandbox
            ours = S.softmax(s, axis=axis)
            ours_log = S.log_softmax(s, axis=axis)
    np.testing.assert_allclose(ours, S.keras_softmax(s, axis=axis), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours_log, S.keras_log_softmax(s, axis=axis), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(np.sum(ours, axis=axis), 1.0, rtol=1e-12)
    assert np.all(np.isfinite(ours_log))
    finite = np.isfinite(np.log(np.where(ours > 0, ours, 1.0))) & (ours > 0)
    np.testing.assert_allclose(ours_log[finite], np.log(ours[finite]), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_hot_matches_keras(seed):
    rng = np.random.default_rng(seed)
    c = int(rng.integers(1, 10))
    labels = rng.integers(0, c, size=int(rng.integers(1, 12)))
    ours = S.one_hot(labels, c)
    assert ours.dtype == np.float64 and ours.shape == (labels.size, c)
    np.testing.assert_array_equal(ours, S.keras_one_hot(labels, c))


def test_one_hot_rejects_bad_labels():
    with pytest.raises(ValueError):
        S.one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError):
        S.one_hot(np.array([-1]), 3)


# --- losses and gradient ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("large", [False, True])
def test_cross_entropies_match_keras_losses(seed, large):
    rng = np.random.default_rng(seed)
    labels, logits = _random_case(rng, large)
    y_true = S.one_hot(labels, logits.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        cce = S.categorical_cross_entropy(y_true, logits)
        scce = S.sparse_categorical_cross_entropy(labels, logits)
    assert np.ndim(cce) == 0 and np.ndim(scce) == 0
    expected = S.keras_categorical_cross_entropy(y_true, logits)
    assert float(cce) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert float(scce) == pytest.approx(S.keras_sparse_categorical_cross_entropy(labels, logits),
                                        rel=1e-9, abs=1e-9)
    assert float(cce) == pytest.approx(float(scce), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_cce_is_the_mean_log_likelihood_in_nats(seed):
    labels, logits = _random_case(np.random.default_rng(seed))
    per_sample = S.log_likelihood_loss(S.softmax(logits), labels, base=math.e)
    assert float(S.sparse_categorical_cross_entropy(labels, logits)) == pytest.approx(
        float(np.mean(per_sample)), rel=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("large", [False, True])
def test_gradient_matches_gradient_tape(seed, large):
    labels, logits = _random_case(np.random.default_rng(seed), large)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ours = S.softmax_cross_entropy_gradient(labels, logits)
    np.testing.assert_allclose(ours, S.tf_softmax_cross_entropy_gradient(labels, logits),
                               rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_gradient_matches_central_differences(seed):
    labels, logits = _random_case(np.random.default_rng(seed))
    h = 1e-6
    numeric = np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        plus, minus = logits.copy(), logits.copy()
        plus[index] += h
        minus[index] -= h
        numeric[index] = (S.sparse_categorical_cross_entropy(labels, plus)
                          - S.sparse_categorical_cross_entropy(labels, minus)) / (2 * h)
    np.testing.assert_allclose(S.softmax_cross_entropy_gradient(labels, logits), numeric, atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("large", [False, True])
def test_multilabel_bce_matches_tensorflow(seed, large):
    rng = np.random.default_rng(seed)
    n, c = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    logits = rng.standard_normal((n, c)) * (1000.0 if large else 4.0)
    y = (rng.random((n, c)) < 0.5).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ours = S.multilabel_bce(y, logits)
    assert ours.shape == (n,)
    expected = tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits), axis=-1)
    np.testing.assert_allclose(ours, expected.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours, S.keras_multilabel_bce(y, logits), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_log_likelihood_loss_matches_keras_on_probabilities(seed):
    rng = np.random.default_rng(seed)
    labels, logits = _random_case(rng)
    o = S.softmax(logits)
    o = np.clip(o, 1e-6, None)
    o /= o.sum(axis=1, keepdims=True)
    nats = keras.ops.convert_to_numpy(keras.losses.sparse_categorical_crossentropy(labels, o))
    for base in (2, math.e, 10):
        np.testing.assert_allclose(S.log_likelihood_loss(o, labels, base=base), nats / math.log(base),
                                   rtol=1e-6)
    np.testing.assert_allclose(S.log_likelihood_loss(o, labels), nats / math.log(2), rtol=1e-6)


# --- the spec's worked numbers -------------------------------------------------------------------


def test_lecture_log_likelihood_numbers():
    o = np.array([[0.0508, 0.8360, 0.1132], [0.0508, 0.8360, 0.1132]])
    e = S.log_likelihood_loss(o, np.array([0, 1]))
    assert e.shape == (2,)
    assert f"{e[0]:.4f}" == "4.2990"
    assert f"{e[1]:.4f}" == "0.2584"


def test_spec_stability_examples():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="warn", divide="warn", invalid="warn"):  # as the sandbox
            assert S.softmax(np.array([1000.0, 1000.0])).tolist() == [0.5, 0.5]
            assert S.softmax(np.array([-1000.0, -1000.0])).tolist() == [0.5, 0.5]
            assert S.log_softmax(np.array([1000.0, -1000.0])).tolist() == [0.0, -2000.0]
            big = np.array([[1000.0, -1000.0]])
            assert float(S.sparse_categorical_cross_entropy(np.array([1]), big)) == 2000.0
            assert S.multilabel_bce(np.array([[0.0, 1.0]]), np.array([[1000.0, -1000.0]])).tolist() == [2000.0]
            assert S.multilabel_bce(np.array([[1.0, 0.0]]), np.array([[1000.0, -1000.0]])).tolist() == [0.0]


def test_float32_inputs_stay_float32():
    s = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    assert S.softmax(s).dtype == np.float32
    assert S.log_softmax(s).dtype == np.float32
    assert S.softmax([[1, 2, 3]]).dtype == np.float64


# --- module hygiene ---------------------------------------------------------------------------


def test_importing_the_solution_does_not_import_tensorflow():
    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('m', {str(SOLUTION)!r})\n"
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_forbidden_names_exist():
    sys.path.insert(0, str(ROOT))
    try:
        from autograder.rubrics.softmax_loglik import RUBRIC
    finally:
        sys.path.remove(str(ROOT))
    for pattern in RUBRIC.forbidden:
        root, *middle, last = pattern.split(".")
        owner = importlib.import_module(root)
        for part in middle:
            owner = getattr(owner, part)
        names = [n for n in dir(owner) if not n.startswith("_")]
        matched = [n for n in names if fnmatch.fnmatchcase(n, last)]
        assert matched, f"{pattern} names nothing in the installed version"
        assert all(callable(getattr(owner, n)) for n in matched if "*" not in last), pattern
