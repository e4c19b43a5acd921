"""Scenarios of the initializers assignment: what the checks do with a module.

The same code runs on the student's module in the sandboxed child and on the reference in
the parent. Random draws cannot be compared value by value with the reference's (the
streams differ), so the initializer scenarios return the drawn *values* and the parent
judges their statistics (``autograder/rubrics/initializers.py``). Each scenario first fixes
the global seeds (``keras.utils.set_random_seed``), so that even a submission that ignores
its ``seed`` behaves the same on every grading run.

A case's kwargs name the class's constructor arguments (``init``, a dict) and the shape(s):

- ``draw``: ``Cls(**init)(shape)`` — the values, for their statistics.
- ``dtypes``: ``Cls(**init)(shape)``, ``(shape, dtype="float64")``, ``(shape, dtype="float32")``.
- ``seeding``: two fresh initializers with the same seed and one with ``seed + 1``.
- ``config_round_trip``: ``get_config()``'s entries for the constructor's arguments (NaN where
  missing), the values of ``Cls.from_config(config)``, and of two fresh initializers (to see
  whether the submission is deterministic at all: if not, the clone is judged statistically).
- ``in_layers``: the kernels of a ``keras.layers.Dense`` and a ``keras.layers.Conv2D`` built with
  ``kernel_initializer=Cls(**init)``, next to the initializer's own output for those shapes.

``activation_run`` calls ``activation_stats`` with ``GraderNormal``, an initializer of this
module (NumPy, seeded, independent of the student's classes) whose ``k``-th matrix is
:func:`grader_matrix` ``(stddev, seed, k, shape)``: the parent can rebuild every weight matrix
and check each layer against ``g(previous layer @ W)`` exactly.

Keras is imported lazily, so that importing the rubric (``dlgrade list``) does not start
TensorFlow.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from . import call

GLOBAL_SEED = 20240607


def _keras():
    import keras

    return keras


def _fix_seeds() -> None:
    _keras().utils.set_random_seed(GLOBAL_SEED)


def _make(module, name: str, init: dict):
    """A fresh ``Cls(**init)`` of the submission."""
    return call(module, name, (), dict(init))


def _draw(initializer, shape, **kwargs):
    return initializer(tuple(int(d) for d in shape), **kwargs)


# --- statistics of the values -----------------------------------------------------------


def draw(module, name, args, kwargs):
    """``Cls(**init)(shape)``."""
    _fix_seeds()
    return _draw(_make(module, name, kwargs["init"]), kwargs["shape"])


def dtypes(module, name, args, kwargs):
    """The values with dtype=None, "float64" and "float32" (fresh initializers, same seed)."""
    _fix_seeds()
    init, shape = kwargs["init"], kwargs["shape"]
    return (_draw(_make(module, name, init), shape),
            _draw(_make(module, name, init), shape, dtype="float64"),
            _draw(_make(module, name, init), shape, dtype="float32"))


def seeding(module, name, args, kwargs):
    """``(a, b, c)``: two fresh initializers with the same seed, one with seed + 1."""
    _fix_seeds()
    init, shape = dict(kwargs["init"]), kwargs["shape"]
    a = _draw(_make(module, name, init), shape)
    b = _draw(_make(module, name, init), shape)
    other = dict(init, seed=int(init["seed"]) + 1)
    c = _draw(_make(module, name, other), shape)
    return a, b, c


def _config_number(config, key: str) -> np.ndarray:
    """``config[key]`` as a float64 0-d array; NaN when missing, None or not a number."""
    try:
        value = config[key]
    except Exception:  # not a mapping, or no such key
        return np.array(np.nan)
    if isinstance(value, bool) or value is None:
        return np.array(np.nan)
    try:
        return np.array(float(value))
    except Exception:
        return np.array(np.nan)


def config_round_trip(module, name, args, kwargs):
    """get_config()'s entries, the clone's values, and two fresh initializers' values."""
    _fix_seeds()
    init, shape = kwargs["init"], kwargs["shape"]
    original = _make(module, name, init)
    config = original.get_config()
    cls = type(original)
    clone = cls.from_config(config)
    result = {f"config_{key}": _config_number(config, key) for key in init}
    result["clone"] = _draw(clone, shape)
    result["fresh"] = _draw(_make(module, name, init), shape)
    result["again"] = _draw(_make(module, name, init), shape)
    return result


def in_layers(module, name, args, kwargs):
    """Kernels of a Dense and a Conv2D layer built with the initializer, and its own output."""
    _fix_seeds()
    init = kwargs["init"]
    n_in, units = (int(d) for d in kwargs["dense"])
    kh, kw, c_in, c_out = (int(d) for d in kwargs["conv"])
    keras = _keras()
    dense = keras.layers.Dense(units, kernel_initializer=_make(module, name, init))
    dense.build((None, n_in))
    conv = keras.layers.Conv2D(c_out, (kh, kw), kernel_initializer=_make(module, name, init))
    conv.build((None, kh + 5, kw + 5, c_in))
    result = {}
    for key, layer, shape in (("dense", dense, (n_in, units)), ("conv", conv, (kh, kw, c_in, c_out))):
        result[key] = np.array(layer.kernel.numpy())
        result[f"{key}_fresh"] = _draw(_make(module, name, init), shape, dtype="float32")
        result[f"{key}_again"] = _draw(_make(module, name, init), shape, dtype="float32")
    return result


# --- activation_stats -------------------------------------------------------------------


def grader_matrix(stddev: float, seed: int, index: int, shape) -> np.ndarray:
    """The ``index``-th weight matrix that :class:`GraderNormal` hands out (float32 values)."""
    rng = np.random.default_rng([int(seed), int(index)])
    return (float(stddev) * rng.standard_normal(tuple(shape))).astype(np.float32)


@functools.cache
def grader_normal_class():
    """``GraderNormal``: the grader's N(0, stddev²) initializer for activation_stats, a Keras
    initializer (so that a submission may also hand it to keras.layers.Dense); it records the
    shapes it is asked for."""
    keras = _keras()

    class GraderNormal(keras.initializers.Initializer):
        def __init__(self, stddev=1.0, seed=0):
            self.stddev = float(stddev)
            self.seed = int(seed)
            self.shapes: list[tuple] = []

        def __call__(self, shape, dtype=None):
            shape = tuple(int(d) for d in shape)
            values = grader_matrix(self.stddev, self.seed, len(self.shapes), shape)
            self.shapes.append(shape)
            return values.astype(keras.backend.standardize_dtype(dtype or keras.backend.floatx()))

        def get_config(self):
            return {"stddev": self.stddev, "seed": self.seed}

    return GraderNormal


def _shapes_array(shapes) -> np.ndarray:
    """The shapes asked for, one row each: 2-D shapes as they are, others as (-1, -1)."""
    rows = [shape if len(shape) == 2 else (-1, -1) for shape in shapes]
    return np.array(rows, dtype=np.int64).reshape(len(rows), 2)


def _activation_call(module, name, kwargs, seed):
    initializer = grader_normal_class()(kwargs["stddev"], kwargs["weight_seed"])
    options = {key: int(kwargs[key]) for key in ("n_layers", "n_nodes", "n_samples") if key in kwargs}
    activations = call(module, name, (initializer, kwargs["activation"]), dict(options, seed=int(seed)))
    return activations, _shapes_array(initializer.shapes)


def activation_run(module, name, args, kwargs):
    """``activation_stats(GraderNormal(stddev, weight_seed), activation, ..., seed=seed)``.

    Returns ``{"activations": ..., "calls": the shapes the initializer was called with}``.
    """
    _fix_seeds()
    activations, calls = _activation_call(module, name, kwargs, kwargs["seed"])
    return {"activations": activations, "calls": calls}


def activation_seeding(module, name, args, kwargs):
    """activation_stats twice with ``seed`` and once with ``seed + 1``, same weights each time."""
    _fix_seeds()
    first, _ = _activation_call(module, name, kwargs, kwargs["seed"])
    second, _ = _activation_call(module, name, kwargs, kwargs["seed"])
    other, _ = _activation_call(module, name, kwargs, int(kwargs["seed"]) + 1)
    return first, second, other


# --- helpers shared with the rubric (trusted side) ---------------------------------------

ACTIVATIONS = {
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
}


def fans(shape) -> tuple[int, int]:
    """Keras' fan-in and fan-out (the grader's own copy, used to compute targets)."""
    shape = tuple(int(d) for d in shape)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    field = math.prod(shape[:-2])
    return field * shape[-2], field * shape[-1]
