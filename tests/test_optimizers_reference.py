"""The optimizers reference solution agrees with the spec, the lecture and Keras.

- SGD, Momentum and Adam match ``keras.optimizers.SGD``, ``SGD(momentum=...)`` and ``Adam``
  step for step (float64 and float32, several variables, a learning-rate schedule, and inside
  ``model.fit``);
- AdaGrad and RMSProp match the spec's formulas written out in NumPy (``numpy_steps``), and
  differ from Keras' ``Adagrad``/``RMSprop`` exactly as the notebook says (h starts at 0, ε
  outside the root);
- ``minimize_2d`` reproduces the lecture's end points after 30 steps (float64), with the
  reference classes and with Keras' own optimizers;
- every class round-trips through get_config/from_config and keras.optimizers.serialize/deserialize.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from autograder.exercises import lecture  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
keras = pytest.importorskip("keras")


def _load():
    name = "optimizers_solution_for_reference_tests"
    spec = importlib.util.spec_from_file_location(name, ROOT / "solutions" / "optimizers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


opt = _load()
CLASSES = ("SGD", "Momentum", "AdaGrad", "RMSProp", "Adam")


def run(optimizer, ws, grads, dtype="float64"):
    """Trajectories (T, *w.shape) of ``optimizer`` applied to fresh variables holding ``ws``."""
    variables = [keras.Variable(np.asarray(w, dtype=dtype), dtype=dtype) for w in ws]
    paths = [[] for _ in ws]
    for step in range(len(grads[0])):
        optimizer.apply([keras.ops.convert_to_tensor(np.asarray(g[step], dtype=dtype)) for g in grads], variables)
        for path, v in zip(paths, variables):
            path.append(keras.ops.convert_to_numpy(v).copy())
    return [np.stack(p) for p in paths]


def problem(seed, shapes=((3, 4), (4,), (2, 2, 2)), steps=6):
    rng = np.random.default_rng(seed)
    ws = [rng.standard_normal(s) for s in shapes]
    grads = [rng.standard_normal((steps, *s)) for s in shapes]
    return ws, grads


KERAS_TWINS = [
    ("SGD", {"learning_rate": 0.1}, "SGD", {"learning_rate": 0.1}),
    ("Momentum", {"learning_rate": 0.05, "momentum": 0.8}, "SGD", {"learning_rate": 0.05, "momentum": 0.8}),
    ("Momentum", {"learning_rate": 0.1}, "SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("Adam", {"learning_rate": 0.01}, "Adam", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}, "Adam",
     {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
]


# --- SGD, Momentum, Adam against Keras' built-ins ---------------------------------------------------


@pytest.mark.parametrize("ours,hp,theirs,keras_hp", KERAS_TWINS)
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-6), ("float32", 1e-5)])
def test_matches_keras_step_for_step(ours, hp, theirs, keras_hp, dtype, tol):
    ws, grads = problem(1)
    mine = run(getattr(opt, ours)(**hp), ws, grads, dtype)
    reference = run(getattr(keras.optimizers, theirs)(**keras_hp), ws, grads, dtype)
    for a, b in zip(mine, reference):
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("ours,theirs,extra", [("SGD", "SGD", {}), ("Momentum", "SGD", {"momentum": 0.9}),
                                               ("Adam", "Adam", {})])
def test_matches_keras_with_a_schedule(ours, theirs, extra):
    def schedule():
        return keras.optimizers.schedules.ExponentialDecay(0.2, decay_steps=1, decay_rate=0.6)

    ws, grads = problem(2, shapes=((5,),), steps=6)
    mine = run(getattr(opt, ours)(learning_rate=schedule()), ws, grads)
    reference = run(getattr(keras.optimizers, theirs)(learning_rate=schedule(), **extra), ws, grads)
    # Keras' Adam mixes float32 powers of beta with float64 (1 - beta): a few 1e-6 apart
    np.testing.assert_allclose(mine[0], reference[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("ours,theirs,hp,keras_hp", [
    ("SGD", "SGD", {"learning_rate": 0.3}, {"learning_rate": 0.3}),
    ("Momentum", "SGD", {"learning_rate": 0.05}, {"learning_rate": 0.05, "momentum": 0.9}),
    ("Adam", "Adam", {"learning_rate": 0.01}, {"learning_rate": 0.01}),
])
def test_model_fit_matches_keras(ours, theirs, hp, keras_hp):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    y = rng.integers(0, 3, size=64)
    weights = [(rng.standard_normal((8, 6)) * 0.4).astype(np.float32), np.zeros(6, np.float32),
               (rng.standard_normal((6, 3)) * 0.4).astype(np.float32), np.zeros(3, np.float32)]

    def train(optimizer):
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(6, activation="relu"), keras.layers.Dense(3)])
        model.set_weights(weights)
        model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      run_eagerly=True)
        history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        return np.array(history.history["loss"]), model.get_weights()

    loss_a, w_a = train(getattr(opt, ours)(**hp))
    loss_b, w_b = train(getattr(keras.optimizers, theirs)(**keras_hp))
    assert loss_a[-1] < loss_a[0]
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-5)
    for a, b in zip(w_a, w_b):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


# --- every class against the spec's formulas in NumPy --------------------------------------------------


@pytest.mark.parametrize("kind,hp", [
    ("SGD", {}), ("Momentum", {"momentum": 0.7}), ("AdaGrad", {}), ("AdaGrad", {"epsilon": 0.5}),
    ("RMSProp", {}), ("RMSProp", {"rho": 0.6, "epsilon": 0.1}), ("Adam", {}),
    ("Adam", {"beta_1": 0.7, "beta_2": 0.95, "epsilon": 0.3}),
])
def test_matches_the_spec_formulas(kind, hp):
    ws, grads = problem(4, shapes=((4, 3),), steps=8)
    mine = run(getattr(opt, kind)(learning_rate=0.1, **hp), ws, grads)[0]
    expected = opt.numpy_steps(kind, ws[0], grads[0], [float(np.float32(0.1))] * 8, **hp)
    np.testing.assert_allclose(mine, expected, rtol=1e-12, atol=1e-12)


def test_adagrad_and_rmsprop_differ_from_keras_on_purpose():
    """Keras' Adagrad starts h at 0.1 and both put eps inside the root: with Keras' own
    initial value 0 and eps negligible they agree with ours; as shipped they do not."""
    ws, grads = problem(5, shapes=((6,),), steps=5)
    ours = run(opt.AdaGrad(learning_rate=0.1), ws, grads)[0]
    assert np.max(np.abs(ours - run(keras.optimizers.Adagrad(learning_rate=0.1), ws, grads)[0])) > 1e-2
    zero_start = run(keras.optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=1e-12),
                     ws, grads)[0]
    np.testing.assert_allclose(ours, zero_start, rtol=1e-5, atol=1e-6)
    ours = run(opt.RMSProp(learning_rate=0.01, epsilon=0.1), ws, grads)[0]
    theirs = run(keras.optimizers.RMSprop(learning_rate=0.01, epsilon=0.1), ws, grads)[0]
    assert np.max(np.abs(ours - theirs)) > 1e-3
    ours = run(opt.RMSProp(learning_rate=0.01, epsilon=1e-12), ws, grads)[0]
    theirs = run(keras.optimizers.RMSprop(learning_rate=0.01, epsilon=1e-12), ws, grads)[0]
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


# --- the lecture's experiment ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["SGD", "Momentum", "AdaGrad", "Adam"])
def test_minimize_2d_reproduces_the_lecture_end_points(kind):
    # the solution keeps its own copy of the lecture's settings (it is student-facing): the same
    assert opt.LECTURE_SETTINGS[kind] == lecture.PATH_RATES[kind]
    assert opt.LECTURE_END_POINTS[kind] == lecture.PATH_END_POINTS[kind]
    path = opt.minimize_2d(getattr(opt, kind)(learning_rate=lecture.PATH_RATES[kind]))
    assert path.shape == (lecture.PATH_STEPS + 1, 2) and path.dtype == np.float64
    np.testing.assert_array_equal(path[0], lecture.PATH_START)
    np.testing.assert_allclose(path[-1], lecture.PATH_END_POINTS[kind], atol=1e-6)
    assert np.all(np.isfinite(path))


def test_minimize_2d_with_keras_optimizers():
    np.testing.assert_allclose(opt.minimize_2d(keras.optimizers.SGD(0.95))[-1], (-0.350393, 0.084782), atol=1e-6)
    np.testing.assert_allclose(opt.minimize_2d(keras.optimizers.SGD(0.1, momentum=0.9))[-1],
                               (0.896414, 0.088086), atol=1e-6)
    # Keras' Adam mixes float32 and float64 constants; it ends within 3e-5 of the float64 numbers
    np.testing.assert_allclose(opt.minimize_2d(keras.optimizers.Adam(0.3))[-1], (0.136007, 0.318245), atol=5e-5)
    short = opt.minimize_2d(keras.optimizers.SGD(0.5), start=(2.0, -1.0), steps=3)
    np.testing.assert_allclose(short, [[2.0, -1.0], [1.9, 0.0], [1.805, 0.0], [1.71475, 0.0]], atol=1e-7)


# --- configuration ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,hp", [
    ("SGD", {"learning_rate": 0.3}), ("Momentum", {"learning_rate": 0.2, "momentum": 0.5}),
    ("AdaGrad", {"learning_rate": 0.2, "epsilon": 1e-4}), ("RMSProp", {"learning_rate": 0.2, "rho": 0.8, "epsilon": 1e-4}),
    ("Adam", {"learning_rate": 0.2, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-4}),
])
def test_config_round_trip(kind, hp):
    cls = getattr(opt, kind)
    original = cls(**hp)
    config = original.get_config()
    for key, value in hp.items():
        assert config[key] == pytest.approx(value, rel=1e-6)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(original), custom_objects={kind: cls})
    assert type(restored) is cls
    rebuilt = cls.from_config(config)
    ws, grads = problem(6, shapes=((3,),), steps=3)
    expected = run(cls(**hp), ws, grads)[0]
    np.testing.assert_array_equal(run(restored, ws, grads)[0], expected)
    np.testing.assert_array_equal(run(rebuilt, ws, grads)[0], expected)


def test_defaults_follow_the_spec():
    assert opt.SGD().get_config()["learning_rate"] == pytest.approx(0.01)
    assert opt.Momentum().get_config()["momentum"] == 0.9
    assert opt.AdaGrad().get_config()["epsilon"] == 1e-7
    rms = opt.RMSProp().get_config()
    assert (rms["learning_rate"], rms["rho"], rms["epsilon"]) == (pytest.approx(0.001), 0.9, 1e-7)
    adam = opt.Adam().get_config()
    assert (adam["beta_1"], adam["beta_2"], adam["epsilon"]) == (0.9, 0.999, 1e-7)
    for kind in CLASSES:
        assert issubclass(getattr(opt, kind), keras.optimizers.Optimizer)
        for builtin in ("SGD", "Adam", "Adagrad", "RMSprop"):
            assert not issubclass(getattr(opt, kind), getattr(keras.optimizers, builtin))
