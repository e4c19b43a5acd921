"""Diagnoses of the backprop rubric: what each typical mistake returns (reproduced from the
reference module) and the hints that name it.

Private, like the rest of ``autograder/rubrics/``: ``rubrics/backprop.py`` builds the checks
and lists, per check, which of these diagnoses apply (most likely first).
"""
from __future__ import annotations

import math
from types import ModuleType

import numpy as np

from autograder.engine.rubric import Call, Diagnosis
from autograder.exercises import backprop as scenario

# --- diagnoses: typical mistakes reproduced from the reference --------------------------------


def _arrays(call: Call):
    return (np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in call.args)


def _act_diagnosis(hint: str, fn) -> Diagnosis:
    def mistaken(ref: ModuleType, call: Call):
        da, z, name = _arrays(call)
        return fn(ref, da, z, name)

    return Diagnosis(hint, mistaken)


def _sig(ref, z):
    return ref.activation_forward(z, "sigmoid")


D_NO_DA = _act_diagnosis(
    "You returned g'(z) alone: multiply it by da (dz = da * g'(z)).",
    lambda ref, da, z, name: ref.activation_backward(np.ones_like(da), z, name))
D_DERIVATIVE_MISSING = _act_diagnosis(
    "You returned da unchanged: the chain rule needs the factor g'(z) (dz = da * g'(z)).",
    lambda ref, da, z, name: da)
D_SIGMOID_OF_Z = _act_diagnosis(
    "You used z * (1 - z): the sigmoid's derivative is s * (1 - s) with s = sigmoid(z).",
    lambda ref, da, z, name: da * z * (1 - z))
D_SIGMOID_NO_ONE_MINUS = _act_diagnosis(
    "You multiplied by sigmoid(z) only: the derivative is sigmoid(z) * (1 - sigmoid(z)).",
    lambda ref, da, z, name: da * _sig(ref, z))
D_RELU_TIMES_A = _act_diagnosis(
    "You multiplied da by relu(z): the ReLU's derivative is 1 where z > 0 and 0 elsewhere "
    "(a mask), not the activation itself.",
    lambda ref, da, z, name: da * np.maximum(z, 0))
D_TANH_NOT_SQUARED = _act_diagnosis(
    "You used 1 - tanh(z): the derivative is 1 - tanh(z)**2 (squared).",
    lambda ref, da, z, name: da * (1 - np.tanh(z)))
D_TANH_OF_Z = _act_diagnosis(
    "You used 1 - z**2: the derivative is 1 - tanh(z)**2, written with the activation, not z.",
    lambda ref, da, z, name: da * (1 - z ** 2))


def _forward_diagnosis(hint: str, fn) -> Diagnosis:
    def mistaken(ref: ModuleType, call: Call):
        a_prev, W, b, name = _arrays(call)
        return fn(ref, a_prev, W, b, name)

    return Diagnosis(hint, mistaken)


D_FWD_NO_ACTIVATION = _forward_diagnosis(
    "Your a equals z = a_prev @ W + b: apply the activation, a = g(z).",
    lambda ref, a_prev, W, b, name: a_prev @ W + b)
D_FWD_NO_BIAS = _forward_diagnosis(
    "Your a lacks the bias: a = g(a_prev @ W + b), b added to every row.",
    lambda ref, a_prev, W, b, name: ref.activation_forward(a_prev @ W, name))


def _dense_parts(call: Call):
    kw = call.kwargs
    a_prev, W, b, da = (np.asarray(kw[k], dtype=np.float64) for k in ("a_prev", "W", "b", "da"))
    z = a_prev @ W + b
    return a_prev, W, z, da, kw["activation"]


def _dense_diagnosis(hint: str, fn) -> Diagnosis:
    def mistaken(ref: ModuleType, call: Call):
        a_prev, W, z, da, name = _dense_parts(call)
        dz = ref.activation_backward(da, z, name)
        return fn(a_prev=a_prev, W=W, z=z, da=da, dz=dz, m=a_prev.shape[0], name=name, ref=ref)

    return Diagnosis(hint, mistaken)


D_DW_TRANSPOSED = _dense_diagnosis(
    "Your dW is transposed: in the row form dW = a_prev.T @ dz, shape (n_in, n_out) like W "
    "(dz.T @ a_prev is the lecture's column-form dW).",
    lambda a_prev, dz, **_: dz.T @ a_prev)
D_DW_OVER_M = _dense_diagnosis(
    "Your dW is divided by m: da is already the gradient of the batch loss, so "
    "dW = a_prev.T @ dz with no extra 1/m.",
    lambda a_prev, dz, m, **_: a_prev.T @ dz / m)
D_DB_MEAN = _dense_diagnosis(
    "Your db is the mean of dz over the batch: it is the sum, db = dz.sum(axis=0) (no 1/m).",
    lambda dz, **_: dz.mean(axis=0))
D_DB_NOT_SUMMED = _dense_diagnosis(
    "Your db has one row per example: sum dz over the batch, db = dz.sum(axis=0), shape (n_out,).",
    lambda dz, **_: dz)
D_DB_KEEPDIMS = _dense_diagnosis(
    "Your db has shape (1, n_out): sum without keepdims, db = dz.sum(axis=0), shape (n_out,).",
    lambda dz, **_: dz.sum(axis=0, keepdims=True))
D_DA_PREV_NO_DERIVATIVE = _dense_diagnosis(
    "Your da_prev equals da @ W.T: first dz = da * g'(z), then da_prev = dz @ W.T.",
    lambda da, W, **_: da @ W.T)
D_DA_PREV_OVER_M = _dense_diagnosis(
    "Your da_prev is divided by m: no 1/m anywhere in dense_backward.",
    lambda dz, W, m, **_: dz @ W.T / m)


def _triple(hint: str, **changes) -> Diagnosis:
    """(da_prev, dW, db) of the reference with some outputs replaced by a mistake's."""

    def full(a_prev, W, dz, m, **_):
        parts = {"da_prev": dz @ W.T, "dW": a_prev.T @ dz, "db": dz.sum(axis=0)}
        parts.update({k: fn(a_prev=a_prev, W=W, dz=dz, m=m) for k, fn in changes.items()})
        return parts["da_prev"], parts["dW"], parts["db"]

    return _dense_diagnosis(hint, full)


D_ALL_DW_TRANSPOSED = _triple(D_DW_TRANSPOSED.hint, dW=lambda a_prev, dz, **_: dz.T @ a_prev)
D_ALL_OVER_M = _triple("Your dW and db are divided by m: da is already the gradient of the batch loss, "
                       "so there is no 1/m in dense_backward.",
                       dW=lambda a_prev, dz, m, **_: a_prev.T @ dz / m, db=lambda dz, m, **_: dz.sum(axis=0) / m)
D_ALL_DB_MEAN = _triple(D_DB_MEAN.hint, db=lambda dz, m, **_: dz.sum(axis=0) / m)


def _no_derivative_triple(ref: ModuleType, call: Call):
    a_prev, W, z, da, name = _dense_parts(call)
    return da @ W.T, a_prev.T @ da, da.sum(axis=0)


D_ALL_NO_DERIVATIVE = Diagnosis("You used dz = da: multiply by the activation's derivative, dz = da * g'(z).",
                                _no_derivative_triple)


def _mlp_parts(ref: ModuleType, call: Call):
    kw = call.kwargs
    params = scenario.as_dict(kw["params"])
    return params, np.asarray(kw["x"], dtype=np.float64), np.asarray(kw["labels"])


def _mlp_diagnosis(hint: str, fn, keys) -> Diagnosis:
    """fn(ref, params, x, labels) -> (loss, grads) of a mistaken network; keys picks the output."""

    def mistaken(ref: ModuleType, call: Call):
        loss, grads = fn(ref, *_mlp_parts(ref, call))
        if keys == "loss":
            return loss
        return {k: grads[k] for k in keys}

    return Diagnosis(hint, mistaken)


def _mlp_scaled_grads(ref, params, x, labels):
    loss, grads = ref.mlp_loss_and_grads(params, x, labels)
    return loss, {k: g * x.shape[0] for k, g in grads.items()}


def _mlp_summed_loss(ref, params, x, labels):
    loss, grads = ref.mlp_loss_and_grads(params, x, labels)
    return loss * x.shape[0], grads


def _mlp_no_relu_backward(ref, params, x, labels):
    loss, grads = ref.mlp_loss_and_grads(params, x, labels)
    hidden, cache1 = ref.dense_forward(x, params["W1"], params["b1"], "relu")
    scores, cache2 = ref.dense_forward(hidden, params["W2"], params["b2"], "linear")
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    dscores = probs.copy()
    dscores[np.arange(x.shape[0]), labels] -= 1
    dscores /= x.shape[0]
    dhidden = dscores @ params["W2"].T
    return loss, {**grads, "W1": x.T @ dhidden, "b1": dhidden.sum(axis=0)}


def _mlp_grad_sign(ref, params, x, labels):
    loss, grads = ref.mlp_loss_and_grads(params, x, labels)
    return loss, {k: -g for k, g in grads.items()}


def _mlp_log2(ref, params, x, labels):
    loss, grads = ref.mlp_loss_and_grads(params, x, labels)
    return loss / math.log(2), grads


def _mlp_no_hidden_bias(ref, params, x, labels):
    return ref.mlp_loss_and_grads({**params, "b1": np.zeros_like(params["b1"])}, x, labels)


_GRADS_NOT_OVER_N = ("The gradients are N times too large: dscores = (softmax - one_hot) / N; the 1/N of "
                     "the batch mean belongs there.")
_GRAD_SIGN = ("The gradients have the wrong sign: dscores = softmax - one_hot (probabilities minus "
              "targets), divided by N.")

D_MLP_SUMMED_LOSS = _mlp_diagnosis(
    "Your loss is the sum over the batch: take the mean of -log p[i, labels[i]].", _mlp_summed_loss, "loss")
D_MLP_LOG2 = _mlp_diagnosis("Your loss is in bits: use the natural log.", _mlp_log2, "loss")
D_MLP_NO_B1 = _mlp_diagnosis("Your network ignores b1: hidden = relu(x @ W1 + b1).", _mlp_no_hidden_bias, "loss")


def grad_diagnoses(keys):
    return (_mlp_diagnosis(_GRADS_NOT_OVER_N, _mlp_scaled_grads, keys),
            _mlp_diagnosis(_GRAD_SIGN, _mlp_grad_sign, keys))


def _mlp_all_diagnosis(hint: str, fn) -> Diagnosis:
    def mistaken(ref: ModuleType, call: Call):
        loss, grads = fn(ref, *_mlp_parts(ref, call))
        return loss, {k: grads[k] for k in scenario.MLP_KEYS}

    return Diagnosis(hint, mistaken)


D_MLP_NO_RELU = _mlp_diagnosis(
    "The hidden gradients skip the ReLU: dz1 = dhidden * (z1 > 0) before dW1 = x.T @ dz1 and "
    "db1 = dz1.sum(axis=0).",
    _mlp_no_relu_backward, ("W1", "b1"))

# Check 5.4 (the loss and every gradient at once).
MLP_ALL_DIAGNOSES = (_mlp_all_diagnosis(_GRADS_NOT_OVER_N, _mlp_scaled_grads),
                     _mlp_all_diagnosis(D_MLP_NO_RELU.hint, _mlp_no_relu_backward),
                     _mlp_all_diagnosis(_GRAD_SIGN, _mlp_grad_sign))


def _gradcheck(fn):
    """A mistaken gradient_check, run on the case's f, params and grads."""

    def mistaken(ref: ModuleType, call: Call):
        f, params, grads = scenario.gradient_problem(call.kwargs)
        return fn(f, params, grads, call.kwargs.get("h", 1e-5))

    return mistaken


def _entrywise(f, params, grads, h, *, forward=False):
    """Yield (analytic, numeric) per entry, numeric by central (or forward) differences."""
    work = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    f0 = f(work)
    for key, theta in work.items():
        for index in np.ndindex(theta.shape):
            old = theta[index]
            theta[index] = old + h
            plus = f(work)
            theta[index] = old - h
            minus = f(work)
            theta[index] = old
            numeric = (plus - f0) / h if forward else (plus - minus) / (2 * h)
            yield float(np.asarray(grads[key])[index]), numeric


def _relative(a, n):
    return abs(a - n) / max(abs(a) + abs(n), 1e-12)


D_FORWARD_DIFFERENCE = Diagnosis(
    "Your result equals a forward difference (f(θ + h) - f(θ)) / h, whose error is of order h: "
    "use the central difference (f(θ + h) - f(θ - h)) / (2h).",
    _gradcheck(lambda f, p, g, h: max(_relative(a, n) for a, n in _entrywise(f, p, g, h, forward=True))))
D_ABSOLUTE_ERROR = Diagnosis(
    "Your result equals the largest absolute error |a - n|: divide by max(|a| + |n|, 1e-12).",
    _gradcheck(lambda f, p, g, h: max(abs(a - n) for a, n in _entrywise(f, p, g, h))))
D_MEAN_ERROR = Diagnosis(
    "Your result equals the mean relative error: return the maximum over all entries.",
    _gradcheck(lambda f, p, g, h: float(np.mean([_relative(a, n) for a, n in _entrywise(f, p, g, h)]))))


def _norm_error(f, p, g, h):
    pairs = np.array(list(_entrywise(f, p, g, h)))
    return float(np.linalg.norm(pairs[:, 0] - pairs[:, 1])
                 / max(np.linalg.norm(pairs[:, 0]) + np.linalg.norm(pairs[:, 1]), 1e-12))


D_NORM_ERROR = Diagnosis(
    "Your result equals ||a - n|| / (||a|| + ||n||) over all entries: the spec asks for the "
    "relative error entry by entry, then the maximum.", _gradcheck(_norm_error))
D_MAX_DENOMINATOR = Diagnosis(
    "Your result equals |a - n| / max(|a|, |n|): the denominator is max(|a| + |n|, 1e-12).",
    _gradcheck(lambda f, p, g, h: max(abs(a - n) / max(abs(a), abs(n), 1e-12) for a, n in _entrywise(f, p, g, h))))


def _no_floor(f, p, g, h):
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.max([np.float64(abs(a - n)) / np.float64(abs(a) + abs(n))
                             for a, n in _entrywise(f, p, g, h)]))


D_NO_FLOOR = Diagnosis(
    "Your result is nan: where a = n = 0 the relative error is 0/0. The denominator is "
    "max(|a| + |n|, 1e-12), which makes it 0.", _gradcheck(_no_floor))


def _sgd_diagnosis(hint: str, fn) -> Diagnosis:
    def mistaken(ref: ModuleType, call: Call):
        params = scenario.as_dict(call.kwargs["params"])
        grads = scenario.as_dict(call.kwargs["grads"])
        return {k: fn(v, grads[k], call.kwargs["lr"]) for k, v in params.items()}

    return Diagnosis(hint, mistaken)


D_SGD_PLUS = _sgd_diagnosis("You added the gradient: descend, params[k] - lr * grads[k].",
                            lambda p, g, lr: p + lr * g)
D_SGD_NO_LR = _sgd_diagnosis("You forgot the learning rate: params[k] - lr * grads[k].",
                             lambda p, g, lr: p - g)


def _sgd_in_place(ref: ModuleType, call: Call):
    params = scenario.as_dict(call.kwargs["params"])
    grads = scenario.as_dict(call.kwargs["grads"])
    return ref.sgd_step(params, grads, call.kwargs["lr"]), grads


D_SGD_IN_PLACE = Diagnosis(
    "Your sgd_step wrote the new values into params (e.g. params[k] -= lr * grads[k]): build "
    "and return a new dict instead, params stays as it was.", _sgd_in_place)
