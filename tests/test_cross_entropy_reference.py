"""The cross_entropy reference solution agrees with Keras/TensorFlow and with the lecture."""
from __future__ import annotations

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
import scipy.stats  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "cross_entropy.py"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder.exercises.cross_entropy import curved_function  # noqa: E402


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _load(SOLUTION, "cross_entropy_reference_under_test")

YUT = np.array([4, 6, 4, 1, 1]) / 16
FAIR_DIE = np.full(6, 1 / 6)
LOADED_DIE = np.array([1, 1, 1, 3, 3, 3]) / 12


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


def random_distributions(rng, *shape, zeros=False):
    p = rng.gamma(1.5, size=shape) + 0.01
    if zeros:
        p = np.where(rng.random(shape) < 0.3, 0.0, p)
        p[..., 0] += 0.1  # never an all-zero row
    return p / p.sum(axis=-1, keepdims=True)


# --- the lecture's numbers, to the shown digits ------------------------------------------


def test_lecture_entropies():
    assert f"{ref.entropy(YUT):.4f}" == "2.0306"
    assert f"{ref.entropy(FAIR_DIE):.3f}" == "2.585"
    assert f"{ref.entropy(np.array([0.5, 0.5]), base=math.e):.3f}" == "0.693"
    assert f"{ref.entropy(FAIR_DIE, base=math.e):.2f}" == "1.79"
    assert f"{ref.self_information(0.5):.1f}" == "1.0"


def test_lecture_die_cross_entropy_and_kl():
    assert f"{ref.cross_entropy(FAIR_DIE, LOADED_DIE):.4f}" == "2.7925"
    assert f"{ref.kl_divergence(FAIR_DIE, LOADED_DIE):.4f}" == "0.2075"
    # Only the multiset of Q's values matters against a uniform P; another loaded die differs.
    assert ref.cross_entropy(FAIR_DIE, LOADED_DIE[::-1]) == pytest.approx(2.7924812503605785)
    assert f"{ref.cross_entropy(FAIR_DIE, np.array([0.1] * 5 + [0.5])):.4f}" == "2.9349"


def test_lecture_binary_cross_entropy_and_densities():
    assert f"{ref.binary_cross_entropy(1, 0.98, base=2):.4f}" == "0.0291"
    assert f"{ref.binary_cross_entropy(1, 0.0001, base=2):.4f}" == "13.2877"
    assert f"{ref.gaussian_pdf(5.0, 4.0, 0.5):.3f}" == "0.108"
    assert f"{ref.gaussian_pdf(5.0, 5.0, 0.5):.4f}" == "0.7979"


def test_lecture_saturated_neuron():
    dw, db = ref.mse_gradients(1.0, 0.0, 2.0, 2.0)
    assert f"{float(db):.4f}" == "0.0173" and float(dw) == float(db)
    dw, db = ref.bce_gradients(1.0, 0.0, 2.0, 2.0)
    assert f"{float(db):.3f}" == "0.982"


# --- information measures ---------------------------------------------------------------------


@pytest.mark.parametrize("base", [2, math.e, 10, 3])
def test_entropy_matches_scipy(base):
    rng = np.random.default_rng(1)
    for _ in range(20):
        p = random_distributions(rng, int(rng.integers(1, 5)), int(rng.integers(2, 9)), zeros=True)
        np.testing.assert_allclose(ref.entropy(p, base=base), scipy.stats.entropy(p, base=base, axis=-1),
                                   rtol=1e-12, atol=1e-12)


def test_zero_probabilities_contribute_nothing_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            assert ref.entropy(np.array([1.0, 0.0, 0.0])) == 0.0
            assert ref.entropy(np.array([0.5, 0.5, 0.0])) == pytest.approx(1.0)
            assert ref.kl_divergence(np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])) == pytest.approx(1.0)
            assert ref.cross_entropy(np.eye(3), np.full((3, 3), 1 / 3)) == pytest.approx([math.log2(3)] * 3)


def test_gibbs_decomposition_eq_2_49():
    rng = np.random.default_rng(2)
    for base in (2, math.e, 10):
        p = random_distributions(rng, 6, 5, zeros=True)
        q = random_distributions(rng, 6, 5)
        h, ce, kl = ref.entropy(p, base), ref.cross_entropy(p, q, base), ref.kl_divergence(p, q, base)
        np.testing.assert_allclose(ce, h + kl, rtol=1e-12, atol=1e-12)
        assert np.all(kl >= -1e-12)
        np.testing.assert_allclose(ref.kl_divergence(p, p, base), 0.0, atol=1e-12)


def test_cross_entropy_and_kl_match_keras(tf):
    import keras

    rng = np.random.default_rng(3)
    for _ in range(10):
        n, k = int(rng.integers(1, 6)), int(rng.integers(2, 8))
        p, q = random_distributions(rng, n, k), random_distributions(rng, n, k)
        np.testing.assert_allclose(ref.cross_entropy(p, q, base=math.e), ref.keras_cross_entropy(p, q),
                                   rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(ref.kl_divergence(p, q, base=math.e), ref.keras_kl_divergence(p, q),
                                   rtol=1e-6, atol=1e-6)
        labels = rng.integers(0, k, n)  # one-hot targets: -log q_y, Keras' sparse loss
        sparse = keras.losses.sparse_categorical_crossentropy(labels, q)
        np.testing.assert_allclose(ref.cross_entropy(np.eye(k)[labels], q, base=math.e),
                                   keras.ops.convert_to_numpy(sparse), rtol=1e-5, atol=1e-6)
    p = random_distributions(rng, 4, 5, zeros=True)  # Keras clips p to [1e-7, 1]: tiny difference
    q = random_distributions(rng, 4, 5)
    np.testing.assert_allclose(ref.kl_divergence(p, q, base=math.e), ref.keras_kl_divergence(p, q), atol=1e-5)


# --- sigmoid and binary cross-entropy ---------------------------------------------------------


def test_sigmoid_matches_keras_and_is_stable(tf):
    rng = np.random.default_rng(4)
    z = np.concatenate([rng.normal(0, 5, 200), rng.normal(0, 500, 50), [1000.0, -1000.0, 0.0, -745.0, 710.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            s = ref.sigmoid(z)
            ref.sigmoid(np.float32(-100.0) * np.ones(3, dtype=np.float32))
    np.testing.assert_allclose(s, ref.keras_sigmoid(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(ref.sigmoid(np.array([1000.0, -1000.0])), [1.0, 0.0])
    assert ref.sigmoid(0.0) == 0.5


def test_binary_cross_entropy_matches_keras(tf):
    rng = np.random.default_rng(5)
    for _ in range(10):
        shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 3))))
        y = np.where(rng.random(shape) < 0.3, rng.random(shape), rng.integers(0, 2, shape).astype(float))
        o = rng.random(shape)
        o = np.where(rng.random(shape) < 0.2, rng.integers(0, 2, shape).astype(float), o)  # exact 0 and 1
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ours = ref.binary_cross_entropy(y, o)
        np.testing.assert_allclose(ours, ref.keras_binary_cross_entropy(y, o), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(ref.binary_cross_entropy(y, o, base=2), ours / math.log(2), rtol=1e-12)
    assert ref.binary_cross_entropy(1.0, 0.0) == pytest.approx(-math.log(1e-7))
    assert ref.binary_cross_entropy(0.0, 1.0, eps=1e-3) == pytest.approx(-math.log(1e-3))


# --- gradients against autodiff ---------------------------------------------------------------


def _neurons(rng, shape, z_scale):
    x = rng.normal(0, 1.5, shape)
    y = np.where(rng.random(shape) < 0.3, rng.random(shape), rng.integers(0, 2, shape).astype(float))
    return x, y, rng.normal(0, z_scale, shape), rng.normal(0, z_scale, shape)


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_gradients_match_gradient_tape(tf, loss):
    rng = np.random.default_rng(6)
    function = ref.mse_gradients if loss == "mse" else ref.bce_gradients
    for shape, z_scale in [((), 1.0), ((7,), 1.0), ((3, 4), 2.0), ((20,), 10.0), ((5,), 100.0)]:
        x, y, w, b = _neurons(rng, shape, z_scale)
        dw, db = function(x, y, w, b)
        tape_dw, tape_db = ref.autodiff_gradients(loss, x, y, w, b)
        np.testing.assert_allclose(dw, tape_dw, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(db, tape_db, rtol=1e-9, atol=1e-12)
    # one neuron, several samples: scalar w and b broadcast against arrays x and y
    x, y = rng.normal(size=5), rng.random(5)
    np.testing.assert_allclose(function(x, y, 0.7, -0.2)[0], ref.autodiff_gradients(loss, x, y, 0.7, -0.2)[0],
                               rtol=1e-9, atol=1e-12)


def test_saturation_slows_mse_but_not_cross_entropy():
    z = np.array([4.0, 8.0, 16.0])  # x = 1, y = 0, b = 0: o close to 1, a bad answer
    mse_db = ref.mse_gradients(1.0, 0.0, z, 0.0)[1]
    bce_db = ref.bce_gradients(1.0, 0.0, z, 0.0)[1]
    assert np.all(np.diff(mse_db) < 0) and mse_db[-1] < 1e-6
    assert np.all(bce_db > 0.98)


def _tf_curved(tf, params):
    p = {key: np.asarray(value, dtype=np.float64) for key, value in params}

    def f(w):
        value = tf.reduce_sum(p["a"] * w ** 3) + tf.reduce_sum(p["b"] * tf.exp(p["c"] * w))
        if "A" in p:
            x = tf.reshape(w, [-1])
            value += 0.5 * tf.tensordot(x, tf.linalg.matvec(p["A"], x), 1)
            value += float(p["d"]) * tf.tensordot(p["u"], x, 1) ** 3
        return value

    return f


def test_numerical_gradient_matches_gradient_tape(tf):
    from autograder.rubrics.cross_entropy import _numgrad_call

    rng = np.random.default_rng(7)
    for shape, cross in [((1,), False), ((5,), False), ((2, 3), False), ((4,), True), ((2, 3), True),
                         ((2, 2, 2), True)]:
        call = _numgrad_call(rng, shape, cross=cross)
        _, w, params = call.args
        before = w.copy()
        central = ref.numerical_gradient(curved_function(params), w)
        np.testing.assert_array_equal(w, before)  # w unchanged
        exact = ref.autodiff_gradient(_tf_curved(tf, params), w)
        scale = max(1.0, float(np.max(np.abs(exact))))
        assert central.shape == w.shape
        assert np.max(np.abs(central - exact)) < 1e-6 * scale
        # forward differences are far worse (error ~ h/2 f'')
        f = curved_function(params)
        forward = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            step = np.zeros_like(w)
            step[index] = 1e-4
            forward[index] = (f(w + step) - f(w)) / 1e-4
        assert np.max(np.abs(forward - exact)) > 20 * np.max(np.abs(central - exact))


# --- maximum likelihood ---------------------------------------------------------------------


def test_gaussian_and_log_likelihood_match_scipy():
    rng = np.random.default_rng(8)
    x = rng.normal(0, 3, (4, 5))
    mu, sigma = rng.normal(size=5), rng.uniform(0.2, 3, 5)
    np.testing.assert_allclose(ref.gaussian_pdf(x, mu, sigma), scipy.stats.norm.pdf(x, mu, sigma), rtol=1e-12)
    for n in (1, 10, 5000):
        xs = rng.normal(2.0, 3.0, n)
        value = ref.log_likelihood(xs, 2.0, 3.0)
        assert isinstance(value, float)
        assert value == pytest.approx(np.sum(scipy.stats.norm.logpdf(xs, 2.0, 3.0)), rel=1e-12)
    with np.errstate(under="ignore"):
        assert np.prod(scipy.stats.norm.pdf(rng.normal(0, 3, 5000), 0, 3)) == 0.0  # why logs


# --- the module itself -----------------------------------------------------------------------


def test_importing_the_solution_does_not_import_tensorflow():
    code = (f"import importlib.util, sys; spec = importlib.util.spec_from_file_location('m', {str(SOLUTION)!r}); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_demo_cell_runs_and_prints_the_lecture_numbers():
    out = subprocess.run([sys.executable, str(SOLUTION)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "error"})
    for number in ("2.0306", "2.585", "0.693", "1.79", "2.7925", "0.2075", "0.0291", "13.2877",
                   "0.0173", "0.982", "0.108", "0.7979"):
        assert number in out.stdout
