"""Diagnoses of the softmax_loglik rubric: what each typical mistake returns (reproduced from
the reference module) and the hints that name it.

Private, like the rest of ``autograder/rubrics/``: ``rubrics/softmax_loglik.py`` builds the
checks and lists, per check, which of these diagnoses apply (most likely first).
"""
from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from autograder.engine.rubric import Call, Diagnosis


def float_one_hot(labels: np.ndarray, c: int) -> np.ndarray:
    """One-hot rows in float64 (the cases' y_true; scce's mistakes read as cce)."""
    return (labels[:, np.newaxis] == np.arange(c)).astype(np.float64)


# --- mistakes, reproduced from the reference ----------------------------------------------------


def _args(call: Call, *names: str) -> dict[str, Any]:
    values = dict(zip(names, call.args))
    values.update(call.kwargs)
    return values


def softmax_whole_array(ref: ModuleType, call: Call):
    s = np.asarray(call.args[0], dtype=np.float64)
    e = np.exp(s - s.max())
    return e / e.sum()


def softmax_over_first_axis(ref, call):
    return ref.softmax(call.args[0], axis=0)


def softmax_axis_ignored(ref, call):
    return ref.softmax(call.args[0])


def log_softmax_max_not_added_back(ref, call):
    a = _args(call, "s", "axis")
    s, axis = np.asarray(a["s"], dtype=np.float64), a.get("axis", -1)
    return s - np.log(np.sum(np.exp(s - s.max(axis=axis, keepdims=True)), axis=axis, keepdims=True))


def log_softmax_bits(ref, call):
    return ref.log_softmax(*call.args, **call.kwargs) / math.log(2)


def log_softmax_axis_ignored(ref, call):
    return ref.log_softmax(call.args[0])


def one_hot_width_from_labels(ref, call):
    labels = np.asarray(call.args[0])
    return ref.one_hot(labels, int(labels.max()) + 1)


def _loglik_args(call):
    a = _args(call, "o", "y", "base")
    return np.asarray(a["o"], dtype=np.float64), np.asarray(a["y"]), a.get("base", 2)


def loglik_natural_log(ref, call):
    o, y, _ = _loglik_args(call)
    return -np.log(o[np.arange(len(y)), y])


def loglik_always_bits(ref, call):
    o, y, _ = _loglik_args(call)
    return -np.log2(o[np.arange(len(y)), y])


def loglik_log10(ref, call):
    o, y, _ = _loglik_args(call)
    return -np.log10(o[np.arange(len(y)), y])


def loglik_columns(ref, call):
    o, y, base = _loglik_args(call)
    return -np.log(o[:, y]) / np.log(base)


def loglik_mean(ref, call):
    return np.mean(ref.log_likelihood_loss(*call.args, **call.kwargs))


def loglik_sign(ref, call):
    return -ref.log_likelihood_loss(*call.args, **call.kwargs)


def _per_sample_cce(call):
    y_true, logits = (np.asarray(v, dtype=np.float64) for v in call.args)
    s = logits - logits.max(axis=-1, keepdims=True)
    return -np.sum(y_true * (s - np.log(np.sum(np.exp(s), axis=-1, keepdims=True))), axis=-1)


def cce_sum(ref, call):
    return np.sum(_per_sample_cce(call))


def cce_per_sample(ref, call):
    return _per_sample_cce(call)


def cce_bits(ref, call):
    return ref.categorical_cross_entropy(*call.args) / math.log(2)


def cce_softmax_over_batch(ref, call):
    y_true, logits = (np.asarray(v, dtype=np.float64) for v in call.args)
    return np.mean(-np.sum(y_true * ref.log_softmax(logits, axis=0), axis=-1))


def _scce_as_cce_call(call):
    labels, logits = call.args
    logits = np.asarray(logits)
    return Call((float_one_hot(np.asarray(labels).astype(np.int64), logits.shape[-1]), logits))


def scce_sum(ref, call):
    return cce_sum(ref, _scce_as_cce_call(call))


def scce_per_sample(ref, call):
    return cce_per_sample(ref, _scce_as_cce_call(call))


def scce_bits(ref, call):
    return ref.sparse_categorical_cross_entropy(*call.args) / math.log(2)


def gradient_no_division(ref, call):
    labels = np.asarray(call.args[0])
    return ref.softmax_cross_entropy_gradient(*call.args) * labels.size


def gradient_sign(ref, call):
    return -ref.softmax_cross_entropy_gradient(*call.args)


def gradient_sign_no_division(ref, call):
    return -gradient_no_division(ref, call)


def gradient_divided_by_classes(ref, call):
    labels, logits = np.asarray(call.args[0]), np.asarray(call.args[1])
    return ref.softmax_cross_entropy_gradient(*call.args) * labels.size / logits.shape[-1]


def multilabel_mean_over_labels(ref, call):
    logits = np.asarray(call.args[1])
    return ref.multilabel_bce(*call.args) / logits.shape[-1]


def multilabel_batch_mean(ref, call):
    return np.mean(ref.multilabel_bce(*call.args))


def multilabel_clipped_sigmoid(ref, call):
    y, z = (np.asarray(v, dtype=np.float64) for v in call.args)
    o = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    o = np.clip(o, 1e-7, 1 - 1e-7)
    return np.sum(-(y * np.log(o) + (1 - y) * np.log(1 - o)), axis=-1)


# --- diagnoses (hints shown when the output equals the mistake's) ----------------------------------

D_SOFTMAX_WHOLE = Diagnosis(
    "Your output equals exp(s) divided by the sum over the whole array: the sum (and the max) "
    "must run along the class axis only, np.sum(e, axis=axis, keepdims=True), so that each "
    "row sums to 1.",
    softmax_whole_array,
)
D_SOFTMAX_FIRST_AXIS = Diagnosis(
    "Your output is normalised along axis 0 (down the columns): the classes are on the last "
    "axis by default, so each row must sum to 1.",
    softmax_over_first_axis,
)
D_SOFTMAX_AXIS_IGNORED = Diagnosis(
    "Your output is the softmax along the last axis: the axis argument is ignored. Take the "
    "max and the sum along `axis` (with keepdims=True).",
    softmax_axis_ignored,
)
D_LOGSOFTMAX_MAX = Diagnosis(
    "Your output is off by the max: with m = max(s), log softmax(s) = (s - m) - "
    "log(sum(exp(s - m))); you subtracted the log-sum of the shifted logits from the "
    "unshifted ones.",
    log_softmax_max_not_added_back,
)
D_LOGSOFTMAX_BITS = Diagnosis(
    "Your output is in bits (log2): log_softmax uses the natural log.",
    log_softmax_bits,
)
D_LOGSOFTMAX_AXIS_IGNORED = Diagnosis(
    "Your output is the log-softmax along the last axis: the axis argument is ignored.",
    log_softmax_axis_ignored,
)
D_ONE_HOT_WIDTH = Diagnosis(
    "Your output has max(labels) + 1 columns: the width is num_classes, even when the "
    "largest classes do not occur in this batch.",
    one_hot_width_from_labels,
)
D_LL_NATURAL = Diagnosis(
    "Your output is in nats (natural log) whatever the base: -log_base(o_y) = "
    "-ln(o_y) / ln(base); the default base=2 gives bits (0.0508 -> 4.2990).",
    loglik_natural_log,
)
D_LL_ALWAYS_BITS = Diagnosis(
    "Your output is in bits whatever the base: the base argument is ignored. "
    "Use -ln(o_y) / ln(base).",
    loglik_always_bits,
)
D_LL_LOG10 = Diagnosis("Your output uses log10: use -ln(o_y) / ln(base).", loglik_log10)
D_LL_COLUMNS = Diagnosis(
    "Your output is N x N: o[:, y] picks whole columns. Pick one entry per row, "
    "o[np.arange(N), y].",
    loglik_columns,
)
D_LL_MEAN = Diagnosis(
    "You returned the batch mean: log_likelihood_loss returns one loss per sample, shape (N,).",
    loglik_mean,
)
D_LL_SIGN = Diagnosis(
    "Your output has the wrong sign: the loss is -log o_y, which is >= 0 for a probability.",
    loglik_sign,
)
D_CCE_SUM = Diagnosis(
    "Your output is the sum over the batch: Keras' loss is the batch mean, divide by N.",
    cce_sum,
)
D_CCE_PER_SAMPLE = Diagnosis(
    "You returned the per-sample losses: the loss is their mean over the batch (one number).",
    cce_per_sample,
)
D_CCE_BITS = Diagnosis(
    "Your output is in bits: categorical cross-entropy uses the natural log (nats), as Keras.",
    cce_bits,
)
D_CCE_BATCH_AXIS = Diagnosis(
    "Your softmax runs over the batch axis: normalise each row (axis=-1), the classes.",
    cce_softmax_over_batch,
)
D_SCCE_SUM = Diagnosis(D_CCE_SUM.hint, scce_sum)
D_SCCE_PER_SAMPLE = Diagnosis(D_CCE_PER_SAMPLE.hint, scce_per_sample)
D_SCCE_BITS = Diagnosis(D_CCE_BITS.hint, scce_bits)
D_GRAD_NO_DIVISION = Diagnosis(
    "Your gradient is N times too large: the loss is the batch mean, so each sample's "
    "softmax - one_hot is divided by N.",
    gradient_no_division,
)
D_GRAD_SIGN = Diagnosis(
    "Your gradient has the wrong sign: it is softmax - one_hot (prediction minus target), "
    "not one_hot - softmax.",
    gradient_sign,
)
D_GRAD_SIGN_NO_DIVISION = Diagnosis(
    "Your gradient is one_hot - softmax without the 1/N: it is (softmax - one_hot) / N.",
    gradient_sign_no_division,
)
D_GRAD_BY_CLASSES = Diagnosis(
    "Your gradient is divided by the number of classes C: divide by the batch size N.",
    gradient_divided_by_classes,
)
D_ML_MEAN = Diagnosis(
    "Your output is the mean over the labels (as keras.losses.binary_crossentropy): "
    "multilabel_bce sums the C binary cross-entropies of a sample.",
    multilabel_mean_over_labels,
)
D_ML_BATCH_MEAN = Diagnosis(
    "You returned the batch mean: multilabel_bce returns one loss per sample, shape (N,).",
    multilabel_batch_mean,
)
D_ML_CLIPPED = Diagnosis(
    "Your output equals the BCE of the clipped sigmoid: clipping sigma(s) to [eps, 1 - eps] "
    "caps the loss near -log(eps) = 16.1 where the true loss is |s|. Compute it from the "
    "logits: max(s, 0) - s*y + log1p(exp(-|s|)).",
    multilabel_clipped_sigmoid,
)
