"""Scenarios of the optimizers assignment: what the checks do with a module's optimizer classes.

The same code runs on the student's module in the sandboxed child and on the reference in the
parent. A case's ``kwargs`` are the optimizer's constructor arguments (``learning_rate``,
``momentum``, ...); its ``args`` say what to do with the optimizer. Everything runs eagerly
(``optimizer.apply`` on ``keras.Variable`` objects; ``model.fit(..., run_eagerly=True)``), so
that an exception raised in a student's ``update_step`` reaches the grader unchanged.
Gradients are handed to ``apply`` as tensors of the variable's dtype, as ``model.fit`` does.

- ``one_step``: ``args = (w, g)``: the variable after one step (``float64``).
- ``steps``: ``args = (w0, grads)`` with ``grads`` of shape ``(T, *w0.shape)``: the variable
  after each of the T steps, ``(T, *w0.shape)`` (``float64``).
- ``steps_float32``: the same with a ``float32`` variable and gradients.
- ``steps_with_schedule``: ``args = (w0, grads, schedule)``: the learning rate is a
  ``keras.optimizers.schedules`` object described by ``schedule = (class name, config)``.
- ``several_variables``: ``args = (ws, grads)``, tuples with one entry per variable (of
  different shapes), all updated by one optimizer: a tuple of trajectories.
- ``lecture_path``: ``args = (start, steps)``: the path ``(steps + 1, 2)`` of the optimizer on
  the lecture's ``f(x, y) = x²/20 + y²``, driven by the grader's own loop.
- ``config_round_trip``: ``args = (w0, grads, schedule or None)``: ``get_config``'s values for
  the constructor's arguments, whether ``keras.optimizers.deserialize(serialize(opt),
  custom_objects=...)`` gives back the same class, and how far the steps of
  ``Cls.from_config(opt.get_config())`` and of the deserialized copy are from those of the
  original (0 when the copies behave identically).
- ``fit_digits``: ``args = (x, labels, weights, epochs, batch_size)``: a small Dense network on
  scikit-learn digits (sent by the parent) trained with ``model.compile(optimizer=...)`` and
  ``model.fit``: the loss of each epoch and the trained weights.
- ``minimize_2d_with``: the student's ``minimize_2d`` driving a Keras optimizer built here,
  ``args = (class name in keras.optimizers, its arguments)``; ``kwargs`` go to ``minimize_2d``.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np

from autograder.engine.i18n import N_, _
from autograder.engine.rubric import Call

from . import ReturnValueError, call, graded_class

SCHEDULES = ("ExponentialDecay", "PiecewiseConstantDecay", "InverseTimeDecay")
KERAS_OPTIMIZERS = ("SGD", "Adam", "RMSprop")


def _keras():
    import keras  # preloaded by the zygote; imported lazily so the parent's import is cheap

    return keras


# --- helpers -----------------------------------------------------------------------------


def optimizer_class(module, name: str):
    """The student's class ``name``, checked to be a Keras optimizer class."""
    keras = _keras()
    cls = graded_class(module, name)
    if not issubclass(cls, keras.optimizers.Optimizer):
        raise ReturnValueError(_("must be a subclass of `keras.optimizers.Optimizer` (its bases are {bases})").format(
            bases=", ".join(b.__name__ for b in cls.__bases__)))
    return cls


def make_schedule(spec):
    """``(class name, config)`` → a ``keras.optimizers.schedules`` object."""
    keras = _keras()
    kind, config = spec
    if kind not in SCHEDULES:
        raise ValueError(f"unknown schedule {kind!r}")
    config = {str(k): (list(v) if isinstance(v, tuple) else v) for k, v in dict(config).items()}
    return getattr(keras.optimizers.schedules, kind)(**config)


def schedule_values(spec, steps: int) -> np.ndarray:
    """The learning rate of each of ``steps`` steps (float32 values, as the optimizer sees them)."""
    schedule = make_schedule(spec)
    return np.array([float(np.asarray(schedule(step))) for step in range(steps)], dtype=np.float64)


def new_optimizer(module, name: str, kwargs: dict, schedule=None):
    cls = optimizer_class(module, name)
    kwargs = dict(kwargs)
    if schedule is not None:
        kwargs["learning_rate"] = make_schedule(schedule)
    return cls(**kwargs)


def run_steps(optimizer, ws, grads, dtype: str = "float64"):
    """Apply ``len(grads[0])`` steps to fresh variables holding ``ws``; returns one trajectory
    ``(T, *w.shape)`` per variable."""
    keras = _keras()
    variables = [keras.Variable(np.asarray(w, dtype=dtype), dtype=dtype, name=f"w{i}")
                 for i, w in enumerate(ws)]
    n_steps = len(grads[0])
    paths: list[list[np.ndarray]] = [[] for _ in variables]
    for step in range(n_steps):
        tensors = [keras.ops.convert_to_tensor(np.asarray(g[step], dtype=dtype)) for g in grads]
        optimizer.apply(tensors, variables)
        for path, variable in zip(paths, variables):
            path.append(np.array(keras.ops.convert_to_numpy(variable), copy=True))
    return [np.stack(path) for path in paths]


# --- steps on one variable ---------------------------------------------------------------


def one_step(module, name, args, kwargs):
    w, g = args
    return run_steps(new_optimizer(module, name, kwargs), [w], [np.asarray(g)[np.newaxis]])[0][0]


def steps(module, name, args, kwargs):
    w0, grads = args
    return run_steps(new_optimizer(module, name, kwargs), [w0], [grads])[0]


def steps_float32(module, name, args, kwargs):
    w0, grads = args
    return run_steps(new_optimizer(module, name, kwargs), [w0], [grads], dtype="float32")[0]


def steps_with_schedule(module, name, args, kwargs):
    w0, grads, schedule = args
    return run_steps(new_optimizer(module, name, kwargs, schedule), [w0], [grads])[0]


def several_variables(module, name, args, kwargs):
    ws, grads = args
    return tuple(run_steps(new_optimizer(module, name, kwargs), list(ws), list(grads)))


# --- the lecture's test function -------------------------------------------------------------


def grad_2d(point: np.ndarray) -> np.ndarray:
    """Gradient of f(x, y) = x**2/20 + y**2."""
    return np.array([point[0] / 10.0, 2.0 * point[1]])


def descend_2d(optimizer, start, steps: int) -> np.ndarray:
    """The grader's own loop: ``(steps + 1, 2)`` path of ``optimizer`` on f from ``start``."""
    keras = _keras()
    point = keras.Variable(np.asarray(start, dtype=np.float64), dtype="float64", name="point")
    path = [np.asarray(start, dtype=np.float64)]
    for _step in range(int(steps)):
        gradient = keras.ops.convert_to_tensor(grad_2d(keras.ops.convert_to_numpy(point)))
        optimizer.apply([gradient], [point])
        path.append(np.array(keras.ops.convert_to_numpy(point), dtype=np.float64))
    return np.stack(path)


def lecture_path(module, name, args, kwargs):
    start, n_steps = args
    return descend_2d(new_optimizer(module, name, kwargs), start, n_steps)


def minimize_2d_with(module, name, args, kwargs):
    """The submission's ``minimize_2d`` driving ``keras.optimizers.<kind>(**options)``."""
    keras = _keras()
    kind, options = args
    if kind not in KERAS_OPTIMIZERS:
        raise ValueError(f"unknown optimizer {kind!r}")
    optimizer = getattr(keras.optimizers, kind)(**dict(options))
    return call(module, name, (optimizer,), kwargs)


# --- configuration ---------------------------------------------------------------------------


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    """Largest |a - b|, counting equal non-finite entries (both nan, same inf) as equal."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore"):
        gaps = np.where(same, 0.0, np.abs(a - b))
    return float(np.max(gaps, initial=0.0)) if not np.isnan(gaps).any() else float("inf")


def config_round_trip(module, name, args, kwargs):
    """Returns ``{"present", "values", "same_class", "from_config", "deserialized"}``:

    - ``present[i]``/``values[i]``: whether ``get_config()`` holds the i-th constructor
      argument (in sorted order) and its value (nan if absent or not a number);
    - ``same_class``: 1.0 if ``keras.optimizers.deserialize`` gave back an instance of the class;
    - ``from_config``/``deserialized``: the largest difference between the trajectory of the
      original optimizer and that of ``Cls.from_config(config)`` / of the deserialized copy.
    """
    import copy

    keras = _keras()
    w0, grads, schedule = args
    cls = optimizer_class(module, name)
    original = new_optimizer(module, name, kwargs, schedule)
    config = original.get_config()
    if not isinstance(config, Mapping):
        raise ReturnValueError(_("`.get_config()` must return a dict, got a {type}").format(type=type(config).__name__))
    keys = sorted(kwargs)
    present = np.array([float(key in config) for key in keys])
    values = np.array([_number(config.get(key)) for key in keys])
    rebuilt = cls.from_config(copy.deepcopy(dict(config)))
    serialized = keras.optimizers.serialize(original)
    restored = keras.optimizers.deserialize(serialized, custom_objects={name: cls})
    same_class = float(type(restored) is cls)
    reference = run_steps(original, [w0], [grads])[0]
    from_config = _difference(run_steps(rebuilt, [w0], [grads])[0], reference)
    deserialized = _difference(run_steps(restored, [w0], [grads])[0], reference) if same_class else float("inf")
    return {"present": present, "values": values, "same_class": np.float64(same_class),
            "from_config": np.float64(from_config), "deserialized": np.float64(deserialized)}


def _number(value) -> float:
    if isinstance(value, bool) or value is None:
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


# --- training a model --------------------------------------------------------------------------


def fit_digits(module, name, args, kwargs):
    """A 64-16-10 ReLU network with the given initial weights, trained on the digits in ``args``
    with ``model.fit`` (no shuffling, eager): ``{"loss": per-epoch loss, "weights": (W1, b1, W2, b2)}``."""
    keras = _keras()
    x, labels, weights, epochs, batch_size = args
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((x.shape[1],)),
        keras.layers.Dense(weights[0].shape[1], activation="relu"),
        keras.layers.Dense(weights[2].shape[1]),
    ])
    model.set_weights([np.asarray(w, dtype=np.float32) for w in weights])
    model.compile(optimizer=new_optimizer(module, name, kwargs),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  run_eagerly=True)
    history = model.fit(np.asarray(x, dtype=np.float32), np.asarray(labels), epochs=int(epochs),
                        batch_size=int(batch_size), shuffle=False, verbose=0)
    return {"loss": np.array(history.history["loss"], dtype=np.float64),
            "weights": tuple(np.array(w) for w in model.get_weights())}


# --- custom comparisons (the parent's judgement; student bundles judge the visible checks with them)

TRAJECTORY_TOL = 5e-4


def _close_path(expected: np.ndarray, got: np.ndarray) -> bool:
    """Whether ``got`` is ``expected`` within the trajectory tolerance (shapes already equal)."""
    if got.dtype.kind not in "fiu":
        return False
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.abs(got.astype(np.float64) - expected)
                           <= TRAJECTORY_TOL * scale + TRAJECTORY_TOL * np.abs(expected)))


def compare_path(expected, got, call) -> str | None:
    """A path (steps + 1, 2): says where the student's path leaves the reference's."""
    if not isinstance(got, np.ndarray):
        return _("expected an array of shape {shape}, got {type}").format(shape=expected.shape, type=type(got).__name__)
    if got.shape != expected.shape:
        hint = ""
        if got.shape == (expected.shape[0] - 1, 2):
            if _close_path(expected[1:], got):
                hint = _(" (one row short: your path lacks the starting point; it starts with the start itself)")
            elif _close_path(expected[:-1], got):
                hint = _(" (one row short: your path lacks the point after the last step)")
            else:
                hint = _(" (one row short: steps + 1 points, the start and one after each step)")
        elif got.ndim == 2 and got.shape[::-1] == expected.shape:
            hint = _(" (transposed: one row per point)")
        return _("expected a path of shape {expected}, got shape {got}{hint}").format(
            expected=expected.shape, got=got.shape, hint=hint)
    if got.dtype.kind not in "fiu":
        return _("expected floating-point numbers, got dtype {dtype}").format(dtype=got.dtype)
    got = got.astype(np.float64)
    scale = max(1.0, float(np.max(np.abs(expected))))
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(got - expected) <= TRAJECTORY_TOL * scale + TRAJECTORY_TOL * np.abs(expected))
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size == 0:
        return None
    k = int(rows[0])
    end = expected.shape[0] - 1
    return (_("your path leaves the reference path at point {k} (after {k} step): expected {expected}, got "
              "{got}; the reference ends at {reference_end}, yours at {end}") if k == 1 else
            _("your path leaves the reference path at point {k} (after {k} steps): expected {expected}, got "
              "{got}; the reference ends at {reference_end}, yours at {end}")).format(
                k=k, expected=f"({expected[k, 0]:.6g}, {expected[k, 1]:.6g})", got=f"({got[k, 0]:.6g}, {got[k, 1]:.6g})",
                reference_end=f"({expected[end, 0]:.6f}, {expected[end, 1]:.6f})",
                end=f"({got[end, 0]:.6g}, {got[end, 1]:.6g})")


def plot_paths(expected, got, call, path) -> None:
    """The lecture's picture for a failed path: contours of f(x, y) = x²/20 + y², the
    reference path and the student's, saved as a PNG at ``path``."""
    from matplotlib.figure import Figure  # no pyplot: safe in grading threads, no display

    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    if got.ndim != 2 or got.shape[1] != 2:
        raise ValueError(f"your result of shape {got.shape} is not a path of (x, y) points")
    points = np.concatenate([expected, got[np.all(np.isfinite(got), axis=1)]])
    low, high = points.min(axis=0), points.max(axis=0)
    margin = np.maximum(0.1 * (high - low), 0.5)
    xs = np.linspace(low[0] - margin[0], high[0] + margin[0], 200)
    ys = np.linspace(low[1] - margin[1], high[1] + margin[1], 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    figure = Figure(figsize=(6, 4.5))
    axes = figure.add_subplot()
    axes.contour(grid_x, grid_y, grid_x ** 2 / 20 + grid_y ** 2, levels=15, colors="0.8")
    axes.plot(expected[:, 0], expected[:, 1], "o-", color="tab:blue", markersize=3, label="reference")
    axes.plot(got[:, 0], got[:, 1], "x--", color="tab:red", markersize=4, label="yours")
    axes.plot(0, 0, "+", color="black")
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.set_title("f(x, y) = x²/20 + y²", fontsize=10)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=90, format="png")


def _config_keys(call: Call) -> list[str]:
    return sorted(call.kwargs)


def compare_config(kind: str, expected, got, call) -> str | None:
    """The get_config round trip of ``kind``: the config's values, then the rebuilt copies' steps."""
    keys = _config_keys(call)
    present = np.asarray(got["present"]).reshape(-1)
    values = np.asarray(got["values"], dtype=np.float64).reshape(-1)
    if present.shape != (len(keys),) or values.shape != (len(keys),):
        return _("the round trip returned malformed values")
    missing = [k for k, p in zip(keys, present) if not p]
    if missing:
        return _("{kind}(...).get_config() has no {missing}: Keras rebuilds the "
                 "optimizer with {kind}(**config), so a missing hyperparameter comes back with its "
                 "default value").format(kind=kind, missing=", ".join(map(repr, missing)))
    for key, want, value in zip(keys, np.asarray(expected["values"]).reshape(-1), values):
        if not abs(value - want) <= 1e-6 * max(1.0, abs(want)):
            return _("{kind}(...).get_config()[{key}] is {value}, expected {want}").format(
                kind=kind, key=repr(key), value=f"{value:.6g}", want=f"{want:.6g}")
    if not float(got["same_class"]) == 1.0:
        return _("{call} did not give back a {kind}").format(
            call=f"keras.optimizers.deserialize(keras.optimizers.serialize(opt), custom_objects={{{kind!r}: {kind}}})",
            kind=kind)
    for key, what in (("from_config", f"{kind}.from_config(opt.get_config())"),
                      ("deserialized", _("the deserialized copy"))):
        gap = float(got[key])
        if not gap <= 1e-6:
            return _("{what} takes other steps than opt itself (largest difference {gap}): "
                     "a hyperparameter is not saved in get_config or not restored by __init__").format(
                         what=what, gap=f"{gap:.3g}")
    return None


def compare_config_for(kind: str):
    """``compare_config`` for ``kind``: a ``functools.partial``, so that a bundle can rebuild it."""
    return functools.partial(compare_config, kind)


def compare_fit(expected, got, call) -> str | None:
    loss_e, loss_g = np.asarray(expected["loss"]), np.asarray(got["loss"], dtype=np.float64)
    if loss_g.shape != loss_e.shape:
        return _("expected {expected} epoch losses, got {got}").format(expected=loss_e.size, got=loss_g.size)
    fmt = lambda a: "[" + ", ".join(f"{v:.5f}" for v in a) + "]"  # noqa: E731
    weights_g = [np.asarray(w, dtype=np.float64) for w in got["weights"]]
    if not np.all(np.isfinite(loss_g)) or not all(np.all(np.isfinite(w)) for w in weights_g):
        return _("training produced NaN or inf (loss per epoch {losses}; the reference's is "
                 "{expected}). In model.fit some gradients are exactly 0 (the digits' blank "
                 "pixels) and epsilon is tiny here: an update 0 / 0 (no epsilon in the denominator, "
                 "or a division by sqrt(h) alone) gives NaN, which then spreads through the network").format(
                     losses=fmt(loss_g), expected=fmt(loss_e))
    if not np.all(np.abs(loss_g - loss_e) <= 1e-3 * np.abs(loss_e) + 1e-4):
        return _("the training loss per epoch is {losses}, the reference's is {expected}").format(
            losses=fmt(loss_g), expected=fmt(loss_e))
    names = (N_("hidden kernel"), N_("hidden bias"), N_("output kernel"), N_("output bias"))
    for name, w_e, w_g in zip(names, expected["weights"], got["weights"]):
        w_g = np.asarray(w_g, dtype=np.float64)
        scale = max(1.0, float(np.max(np.abs(w_e))))
        error = np.abs(w_g - w_e)
        if w_g.shape != w_e.shape or not np.all(error <= TRAJECTORY_TOL * scale):
            worst = float(np.nanmax(error)) if w_g.shape == w_e.shape else float("nan")
            return _("the losses agree ({losses}), but the trained {name} differs from the "
                     "reference's by up to {worst}").format(losses=fmt(loss_g), name=_(name), worst=f"{worst:.3g}")
    return None
