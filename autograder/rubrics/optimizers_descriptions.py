"""How the optimizers rubric's cases read in the feedback: one :class:`Description` per
scenario, English templates translated in the ``rubrics`` catalog (``messages.py``).

The values are code (``Adam(learning_rate=0.1)``, shapes, learning rates), never words. What a
mistaken optimizer returns in each scenario is the table ``optimizers_diagnoses.MISTAKEN``.
"""
from __future__ import annotations

import functools

import numpy as np

from autograder.engine.rubric import Call, Description
from autograder.exercises.optimizers import schedule_values

ONE_STEP = "{optimizer}: one apply() on a float64 variable w = {w} with gradient {gradient}"
ONE_STEP_SHAPES = "{optimizer}: one apply() on a float64 variable w = shape {w} with gradient shape {gradient}"
STEPS = ("{optimizer}: {steps} apply() steps on a {dtype} variable of shape {shape}, a different "
         "gradient at each step")
SCHEDULE = ("{kind}(learning_rate={schedule}{more}): {steps} steps; the learning rate of the steps "
            "is {rates}")
SEVERAL = "{optimizer}: one optimizer, {steps} steps on {n} variables of shapes {shapes}"
CONFIG = ("opt = {kind}({arguments}); opt.get_config(), {kind}.from_config(config) and "
          "keras.optimizers.deserialize(keras.optimizers.serialize(opt), custom_objects=...), each "
          "copy then taking {steps} steps like opt")
LECTURE_PATH = ("{optimizer} on f(x, y) = x**2/20 + y**2 from {start}, {steps} steps (one float64 "
                "variable of shape (2,), gradient (x/10, 2y))")
FIT = ("model.compile(optimizer={optimizer}, loss=SparseCategoricalCrossentropy(from_logits=True)); "
       "model.fit on {n} digits (64 -> 16 ReLU -> 10, float32), {epochs} epochs, "
       "batch_size={batch}, no shuffling")


def fmt_hp(kwargs: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _values_text(a) -> str:
    return np.array2string(np.asarray(a), separator=", ", precision=4)


def _schedule_text(spec) -> str:
    kind, config = spec
    return f"keras.optimizers.schedules.{kind}({fmt_hp(dict(config))})"


def _one_step(kind: str, call: Call) -> tuple[str, dict]:
    w, g = call.args
    optimizer = f"{kind}({fmt_hp(call.kwargs)})"
    if np.size(w) <= 4 and np.size(g) <= 4:
        return ONE_STEP, {"optimizer": optimizer, "w": _values_text(w), "gradient": _values_text(g)}
    return ONE_STEP_SHAPES, {"optimizer": optimizer, "w": np.shape(w), "gradient": np.shape(g)}


def _steps(dtype: str, kind: str, call: Call) -> tuple[str, dict]:
    w0, grads = call.args
    return STEPS, {"optimizer": f"{kind}({fmt_hp(call.kwargs)})", "steps": len(grads), "dtype": dtype,
                   "shape": tuple(np.shape(w0))}


def _schedule(kind: str, call: Call) -> tuple[str, dict]:
    w0, grads, spec = call.args
    hp = fmt_hp(call.kwargs)
    return SCHEDULE, {"kind": kind, "schedule": _schedule_text(spec), "more": f", {hp}" if hp else "",
                      "steps": len(grads),
                      "rates": ", ".join(f"{r:.4g}" for r in schedule_values(spec, len(grads)))}


def _several(kind: str, call: Call) -> tuple[str, dict]:
    ws, grads = call.args
    return SEVERAL, {"optimizer": f"{kind}({fmt_hp(call.kwargs)})", "steps": len(grads[0]), "n": len(ws),
                     "shapes": ", ".join(str(tuple(np.shape(w))) for w in ws)}


def _config(kind: str, call: Call) -> tuple[str, dict]:
    _, grads, spec = call.args
    hp = fmt_hp(call.kwargs)
    rate = f"learning_rate={_schedule_text(spec)}" + (", " if hp else "") if spec else ""
    return CONFIG, {"kind": kind, "arguments": rate + hp, "steps": len(grads)}


def _lecture_path(kind: str, call: Call) -> tuple[str, dict]:
    start, n_steps = call.args
    return LECTURE_PATH, {"optimizer": f"{kind}({fmt_hp(call.kwargs)})", "start": tuple(start),
                          "steps": n_steps}


def _fit(kind: str, call: Call) -> tuple[str, dict]:
    x, _, _weights, epochs, batch = call.args
    return FIT, {"optimizer": f"{kind}({fmt_hp(call.kwargs)})", "n": len(x), "epochs": epochs,
                 "batch": batch}


# scenario -> (its templates, its fields(kind, call))
SCENARIOS = {
    "one_step": ((ONE_STEP, ONE_STEP_SHAPES), _one_step),
    "steps": ((STEPS,), functools.partial(_steps, "float64")),
    "steps_float32": ((STEPS,), functools.partial(_steps, "float32")),
    "steps_with_schedule": ((SCHEDULE,), _schedule),
    "several_variables": ((SEVERAL,), _several),
    "config_round_trip": ((CONFIG,), _config),
    "lecture_path": ((LECTURE_PATH,), _lecture_path),
    "fit_digits": ((FIT,), _fit),
}


def describe_for(kind: str, scenario: str) -> Description:
    """How a case of ``scenario`` for the optimizer class ``kind`` reads."""
    templates, fields = SCENARIOS[scenario]
    return Description(templates, functools.partial(fields, kind))


def describe_minimize(call: Call) -> str:
    """Code only: nothing to translate."""
    kind, options = call.args
    arguments = ", ".join([f"keras.optimizers.{kind}({fmt_hp(options)})"]
                          + [f"{k}={v!r}" for k, v in call.kwargs.items()])
    return f"minimize_2d({arguments})"
