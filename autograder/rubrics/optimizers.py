"""Rubric for optimizers: SGD, Momentum, AdaGrad, RMSProp and Adam as Keras 3 optimizers, and
``minimize_2d`` (DLfS ch. 6).

Every check runs a scenario of ``autograder/exercises/optimizers.py`` on the student's class
(in the sandbox) and on the reference's (in the grader), and compares the plain results.
Layout, one group per class (1 SGD, 2 Momentum, 3 AdaGrad, 4 RMSProp, 5 Adam), then
6 minimize_2d. Within a group:

- ``one step`` (``float64``, the slots start at zero) and ``five steps`` with changing
  gradients: the update rule itself;
- ``a large ε`` (AdaGrad, RMSProp, Adam): the only checks where ε is large against √h (ε up
  to 1, or gradients of 1e-6), so that ε inside the square root (or the paper's Adam
  form) loses these checks alone;
- ``learning-rate schedule``: the only checks with a ``keras.optimizers.schedules`` learning
  rate, so that an optimizer that ignores ``update_step``'s ``learning_rate`` argument (or
  scales Momentum's whole velocity by η, the PyTorch way) loses only these;
- ``several variables`` (three shapes, one optimizer) and ``float32``;
- ``get_config`` round trip: compares the config's values and the behaviour of the rebuilt
  optimizer *with the student's own original* (not with the reference), so that a wrong
  update rule does not fail it and a missing hyperparameter fails nothing else;
- the lecture's path on ``f(x, y) = x²/20 + y²`` (not for RMSProp, absent from the lecture's
  figure), driven by the grader's loop;
- ``model.fit`` on scikit-learn digits (a 64-16-10 network, 3 epochs, eager);
- a hidden check with other hyperparameters, shapes, gradient scales and longer runs.

``minimize_2d`` is graded with Keras' own optimizers (built by the grader), so that its checks
depend on the student's loop alone. Tolerances follow Keras' optimizer tests: 1e-4 for one
step, 5e-4 for trajectories (relative to the largest value).

Which student classes/functions each check calls: checks 1.x–5.x call only the class they
grade, driven by the grader's own loop (``optimizer.apply``) or by ``model.fit``; 6.x call only
``minimize_2d``, with Keras' own optimizers built by the grader.
"""
from __future__ import annotations

import functools

import numpy as np

from autograder.engine.rubric import Call, Check, Rubric, integers, randn
from autograder.exercises import lecture
from autograder.exercises.optimizers import TRAJECTORY_TOL, compare_config_for, compare_fit, compare_path, plot_paths
from autograder.rubrics.optimizers_descriptions import describe_for, describe_minimize
from autograder.rubrics.optimizers_diagnoses import DEFAULTS, diagnoses_for

CLASSES = ("SGD", "Momentum", "AdaGrad", "RMSProp", "Adam")
HYPERPARAMETERS = {"SGD": (), "Momentum": ("momentum",), "AdaGrad": ("epsilon",),
                   "RMSProp": ("rho", "epsilon"), "Adam": ("beta_1", "beta_2", "epsilon")}
FORMULAS = {
    "SGD": "W <- W - lr * g",
    "Momentum": "v <- momentum * v - lr * g; W <- W + v (v starts at 0)",
    "AdaGrad": "h <- h + g * g; W <- W - lr * g / (sqrt(h) + epsilon) (h starts at 0)",
    "RMSProp": "h <- rho * h + (1 - rho) * g * g; W <- W - lr * g / (sqrt(h) + epsilon) (h starts at 0)",
    "Adam": ("m <- beta_1 m + (1 - beta_1) g; v <- beta_2 v + (1 - beta_2) g*g; "
             "alpha_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) with t = self.iterations + 1; "
             "W <- W - alpha_t * m / (sqrt(v) + epsilon)"),
}
# The lecture's figure: f(x, y) = x²/20 + y² from (-7, 2), 30 steps.
LECTURE_START = lecture.PATH_START
LECTURE_RATES = lecture.PATH_RATES
LECTURE_END = {kind: lecture.end_point_text(kind) for kind in lecture.PATH_END_POINTS}
# Settings for model.fit on the digits (the loss falls clearly within 3 epochs). model.fit is an
# integration check: it must not fail a formula detail that a check of its own isolates. The
# only such detail that these settings could show is where epsilon goes (inside the square
# root, or the paper's Adam form with epsilon added to sqrt(v_hat)), which the large-epsilon
# checks grade; with epsilon = 1e-30 every placement gives the same float32 steps (they differ
# only for gradients below ~1e-15), and an exactly zero gradient still gives 0 / epsilon = 0.
FIT_EPSILON = 1e-30
FIT_RATES = {"SGD": {"learning_rate": 0.5}, "Momentum": {"learning_rate": 0.1, "momentum": 0.9},
             "AdaGrad": {"learning_rate": 0.05, "epsilon": FIT_EPSILON},
             "RMSProp": {"learning_rate": 0.01, "epsilon": FIT_EPSILON},
             "Adam": {"learning_rate": 0.01, "epsilon": FIT_EPSILON}}
ONE_STEP_NAMES = {"SGD": "one step, W <- W - lr * g", "Momentum": "one step from zero velocity",
                  "AdaGrad": "one step from h = 0", "RMSProp": "one step from h = 0",
                  "Adam": "one step from m = v = 0 (t = 1)"}
ONE_STEP_TOL = 1e-4


# --- inputs ---------------------------------------------------------------------------------


def _shape(rng, low=2, high=4, ndim=None) -> tuple[int, ...]:
    ndim = ndim or integers(rng, 1, 2)
    return tuple(integers(rng, low, high) for _ in range(ndim))


def _gradients(rng, n_steps: int, shape, scale: float = 1.0) -> np.ndarray:
    """Changing gradients: a common drift plus noise, so that momentum and averages matter,
    with no entry near zero (|g| >= 0.05 * scale)."""
    drift = randn(rng, *shape)
    g = drift + 0.7 * randn(rng, n_steps, *shape)
    g = np.where(np.abs(g) < 0.05, np.sign(g + 1e-12) * 0.05, g)
    return g * scale


def _typical(kind: str, rng) -> dict:
    """Ordinary hyperparameters (not the defaults, so that a hard-coded default shows)."""
    if kind == "SGD":
        return {"learning_rate": float(rng.choice([0.05, 0.1, 0.3]))}
    if kind == "Momentum":
        return {"learning_rate": float(rng.choice([0.05, 0.1])), "momentum": float(rng.choice([0.8, 0.9]))}
    if kind == "AdaGrad":
        return {"learning_rate": float(rng.choice([0.1, 0.3]))}
    if kind == "RMSProp":
        return {"learning_rate": float(rng.choice([0.01, 0.05])), "rho": float(rng.choice([0.8, 0.9]))}
    return {"learning_rate": float(rng.choice([0.01, 0.05])), "beta_1": 0.9, "beta_2": 0.999}


def _other(kind: str, rng) -> dict:
    """Other settings for the hidden checks."""
    if kind == "SGD":
        return {"learning_rate": round(float(rng.uniform(0.01, 0.5)), 3)}
    if kind == "Momentum":
        return {"learning_rate": round(float(rng.uniform(0.01, 0.2)), 3),
                "momentum": round(float(rng.uniform(0.3, 0.95)), 2)}
    if kind == "AdaGrad":
        return {"learning_rate": round(float(rng.uniform(0.05, 1.0)), 3),
                "epsilon": float(rng.choice([1e-7, 1e-6, 1e-8]))}
    if kind == "RMSProp":
        return {"learning_rate": round(float(rng.uniform(0.005, 0.1)), 4),
                "rho": round(float(rng.uniform(0.5, 0.99)), 2), "epsilon": float(rng.choice([1e-7, 1e-6]))}
    return {"learning_rate": round(float(rng.uniform(0.005, 0.1)), 4),
            "beta_1": round(float(rng.uniform(0.5, 0.95)), 2),
            "beta_2": round(float(rng.uniform(0.9, 0.9999)), 4), "epsilon": float(rng.choice([1e-7, 1e-6]))}


def cases_one_step(kind: str):
    def cases(rng):
        calls = []
        for shape in ((3,), (2, 3), (integers(rng, 4, 6),)):
            hp = _typical(kind, rng)
            if kind == "SGD":
                hp = {"learning_rate": float(rng.choice([0.05, 0.1, 0.5]))}
            calls.append(Call((randn(rng, *shape), _gradients(rng, 1, shape)[0]), hp))
        calls.append(Call((np.array([1.0, -2.0, 0.5]), np.array([0.5, -1.0, 2.0])), dict(DEFAULTS[kind])))
        return calls
    return cases


def cases_steps(kind: str, n_steps: int = 5, n_cases: int = 3, settings=None, dtype=np.float64):
    settings = settings or _typical

    def cases(rng):
        calls = []
        for i in range(n_cases):
            shape = _shape(rng) if i else (3,)
            w0 = randn(rng, *shape).astype(dtype)
            grads = _gradients(rng, n_steps, shape).astype(dtype)
            calls.append(Call((w0, grads), settings(kind, rng)))
        return calls
    return cases


def cases_hidden(kind: str):
    def cases(rng):
        calls = []
        for scale in (1.0, 0.01, 10.0):
            shape = _shape(rng, 2, 5)
            calls.append(Call((randn(rng, *shape), _gradients(rng, 8, shape, scale)), _other(kind, rng)))
        return calls
    return cases


def cases_large_epsilon(kind: str):
    def cases(rng):
        calls = []
        for epsilon in (0.1, 0.5, 1.0):
            shape = (integers(rng, 3, 5),)
            hp = {**_typical(kind, rng), "epsilon": epsilon}
            calls.append(Call((randn(rng, *shape), _gradients(rng, 3, shape, 0.3)), hp))
        shape = (4,)  # the default epsilon against tiny gradients
        calls.append(Call((randn(rng, *shape), _gradients(rng, 3, shape, 1e-6)), _typical(kind, rng)))
        return calls
    return cases


SCHEDULES = (
    ("ExponentialDecay", {"initial_learning_rate": 0.2, "decay_steps": 1, "decay_rate": 0.6}),
    ("PiecewiseConstantDecay", {"boundaries": (1, 3), "values": (0.3, 0.1, 0.02)}),
)


def cases_schedule(kind: str):
    def cases(rng):
        calls = []
        for spec in SCHEDULES:
            shape = (3,)
            hp = {k: v for k, v in _typical(kind, rng).items() if k != "learning_rate"}
            calls.append(Call((randn(rng, *shape), _gradients(rng, 5, shape), spec), hp))
        return calls
    return cases


def cases_several(kind: str):
    def cases(rng):
        n_steps = 4
        shapes = ((integers(rng, 3, 5), 3), (3,), (2, 2, 2))
        ws = tuple(randn(rng, *s) for s in shapes)
        grads = tuple(_gradients(rng, n_steps, s) for s in shapes)
        shapes2 = ((2,), (integers(rng, 2, 3), 4))
        ws2 = tuple(randn(rng, *s) for s in shapes2)
        grads2 = tuple(_gradients(rng, n_steps, s) for s in shapes2)
        return [Call((ws, grads), _typical(kind, rng)), Call((ws2, grads2), _typical(kind, rng))]
    return cases


def cases_config(kind: str):
    def cases(rng):
        hp = _other(kind, rng)
        shape = (3,)
        w0, grads = randn(rng, *shape), _gradients(rng, 3, shape)
        without_rate = {k: v for k, v in hp.items() if k != "learning_rate"}
        return [Call((w0, grads, None), hp), Call((w0, grads, SCHEDULES[0]), without_rate)]
    return cases


def cases_lecture_path(kind: str):
    def cases(rng):
        rate = LECTURE_RATES[kind]
        other = (round(float(rng.uniform(2, 6)), 2), round(float(rng.uniform(-3, -1)), 2))
        return [Call((LECTURE_START, 30), {"learning_rate": rate}),
                Call((other, 15), {"learning_rate": rate})]
    return cases


@functools.lru_cache(maxsize=1)
def _digits():
    # scikit-learn's digits, read from its data file as ``load_digits`` reads it, without
    # importing scikit-learn (two seconds of SciPy in every check's grader otherwise).
    import gzip
    import importlib.util
    import os

    package = importlib.util.find_spec("sklearn").submodule_search_locations[0]
    with gzip.open(os.path.join(package, "datasets", "data", "digits.csv.gz"), "rt") as data:
        table = np.loadtxt(data, delimiter=",")
    return (table[:, :-1] / 16.0).astype(np.float32), table[:, -1].astype(int).astype(np.int64)


def cases_fit(kind: str):
    def cases(rng):
        x, labels = _digits()
        index = rng.choice(len(labels), size=192, replace=False)
        weights = (
            (randn(rng, 64, 16) * np.sqrt(2 / 64)).astype(np.float32), np.zeros(16, np.float32),
            (randn(rng, 16, 10) * np.sqrt(1 / 16)).astype(np.float32), np.zeros(10, np.float32))
        return [Call((x[index], labels[index], weights, 3, 32), dict(FIT_RATES[kind]))]
    return cases


def cases_minimize(rng):
    return [
        Call(("SGD", {"learning_rate": 0.95}), {}),  # the defaults: (-7, 2), 30 steps
        Call(("SGD", {"learning_rate": 0.1, "momentum": 0.9}), {"start": (-7.0, 2.0), "steps": 30}),
        Call(("Adam", {"learning_rate": 0.3}), {"start": (-7.0, 2.0), "steps": 30}),
        Call(("SGD", {"learning_rate": 0.4}),
             {"start": (round(float(rng.uniform(2, 8)), 2), round(float(rng.uniform(-3, -1)), 2)),
              "steps": integers(rng, 8, 12)}),
    ]


def cases_minimize_hidden(rng):
    return [
        Call(("RMSprop", {"learning_rate": 0.2}),
             {"start": (round(float(rng.uniform(-9, -3)), 2), round(float(rng.uniform(1, 4)), 2)),
              "steps": integers(rng, 15, 25)}),
        Call(("Adam", {"learning_rate": 0.5}), {"start": (1.5, -0.5), "steps": 5}),
        Call(("SGD", {"learning_rate": 0.2}), {"steps": 1}),
    ]


# Custom comparisons (compare_path, compare_config_for, compare_fit) are public, in
# autograder/exercises/optimizers.py: student bundles judge the visible checks with them.


# --- the checks --------------------------------------------------------------------------------------


def _state_hint(kind: str) -> str:
    if kind == "SGD":
        return ""
    return (" The state (one slot per variable, same shape and dtype, created in build with "
            "self.add_variable_from_reference) starts at zero and is picked with "
            "self._get_variable_index(variable).")


def checks_for(group: int, kind: str) -> list[Check]:
    formula = FORMULAS[kind]
    checks: list[Check] = []

    def add(name, points, scenario, cases, *, hidden=False, hint=None, tol=TRAJECTORY_TOL, compare=None,
            diagnose=True, epsilon=False, figure=None):
        number = f"{group}.{len(checks) + 1}"
        checks.append(Check(
            number, f"{kind}: {name}", kind, points, cases, seed=1000 * group + 10 * (len(checks) + 1),
            hidden=hidden, hint=hint if hint is not None else formula + "." + _state_hint(kind),
            diagnoses=diagnoses_for(kind, scenario, epsilon) if diagnose else (), rtol=tol, atol=tol,
            compare=compare, scenario=f"optimizers:{scenario}", describe=describe_for(kind, scenario),
            figure=figure))

    add(ONE_STEP_NAMES[kind], 1.0, "one_step", cases_one_step(kind), tol=ONE_STEP_TOL)
    add("five steps with changing gradients (the state carries over)", 1.0, "steps", cases_steps(kind))
    if kind in ("AdaGrad", "RMSProp", "Adam"):
        where = ("alpha_t * m / (sqrt(v) + eps), as Keras' Adam" if kind == "Adam"
                 else "g / (sqrt(h) + eps), outside the square root")
        add(f"a large epsilon (0.1 to 1, or gradients of 1e-6): {where}", 0.5, "steps",
            cases_large_epsilon(kind), epsilon=True,
            hint=(f"{formula}. Only here is epsilon large against sqrt(h): the denominator is "
                  "(sqrt(h) + eps), with the optimizer's own epsilon, added after the square root."
                  if kind != "Adam" else
                  f"{formula}. Only here is epsilon large against sqrt(v): the denominator is "
                  "(sqrt(v) + eps), with the optimizer's own epsilon and the bias correction in alpha_t."))
    add("a learning-rate schedule (update_step's learning_rate argument at every step)", 0.5,
        "steps_with_schedule", cases_schedule(kind),
        hint=f"{formula}. Use the learning_rate argument of update_step (cast to the variable's dtype): "
             "with a schedule it changes from step to step.")
    add("several variables of different shapes, one optimizer" + (" (one slot per variable)" if kind != "SGD" else ""), 0.5,
        "several_variables", cases_several(kind),
        hint=(f"{formula}. Each variable has its own state: create one slot per variable in build and "
              "pick it with self._get_variable_index(variable)." if kind != "SGD" else
              f"{formula}. update_step is called once per variable, with that variable's gradient."))
    add("float32 variables (cast the learning rate and the gradient to variable.dtype)", 0.5,
        "steps_float32", cases_steps(kind, n_steps=4, n_cases=2, dtype=np.float32),
        hint=f"{formula}. Work in variable.dtype: ops.cast(learning_rate, variable.dtype), "
             "ops.cast(gradient, variable.dtype), and no float64 constants.")
    add("get_config / from_config and keras.optimizers.serialize / deserialize round trip", 0.5,
        "config_round_trip", cases_config(kind), compare=compare_config_for(kind), diagnose=False,
        hint=("SGD needs no get_config of its own (the base class saves the learning rate); do not "
              "override from_config." if kind == "SGD" else
              f"config = super().get_config(); config.update({{{', '.join(repr(h) + ': self.' + h for h in HYPERPARAMETERS[kind])}}}); "
              "return config. Keep __init__'s argument names: from_config calls "
              f"{kind}(**config)."))
    if kind in LECTURE_RATES:
        add(f"the lecture's path on f(x, y) = x**2/20 + y**2, {kind}(learning_rate={LECTURE_RATES[kind]}) "
            f"from (-7, 2) ends at {LECTURE_END[kind]} after 30 steps", 0.5, "lecture_path",
            cases_lecture_path(kind), compare=compare_path, figure=plot_paths)
    add("model.compile(optimizer=...) and model.fit on scikit-learn digits lower the loss like the reference",
        0.5, "fit_digits", cases_fit(kind), compare=compare_fit, diagnose=False,
        hint=f"{formula}. This check grades the optimizer inside model.fit: update_step is called "
             "once per variable (float32 kernels and biases of several shapes), some gradients are "
             "exactly 0, and the state carries over between batches and epochs.")
    add("other hyperparameters, shapes, gradient scales and 8 steps", 0.5, "steps", cases_hidden(kind),
        hidden=True, epsilon=kind != "Adam")  # Adam's eps forms differ too little at these scales
    return checks


_MINIMIZE_HINT = ("Create one float64 keras.Variable of shape (2,) holding start, once; at each step compute "
                  "the gradient (x/10, 2y) at the current point and call optimizer.apply([gradient], [variable]); "
                  "return np.array of the start and the point after each step, shape (steps + 1, 2) (copy the "
                  "values: variable.numpy() or ops.convert_to_numpy(variable)).")

RUBRIC = Rubric(
    assignment="optimizers",
    checks=tuple(
        [check for group, kind in enumerate(CLASSES, start=1) for check in checks_for(group, kind)]
        + [
            Check("6.1", "minimize_2d: the path (steps + 1, 2) from (-7, 2), driven through optimizer.apply "
                         "(keras.optimizers.SGD(0.95) ends at (-0.350393, 0.084782))",
                  "minimize_2d", 1.0, cases_minimize, seed=6010, hint=_MINIMIZE_HINT,
                  compare=compare_path, figure=plot_paths, scenario="optimizers:minimize_2d_with", describe=describe_minimize),
            Check("6.2", "minimize_2d: other starting points, step counts and optimizers", "minimize_2d", 0.5,
                  cases_minimize_hidden, seed=6020, hidden=True, hint=_MINIMIZE_HINT, compare=compare_path, figure=plot_paths,
                  scenario="optimizers:minimize_2d_with", describe=describe_minimize),
        ]),
    forbidden=(
        "keras.optimizers.SGD",
        "keras.optimizers.Adam",
        "keras.optimizers.AdamW",
        "keras.optimizers.Adagrad",
        "keras.optimizers.RMSprop",
        "keras.optimizers.Adadelta",
        "keras.optimizers.Adafactor",
        "keras.optimizers.Adamax",
        "keras.optimizers.Nadam",
        "keras.optimizers.Ftrl",
        "keras.optimizers.Lion",
        "keras.optimizers.Lamb",
        "keras.optimizers.Muon",
        "keras.optimizers.LossScaleOptimizer",
        "keras.optimizers.MultiOptimizer",
        "keras.optimizers.ScheduleFreeAdamW",
        "keras.optimizers.get",
    ),
    needs_tensorflow=True,
    timeout=60.0,
)
