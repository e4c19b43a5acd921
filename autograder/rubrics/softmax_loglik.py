"""Rubric for softmax_loglik: softmax, log-softmax, one-hot, the log-likelihood objective,
categorical cross-entropy from logits, its gradient, and multi-label BCE (§5.1.3).

Layout of the checks: one group per graded function (1 softmax, 2 log_softmax, 3 one_hot,
4 log_likelihood_loss, 5 categorical_cross_entropy, 6 sparse_categorical_cross_entropy,
7 softmax_cross_entropy_gradient, 8 multilabel_bce). Each check isolates one behaviour, so
a typical mistake loses only the checks that name it:

- only the checks with "large logits" in their name use |logits| near 1000; those of softmax,
  log_softmax and the cross-entropies (the spec's stability promises) also fail on a NumPy
  RuntimeWarning, the gradient's (7.2) only on its values (a line elsewhere that warns costs
  nothing); all other logits are moderate (|s| < 60), where even the formula without the max
  shift is exact in float64;
- only the softmax/log_softmax checks with "axis" in their name pass an ``axis``;
- the large-logit checks of the batch losses and of the gradient use batches of one sample,
  so that "sum instead of mean" or a missing 1/N is not graded twice; the large-logit check
  of multilabel_bce uses one label per sample (C = 1), so that "mean over the labels instead
  of the sum" is not graded twice either;
- one_hot's value checks accept integer or boolean output (3.1, 3.2); only 3.3 grades the
  float dtype, and its labels cover every class (so that a width taken from the labels is
  graded by 3.2 alone);
- only the log_likelihood_loss checks with "base" in their name pass a base other than 2.

Hidden checks re-test the same behaviours on other shapes and seeds.

Which student functions each check calls: every check calls only the function it grades
(scenario ``call``); what that function calls of the student's own code (the cross-entropies
calling their log_softmax, say) is the student's design, not a chain of the grader's.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.engine.rubric import Call, Check, Rubric, integers, randn
from autograder.exercises import lecture
from autograder.exercises.softmax_loglik import compare_ignoring_integer_dtype
from autograder.rubrics.softmax_loglik_diagnoses import (
    float_one_hot, D_SOFTMAX_WHOLE, D_SOFTMAX_FIRST_AXIS, D_SOFTMAX_AXIS_IGNORED, D_LOGSOFTMAX_MAX,
    D_LOGSOFTMAX_BITS, D_LOGSOFTMAX_AXIS_IGNORED, D_ONE_HOT_WIDTH, D_LL_NATURAL, D_LL_ALWAYS_BITS,
    D_LL_LOG10, D_LL_COLUMNS, D_LL_MEAN, D_LL_SIGN, D_CCE_SUM, D_CCE_PER_SAMPLE, D_CCE_BITS,
    D_CCE_BATCH_AXIS, D_SCCE_SUM, D_SCCE_PER_SAMPLE, D_SCCE_BITS, D_GRAD_NO_DIVISION, D_GRAD_SIGN,
    D_GRAD_SIGN_NO_DIVISION, D_GRAD_BY_CLASSES, D_ML_MEAN, D_ML_BATCH_MEAN, D_ML_CLIPPED,
)

# The lecture's example (§5.1.3): the same softmax output, once with a correct class that
# got 0.0508 (e = 4.2990 bits), once with one that got 0.8360 (e = 0.2584 bits).
LECTURE_O = np.array(lecture.LOGLIK_O)
LECTURE_Y = np.array(lecture.LOGLIK_Y)
LECTURE_E = lecture.LOGLIK_E

# --- input builders ------------------------------------------------------------------------


def _logits(rng: np.random.Generator, *shape: int, scale: float = 3.0) -> np.ndarray:
    return randn(rng, *shape, scale=scale)


def _two_sizes(rng: np.random.Generator, low: int = 2, high: int = 6) -> tuple[int, int]:
    """(N, C) with N != C, so that a max or sum without keepdims cannot broadcast silently."""
    n = integers(rng, low, high)
    c = integers(rng, low, high)
    if c == n:
        c += 1
    return n, c


def _labels(rng: np.random.Generator, n: int, c: int) -> np.ndarray:
    return rng.integers(0, c, size=n).astype(np.int64)


def _labels_all_classes(rng: np.random.Generator, c: int, extra: int) -> np.ndarray:
    """Labels in which every class 0 .. c-1 occurs, shuffled."""
    labels = np.concatenate([np.arange(c), rng.integers(0, c, size=extra)])
    return rng.permutation(labels).astype(np.int64)


def _probabilities(rng: np.random.Generator, n: int, c: int) -> np.ndarray:
    e = np.exp(_logits(rng, n, c, scale=1.5))
    return e / e.sum(axis=1, keepdims=True)


def _huge(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Logits of magnitude up to about 1000, with exact +-1000 sprinkled in."""
    s = rng.uniform(-1000.0, 1000.0, size=shape)
    mask = rng.random(shape)
    s[mask < 0.2] = 1000.0
    s[mask > 0.8] = -1000.0
    return s


# --- 1. softmax ------------------------------------------------------------------------------


def cases_softmax_last_axis(rng):
    n, c = _two_sizes(rng)
    return [
        Call((_logits(rng, integers(rng, 2, 7)),)),
        Call((_logits(rng, n, c),)),
        Call((_logits(rng, *_two_sizes(rng)),), {"axis": -1}),
        Call((_logits(rng, 2, integers(rng, 2, 4), integers(rng, 5, 6)),)),
        Call((_logits(rng, integers(rng, 2, 5), 1),)),  # one class: probability 1
        Call((np.full((2, 5), 3.0),)),  # equal logits: uniform
    ]


def cases_softmax_large(rng):
    return [
        Call((np.array([1000.0, 1000.0]),)),  # the spec's example: [0.5, 0.5]
        Call((np.array([-1000.0, -1000.0, -1000.0]),)),
        Call((np.array([[1000.0, -1000.0, 0.0], [1.0, 2.0, 3.0]]),)),
        Call((np.array([1000.0, 999.0, 998.0, 990.0]),)),
        Call((_huge(rng, *_two_sizes(rng)),)),
        Call((_huge(rng, 2, 3, integers(rng, 4, 6)),)),
    ]


def cases_softmax_axis(rng):
    calls = []
    for axis in (0, 1):
        calls.append(Call((_logits(rng, *_two_sizes(rng)),), {"axis": axis}))
    a, b, c = integers(rng, 2, 3), integers(rng, 4, 5), integers(rng, 6, 7)
    for axis in (0, 1, -2):
        calls.append(Call((_logits(rng, a, b, c),), {"axis": axis}))
    calls.append(Call((_logits(rng, *_two_sizes(rng)), 0)))  # axis passed positionally
    return calls


def cases_softmax_hidden(rng):
    return [
        Call((_logits(rng, 10, scale=5.0),)),
        Call((_logits(rng, integers(rng, 6, 9), integers(rng, 10, 12), scale=4.0),)),
        Call((_logits(rng, 2, 2, 3, integers(rng, 4, 6)),)),
        Call((_logits(rng, *_two_sizes(rng)) + 40.0,)),  # shifted logits, same softmax
        Call((_logits(rng, 1, integers(rng, 2, 5)),)),
    ]


# --- 2. log_softmax ----------------------------------------------------------------------------


def cases_log_softmax_last_axis(rng):
    return [
        Call((_logits(rng, integers(rng, 2, 7)),)),
        Call((_logits(rng, *_two_sizes(rng)),)),
        Call((_logits(rng, *_two_sizes(rng)),), {"axis": -1}),
        Call((_logits(rng, 2, integers(rng, 2, 4), integers(rng, 5, 6)),)),
        Call((_logits(rng, 3, 1),)),  # one class: log 1 = 0
        Call((np.array([[0.0, 0.0], [1.0, 1.0]]),)),  # log 0.5
    ]


def cases_log_softmax_large(rng):
    return [
        Call((np.array([1000.0, -1000.0]),)),  # [0, -2000]
        Call((np.array([[1000.0, 1000.0], [-1000.0, -1000.0]]),)),
        Call((np.array([0.0, -800.0, -1000.0]),)),
        Call((_huge(rng, *_two_sizes(rng)),)),
        Call((_huge(rng, 2, integers(rng, 2, 3), 4),)),
    ]


def cases_log_softmax_hidden(rng):
    return [
        Call((_logits(rng, *_two_sizes(rng)),), {"axis": 0}),
        Call((_logits(rng, 2, integers(rng, 3, 4), 5),), {"axis": 1}),
        Call((_logits(rng, 3, 4, 2),), {"axis": 0}),
        Call((_logits(rng, integers(rng, 6, 9), 10, scale=5.0),)),
        Call((_logits(rng, 12, scale=4.0),)),
    ]


# --- 3. one_hot ------------------------------------------------------------------------------


def cases_one_hot_values(rng):
    calls = [Call((np.array([2, 0, 1, 3], dtype=np.int64), 4)),
             Call((np.array([0], dtype=np.int64), 1))]
    for _ in range(3):
        c = integers(rng, 2, 7)
        calls.append(Call((_labels_all_classes(rng, c, integers(rng, 0, 5)), c)))
    return calls


def cases_one_hot_width(rng):
    calls = [Call((np.array([0, 0, 1], dtype=np.int64), 4)),
             Call((np.array([1], dtype=np.int64), 10))]
    for _ in range(3):
        c = integers(rng, 4, 9)
        calls.append(Call((rng.integers(0, c - 2, size=integers(rng, 2, 8)).astype(np.int64), c)))
    return calls


def cases_one_hot_float(rng):
    calls = []
    for dtype in (np.int64, np.int32, np.int64):
        c = integers(rng, 2, 6)
        calls.append(Call((_labels_all_classes(rng, c, integers(rng, 0, 4)).astype(dtype), c)))
    return calls


# compare_ignoring_integer_dtype (checks 3.1, 3.2) is public, in
# autograder/exercises/softmax_loglik.py.


# --- 4. log_likelihood_loss -------------------------------------------------------------------


def cases_loglik_lecture(rng):
    return [
        Call((LECTURE_O, LECTURE_Y)),
        Call((LECTURE_O[:1], LECTURE_Y[:1])),
        Call((LECTURE_O[1:], LECTURE_Y[1:]), {"base": 2}),
    ]


def cases_loglik_random(rng):
    calls = []
    for _ in range(3):
        n, c = _two_sizes(rng, 2, 7)
        calls.append(Call((_probabilities(rng, n, c), _labels(rng, n, c))))
    c = integers(rng, 3, 6)
    calls.append(Call((_probabilities(rng, 1, c), _labels(rng, 1, c))))
    return calls


def cases_loglik_base(rng):
    calls = []
    for base in (math.e, 10, math.e):
        n, c = _two_sizes(rng, 2, 6)
        calls.append(Call((_probabilities(rng, n, c), _labels(rng, n, c)), {"base": base}))
    n, c = _two_sizes(rng, 2, 6)
    calls.append(Call((_probabilities(rng, n, c), _labels(rng, n, c), math.e)))  # positional
    return calls


# --- 5. / 6. cross-entropy -----------------------------------------------------------------------


def cases_cce(rng, sizes=((2, 6), (2, 6), (3, 8), (2, 4))):
    calls = []
    for low, high in sizes:
        n, c = _two_sizes(rng, low, high)
        calls.append(Call((float_one_hot(_labels(rng, n, c), c), _logits(rng, n, c))))
    return calls


def cases_cce_hidden(rng):
    return cases_cce(rng, sizes=((6, 10), (8, 12), (2, 3))) + [
        Call((float_one_hot(_labels(rng, 16, 5), 5), _logits(rng, 16, 5, scale=6.0)))]


def _large_single_samples(rng):
    """(labels, logits) pairs of one sample each with logits near +-1000."""
    c = integers(rng, 3, 6)
    return [
        (np.array([1]), np.array([[1000.0, -1000.0, 0.0]])),  # loss 2000
        (np.array([0]), np.array([[1000.0, 1000.0]])),  # ln 2
        (np.array([2]), np.array([[-1000.0, -1000.0, -1000.0]])),  # ln 3
        (np.array([0]), np.array([[1000.0, 0.0, -1000.0, 999.0]])),
        (_labels(rng, 1, c), _huge(rng, 1, c)),
    ]


def cases_cce_large(rng):
    return [Call((float_one_hot(labels, logits.shape[1]), logits)) for labels, logits in _large_single_samples(rng)]


def cases_scce(rng, sizes=((2, 6), (2, 6), (3, 8), (2, 4))):
    calls = []
    for low, high in sizes:
        n, c = _two_sizes(rng, low, high)
        calls.append(Call((_labels(rng, n, c), _logits(rng, n, c))))
    return calls


def cases_scce_hidden(rng):
    return cases_scce(rng, sizes=((6, 10), (8, 12), (2, 3))) + [
        Call((_labels(rng, 16, 5).astype(np.int32), _logits(rng, 16, 5, scale=6.0)))]


def cases_scce_large(rng):
    return [Call((labels.astype(np.int64), logits)) for labels, logits in _large_single_samples(rng)]


# --- 7. softmax_cross_entropy_gradient -------------------------------------------------------------


def cases_gradient(rng):
    return cases_scce(rng, sizes=((2, 6), (3, 8), (2, 4), (4, 7)))


def cases_gradient_hidden(rng):
    return cases_scce_hidden(rng)


def cases_gradient_large(rng):
    return cases_scce_large(rng)


# --- 8. multilabel_bce ------------------------------------------------------------------------------


def _multi_hot(rng, n, c):
    y = (rng.random((n, c)) < 0.4).astype(np.float64)
    y[0] = 0.0  # a sample with no label ...
    y[-1] = 1.0  # ... and one with all of them
    return y


def cases_multilabel(rng, sizes=((3, 6), (3, 6), (4, 8))):
    calls = []
    for low, high in sizes:
        n, c = _two_sizes(rng, low, high)
        calls.append(Call((_multi_hot(rng, n, c), _logits(rng, n, c))))
    calls.append(Call((np.array([[1.0, 0.0, 1.0]]), np.array([[2.0, -1.0, 0.0]]))))
    return calls


def cases_multilabel_large(rng):
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0, 800.0, -800.0, 40.0, -40.0, 0.0])
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    extra = rng.uniform(-1000.0, 1000.0, size=5)
    return [
        Call((y[:, np.newaxis], z[:, np.newaxis])),
        Call((np.array([[0.0]]), np.array([[1000.0]]))),  # e = 1000
        Call((np.array([[1.0]]), np.array([[-1000.0]]))),  # e = 1000
        Call((rng.integers(0, 2, size=(5, 1)).astype(np.float64), extra[:, np.newaxis])),
    ]


def cases_multilabel_hidden(rng):
    return cases_multilabel(rng, sizes=((6, 10), (8, 12), (3, 4)))


# --- the rubric ------------------------------------------------------------------------------

_SOFTMAX_HINT = ("softmax(s)_j = exp(s_j) / sum_k exp(s_k) along `axis` (default the last one): "
                 "np.max and np.sum with axis=axis, keepdims=True.")
_STABLE_SOFTMAX_HINT = ("subtract the max first: e = np.exp(s - np.max(s, axis=axis, keepdims=True)), "
                        "then e / e.sum(axis=axis, keepdims=True). np.exp(1000) overflows to inf, and "
                        "inf / inf or 0 / 0 is nan.")
_LOG_SOFTMAX_HINT = "log softmax(s) = (s - m) - log(sum(exp(s - m))) with m = max(s) along `axis`."
_STABLE_LOG_SOFTMAX_HINT = ("do not take np.log(softmax(s)): an underflowed probability 0 gives "
                            "log 0 = -inf. Use (s - m) - log(sum(exp(s - m))) with m = max(s): "
                            "[1000, -1000] gives [0, -2000].")
_ONE_HOT_HINT = "y[i, labels[i]] = 1 and 0 elsewhere, shape (N, num_classes)."
_LL_HINT = "e[i] = -log(o[i, y[i]]) / log(base), one value per sample; the default base=2 gives bits."
_CCE_HINT = ("loss = mean over the batch of -sum_j y_true[i, j] * log_softmax(logits[i])_j, natural log, "
             "one number.")
_SCCE_HINT = "loss = mean over the batch of -log_softmax(logits[i])[labels[i]], natural log, one number."
_STABLE_CE_HINT = ("compute the loss from log_softmax(logits) = (s - m) - log(sum(exp(s - m))), not "
                   "from np.log(softmax(logits)), which is log 0 = -inf when a probability underflows.")
_GRAD_HINT = "d loss / d logits = (softmax(logits) - one_hot(labels, C)) / N, shape (N, C)."
_ML_HINT = ("e[i] = sum over k of -[y log sigma(s) + (1 - y) log(1 - sigma(s))], natural log, one value "
            "per sample = sum over k of max(s, 0) - s*y + log1p(exp(-|s|)).")
_STABLE_ML_HINT = ("compute it from the logits: max(s, 0) - s*y + np.log1p(np.exp(-np.abs(s))) never "
                   "exponentiates a positive number. 1 / (1 + np.exp(-s)) overflows for s = -1000, and "
                   "sigma(1000) rounds to 1, so log(1 - sigma) is log 0.")

RUBRIC = Rubric(
    assignment="softmax_loglik",
    forbidden_hint="write it with elementary math from NumPy or keras.ops (exp, log, max, sum, ...)",
    checks=(
        # 1. softmax
        Check("1.1", "softmax: positive rows summing to 1 along the last axis (1-D, 2-D, 3-D)",
              "softmax", 0.5, cases_softmax_last_axis, seed=1101, hint=_SOFTMAX_HINT,
              diagnoses=(D_SOFTMAX_WHOLE, D_SOFTMAX_FIRST_AXIS)),
        Check("1.2", "softmax: large logits (+-1000), softmax([1000, 1000]) = [0.5, 0.5] without overflow",
              "softmax", 1.0, cases_softmax_large, seed=1201, fail_on_warning=True,
              hint=_STABLE_SOFTMAX_HINT, diagnoses=(D_SOFTMAX_WHOLE,)),
        Check("1.3", "softmax: the axis argument (axis=0 and axis=1 on 2-D and 3-D inputs)",
              "softmax", 0.5, cases_softmax_axis, seed=1301, hint=_SOFTMAX_HINT,
              diagnoses=(D_SOFTMAX_AXIS_IGNORED, D_SOFTMAX_WHOLE)),
        Check("1.4", "softmax: other shapes and seeds, shifted logits", "softmax", 0.5,
              cases_softmax_hidden, seed=1401, hidden=True, hint=_SOFTMAX_HINT,
              diagnoses=(D_SOFTMAX_WHOLE, D_SOFTMAX_FIRST_AXIS)),
        # 2. log_softmax
        Check("2.1", "log_softmax: equals log(softmax(s)) along the last axis", "log_softmax", 0.5,
              cases_log_softmax_last_axis, seed=2101, hint=_LOG_SOFTMAX_HINT,
              diagnoses=(D_LOGSOFTMAX_MAX, D_LOGSOFTMAX_BITS)),
        Check("2.2", "log_softmax: large logits (+-1000) stay finite, [1000, -1000] -> [0, -2000], no warnings",
              "log_softmax", 0.5, cases_log_softmax_large, seed=2201, fail_on_warning=True,
              hint=_STABLE_LOG_SOFTMAX_HINT, diagnoses=(D_LOGSOFTMAX_MAX, D_LOGSOFTMAX_BITS)),
        Check("2.3", "log_softmax: the axis argument, other shapes and seeds", "log_softmax", 0.5,
              cases_log_softmax_hidden, seed=2301, hidden=True, hint=_LOG_SOFTMAX_HINT,
              diagnoses=(D_LOGSOFTMAX_AXIS_IGNORED, D_LOGSOFTMAX_MAX, D_LOGSOFTMAX_BITS)),
        # 3. one_hot
        Check("3.1", "one_hot: a 1 at each label's column, 0 elsewhere", "one_hot", 0.5,
              cases_one_hot_values, seed=3101, compare=compare_ignoring_integer_dtype, hint=_ONE_HOT_HINT),
        Check("3.2", "one_hot: num_classes columns even when the largest classes do not occur",
              "one_hot", 0.5, cases_one_hot_width, seed=3201, compare=compare_ignoring_integer_dtype,
              hint="The width is num_classes, not max(labels) + 1: np.zeros((N, num_classes)).",
              diagnoses=(D_ONE_HOT_WIDTH,)),
        Check("3.3", "one_hot: returns floats (for int64 and int32 labels)", "one_hot", 0.5,
              cases_one_hot_float, seed=3301, exact=True,
              hint="Return a float array: np.zeros((N, num_classes)) is float, or convert with "
                   ".astype(float); np.eye(C, dtype=int) and (labels[:, None] == np.arange(C)) are "
                   "integers/booleans."),
        # 4. log_likelihood_loss
        Check("4.1", "log_likelihood_loss: the lecture's numbers, o_y = 0.0508 -> 4.2990 bits, "
                     "o_y = 0.8360 -> 0.2584 bits",
              "log_likelihood_loss", 0.5, cases_loglik_lecture, seed=4101,
              hint="Expected [4.2990, 0.2584] = -log2(0.0508), -log2(0.8360). " + _LL_HINT,
              diagnoses=(D_LL_NATURAL, D_LL_LOG10, D_LL_COLUMNS, D_LL_MEAN, D_LL_SIGN)),
        Check("4.2", "log_likelihood_loss: -log2 o[i, y[i]] per sample for random rows and labels",
              "log_likelihood_loss", 0.5, cases_loglik_random, seed=4201, hint=_LL_HINT,
              diagnoses=(D_LL_NATURAL, D_LL_LOG10, D_LL_COLUMNS, D_LL_MEAN, D_LL_SIGN)),
        Check("4.3", "log_likelihood_loss: the base argument (base=math.e gives nats, base=10)",
              "log_likelihood_loss", 0.5, cases_loglik_base, seed=4301,
              hint="log_base(x) = ln(x) / ln(base): -np.log(o_y) / np.log(base).",
              diagnoses=(D_LL_ALWAYS_BITS, D_LL_NATURAL, D_LL_LOG10, D_LL_COLUMNS, D_LL_MEAN, D_LL_SIGN)),
        # 5. categorical_cross_entropy
        Check("5.1", "categorical_cross_entropy: batch mean of -sum y log softmax(logits), natural log",
              "categorical_cross_entropy", 0.5, cases_cce, seed=5101, hint=_CCE_HINT,
              diagnoses=(D_CCE_SUM, D_CCE_PER_SAMPLE, D_CCE_BITS, D_CCE_BATCH_AXIS)),
        Check("5.2", "categorical_cross_entropy: large logits (+-1000) from the log-softmax, no warnings",
              "categorical_cross_entropy", 0.5, cases_cce_large, seed=5201, fail_on_warning=True,
              hint=_STABLE_CE_HINT, diagnoses=(D_CCE_PER_SAMPLE, D_CCE_BITS)),
        Check("5.3", "categorical_cross_entropy: other batch sizes, class counts and seeds",
              "categorical_cross_entropy", 0.5, cases_cce_hidden, seed=5301, hidden=True, hint=_CCE_HINT,
              diagnoses=(D_CCE_SUM, D_CCE_PER_SAMPLE, D_CCE_BITS, D_CCE_BATCH_AXIS)),
        # 6. sparse_categorical_cross_entropy
        Check("6.1", "sparse_categorical_cross_entropy: batch mean of -log softmax(logits)[label]",
              "sparse_categorical_cross_entropy", 0.5, cases_scce, seed=6101, hint=_SCCE_HINT,
              diagnoses=(D_SCCE_SUM, D_SCCE_PER_SAMPLE, D_SCCE_BITS)),
        Check("6.2", "sparse_categorical_cross_entropy: large logits (+-1000) from the log-softmax, no warnings",
              "sparse_categorical_cross_entropy", 0.5, cases_scce_large, seed=6201, fail_on_warning=True,
              hint=_STABLE_CE_HINT, diagnoses=(D_SCCE_PER_SAMPLE, D_SCCE_BITS)),
        Check("6.3", "sparse_categorical_cross_entropy: other batch sizes, class counts and seeds",
              "sparse_categorical_cross_entropy", 0.5, cases_scce_hidden, seed=6301, hidden=True,
              hint=_SCCE_HINT, diagnoses=(D_SCCE_SUM, D_SCCE_PER_SAMPLE, D_SCCE_BITS)),
        # 7. softmax_cross_entropy_gradient
        Check("7.1", "softmax_cross_entropy_gradient: (softmax - one_hot) / N on random batches",
              "softmax_cross_entropy_gradient", 1.0, cases_gradient, seed=7101, hint=_GRAD_HINT,
              diagnoses=(D_GRAD_NO_DIVISION, D_GRAD_SIGN, D_GRAD_SIGN_NO_DIVISION, D_GRAD_BY_CLASSES)),
        Check("7.2", "softmax_cross_entropy_gradient: large logits (+-1000), finite and exact",
              "softmax_cross_entropy_gradient", 0.5, cases_gradient_large, seed=7201,
              hint="use the stable softmax (subtract the max before np.exp). " + _GRAD_HINT,
              diagnoses=(D_GRAD_SIGN,)),
        Check("7.3", "softmax_cross_entropy_gradient: other batch sizes, class counts and seeds",
              "softmax_cross_entropy_gradient", 0.5, cases_gradient_hidden, seed=7301, hidden=True,
              hint=_GRAD_HINT,
              diagnoses=(D_GRAD_NO_DIVISION, D_GRAD_SIGN, D_GRAD_SIGN_NO_DIVISION, D_GRAD_BY_CLASSES)),
        # 8. multilabel_bce
        Check("8.1", "multilabel_bce: per-sample sum of sigmoid BCEs over the labels",
              "multilabel_bce", 0.5, cases_multilabel, seed=8101, hint=_ML_HINT,
              diagnoses=(D_ML_MEAN, D_ML_BATCH_MEAN)),
        Check("8.2", "multilabel_bce: large logits (+-1000) from the logits, finite and exact, no warnings",
              "multilabel_bce", 1.0, cases_multilabel_large, seed=8201, fail_on_warning=True,
              hint=_STABLE_ML_HINT, diagnoses=(D_ML_CLIPPED, D_ML_BATCH_MEAN)),
        Check("8.3", "multilabel_bce: other shapes and seeds", "multilabel_bce", 0.5,
              cases_multilabel_hidden, seed=8301, hidden=True, hint=_ML_HINT,
              diagnoses=(D_ML_MEAN, D_ML_BATCH_MEAN)),
    ),
    forbidden=(
        "keras.ops.softmax",
        "keras.ops.log_softmax",
        "keras.ops.logsumexp",
        "keras.ops.one_hot",
        "keras.ops.*crossentropy",
        "keras.activations.*",
        "keras.losses.*",
        "tensorflow.nn.*",
        "scipy.special.softmax",
        "scipy.special.log_softmax",
        "scipy.special.logsumexp",
        "scipy.special.expit",
        "tensorflow.GradientTape",
    ),
    needs_tensorflow=False,
    timeout=10.0,
)
