"""Diagnoses of the optimizers rubric: a NumPy model of each optimizer with its typical
mistakes, what a mistaken optimizer returns in each scenario, and the hints that name them.

Private, like the rest of ``autograder/rubrics/``: ``rubrics/optimizers.py`` builds the checks
and attaches ``diagnoses_for(kind, scenario)`` to them.
"""
from __future__ import annotations

import numpy as np

from autograder.engine.rubric import Call, Diagnosis
from autograder.exercises.optimizers import schedule_values

DEFAULTS = {"SGD": {"learning_rate": 0.01}, "Momentum": {"learning_rate": 0.01, "momentum": 0.9},
            "AdaGrad": {"learning_rate": 0.01, "epsilon": 1e-7},
            "RMSProp": {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7},
            "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}}


# --- a NumPy model of each optimizer, with its typical mistakes (for the diagnoses) -------


def simulate(kind: str, hp: dict, w0, grad_at, n_steps: int, lrs, mistake: str | None = None) -> np.ndarray:
    """Trajectory ``(n_steps, *w0.shape)`` in float64. ``grad_at(i, w)`` is the gradient of
    step ``i`` at ``w``; ``lrs[i]`` the learning rate of step ``i``; ``mistake`` one of the
    mistakes below (None: the spec's rule)."""
    hp = {**DEFAULTS[kind], **hp}
    w = np.array(w0, dtype=np.float64)
    first = np.zeros_like(w)
    second = np.full_like(w, 0.1) if mistake in ("h0_keras", "keras_adagrad") else np.zeros_like(w)
    out = []
    for i in range(n_steps):
        t = i + 1
        g = np.asarray(grad_at(i, w), dtype=np.float64)
        lr = float(lrs[i])
        eps = hp.get("epsilon", 0.0)
        with np.errstate(all="ignore"):
            if mistake == "sign":
                w = w + lr * g
            elif kind == "SGD":
                w = w - lr * g
            elif kind == "Momentum":
                alpha = hp["momentum"]
                if mistake == "sign_v":
                    first = alpha * first + lr * g
                    w = w + first
                elif mistake == "sign_w":
                    first = alpha * first - lr * g
                    w = w - first
                elif mistake == "no_velocity":
                    w = w - lr * g
                elif mistake == "pytorch":
                    first = alpha * first + g
                    w = w - lr * first
                else:
                    first = alpha * first - lr * g
                    w = w + first
            elif kind in ("AdaGrad", "RMSProp"):
                if kind == "AdaGrad":
                    second = g * g if mistake == "no_accumulation" else second + g * g
                else:
                    rho = hp["rho"]
                    if mistake == "rho_swapped":
                        second = (1 - rho) * second + rho * g * g
                    elif mistake == "no_one_minus_rho":
                        second = rho * second + g * g
                    else:
                        second = rho * second + (1 - rho) * g * g
                if mistake in ("eps_inside", "keras_adagrad"):
                    w = w - lr * g / np.sqrt(second + eps)
                elif mistake == "no_sqrt":
                    w = w - lr * g / (second + eps)
                else:
                    w = w - lr * g / (np.sqrt(second) + eps)
            elif kind == "Adam":
                b1, b2 = hp["beta_1"], hp["beta_2"]
                if mistake == "betas_swapped":
                    b1, b2 = b2, b1
                first = b1 * first + (1 - b1) * g
                second = b2 * second + (1 - b2) * g * g
                step = t - 1 if mistake == "t_from_zero" else t
                if mistake == "no_bias_correction":
                    w = w - lr * first / (np.sqrt(second) + eps)
                elif mistake == "paper_eps":
                    m_hat, v_hat = first / (1 - b1 ** step), second / (1 - b2 ** step)
                    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
                elif mistake == "only_m_corrected":
                    w = w - lr / (1 - b1 ** step) * first / (np.sqrt(second) + eps)
                else:
                    alpha = lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
                    w = w - alpha * first / (np.sqrt(second) + eps)
            else:
                raise ValueError(kind)
        out.append(w.copy())
    return np.stack(out)


def _constant_rate(kind: str, hp: dict, n_steps: int) -> list[float]:
    """The learning rate of each step as the optimizer sees it (a float32 variable)."""
    rate = hp.get("learning_rate", DEFAULTS[kind]["learning_rate"])
    return [float(np.float32(rate))] * n_steps


def _sequence(grads):
    grads = np.asarray(grads, dtype=np.float64)
    return lambda i, w: grads[i]


def _path_gradient(i, w):
    return np.array([w[0] / 10.0, 2.0 * w[1]])


# What an optimizer with a mistake returns in each scenario: one entry a scenario (the table
# that the descriptions in ``rubrics/optimizers_descriptions.py`` mirror).


def _one_step(kind: str, hp: dict, call: Call, mistake):
    w, g = call.args
    return simulate(kind, hp, w, _sequence(np.asarray(g)[None]), 1,
                    _constant_rate(kind, call.kwargs, 1), mistake)[0]


def _steps(kind: str, hp: dict, call: Call, mistake):
    w0, grads = call.args
    return simulate(kind, hp, w0, _sequence(grads), len(grads),
                    _constant_rate(kind, call.kwargs, len(grads)), mistake)


def _steps_with_schedule(kind: str, hp: dict, call: Call, mistake):
    w0, grads, spec = call.args
    rates = schedule_values(spec, len(grads))
    if mistake == "constant_rate":
        rates = np.full_like(rates, rates[0])
    return simulate(kind, hp, w0, _sequence(grads), len(grads), rates,
                    None if mistake == "constant_rate" else mistake)


def _several_variables(kind: str, hp: dict, call: Call, mistake):
    ws, grads = call.args
    return tuple(simulate(kind, hp, w, _sequence(g), len(g), _constant_rate(kind, call.kwargs, len(g)),
                          mistake) for w, g in zip(ws, grads))


def _lecture_path(kind: str, hp: dict, call: Call, mistake):
    start, n_steps = call.args
    path = simulate(kind, hp, start, _path_gradient, n_steps,
                    _constant_rate(kind, call.kwargs, n_steps), mistake)
    return np.concatenate([np.asarray(start, dtype=np.float64)[None], path])


MISTAKEN = {"one_step": _one_step, "steps": _steps, "steps_float32": _steps,
            "steps_with_schedule": _steps_with_schedule, "several_variables": _several_variables,
            "lecture_path": _lecture_path}


def mistake_model(kind: str, scenario: str, mistake: str | None):
    """``mistaken(reference_module, call)`` for a Diagnosis: what an optimizer with
    ``mistake`` returns in ``scenario`` for ``call``."""
    model = MISTAKEN[scenario]

    def mistaken(_ref, call: Call):
        hp = {k: v for k, v in call.kwargs.items() if k != "learning_rate"}
        return model(kind, hp, call, mistake)

    return mistaken


# --- the mistakes and their hints ---------------------------------------------------------------

MISTAKES = {
    "SGD": (
        ("sign", "Your steps go uphill: W <- W - lr * g (self.assign_sub(variable, lr * g))."),
    ),
    "Momentum": (
        ("sign_v", "Your velocity has the wrong sign: v <- momentum * v - lr * g (v points downhill), "
                   "then W <- W + v."),
        ("sign_w", "You subtract the velocity: v <- momentum * v - lr * g already points downhill, "
                   "so W <- W + v (self.assign_add)."),
        ("no_velocity", "Your steps equal plain SGD: the velocity is not kept between steps. Create it "
                        "once per variable in build (add_variable_from_reference) and update it with "
                        "self.assign, so that the next step sees it."),
        ("sign", "Your steps go uphill: v <- momentum * v - lr * g; W <- W + v."),
    ),
    "AdaGrad": (
        ("eps_inside", "Your epsilon is inside the square root, g / sqrt(h + eps) (as keras.optimizers.Adagrad): "
                       "the lecture adds it outside, g / (sqrt(h) + eps)."),
        ("keras_adagrad", "Your steps equal keras.optimizers.Adagrad's (h starts at 0.1, eps inside the root): "
                          "the lecture's AdaGrad starts h at 0 and divides by sqrt(h) + eps."),
        ("h0_keras", "Your accumulator starts at 0.1 (Keras' initial_accumulator_value): the lecture's h "
                     "starts at 0 (add_variable_from_reference's default initializer, zeros)."),
        ("no_accumulation", "Your h holds only the latest g * g: AdaGrad sums all squared gradients, "
                            "h <- h + g * g (self.assign_add)."),
        ("no_sqrt", "You divide by h + eps: divide by sqrt(h) + eps."),
        ("sign", "Your steps go uphill: W <- W - lr * g / (sqrt(h) + eps)."),
    ),
    "RMSProp": (
        ("rho_swapped", "Your moving average weighs the new g * g by rho and the old h by 1 - rho: "
                        "h <- rho * h + (1 - rho) * g * g (rho = 0.9 keeps 90% of the old value)."),
        ("eps_inside", "Your epsilon is inside the square root, g / sqrt(h + eps) (as keras.optimizers.RMSprop): "
                       "the lecture adds it outside, g / (sqrt(h) + eps)."),
        ("no_one_minus_rho", "Your moving average adds g * g without the factor (1 - rho): "
                             "h <- rho * h + (1 - rho) * g * g."),
        ("sign", "Your steps go uphill: W <- W - lr * g / (sqrt(h) + eps)."),
    ),
    "Adam": (
        ("no_bias_correction", "Your steps have no bias correction: the step size is "
                               "alpha_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t), t = self.iterations + 1."),
        ("betas_swapped", "beta_1 and beta_2 are swapped: beta_1 (0.9) averages the gradients m, "
                          "beta_2 (0.999) the squared gradients v, and alpha_t = lr * sqrt(1 - beta_2**t) / "
                          "(1 - beta_1**t)."),
        ("paper_eps", "Your steps equal lr * m_hat / (sqrt(v_hat) + eps) (the paper's Algorithm 1): use "
                      "Keras' form alpha_t * m / (sqrt(v) + eps) with alpha_t = lr * sqrt(1 - beta_2**t) / "
                      "(1 - beta_1**t); the two differ where eps is not negligible against sqrt(v)."),
        ("t_from_zero", "Your step number starts at 0, so 1 - beta**t is 0 in the first step: "
                        "t = self.iterations + 1 (iterations counts the steps already finished)."),
        ("only_m_corrected", "Only m is bias-corrected: alpha_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) "
                             "corrects both m and v."),
        ("sign", "Your steps go uphill: W <- W - alpha_t * m / (sqrt(v) + eps)."),
    ),
}
SCHEDULE_MISTAKES = {
    "SGD": (("constant_rate", None),),
    "Momentum": (("constant_rate", None),
                 ("pytorch", "Your steps scale the whole velocity by the current learning rate "
                             "(v <- momentum * v + g; W <- W - lr * v, PyTorch's form): that equals the "
                             "lecture's rule only for a constant learning rate. Use v <- momentum * v - lr * g; "
                             "W <- W + v.")),
}
_CONSTANT_RATE_HINT = ("Your steps all use the first step's learning rate: use update_step's learning_rate "
                       "argument, which carries the schedule's value at the current step (a number "
                       "stored in __init__ never changes).")


# Mistakes that one step from zero state cannot show (they agree with the rule at t = 1).
SAME_AFTER_ONE_STEP = {"no_velocity", "pytorch", "no_accumulation", "betas_swapped"}


# Mistakes that only show where epsilon is not negligible against sqrt(h).
EPSILON_MISTAKES = {"eps_inside", "paper_eps"}


def diagnoses_for(kind: str, scenario: str, epsilon: bool = False) -> tuple[Diagnosis, ...]:
    """The known mistakes that ``scenario`` can show (``epsilon``: its cases make epsilon matter)."""
    found = [Diagnosis(hint, mistake_model(kind, scenario, mistake)) for mistake, hint in MISTAKES[kind]
             if not (scenario == "one_step" and mistake in SAME_AFTER_ONE_STEP)
             and (epsilon or mistake not in EPSILON_MISTAKES)]
    if scenario == "steps_with_schedule":
        extra = SCHEDULE_MISTAKES.get(kind, (("constant_rate", None),))
        found += [Diagnosis(hint or _CONSTANT_RATE_HINT, mistake_model(kind, scenario, mistake))
                  for mistake, hint in extra]
    return tuple(found)
