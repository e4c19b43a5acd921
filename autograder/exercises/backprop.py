"""Scenarios of the backprop assignment: what the checks do with a module.

The same code runs on the student's module in the sandboxed child and on the reference in
the parent. Arguments arrive as plain data; dicts of parameters travel as tuples of
``(key, array)`` pairs (which read well in the feedback's case description) and are turned
into fresh dicts of copied arrays here, so a submission that writes into its inputs changes
nothing outside the call.

- ``dense_forward_output``: ``dense_forward(...)`` → its ``a`` (the cache is the student's own).
- ``dense_backward_*``: the student's ``dense_forward`` makes the cache, the student's
  ``dense_backward(da, cache)`` uses it; returns all of ``(da_prev, dW, db)`` or one of them.
- ``dense_backward_dW_db_consistency``: ``(dW, db)`` with an activation against the
  student's own linear-layer ``(dW, db)`` for ``da = dz``.
- ``mlp_*``: ``mlp_loss_and_grads(params, x, labels)`` → the loss, some gradients, or both.
- ``gradient_check_error``: builds a scalar function ``f(params)`` and its correct analytic
  gradients (optionally with a planted mistake) with plain NumPy here, and returns what the
  student's ``gradient_check(f, params, grads, h)`` reports.
- ``sgd_new_params`` / ``sgd_inputs_after``: ``sgd_step``'s result / the inputs after the call.
- ``sgd_training_curve``: gradient descent with the student's ``sgd_step`` on a least-squares
  problem whose gradients this module computes (``least_squares``), so that the check does not
  depend on the student's ``mlp_loss_and_grads``; returns the loss before each step and after
  the last.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from autograder.engine.i18n import N_, _
from autograder.engine.rubric import Call

from . import ReturnValueError, call

# --- helpers ---------------------------------------------------------------------------


def as_dict(pairs) -> dict:
    """``(("W1", array), ...)`` → ``{"W1": copy of array, ...}``."""
    return {str(key): np.array(value, copy=True) for key, value in pairs}


def _kind(value) -> str:
    if isinstance(value, (tuple, list)):
        return _("a {type} of {length} values").format(type=type(value).__name__, length=len(value))
    return _("a {type}").format(type=type(value).__name__)


def _forward(module, args, kwargs, *, for_backward: bool = False):
    result = call(module, "dense_forward", args, kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise ReturnValueError((_("needs dense_forward to return a pair (a, cache), but dense_forward returned {kind}")
                                if for_backward else
                                _("must return a pair (a, cache), but dense_forward returned {kind}")).format(
                                    kind=_kind(result)))
    return result


def _scalar(value, what: str = N_("the loss")) -> float:
    array = np.asarray(value)
    if array.size != 1:
        raise ReturnValueError(_("must return {what} as one number, got an array of shape {shape}").format(
            what=_(what), shape=array.shape))
    return float(array.reshape(()))


def _loss_and_grads(result, keys=()):
    """Check the shape of mlp_loss_and_grads' result (the error messages follow the name of
    the check's function)."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise ReturnValueError(_("must return a pair (loss, grads), got {kind}").format(kind=_kind(result)))
    loss, grads = result
    if not isinstance(grads, Mapping):
        raise ReturnValueError(_("must return the gradients as a dict, got {kind}").format(kind=_kind(grads)))
    missing = [k for k in keys if k not in grads]
    if missing:
        raise ReturnValueError(_("must return a grads dict with the keys {keys}; {missing} are missing").format(
            keys=list(keys), missing=missing))
    return loss, grads


# --- dense layers ----------------------------------------------------------------------


def dense_forward_output(module, name, args, kwargs):
    """``dense_forward(a_prev, W, b, activation)`` → ``a`` only."""
    a, _cache = _forward(module, args, kwargs)
    return a


def _backward(module, kwargs):
    """kwargs: a_prev, W, b, activation (for dense_forward) and da (for dense_backward)."""
    _a, cache = _forward(module, (kwargs["a_prev"], kwargs["W"], kwargs["b"], kwargs["activation"]), {},
                         for_backward=True)
    result = call(module, "dense_backward", (kwargs["da"], cache), {})
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise ReturnValueError(_("must return a tuple (da_prev, dW, db), got {kind}").format(kind=_kind(result)))
    return tuple(result)


def dense_backward_all(module, name, args, kwargs):
    return _backward(module, kwargs)


def dense_backward_da_prev(module, name, args, kwargs):
    return _backward(module, kwargs)[0]


def dense_backward_dW(module, name, args, kwargs):
    return _backward(module, kwargs)[1]


def dense_backward_db(module, name, args, kwargs):
    return _backward(module, kwargs)[2]


def dense_backward_dW_db_consistency(module, name, args, kwargs):
    """``{"activation": (dW, db), "linear_on_dz": (dW, db)}``: the student's parameter
    gradients with a non-linear activation, and the student's own linear-layer gradients for
    ``da = dz`` (dz from the student's activation_backward). They agree when dW and db are
    computed from dz = da * g'(z); a mistake in the linear formulas or in the derivative
    itself shows in both alike (other checks grade those)."""
    _da_prev, dW, db = _backward(module, kwargs)
    z = np.asarray(kwargs["a_prev"]) @ np.asarray(kwargs["W"]) + np.asarray(kwargs["b"])
    dz = call(module, "activation_backward", (np.array(kwargs["da"], copy=True), z, kwargs["activation"]), {})
    linear = dict(kwargs, activation="linear", da=np.asarray(dz, dtype=np.float64))
    _da_prev_lin, dW_lin, db_lin = _backward(module, linear)
    return {"activation": (dW, db), "linear_on_dz": (dW_lin, db_lin)}


# --- the two-layer network -------------------------------------------------------------

MLP_KEYS = ("W1", "b1", "W2", "b2")


def _mlp(module, kwargs, keys=()):
    result = call(module, "mlp_loss_and_grads", (as_dict(kwargs["params"]), kwargs["x"], kwargs["labels"]), {})
    return _loss_and_grads(result, keys)


def mlp_loss(module, name, args, kwargs):
    loss, _grads = _mlp(module, kwargs)
    return _scalar(loss)


def mlp_output_grads(module, name, args, kwargs):
    _loss, grads = _mlp(module, kwargs, ("W2", "b2"))
    return {"W2": grads["W2"], "b2": grads["b2"]}


def mlp_hidden_grads(module, name, args, kwargs):
    _loss, grads = _mlp(module, kwargs, ("W1", "b1"))
    return {"W1": grads["W1"], "b1": grads["b1"]}


def mlp_all(module, name, args, kwargs):
    loss, grads = _mlp(module, kwargs, MLP_KEYS)
    return _scalar(loss), {k: grads[k] for k in MLP_KEYS}


# --- gradient checking -----------------------------------------------------------------

SMOOTH = "sum of exp(p/2) + p**3/4 over all entries of all params"
LINEAR_W_ONLY = "1.5 times the sum of the entries of W1 and W2 (b1 and b2 unused)"
TANH_MLP = "mean softmax cross-entropy of tanh(x @ W1 + b1) @ W2 + b2"


def _smooth_value(p: dict, keys) -> float:
    total = 0.0
    for key in keys:
        value = np.asarray(p[key], dtype=np.float64)
        total += float(np.sum(np.exp(0.5 * value) + 0.25 * value ** 3))
    return total


def _smooth_grad(value: np.ndarray) -> np.ndarray:
    return 0.5 * np.exp(0.5 * value) + 0.75 * value ** 2


def tanh_mlp_loss(p: dict, x: np.ndarray, labels: np.ndarray) -> float:
    """Mean softmax cross-entropy of a tanh MLP (its gradients come with the case, from the rubric)."""
    W1, b1, W2, b2 = (np.asarray(p[k], dtype=np.float64) for k in MLP_KEYS)
    logits = np.tanh(x @ W1 + b1) @ W2 + b2
    top = np.max(logits, axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.sum(np.exp(logits - top), axis=1))
    return float(np.mean(log_norm - logits[np.arange(x.shape[0]), labels]))


def gradient_problem(kwargs):
    """(f, params, correct grads) described by a gradient_check case's kwargs."""
    params = as_dict(kwargs["params"])
    function = kwargs["function"]
    if function == SMOOTH:
        def f(p):
            return _smooth_value(p, tuple(params))

        grads = {k: _smooth_grad(v) for k, v in params.items()}
    elif function == LINEAR_W_ONLY:
        # Linear in W (so even a forward difference is exact up to rounding), constant in b:
        # the b entries have a = n = 0 exactly.
        def f(p):
            return 1.5 * sum(float(np.sum(np.asarray(p[k], dtype=np.float64))) for k in ("W1", "W2"))

        grads = {k: np.full_like(v, 1.5) if k in ("W1", "W2") else np.zeros_like(v) for k, v in params.items()}
    elif function == TANH_MLP:
        x = np.asarray(kwargs["x"], dtype=np.float64)
        labels = np.asarray(kwargs["labels"]).astype(np.int64)

        def f(p):
            return tanh_mlp_loss(p, x, labels)

        grads = as_dict(kwargs["grads"])
    else:
        raise ValueError(f"unknown function {function!r}")
    planted = kwargs.get("planted")
    if planted is not None:
        key, index, factor = planted
        grads[key][tuple(index)] *= factor
    return f, params, grads


def gradient_check_error(module, name, args, kwargs):
    """What the student's gradient_check reports for f, params and (possibly wrong) grads."""
    f, params, grads = gradient_problem(kwargs)
    extra = {"h": kwargs["h"]} if "h" in kwargs else {}
    return _scalar(call(module, name, (f, params, grads), extra), N_("the error"))


# --- gradient descent ------------------------------------------------------------------


def sgd_new_params(module, name, args, kwargs):
    return call(module, name, (as_dict(kwargs["params"]), as_dict(kwargs["grads"]), kwargs["lr"]), {})


def sgd_inputs_after(module, name, args, kwargs):
    """The params and grads dicts as they are after the call (they should be unchanged)."""
    params, grads = as_dict(kwargs["params"]), as_dict(kwargs["grads"])
    call(module, name, (params, grads, kwargs["lr"]), {})
    return params, grads


def least_squares(p: dict, x: np.ndarray, targets: np.ndarray):
    """The grader's own objective for sgd_step's training check: loss ½·mean_i ‖x_i W + b − y_i‖²
    and its exact gradients, so that the check depends on sgd_step alone (not on the
    student's mlp_loss_and_grads, which its own checks grade)."""
    residual = np.asarray(x @ p["W"] + p["b"] - targets, dtype=np.float64)
    n = x.shape[0]
    loss = 0.5 * float(np.sum(residual ** 2)) / n
    return loss, {"W": x.T @ residual / n, "b": residual.sum(axis=0) / n}


def sgd_training_curve(module, name, args, kwargs):
    """``steps`` steps of params = sgd_step(params, grads, lr), the gradients computed here
    (``least_squares``) from the params sgd_step returned.

    Returns the ``steps + 1`` losses: before each step and after the last one.
    """
    params = as_dict(kwargs["params"])
    x, targets, lr = kwargs["x"], kwargs["targets"], kwargs["lr"]

    def loss_and_grads(p):
        if set(p) != {"W", "b"}:
            raise ReturnValueError(_("must return a dict with the keys of params (W, b), got keys {keys}").format(
                keys=sorted(map(str, p))))
        try:
            current = {k: np.asarray(p[k], dtype=np.float64) for k in ("W", "b")}
        except (TypeError, ValueError) as exc:
            raise ReturnValueError(_("must return arrays as the new params ({error})").format(error=exc)) from None
        if current["W"].shape != x.shape[1:] + targets.shape[1:] or current["b"].shape != targets.shape[1:]:
            raise ReturnValueError(_("must return new params of the same shapes as params"))
        return least_squares(current, x, targets)

    losses = []
    for _step in range(int(kwargs["steps"])):
        loss, grads = loss_and_grads(params)
        losses.append(loss)
        params = call(module, name, (params, grads, lr), {})
        if not isinstance(params, Mapping):
            raise ReturnValueError(_("must return the new params as a dict, got {kind}").format(kind=_kind(params)))
    losses.append(loss_and_grads(params)[0])
    return np.array(losses)


# --- custom comparisons (the parent's judgement; student bundles judge the visible checks with them)

CORRECT_LIMIT = 1e-7


def compare_gradient_error(expected, got, call: Call) -> str | None:
    """Correct gradients (reference ≤ 1e-7): the student's report must be ≤ 1e-7 too; the
    tiny value itself depends on rounding. Planted mistake: within 0.1 % of the reference's."""
    expected = float(np.asarray(expected))
    got = np.asarray(got)
    if got.shape != ():
        return _("expected one number (the max relative error), got an array of shape {shape}").format(shape=got.shape)
    value = float(got)
    if not math.isfinite(value):
        return _("returned {value} instead of a finite relative error").format(value=value)
    if value < 0:
        return _("returned {value}; a relative error is never negative").format(value=f"{value:.6g}")
    if expected <= CORRECT_LIMIT:
        if value <= CORRECT_LIMIT:
            return None
        return _("returned {value} for correct gradients; expected at most {limit} "
                 "(central differences give about {expected} here)").format(
                     value=f"{value:.3g}", limit=f"{CORRECT_LIMIT:g}", expected=f"{expected:.1g}")
    if abs(value - expected) <= 1e-3 * expected:
        return None
    return _("returned {value} for gradients with a planted mistake; expected {expected}, "
             "the largest relative error |a - n| / max(|a| + |n|, 1e-12) over all entries").format(
                 value=f"{value:.6g}", expected=f"{expected:.6g}")


def compare_training(expected, got, call: Call) -> str | None:
    """The loss must fall by half or more and follow the reference's curve within 1 %."""
    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got)
    if got.shape != expected.shape:
        return _("expected {count} losses, got an array of shape {shape}").format(count=expected.size, shape=got.shape)
    got = got.astype(np.float64)
    if not np.all(np.isfinite(got)):
        step = int(np.argmax(~np.isfinite(got)))
        return _("the loss became {loss} at step {step} (it started at {start}): "
                 "the parameters diverged").format(loss=got[step], step=step, start=f"{got[0]:.4g}")
    if not got[-1] <= 0.5 * got[0]:
        return _("the loss went from {start} to {end} in {steps} steps; "
                 "expected it to fall from {expected_start} to {expected_end}").format(
                     start=f"{got[0]:.4g}", end=f"{got[-1]:.4g}", steps=got.size - 1,
                     expected_start=f"{expected[0]:.4g}", expected_end=f"{expected[-1]:.4g}")
    bad = np.abs(got - expected) > 1e-3 + 1e-2 * np.abs(expected)
    if bad.any():
        step = int(np.argmax(bad))
        return _("after {step} steps the loss is {loss}, expected {expected} "
                 "(it went from {start} to {end}, the reference from "
                 "{expected_start} to {expected_end})").format(
                     step=step, loss=f"{got[step]:.6g}", expected=f"{expected[step]:.6g}",
                     start=f"{got[0]:.4g}", end=f"{got[-1]:.4g}",
                     expected_start=f"{expected[0]:.4g}", expected_end=f"{expected[-1]:.4g}")
    return None


def compare_finite_loss_and_grads(expected, got, call: Call) -> str | None:
    """Large weights: the loss must be the reference's and every gradient entry finite. The
    gradients' values are graded by the other mlp_loss_and_grads checks, not again here."""
    from autograder.engine.compare import compare_values

    loss_e, grads_e = expected
    if not isinstance(got, tuple) or len(got) != 2 or not isinstance(got[1], dict):
        return _("expected (loss, grads)")
    message = compare_values(loss_e, got[0], where=_("the loss"))
    if message:
        return message
    for key, value in grads_e.items():
        g = np.asarray(got[1].get(key))
        if g.shape != np.shape(value) or g.dtype.kind not in "fc":
            return _("grads[{key}]: expected floats of shape {shape}").format(key=repr(key), shape=np.shape(value))
        if not np.all(np.isfinite(g)):
            return _("grads[{key}] holds {count} non-finite values (nan or inf): "
                     "an overflow in exp or a division inf/inf").format(key=repr(key), count=int(np.sum(~np.isfinite(g))))
    return None


def compare_dW_db_from_dz(expected, got, call: Call) -> str | None:
    """The student's (dW, db) with an activation must equal their own linear-layer (dW, db)
    for da = dz (see dense_backward_dW_db_consistency above)."""
    from autograder.engine.compare import compare_values

    if not isinstance(got, dict) or set(got) != {"activation", "linear_on_dz"}:
        return _("expected the gradients of both runs")
    message = compare_values(got["linear_on_dz"], got["activation"], where="(dW, db)")
    if message:
        return _("{message}, compared with your own (dW, db) of a linear layer given da = dz = "
                 "{call}: dW and db do not use dz = da * g'(z)").format(
                     message=message, call="activation_backward(da, z, activation)")
    return None
