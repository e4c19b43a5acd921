"""The initializers reference solution against Keras and the lecture.

- compute_fans equals Keras' own compute_fans on 0-D to 6-D shapes;
- Xavier, Glorot and He have the variance of Keras' LecunNormal, GlorotNormal and HeNormal
  (which draw from a rescaled truncated normal: same variance, lighter tails), ScaledNormal
  that of RandomNormal; ours are plain normals (kurtosis 3);
- the Keras API: dtype handling, seeds (same seed, same values, on every call, like Keras'
  integer seeds), get_config/from_config, keras.initializers.serialize/deserialize, Dense and
  Conv2D kernels, a saved and reloaded model;
- activation_stats reproduces the lecture: sigmoid with stddev 1 saturates, stddev 0.01
  collapses to 0.5, Xavier keeps a spread; ReLU with He keeps its spread, with 0.01 it
  vanishes; and it equals a Keras stack of bias-free Dense layers on the same inputs;
- the notebook's figure cell runs.
"""
from __future__ import annotations

import importlib.util
import math
import os
import runpy
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "initializers.py"


def _load():
    spec = importlib.util.spec_from_file_location("initializers_solution_for_reference_tests", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


S = _load()
CLASSES = {"Xavier": S.Xavier, "Glorot": S.Glorot, "He": S.He}
SHAPES = [(600, 250), (200, 640), (3, 3, 96, 160), (7, 100, 200), (3, 3, 3, 48, 100)]


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _kurtosis(values):
    z = (values - values.mean()) / values.std()
    return float(np.mean(z ** 4))


# --- compute_fans ---------------------------------------------------------------------------


def test_compute_fans_matches_keras():
    rng = np.random.default_rng(0)
    shapes = [(), (1,), (7,), (784, 100), (5, 16, 32), (3, 3, 3, 64), (3, 3, 3, 8, 4), (2, 3, 4, 5, 6, 7)]
    shapes += [tuple(int(d) for d in rng.integers(1, 12, size=int(rng.integers(1, 6)))) for _ in range(40)]
    for shape in shapes:
        ours = S.compute_fans(shape)
        assert ours == S.keras_compute_fans(shape), shape
        assert all(type(v) is int for v in ours)
    assert S.compute_fans([3, 3, 3, 64]) == (27, 576)  # a list works too


# --- the distributions ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CLASSES))
@pytest.mark.parametrize("shape", SHAPES)
def test_variance_matches_keras_builtin(name, shape):
    ours = _np(CLASSES[name](seed=1)(shape)).astype(np.float64)
    theirs = _np(S.keras_initializer(name, seed=1)(shape)).astype(np.float64)
    fan_in, fan_out = S.compute_fans(shape)
    target = {"Xavier": math.sqrt(1 / fan_in), "Glorot": math.sqrt(2 / (fan_in + fan_out)),
              "He": math.sqrt(2 / fan_in)}[name]
    assert ours.shape == theirs.shape == shape
    assert ours.std() == pytest.approx(target, rel=0.015)
    assert theirs.std() == pytest.approx(target, rel=0.015)
    assert abs(ours.mean()) < 6 * target / math.sqrt(ours.size)
    # Ours: the plain normal of the lecture. Keras': a truncated normal, rescaled.
    assert _kurtosis(ours) == pytest.approx(3.0, abs=0.1)
    assert _kurtosis(theirs) < 2.6
    assert np.max(np.abs(theirs)) <= 2.0 * target / 0.87962566103423978 + 1e-6


@pytest.mark.parametrize("stddev", [0.01, 0.5, 3.0])
def test_scaled_normal_matches_random_normal(stddev):
    shape = (400, 300)
    ours = _np(S.ScaledNormal(stddev, seed=3)(shape)).astype(np.float64)
    theirs = _np(keras.initializers.RandomNormal(stddev=stddev, seed=3)(shape)).astype(np.float64)
    assert ours.std() == pytest.approx(stddev, rel=0.015)
    assert theirs.std() == pytest.approx(stddev, rel=0.015)
    assert _kurtosis(ours) == pytest.approx(3.0, abs=0.1)
    assert S.ScaledNormal(seed=3)(shape).std() == pytest.approx(0.01, rel=0.015)  # the default


# --- the Keras API ----------------------------------------------------------------------------

ALL = {"ScaledNormal": lambda seed: S.ScaledNormal(0.2, seed=seed), **{
    name: (lambda cls: lambda seed: cls(seed=seed))(cls) for name, cls in CLASSES.items()}}


@pytest.mark.parametrize("name", sorted(ALL))
def test_dtypes_and_shapes(name):
    init = ALL[name](5)
    assert init((4, 6)).dtype == np.float32
    assert init((4, 6), dtype="float64").dtype == np.float64
    assert init((3, 3, 2, 4), dtype="float32").shape == (3, 3, 2, 4)
    assert isinstance(init, keras.initializers.Initializer)


@pytest.mark.parametrize("name", sorted(ALL))
def test_seeds(name):
    a = ALL[name](11)((30, 20))
    assert np.array_equal(a, ALL[name](11)((30, 20)))
    assert np.array_equal(a, ALL[name](11)((30, 20)))
    init = ALL[name](11)
    assert np.array_equal(init((30, 20)), init((30, 20)))  # Keras: an int seed repeats itself
    assert not np.array_equal(a, ALL[name](12)((30, 20)))
    assert not np.array_equal(ALL[name](None)((30, 20)), ALL[name](None)((30, 20)))


@pytest.mark.parametrize("name", sorted(ALL))
def test_config_round_trips(name):
    init = ALL[name](7)
    config = init.get_config()
    assert config["seed"] == 7
    clone = type(init).from_config(config)
    assert np.array_equal(clone((20, 10)), init((20, 10)))
    serialized = keras.initializers.serialize(init)
    restored = keras.initializers.deserialize(serialized, custom_objects={name: type(init)})
    assert type(restored) is type(init) and restored.get_config() == config


def test_dense_and_conv_kernels_and_saving(tmp_path):
    dense = keras.layers.Dense(64, kernel_initializer=S.He(seed=2))
    conv = keras.layers.Conv2D(32, (3, 3), kernel_initializer=S.Glorot(seed=3))
    model = keras.Sequential([keras.Input((10, 10, 16)), conv, keras.layers.Flatten(), dense])
    kernel = _np(conv.kernel)
    assert np.array_equal(kernel, S.Glorot(seed=3)((3, 3, 16, 32), dtype="float32"))
    assert _np(dense.kernel).shape == (8 * 8 * 32, 64)
    assert _np(dense.kernel).std() == pytest.approx(math.sqrt(2 / (8 * 8 * 32)), rel=0.02)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"He": S.He, "Glorot": S.Glorot})
    assert loaded.layers[-1].kernel_initializer.get_config() == {"seed": 2}
    assert np.array_equal(_np(loaded.layers[0].kernel), kernel)


# --- activation_stats: the lecture's experiment -------------------------------------------------


class PerLayer:
    """A new initializer per call (seeds 0, 1, 2, ...): a fresh, reproducible matrix per layer,
    as in the lecture (one integer-seeded initializer would repeat its matrix)."""

    def __init__(self, make):
        self.make, self.calls = make, 0

    def __call__(self, shape, dtype=None):
        self.calls += 1
        return self.make(self.calls - 1)(shape, dtype)


def _per_layer(acts):
    return acts.std(axis=(1, 2)), np.mean((acts < 0.01) | (acts > 0.99), axis=(1, 2))


def test_sigmoid_histograms_of_the_lecture():
    std1 = S.activation_stats(PerLayer(lambda k: S.ScaledNormal(1.0, seed=k)), "sigmoid")
    assert std1.shape == (5, 1000, 100)
    _, saturated = _per_layer(std1)
    assert np.all(saturated > 0.4)  # piled up at 0 and 1
    small = S.activation_stats(PerLayer(lambda k: S.ScaledNormal(0.01, seed=k)), "sigmoid")
    assert np.all(np.abs(small - 0.5) < 0.12)  # collapsed near 0.5
    assert np.all(small.std(axis=(1, 2)) < 0.03)
    xavier = S.activation_stats(PerLayer(lambda k: S.Xavier(seed=k)), "sigmoid")
    spread, saturated = _per_layer(xavier)
    assert np.all(spread > 0.1) and np.all(saturated < 0.01)


def test_relu_spread_of_the_lecture():
    he = S.activation_stats(PerLayer(lambda k: S.He(seed=k)), "relu").std(axis=(1, 2))
    assert np.all(he / he[0] > 0.7) and np.all(he / he[0] < 1.4)  # constant spread
    small = S.activation_stats(PerLayer(lambda k: S.ScaledNormal(0.01, seed=k)), "relu").std(axis=(1, 2))
    assert small[-1] < 1e-4 * small[0]  # vanishes
    xavier = S.activation_stats(PerLayer(lambda k: S.Xavier(seed=k)), "relu").std(axis=(1, 2))
    ratios = xavier[1:] / xavier[:-1]
    assert np.all((ratios > 0.5) & (ratios < 0.9))  # shrinks by about sqrt(2) per layer


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_activation_stats_equals_a_keras_stack(activation):
    n_layers, n_nodes, n_samples, seed = 4, 32, 64, 9
    acts = S.activation_stats(S.Xavier(seed=4), activation, n_layers, n_nodes, n_samples, seed)
    x = np.random.default_rng(seed).standard_normal((n_samples, n_nodes))

    class Recorder(keras.initializers.Initializer):
        """Hands out what activation_stats gets: Xavier(seed=4)'s float32 matrix, as float64."""

        def __call__(self, shape, dtype=None):
            return S.Xavier(seed=4)(shape).astype(dtype)

    a = keras.ops.convert_to_tensor(x, dtype="float64")
    for layer in range(n_layers):
        dense = keras.layers.Dense(n_nodes, activation=activation, use_bias=False,
                                   kernel_initializer=Recorder(), dtype="float64")
        a = dense(a)
        np.testing.assert_allclose(_np(a), acts[layer], rtol=1e-10, atol=1e-12)


def test_activation_stats_is_seeded_and_rejects_unknown_activations():
    a = S.activation_stats(S.Xavier(seed=1), "tanh", 2, 10, 20, seed=3)
    assert np.array_equal(a, S.activation_stats(S.Xavier(seed=1), "tanh", 2, 10, 20, seed=3))
    assert not np.array_equal(a, S.activation_stats(S.Xavier(seed=1), "tanh", 2, 10, 20, seed=4))
    with pytest.raises(ValueError):
        S.activation_stats(S.Xavier(seed=1), "softplus")


def test_notebook_figure_cell_runs(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    runpy.run_path(str(SOLUTION), run_name="__main__")
    assert len(plt.get_fignums()) == 2
    plt.close("all")
