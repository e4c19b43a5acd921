"""Rubric for cross_entropy: information theory and the cross-entropy objective
(§2.2.6, §5.1.1–5.1.2).

One group of checks per graded function (1 self_information, 2 entropy, 3 cross_entropy,
4 kl_divergence, 5 sigmoid, 6 binary_cross_entropy, 7 mse_gradients, 8 bce_gradients,
9 numerical_gradient, 10 gaussian_pdf, 11 log_likelihood). Each check isolates one behaviour,
so a typical mistake loses only the checks that name it:

- the lecture's worked numbers are visible checks of their own (x.1);
- the default base (bits for the information measures, nats for the binary cross-entropy) and
  other bases are exercised on every value check, so a wrong or ignored base fails those;
- outcomes with p = 0 appear only in the checks that say so (2.3, 4.3), graded on the values
  (0, not NaN): the spec promises no warnings for the sigmoid and the cross-entropy only, so
  only the large-|z| sigmoid checks (5.2, 5.3) and the o = 0 / o = 1 binary cross-entropy
  check (6.3) also fail on a NumPy RuntimeWarning;
- only 6.3 puts o at exactly 0 or 1; only 7.2/8.2 (hidden) use saturated neurons;
- numerical_gradient is graded on functions with curvature (cubic and exponential terms) with
  a tolerance of 1e-6 (relative to the gradient's size), far below a forward difference's error
  (about h/2 f'' = 5e-5 f'') and far above the rounding differences between two correct central
  differences; 9.3 checks that ``w`` is unchanged (to 1e-12) and that the gradient is roughly
  right (1e-2, so a forward difference passes there) on 1-D w only (a loop that mishandles
  2-D arrays loses 9.2 and 9.4, not 9.3 as well); only 9.4 (hidden) has cross terms, where
  a w left perturbed after each entry shifts the later entries' differences.

Forbidden: the library versions of what is taught (spec). The sandbox's tripwires fire on
direct calls from student code, so ``scipy.stats.norm(mu, sigma).pdf(x)`` (a frozen
distribution, whose ``pdf`` scipy calls internally) is not caught; ``norm.pdf`` is.

Hidden checks re-test the same behaviours on other shapes, bases and seeds.

Which student functions each check calls: every check calls only the function it grades
(scenario ``call``, or the numerical_gradient scenarios with the grader's own scalar function);
what that function calls of the student's own code (bce_gradients calling their sigmoid, say)
is the student's design, not a chain of the grader's.
"""
from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from autograder.exercises.cross_entropy import compare_gradient_and_w
from autograder.engine.rubric import Call, Check, Diagnosis, Rubric, integers, randn, uniform
from autograder.exercises.cross_entropy import curved_function

# --- the lecture's distributions -------------------------------------------------------------

YUT = np.array([4, 6, 4, 1, 1], dtype=np.float64) / 16  # do, gae, geol, yut, mo
FAIR_DIE = np.full(6, 1 / 6)
LOADED_DIE = np.array([1, 1, 1, 3, 3, 3], dtype=np.float64) / 12  # 4, 5, 6 three times as likely
COIN = np.array([0.5, 0.5])

# --- argument access -------------------------------------------------------------------------

_SIGNATURES = {
    "self_information": (("p", "base"), {"base": 2}),
    "entropy": (("p", "base"), {"base": 2}),
    "cross_entropy": (("p", "q", "base"), {"base": 2}),
    "kl_divergence": (("p", "q", "base"), {"base": 2}),
    "sigmoid": (("z",), {}),
    "binary_cross_entropy": (("y", "o", "base", "eps"), {"base": math.e, "eps": 1e-7}),
    "mse_gradients": (("x", "y", "w", "b"), {}),
    "bce_gradients": (("x", "y", "w", "b"), {}),
    "numerical_gradient": (("description", "w", "params"), {"h": 1e-4}),
    "gaussian_pdf": (("x", "mu", "sigma"), {}),
    "log_likelihood": (("xs", "mu", "sigma"), {}),
}


def _arguments(function: str, call: Call) -> dict[str, Any]:
    """The call's arguments by name, defaults filled in."""
    names, defaults = _SIGNATURES[function]
    values = dict(defaults)
    values.update(zip(names, call.args))
    values.update(call.kwargs)
    return values


def _f64(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _log(x, base) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(_f64(x)) / math.log(base)


# --- information-measure mistakes ------------------------------------------------------------


def si_natural_log(ref, call):
    return -_log(_arguments("self_information", call)["p"], math.e)


def si_always_bits(ref, call):
    return -_log(_arguments("self_information", call)["p"], 2)


def si_sign(ref, call):
    a = _arguments("self_information", call)
    return _log(a["p"], a["base"])


def _info_with(function: str, **changes):
    """A mistake that calls the reference ``function`` with some arguments changed."""

    def mistaken(ref: ModuleType, call: Call) -> Any:
        a = {**_arguments(function, call), **changes}
        if function == "entropy":
            return ref.entropy(a["p"], base=a["base"])
        return getattr(ref, function)(a["p"], a["q"], base=a["base"])

    mistaken.__name__ = f"{function}_with_{'_'.join(changes)}"
    return mistaken


def _info_negated(function: str):
    def mistaken(ref: ModuleType, call: Call) -> Any:
        a = _arguments(function, call)
        args = (a["p"],) if function == "entropy" else (a["p"], a["q"])
        return -getattr(ref, function)(*args, base=a["base"])

    mistaken.__name__ = f"{function}_negated"
    return mistaken


def entropy_axis0(ref, call):
    a = _arguments("entropy", call)
    p = _f64(a["p"])
    return np.moveaxis(ref.entropy(np.moveaxis(p, 0, -1), base=a["base"]), -1, 0) if p.ndim > 1 \
        else ref.entropy(p, base=a["base"])


def entropy_all_axes(ref, call):
    """One number for the whole batch: the sum over every axis."""
    a = _arguments("entropy", call)
    return np.sum(ref.entropy(a["p"], base=a["base"]))


def cross_entropy_swapped(ref, call):
    a = _arguments("cross_entropy", call)
    return ref.cross_entropy(a["q"], a["p"], base=a["base"])


def cross_entropy_axis0(ref, call):
    a = _arguments("cross_entropy", call)
    p, q = _f64(a["p"]), _f64(a["q"])
    if p.ndim < 2:
        return ref.cross_entropy(p, q, base=a["base"])
    return ref.cross_entropy(np.moveaxis(p, 0, -1), np.moveaxis(q, 0, -1), base=a["base"])


def kl_reversed(ref, call):
    a = _arguments("kl_divergence", call)
    return ref.kl_divergence(a["q"], a["p"], base=a["base"])


def kl_is_cross_entropy(ref, call):
    a = _arguments("kl_divergence", call)
    return ref.cross_entropy(a["p"], a["q"], base=a["base"])


def kl_plus_entropy(ref, call):
    """H(P, Q) + H(P): the sign of the entropy term flipped."""
    a = _arguments("kl_divergence", call)
    return ref.cross_entropy(a["p"], a["q"], base=a["base"]) + ref.entropy(a["p"], base=a["base"])


# --- sigmoid and binary cross-entropy mistakes -----------------------------------------------


def sigmoid_of_minus_z(ref, call):
    return ref.sigmoid(-_f64(call.args[0]))


def _bce_with(**changes):
    def mistaken(ref: ModuleType, call: Call) -> Any:
        a = {**_arguments("binary_cross_entropy", call), **changes}
        return ref.binary_cross_entropy(a["y"], a["o"], base=a["base"], eps=a["eps"])

    mistaken.__name__ = f"bce_with_{'_'.join(changes)}"
    return mistaken


def bce_negated(ref, call):
    a = _arguments("binary_cross_entropy", call)
    return -ref.binary_cross_entropy(a["y"], a["o"], base=a["base"], eps=a["eps"])


def bce_only_positive_term(ref, call):
    """-y log o: the (1 - y) log(1 - o) term forgotten."""
    a = _arguments("binary_cross_entropy", call)
    o = np.clip(_f64(a["o"]), a["eps"], 1 - a["eps"])
    return -_f64(a["y"]) * _log(o, a["base"])


def bce_batch_mean(ref, call):
    a = _arguments("binary_cross_entropy", call)
    return np.mean(ref.binary_cross_entropy(a["y"], a["o"], base=a["base"], eps=a["eps"]))


# --- gradient mistakes -----------------------------------------------------------------------


def _neuron(call: Call):
    a = _arguments("mse_gradients", call)
    x, y, w, b = (_f64(a[k]) for k in "xywb")
    return x, y, w * x + b


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def grads_without_sigma_prime(ref, call):
    """(x (o - y), o - y): eq. 5.5, i.e. eq. 5.3 without sigma'(z)."""
    x, y, z = _neuron(call)
    delta = _sigmoid(z) - y
    return delta * x, delta


def grads_with_sigma_prime(ref, call):
    """eq. 5.3: what mse_gradients returns."""
    x, y, z = _neuron(call)
    delta = (_sigmoid(z) - y) * _sigmoid(z) * _sigmoid(-z)
    return delta * x, delta


def _negated_pair(mistake):
    def mistaken(ref, call):
        dw, db = mistake(ref, call)
        return -dw, -db

    mistaken.__name__ = f"{mistake.__name__}_negated"
    return mistaken


def _without_x(mistake):
    def mistaken(ref, call):
        _, db = mistake(ref, call)
        return db, db

    mistaken.__name__ = f"{mistake.__name__}_without_x"
    return mistaken


def _swapped_pair(mistake):
    def mistaken(ref, call):
        dw, db = mistake(ref, call)
        return db, dw

    mistaken.__name__ = f"{mistake.__name__}_swapped"
    return mistaken


# --- numerical gradient mistakes ---------------------------------------------------------------


def _difference_quotient(call: Call, kind: str) -> np.ndarray:
    """Other finite differences of the case's function (never modifying the case's w)."""
    a = _arguments("numerical_gradient", call)
    f, h = curved_function(a["params"]), float(a["h"])
    w = np.array(a["w"], dtype=np.float64, copy=True)
    grad = np.zeros_like(w)
    f0 = f(w)
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[index] = h
        if kind == "forward":
            grad[index] = (f(w + step) - f0) / h
        elif kind == "backward":
            grad[index] = (f0 - f(w - step)) / h
        elif kind == "half_forward":  # w_plus = w; w_plus[i] += h; w_minus = w; w_minus[i] -= h
            grad[index] = (f(w + step) - f0) / (2 * h)
        elif kind == "over_h":
            grad[index] = (f(w + step) - f(w - step)) / h
    if kind == "not_restored":  # w[i] = old + h; f; w[i] = old - h; f; and w[i] never restored
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            old = w[index]
            w[index] = old + h
            f_plus = f(w)
            w[index] = old - h
            grad[index] = (f_plus - f(w)) / (2 * h)
    if kind == "rows":  # a 1-D loop over the first axis: w[i] +- h moves a whole row
        for i in range(w.shape[0]):
            step = np.zeros_like(w)
            step[i] = h
            grad[i] = (f(w + step) - f(w - step)) / (2 * h)
    return grad


def numgrad_forward(ref, call):
    return _difference_quotient(call, "forward")


def numgrad_backward(ref, call):
    return _difference_quotient(call, "backward")


def numgrad_half_forward(ref, call):
    return _difference_quotient(call, "half_forward")


def numgrad_over_h(ref, call):
    return _difference_quotient(call, "over_h")


def numgrad_not_restored(ref, call):
    return _difference_quotient(call, "not_restored")


def numgrad_rows(ref, call):
    return _difference_quotient(call, "rows")


# compare_gradient_and_w (check 9.3) is public, in autograder/exercises/cross_entropy.py.


# --- Gaussian mistakes -----------------------------------------------------------------------


def _gaussian_args(call: Call, function: str = "gaussian_pdf"):
    a = _arguments(function, call)
    x = a["xs"] if function == "log_likelihood" else a["x"]
    return _f64(x), _f64(a["mu"]), _f64(a["sigma"])


def gauss_sigma_as_variance(ref, call):
    """sigma read as the variance: exp(-(x - mu)^2 / (2 sigma)) / sqrt(2 pi sigma)."""
    x, mu, sigma = _gaussian_args(call)
    return np.exp(-(x - mu) ** 2 / (2 * sigma)) / np.sqrt(2 * np.pi * sigma)


def gauss_unnormalised(ref, call):
    x, mu, sigma = _gaussian_args(call)
    return np.exp(-(x - mu) ** 2 / (2 * sigma ** 2))


def gauss_sigma_squared_in_front(ref, call):
    x, mu, sigma = _gaussian_args(call)
    return np.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / (sigma ** 2 * np.sqrt(2 * np.pi))


def gauss_sqrt_sigma_in_front(ref, call):
    """1 / sqrt(2 pi sigma) in front (the variance's formula with the standard deviation)."""
    x, mu, sigma = _gaussian_args(call)
    return np.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / np.sqrt(2 * np.pi * sigma)


def _log_densities(call: Call) -> np.ndarray:
    x, mu, sigma = _gaussian_args(call, "log_likelihood")
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)


def loglik_mean(ref, call):
    return float(np.mean(_log_densities(call)))


def loglik_log2(ref, call):
    return float(np.sum(_log_densities(call)) / math.log(2))


def loglik_likelihood(ref, call):
    """The likelihood itself, the product of the densities."""
    return float(np.prod(np.exp(_log_densities(call))))


def loglik_sum_of_densities(ref, call):
    return float(np.sum(np.exp(_log_densities(call))))


def loglik_sigma_as_variance(ref, call):
    x, mu, sigma = _gaussian_args(call, "log_likelihood")
    return float(np.sum(-(x - mu) ** 2 / (2 * sigma) - 0.5 * np.log(2 * np.pi * sigma)))


# --- diagnoses (hints shown when the output equals the mistake's) ----------------------------

D_SI_NATS = Diagnosis(
    "Your values are natural logarithms (nats) whatever the base: log_base(p) = ln(p) / ln(base); "
    "the default base=2 gives bits.", si_natural_log)
D_SI_BITS = Diagnosis(
    "Your values are in bits whatever the base: the base argument is ignored. "
    "log_base(p) = ln(p) / ln(base).", si_always_bits)
D_SI_SIGN = Diagnosis(
    "Your values have the wrong sign: self-information is -log p, which is >= 0 for p <= 1.", si_sign)


def _nats_hint(what: str) -> str:
    return (f"Your {what} is in nats (natural log) whatever the base: log_base x = ln x / ln(base), "
            "and the default base=2 gives bits.")


def _bits_hint(what: str) -> str:
    return (f"Your {what} is in bits whatever the base: the base argument seems to be ignored. "
            "Divide the natural log by ln(base).")


def _sign_hint(what: str, formula: str) -> str:
    return f"Your {what} has the wrong sign: {formula}."


D_H_NATS = Diagnosis(_nats_hint("entropy"), _info_with("entropy", base=math.e))
D_H_BITS = Diagnosis(_bits_hint("entropy"), _info_with("entropy", base=2))
D_H_SIGN = Diagnosis(_sign_hint("entropy", "H(P) = -sum p log p, which is >= 0"), _info_negated("entropy"))
D_H_ALL_AXES = Diagnosis(
    "Your result is one number for the whole batch: sum over the last axis only (axis=-1), one "
    "entropy per distribution.", entropy_all_axes)
D_H_AXIS0 = Diagnosis(
    "Your entropies are summed over the first axis: each distribution is a row along the LAST "
    "axis, sum with axis=-1.", entropy_axis0)

D_CE_NATS = Diagnosis(_nats_hint("cross-entropy"), _info_with("cross_entropy", base=math.e))
D_CE_BITS = Diagnosis(_bits_hint("cross-entropy"), _info_with("cross_entropy", base=2))
D_CE_SIGN = Diagnosis(_sign_hint("cross-entropy", "H(P, Q) = -sum p log q, which is >= 0"),
                      _info_negated("cross_entropy"))
D_CE_SWAPPED = Diagnosis(
    "Your result equals -sum q log p: the arguments are swapped. H(P, Q) = -sum p log q, with p the "
    "true distribution (weights) and q the model (inside the log).", cross_entropy_swapped)
D_CE_AXIS0 = Diagnosis(
    "Your cross-entropies are summed over the first axis: sum over the LAST axis (axis=-1).",
    cross_entropy_axis0)

D_KL_REVERSED = Diagnosis(
    "Your result equals D_KL(Q || P): the KL divergence is not symmetric. "
    "D_KL(P || Q) = sum p log(p / q), weighted by p, the first argument.", kl_reversed)
D_KL_NATS = Diagnosis(_nats_hint("KL divergence"), _info_with("kl_divergence", base=math.e))
D_KL_BITS = Diagnosis(_bits_hint("KL divergence"), _info_with("kl_divergence", base=2))
D_KL_SIGN = Diagnosis(_sign_hint("KL divergence", "D_KL(P || Q) = sum p log(p / q) >= 0"),
                      _info_negated("kl_divergence"))
D_KL_IS_CE = Diagnosis(
    "Your result is the cross-entropy H(P, Q): the KL divergence is H(P, Q) - H(P) "
    "(eq. 2.49), i.e. sum p log(p / q).", kl_is_cross_entropy)
D_KL_PLUS_H = Diagnosis(
    "Your result equals H(P, Q) + H(P): D_KL(P || Q) = H(P, Q) - H(P) (eq. 2.49).", kl_plus_entropy)

D_SIGMOID_MINUS = Diagnosis(
    "Your values equal sigmoid(-z): sigmoid(z) = 1 / (1 + exp(-z)), which is > 0.5 for z > 0.",
    sigmoid_of_minus_z)

D_BCE_NATS = Diagnosis(_nats_hint("binary cross-entropy"), _bce_with(base=math.e))
D_BCE_BITS_DEFAULT = Diagnosis(
    "Your values are in bits: binary_cross_entropy defaults to base=math.e (nats), like Keras' losses.",
    _bce_with(base=2))
D_BCE_SIGN = Diagnosis(_sign_hint("binary cross-entropy", "-(y log o + (1 - y) log(1 - o)) >= 0"),
                       bce_negated)
D_BCE_ONE_TERM = Diagnosis(
    "Your loss equals -y log o: the (1 - y) log(1 - o) term for the label 0 is missing.",
    bce_only_positive_term)
D_BCE_BATCH_MEAN = Diagnosis(
    "Your result is the mean over the batch: binary_cross_entropy is elementwise, one loss per "
    "element of y and o.", bce_batch_mean)
D_BCE_EPS_IGNORED = Diagnosis(
    "Your result equals clipping with eps=1e-7 whatever eps is given: clip o to [eps, 1 - eps] "
    "with the eps argument.", _bce_with(eps=1e-7))

D_MSE_NO_SIGMA_PRIME = Diagnosis(
    "Your gradients equal (x (o - y), o - y): the factor sigma'(z) = sigma(z)(1 - sigma(z)) from "
    "the chain rule is missing. That is the cross-entropy's gradient (eq. 5.5); the squared "
    "error's (eq. 5.3) keeps sigma'(z).", grads_without_sigma_prime)
D_MSE_SIGN = Diagnosis(
    "Your gradients have the wrong sign: d/do of 1/2 (y - o)^2 is (o - y), so de/db = (o - y) sigma'(z).",
    _negated_pair(grads_with_sigma_prime))
D_MSE_NO_X = Diagnosis(
    "Your de/dw equals de/db: dz/dw = x, so de/dw = de/db * x.", _without_x(grads_with_sigma_prime))
D_MSE_SWAPPED = Diagnosis(
    "Your two gradients are swapped: return (de/dw, de/db) in this order.",
    _swapped_pair(grads_with_sigma_prime))

D_BCE_GRAD_SIGMA_PRIME = Diagnosis(
    "Your gradients contain the factor sigma'(z) = o (1 - o): for the cross-entropy it cancels "
    "(d/do of the loss is (o - y) / (o (1 - o))), leaving de/dw = x (o - y) and de/db = o - y (eq. 5.5).",
    grads_with_sigma_prime)
D_BCE_GRAD_SIGN = Diagnosis(
    "Your gradients have the wrong sign: de/db = o - y (prediction minus target), positive when "
    "the prediction is too high.", _negated_pair(grads_without_sigma_prime))
D_BCE_GRAD_NO_X = Diagnosis(
    "Your de/dw equals de/db: dz/dw = x, so de/dw = x (o - y).", _without_x(grads_without_sigma_prime))
D_BCE_GRAD_SWAPPED = Diagnosis(
    "Your two gradients are swapped: return (de/dw, de/db) in this order.",
    _swapped_pair(grads_without_sigma_prime))

D_NG_FORWARD = Diagnosis(
    "Your gradient equals the forward difference (f(w + h e_i) - f(w)) / h, whose error is about "
    "h/2 * f'' (proportional to h). Use central differences (f(w + h e_i) - f(w - h e_i)) / (2h): "
    "error about h^2/6 * f'''.", numgrad_forward)
D_NG_BACKWARD = Diagnosis(
    "Your gradient equals the backward difference (f(w) - f(w - h e_i)) / h (error proportional "
    "to h). Use central differences (f(w + h e_i) - f(w - h e_i)) / (2h).", numgrad_backward)
D_NG_HALF = Diagnosis(
    "Your gradient equals (f(w + h e_i) - f(w)) / (2h): the '-h' evaluation happened at w itself. "
    "Typically w_plus = w and w_minus = w are the same array (not copies), so the +h and the -h "
    "cancel. Use w.copy() or restore the entry between the two evaluations.", numgrad_half_forward)
D_NG_OVER_H = Diagnosis(
    "Your gradient is twice too large: the two evaluations are 2h apart, so divide by 2h.",
    numgrad_over_h)
D_NG_ROWS = Diagnosis(
    "Your gradient equals perturbing whole rows w[i] (a loop over range(len(w))): for a 2-D w, "
    "perturb one entry at a time, e.g. for index in np.ndindex(w.shape).", numgrad_rows)
D_NG_NOT_RESTORED = Diagnosis(
    "Your gradient equals perturbing w in place without restoring it: after w[i] = old - h the "
    "entry stays moved, so every later entry's differences are taken at a shifted point (which "
    "matters when f has cross terms). Restore w[i] = old after the two evaluations, or use a copy.",
    numgrad_not_restored)
_NG_DIAGNOSES = (D_NG_FORWARD, D_NG_BACKWARD, D_NG_HALF, D_NG_OVER_H)

D_G_VARIANCE = Diagnosis(
    "Your density treats sigma as the variance: sigma is the standard deviation, so the exponent "
    "is -(x - mu)^2 / (2 sigma^2) and the factor 1 / (sigma sqrt(2 pi)).", gauss_sigma_as_variance)
D_G_UNNORMALISED = Diagnosis(
    "Your density lacks the normalising factor 1 / (sigma sqrt(2 pi)).", gauss_unnormalised)
D_G_SIGMA2_FRONT = Diagnosis(
    "Your normalising factor is 1 / (sigma^2 sqrt(2 pi)): it is 1 / (sigma sqrt(2 pi)).",
    gauss_sigma_squared_in_front)
D_G_SQRT_SIGMA_FRONT = Diagnosis(
    "Your normalising factor is 1 / sqrt(2 pi sigma): it is 1 / (sigma sqrt(2 pi)) = "
    "1 / sqrt(2 pi sigma^2).", gauss_sqrt_sigma_in_front)
_GAUSS_DIAGNOSES = (D_G_VARIANCE, D_G_UNNORMALISED, D_G_SIGMA2_FRONT, D_G_SQRT_SIGMA_FRONT)

D_LL_MEAN = Diagnosis(
    "Your result is the mean of the log-densities: the log-likelihood is their sum.", loglik_mean)
D_LL_LOG2 = Diagnosis(
    "Your result is in bits (log2): the log-likelihood uses the natural logarithm.", loglik_log2)
D_LL_PRODUCT = Diagnosis(
    "Your result is the likelihood (the product of the densities), not its logarithm.",
    loglik_likelihood)
D_LL_SUM_PDF = Diagnosis(
    "Your result is the sum of the densities: sum their natural logarithms.", loglik_sum_of_densities)
D_LL_VARIANCE = Diagnosis(
    "Your log-densities treat sigma as the variance: sigma is the standard deviation.",
    loglik_sigma_as_variance)
_LL_DIAGNOSES = (D_LL_MEAN, D_LL_LOG2, D_LL_PRODUCT, D_LL_SUM_PDF, D_LL_VARIANCE)

# --- case generators -----------------------------------------------------------------------


def distributions(rng, *shape: int, alpha: float = 1.5, floor: float = 0.02) -> np.ndarray:
    """Random probability distributions along the last axis, all entries >= about floor / K."""
    g = rng.gamma(alpha, size=shape) + floor
    return g / g.sum(axis=-1, keepdims=True)


def distributions_with_zeros(rng, *shape: int) -> np.ndarray:
    """Distributions along the last axis where some (never all) outcomes have p = 0 exactly."""
    p = distributions(rng, *shape)
    zero = rng.random(shape) < 0.4
    flat = zero.reshape(-1, shape[-1])
    flat[np.arange(len(flat)), rng.integers(0, shape[-1], len(flat))] = False  # one outcome stays
    p = np.where(flat.reshape(shape), 0.0, p)
    return p / p.sum(axis=-1, keepdims=True)


def one_hot_rows(rng, n: int, k: int) -> np.ndarray:
    return np.eye(k)[rng.integers(0, k, n)]


def _k(rng) -> int:
    return integers(rng, 2, 7)


# self_information

def cases_self_information(rng):
    p = uniform(rng, 0.01, 1.0, 6)
    p[0], p[1] = 1.0, 0.5
    return [Call((p,)), Call((0.25,)), Call((uniform(rng, 0.001, 1.0, 3, 4),)),
            Call((uniform(rng, 0.01, 1.0, 5),), {"base": math.e}),
            Call((uniform(rng, 0.01, 1.0, 4),), {"base": 10}),
            Call((uniform(rng, 0.01, 1.0, 2, 3),), {"base": 2})]


# entropy

def cases_entropy_lecture(rng):
    return [Call((YUT,)), Call((FAIR_DIE,)), Call((COIN,), {"base": math.e}),
            Call((FAIR_DIE,), {"base": math.e}), Call((YUT,), {"base": 2})]


def cases_entropy_batch(rng):
    n, k = integers(rng, 2, 5), _k(rng)
    if n == k:
        n += 1
    square = integers(rng, 3, 5)
    return [Call((distributions(rng, n, k),)), Call((distributions(rng, _k(rng)),)),
            Call((distributions(rng, square, square),)),
            Call((distributions(rng, 2, integers(rng, 2, 3), _k(rng)),)),
            Call((distributions(rng, integers(rng, 3, 6), _k(rng)),), {"base": 2})]


def cases_entropy_zeros(rng):
    k = _k(rng)
    return [Call((np.array([0.5, 0.5, 0.0]),)), Call((np.array([0.0, 1.0, 0.0, 0.0]),)),
            Call((np.array([0.0, 0.25, 0.25, 0.5]),)),
            Call((distributions_with_zeros(rng, integers(rng, 3, 5), k),)),
            Call((one_hot_rows(rng, 3, k),)),
            Call((distributions_with_zeros(rng, 4, _k(rng) + 1),), {"base": math.e})]


def cases_entropy_hidden(rng):
    return [Call((distributions(rng, integers(rng, 2, 6), _k(rng)),), {"base": 3}),
            Call((distributions(rng, integers(rng, 2, 6), _k(rng)),), {"base": 10}),
            Call((distributions(rng, 2, 3, _k(rng)),), {"base": math.e}),
            Call((distributions(rng, integers(rng, 8, 12)),)),
            Call((np.array([1.0]),)),
            Call((distributions(rng, 3, 2, 2, _k(rng)),))]


# cross_entropy

def cases_cross_entropy_lecture(rng):
    return [Call((FAIR_DIE, LOADED_DIE)), Call((FAIR_DIE, LOADED_DIE), {"base": 2}),
            Call((FAIR_DIE, FAIR_DIE)), Call((LOADED_DIE, LOADED_DIE))]


def cases_cross_entropy_batch(rng):
    n, k = integers(rng, 2, 5), _k(rng)
    if n == k:
        n += 1
    square = integers(rng, 3, 5)
    calls = [Call((distributions(rng, n, k), distributions(rng, n, k))),
             Call((one_hot_rows(rng, n, k), distributions(rng, n, k))),
             Call((distributions(rng, square, square), distributions(rng, square, square)))]
    for base in (math.e, 10):
        n, k = integers(rng, 2, 5), _k(rng)
        calls.append(Call((distributions(rng, n, k), distributions(rng, n, k)), {"base": base}))
    k = _k(rng)
    calls.append(Call((distributions(rng, k), distributions(rng, k))))
    return calls


# kl_divergence

def cases_kl_lecture(rng):
    return [Call((FAIR_DIE, LOADED_DIE)), Call((FAIR_DIE, LOADED_DIE), {"base": 2}),
            Call((FAIR_DIE, FAIR_DIE)), Call((LOADED_DIE, LOADED_DIE))]


def cases_kl_batch(rng):
    n, k = integers(rng, 2, 5), _k(rng)
    if n == k:
        n += 1
    calls = [Call((distributions(rng, n, k), distributions(rng, n, k)))]
    for base in (math.e, 10, 2):
        n, k = integers(rng, 2, 5), _k(rng)
        calls.append(Call((distributions(rng, n, k), distributions(rng, n, k)), {"base": base}))
    k = _k(rng)
    calls.append(Call((distributions(rng, k), distributions(rng, k))))
    calls.append(Call((distributions(rng, 2, 2, k), distributions(rng, 2, 2, k))))
    return calls


def cases_kl_zeros(rng):
    k = _k(rng)
    n = integers(rng, 3, 5)
    return [Call((np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5]))),
            Call((distributions_with_zeros(rng, n, k), distributions(rng, n, k))),
            Call((one_hot_rows(rng, n, k), distributions(rng, n, k))),
            Call((distributions_with_zeros(rng, 4, k + 1), distributions(rng, 4, k + 1)),
                 {"base": math.e})]


# sigmoid

def cases_sigmoid_moderate(rng):
    return [Call((0.0,)), Call((randn(rng, 6, scale=3.0),)), Call((randn(rng, 3, 4, scale=3.0),)),
            Call((randn(rng, 2, 3, 2, scale=2.0),)), Call((float(randn(rng, 1)[0] * 4),)),
            Call((np.linspace(-8.0, 8.0, 9),))]


def cases_sigmoid_large(rng):
    return [Call((np.array([1000.0, -1000.0]),)), Call((-1000.0,)), Call((1000.0,)),
            Call((np.linspace(-1000.0, 1000.0, 9),)),
            Call((np.array([-745.0, -709.8, -100.0, 100.0, 709.8, 745.0]),)),
            Call((randn(rng, 4, 5, scale=500.0),))]


def cases_sigmoid_hidden(rng):
    return [Call((np.array([-100.0, -90.0, 0.0, 90.0, 100.0], dtype=np.float32),)),
            Call((randn(rng, 3, 4, scale=200.0).astype(np.float32),)),
            Call((np.array([-1e4, -5000.0, 5000.0, 1e4]),)),
            Call((randn(rng, 2, 3, 4, scale=800.0),))]


# binary_cross_entropy

def cases_bce_lecture(rng):
    return [Call((1, 0.98), {"base": 2}), Call((1.0, 0.0001), {"base": 2}),
            Call((np.array([1.0, 1.0]), np.array([0.98, 0.0001])), {"base": 2}),
            Call((0.0, 0.02), {"base": 2})]


def _labels(rng, *shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


def cases_bce_random(rng):
    n = integers(rng, 4, 8)
    calls = [Call((_labels(rng, n), uniform(rng, 0.01, 0.99, n)))]
    n, k = integers(rng, 2, 4), integers(rng, 2, 5)
    calls.append(Call((_labels(rng, n, k), uniform(rng, 0.01, 0.99, n, k))))
    n = integers(rng, 3, 6)
    calls.append(Call((uniform(rng, 0.0, 1.0, n), uniform(rng, 0.01, 0.99, n))))  # soft labels
    calls.append(Call((0.0, float(uniform(rng, 0.05, 0.95, 1)[0]))))
    n = integers(rng, 3, 6)
    calls.append(Call((_labels(rng, n), uniform(rng, 0.001, 0.999, n)), {"base": math.e}))
    return calls


def cases_bce_clipping(rng):
    y = np.array([1.0, 0.0, 1.0, 0.0])
    o = np.array([0.0, 1.0, 1.0, 0.0])
    n, k = integers(rng, 2, 4), integers(rng, 3, 5)
    big_o = np.where(rng.random((n, k)) < 0.5, rng.integers(0, 2, (n, k)).astype(np.float64),
                     uniform(rng, 0.05, 0.95, n, k))
    return [Call((y, o)), Call((y, o), {"eps": 1e-3}), Call((y, o), {"base": 2, "eps": 1e-5}),
            Call((1.0, 0.0)), Call((_labels(rng, n, k), big_o)),
            Call((uniform(rng, 0.0, 1.0, 5), np.array([0.0, 1.0, 0.5, 0.0, 1.0])), {"eps": 1e-4})]


def cases_bce_hidden(rng):
    n, k = integers(rng, 2, 4), integers(rng, 2, 5)
    return [Call((uniform(rng, 0.0, 1.0, n, k), uniform(rng, 1e-4, 1 - 1e-4, n, k)), {"base": 2}),
            Call((_labels(rng, 6), uniform(rng, 0.01, 0.99, 6)), {"base": 10}),
            Call((uniform(rng, 0.0, 1.0, 2, 3, 2), uniform(rng, 0.01, 0.99, 2, 3, 2))),
            Call((1.0, float(uniform(rng, 0.2, 0.9, 1)[0])), {"base": 2})]


# mse_gradients / bce_gradients

def _neuron_arrays(rng, *shape):
    """Random neurons with moderate z = w x + b; scalars when no shape is given."""
    x, w, b = randn(rng, *shape, scale=1.5), randn(rng, *shape, scale=1.2), randn(rng, *shape)
    y = _labels(rng, *shape)
    if not shape:
        return Call((float(x), float(y), float(w), float(b)))
    return Call((x, y, w, b))


def cases_gradients(rng):
    calls = [Call((1.0, 0.0, 2.0, 2.0)), Call((1.0, 0.0, 0.6, 0.9)),  # Nielsen's two neurons
             _neuron_arrays(rng), _neuron_arrays(rng, integers(rng, 4, 8)),
             _neuron_arrays(rng, integers(rng, 2, 4), integers(rng, 2, 4))]
    n = integers(rng, 3, 6)  # one neuron, several samples: scalar w and b
    calls.append(Call((randn(rng, n), uniform(rng, 0, 1, n), float(randn(rng, 1)[0]), float(randn(rng, 1)[0]))))
    return calls


def cases_gradients_saturated(rng):
    calls = []
    for shape in ((6,), (3, 4), ()):
        x = uniform(rng, 1.0, 3.0, *shape) * rng.choice([-1.0, 1.0], size=shape)
        w = uniform(rng, 3.0, 12.0, *shape)
        b = randn(rng, *shape)
        z = w * x + b
        y = (z < 0).astype(np.float64)  # the wrong answer: the neuron is saturated and wrong
        if shape:
            calls.append(Call((x, y, w, b)))
        else:
            calls.append(Call((float(x), float(y), float(w), float(b))))
    x = randn(rng, 5)
    calls.append(Call((x, _labels(rng, 5), np.full(5, 300.0), randn(rng, 5))))
    return calls


# numerical_gradient

SEPARABLE = "f(w) = sum(a * w**3) + sum(b * exp(c * w))"
CROSS_TERMS = "f(w) = sum(a * w**3) + sum(b * exp(c * w)) + 1/2 x^T A x + d (u . x)**3, x = w.ravel()"


def _numgrad_call(rng, shape, *, cross=False, h=None) -> Call:
    a = uniform(rng, 0.5, 2.0, *shape) * rng.choice([-1.0, 1.0], size=shape)
    b = uniform(rng, 0.3, 1.0, *shape)
    c = uniform(rng, 1.0, 2.5, *shape) * rng.choice([-1.0, 1.0], size=shape)
    params = [("a", a), ("b", b), ("c", c)]
    if cross:
        n = int(np.prod(shape))
        m = randn(rng, n, n, scale=2.0)
        params += [("A", m + m.T), ("u", randn(rng, n, scale=1.5)),
                   ("d", float(uniform(rng, 0.5, 1.0, 1)[0]))]
    w = uniform(rng, -1.5, 1.5, *shape)
    kwargs = {} if h is None else {"h": h}
    return Call((CROSS_TERMS if cross else SEPARABLE, w, tuple(params)), kwargs)


def cases_numgrad_1d(rng):
    return [_numgrad_call(rng, (1,)), _numgrad_call(rng, (3,)), _numgrad_call(rng, (5,), h=1e-4),
            _numgrad_call(rng, (8,)), _numgrad_call(rng, (integers(rng, 2, 6),), h=1e-5)]


def cases_numgrad_2d(rng):
    return [_numgrad_call(rng, (2, 3)), _numgrad_call(rng, (3, 2)), _numgrad_call(rng, (1, 4)),
            _numgrad_call(rng, (4, 1), h=1e-4), _numgrad_call(rng, (3, 3))]


def cases_numgrad_unchanged(rng):
    # 1-D only: a loop that mishandles 2-D arrays loses 9.2, not this check as well.
    return [_numgrad_call(rng, (4,)), _numgrad_call(rng, (integers(rng, 2, 6),)),
            _numgrad_call(rng, (1,), h=1e-4), _numgrad_call(rng, (6,))]


def cases_numgrad_hidden(rng):
    return [_numgrad_call(rng, (4,), cross=True), _numgrad_call(rng, (2, 3), cross=True),
            _numgrad_call(rng, (2, 2, 2), cross=True), _numgrad_call(rng, (6,), cross=True, h=1e-4),
            _numgrad_call(rng, (3, 1), cross=True), _numgrad_call(rng, (2, 1, 3))]


# gaussian_pdf / log_likelihood

def cases_gaussian_lecture(rng):
    return [Call((5.0, 4.0, 0.5)), Call((5.0, 5.0, 0.5)),
            Call((np.array([5.0, 5.0]), np.array([4.0, 5.0]), 0.5)),
            Call((np.array([3.0, 4.0, 4.5, 5.0, 6.0]), 4.0, 0.5))]


def cases_gaussian_random(rng):
    n = integers(rng, 4, 8)
    mu, sigma = float(randn(rng, 1)[0] * 3), float(uniform(rng, 0.3, 3.0, 1)[0])
    calls = [Call((mu + randn(rng, n, scale=2 * sigma), mu, sigma))]
    n = integers(rng, 3, 6)
    calls.append(Call((randn(rng, n, scale=2.0), randn(rng, n), uniform(rng, 0.5, 2.0, n))))
    n, m = integers(rng, 2, 4), integers(rng, 2, 4)
    calls.append(Call((randn(rng, n, 1, scale=2.0), randn(rng, m), uniform(rng, 0.5, 2.0, m))))
    calls.append(Call((float(randn(rng, 1)[0]), 0.0, 1.0)))
    calls.append(Call((randn(rng, 3, 4, scale=4.0), 1.0, 2.5)))
    return calls


def _samples(rng, n, mu, sigma):
    return mu + randn(rng, n, scale=sigma)


def cases_log_likelihood(rng):
    cats = _samples(rng, 10, 4.6, 0.5)
    calls = [Call((cats, 4.0, 0.5)), Call((cats, 5.0, 0.5)), Call((np.array([5.0]), 4.0, 0.5))]
    for _ in range(2):
        mu, sigma = float(randn(rng, 1)[0] * 3), float(uniform(rng, 0.3, 3.0, 1)[0])
        n = integers(rng, 2, 30)
        calls.append(Call((_samples(rng, n, mu + float(randn(rng, 1)[0]), sigma), mu, sigma)))
    return calls


def cases_log_likelihood_tails(rng):
    """One sample each, 40 to 100 standard deviations out: its density underflows to 0 in
    float64 (exp(-800) is 0), so only a log-density computed directly stays finite. One
    sample, so that a mean instead of the sum is not graded here again (11.1, 11.2 do)."""
    calls = []
    for mu, sigma, far in ((4.0, 0.5, 40.0), (-1.0, 2.0, -45.0), (0.0, 1.0, 100.0), (2.5, 0.1, -60.0)):
        calls.append(Call((np.array([mu + sigma * far]), mu, sigma)))
    return calls


def cases_log_likelihood_hidden(rng):
    calls = [Call((_samples(rng, 2000, 1.0, 3.0), 1.0, 3.0)),
             Call((_samples(rng, 300, -2.0, 0.2), -2.0, 0.25))]
    for _ in range(2):
        mu, sigma = float(randn(rng, 1)[0] * 5), float(uniform(rng, 0.1, 5.0, 1)[0])
        calls.append(Call((_samples(rng, integers(rng, 40, 120), mu, sigma * 1.3), mu, sigma)))
    return calls


# --- the rubric --------------------------------------------------------------------------

_H_HINT = ("H(P) = -sum p log_base p over the last axis (axis=-1), with log_base p = ln p / ln(base); "
           "base=2 (bits) by default.")
_ZERO_HINT = ("Outcomes with p = 0 contribute 0 (the limit of p log p): don't compute log(0) at all. "
              "Take the log of np.where(p > 0, p, 1) and zero those terms; np.nansum still computes "
              "log(0) and 0 * inf, which NumPy warns about.")
_CE_HINT = "H(P, Q) = -sum p log_base q over the last axis; p is the true distribution, q the model."
_KL_HINT = ("D_KL(P || Q) = sum p log_base(p / q) over the last axis = H(P, Q) - H(P) (eq. 2.49); "
            "it is not symmetric.")
_SIGMOID_LARGE_HINT = (
    "np.exp(-z) overflows for z < -709: compute e = np.exp(-np.abs(z)) (always <= 1) and return "
    "1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0. np.where(cond, A, B) evaluates both A and "
    "B on the whole array, so 1 / (1 + np.exp(-z)) inside np.where still overflows.")
_BCE_HINT = "-(y log o + (1 - y) log(1 - o)) / ln(base), elementwise (no mean), natural log by default."
_BCE_CLIP_HINT = ("Clip o to [eps, 1 - eps] (np.clip(o, eps, 1 - eps)) before the logarithms, with the "
                  "eps argument: log(0) is -inf, and 0 * log(0) is NaN.")
_MSE_HINT = ("e = 1/2 (y - o)^2 with o = sigmoid(z), z = w x + b: de/db = (o - y) sigma'(z) with "
             "sigma'(z) = o (1 - o), and de/dw = de/db * x (eq. 5.3).")
_BCE_GRAD_HINT = "For the cross-entropy sigma'(z) cancels: de/dw = x (o - y), de/db = o - y (eq. 5.5)."
_NG_HINT = ("Central differences, one entry at a time: grad[i] = (f(w + h e_i) - f(w - h e_i)) / (2h), "
            "where e_i is 1 at index i (np.ndindex(w.shape) visits every index of any shape).")
_NG_W_HINT = ("Don't change the caller's w: perturb a copy (w.copy()), or restore each entry after "
              "its two evaluations (old = w[i]; ...; w[i] = old). v = w is not a copy.")
_GAUSS_HINT = "N(x; mu, sigma) = exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)), sigma the standard deviation."
_LL_HINT = ("log L = sum_i ln N(x_i; mu, sigma) = sum_i [-(x_i - mu)^2 / (2 sigma^2) - ln sigma - "
            "ln sqrt(2 pi)], a float (natural log, sum, not mean).")

RUBRIC = Rubric(
    assignment="cross_entropy",
    forbidden_hint="write it with elementary math from NumPy, math or keras.ops (exp, log, sum, ...)",
    checks=(
        # 1. self_information
        Check("1.1", "self_information: -log p in bits by default and in other bases", "self_information",
              0.5, cases_self_information, seed=1101,
              hint="I(p) = -log_base p = -ln p / ln(base), elementwise; base=2 gives bits.",
              diagnoses=(D_SI_NATS, D_SI_BITS, D_SI_SIGN)),
        # 2. entropy
        Check("2.1", "entropy: lecture examples (yut 2.0306 bits, die 2.585 bits, coin 0.693 nats, "
              "die 1.79 nats)", "entropy", 0.5, cases_entropy_lecture, seed=2101,
              hint="Yut P = (4, 6, 4, 1, 1) / 16 gives 2.0306 bits, a fair die log2 6 = 2.585 bits = "
                   "ln 6 = 1.79 nats, a coin ln 2 = 0.693 nats. " + _H_HINT,
              diagnoses=(D_H_NATS, D_H_BITS, D_H_SIGN)),
        Check("2.2", "entropy: batches of distributions along the last axis", "entropy", 0.5,
              cases_entropy_batch, seed=2201, hint=_H_HINT,
              diagnoses=(D_H_ALL_AXES, D_H_AXIS0, D_H_NATS, D_H_SIGN)),
        Check("2.3", "entropy: outcomes with p = 0 contribute 0 (no NaN)", "entropy", 0.5,
              cases_entropy_zeros, seed=2301, hint=_ZERO_HINT,
              diagnoses=(D_H_ALL_AXES, D_H_NATS, D_H_SIGN)),
        Check("2.4", "entropy: other bases (3, 10, e) and shapes", "entropy", 0.5,
              cases_entropy_hidden, seed=2401, hidden=True, hint=_H_HINT,
              diagnoses=(D_H_BITS, D_H_NATS, D_H_ALL_AXES, D_H_AXIS0, D_H_SIGN)),
        # 3. cross_entropy
        Check("3.1", "cross_entropy: fair die P vs loaded die Q, H(P, Q) = 2.7925 bits", "cross_entropy",
              0.5, cases_cross_entropy_lecture, seed=3101,
              hint="With Q = (1, 1, 1, 3, 3, 3) / 12: H(P, Q) = 1/2 log2 12 + 1/2 log2 4 = 2.7925 bits; "
                   "H(P, P) = H(P) = 2.585 bits. " + _CE_HINT,
              diagnoses=(D_CE_SWAPPED, D_CE_NATS, D_CE_SIGN)),
        Check("3.2", "cross_entropy: batches along the last axis, one-hot targets, other bases",
              "cross_entropy", 0.5, cases_cross_entropy_batch, seed=3201, hint=_CE_HINT,
              diagnoses=(D_CE_SWAPPED, D_CE_AXIS0, D_CE_NATS, D_CE_BITS, D_CE_SIGN)),
        # 4. kl_divergence
        Check("4.1", "kl_divergence: fair die P vs loaded die Q, D_KL(P || Q) = 0.2075 bits; "
              "D_KL(P || P) = 0", "kl_divergence", 0.5, cases_kl_lecture, seed=4101,
              hint="D_KL(P || Q) = H(P, Q) - H(P) = 2.7925 - 2.585 = 0.2075 bits. " + _KL_HINT,
              diagnoses=(D_KL_REVERSED, D_KL_IS_CE, D_KL_PLUS_H, D_KL_NATS, D_KL_SIGN)),
        Check("4.2", "kl_divergence: batches along the last axis and other bases", "kl_divergence", 0.5,
              cases_kl_batch, seed=4201, hint=_KL_HINT,
              diagnoses=(D_KL_REVERSED, D_KL_IS_CE, D_KL_PLUS_H, D_KL_NATS, D_KL_BITS, D_KL_SIGN)),
        Check("4.3", "kl_divergence: outcomes with p = 0 contribute 0 (no NaN)",
              "kl_divergence", 0.5, cases_kl_zeros, seed=4301, hidden=True,
              hint=_ZERO_HINT.replace("p log p", "p log(p / q)"),
              diagnoses=(D_KL_REVERSED, D_KL_IS_CE, D_KL_SIGN)),
        # 5. sigmoid
        Check("5.1", "sigmoid: values for moderate z, scalars and arrays of any shape", "sigmoid", 0.5,
              cases_sigmoid_moderate, seed=5101, hint="sigmoid(z) = 1 / (1 + exp(-z)), elementwise.",
              diagnoses=(D_SIGMOID_MINUS,)),
        Check("5.2", "sigmoid: z = +-1000 and other large |z| without overflow warnings", "sigmoid", 0.5,
              cases_sigmoid_large, seed=5201, hint=_SIGMOID_LARGE_HINT, fail_on_warning=True,
              diagnoses=(D_SIGMOID_MINUS,)),
        Check("5.3", "sigmoid: float32 inputs and extreme z (up to 1e4) without overflow warnings",
              "sigmoid", 0.5, cases_sigmoid_hidden, seed=5301, hidden=True, fail_on_warning=True,
              hint=_SIGMOID_LARGE_HINT + " In float32, exp already overflows for z > 88.",
              diagnoses=(D_SIGMOID_MINUS,)),
        # 6. binary_cross_entropy
        Check("6.1", "binary_cross_entropy: lecture examples in bits (y = 1: o = 0.98 -> 0.0291, "
              "o = 0.0001 -> 13.2877)", "binary_cross_entropy", 0.5, cases_bce_lecture, seed=6101,
              hint="With base=2: -log2 0.98 = 0.0291 bits, -log2 0.0001 = 13.2877 bits. " + _BCE_HINT,
              diagnoses=(D_BCE_NATS, D_BCE_ONE_TERM, D_BCE_SIGN, D_BCE_BATCH_MEAN)),
        Check("6.2", "binary_cross_entropy: elementwise on arrays, soft labels, natural log by default",
              "binary_cross_entropy", 0.5, cases_bce_random, seed=6201, hint=_BCE_HINT,
              diagnoses=(D_BCE_BITS_DEFAULT, D_BCE_ONE_TERM, D_BCE_SIGN, D_BCE_BATCH_MEAN)),
        Check("6.3", "binary_cross_entropy: o = 0 and o = 1 exactly are clipped to [eps, 1 - eps] "
              "(finite, no warning)", "binary_cross_entropy", 0.5, cases_bce_clipping, seed=6301,
              hint=_BCE_CLIP_HINT, fail_on_warning=True,
              # 2e-2: clipping in float32 rounds 1 - 1e-7 to 1 - 1.19e-7 (Keras does the same: 1.1%);
              # a missing or wrong eps is off by far more, or infinite.
              rtol=2e-2,
              diagnoses=(D_BCE_EPS_IGNORED, D_BCE_BITS_DEFAULT, D_BCE_ONE_TERM, D_BCE_SIGN)),
        Check("6.4", "binary_cross_entropy: soft labels, bases 2 and 10, other shapes",
              "binary_cross_entropy", 0.5, cases_bce_hidden, seed=6401, hidden=True, hint=_BCE_HINT,
              diagnoses=(D_BCE_NATS, D_BCE_BITS_DEFAULT, D_BCE_ONE_TERM, D_BCE_SIGN, D_BCE_BATCH_MEAN)),
        # 7. mse_gradients
        Check("7.1", "mse_gradients: (de/dw, de/db) of 1/2 (y - sigmoid(wx + b))^2 (eq. 5.3), scalars "
              "and arrays", "mse_gradients", 0.5, cases_gradients, seed=7101, hint=_MSE_HINT,
              diagnoses=(D_MSE_NO_SIGMA_PRIME, D_MSE_SIGN, D_MSE_NO_X, D_MSE_SWAPPED)),
        Check("7.2", "mse_gradients: saturated neurons (|wx + b| large): the gradient vanishes",
              "mse_gradients", 0.5, cases_gradients_saturated, seed=7201, hidden=True, hint=_MSE_HINT,
              diagnoses=(D_MSE_NO_SIGMA_PRIME, D_MSE_SIGN, D_MSE_NO_X, D_MSE_SWAPPED)),
        # 8. bce_gradients
        Check("8.1", "bce_gradients: (x (o - y), o - y) for the cross-entropy (eq. 5.5), scalars and "
              "arrays", "bce_gradients", 0.5, cases_gradients, seed=8101, hint=_BCE_GRAD_HINT,
              diagnoses=(D_BCE_GRAD_SIGMA_PRIME, D_BCE_GRAD_SIGN, D_BCE_GRAD_NO_X, D_BCE_GRAD_SWAPPED)),
        Check("8.2", "bce_gradients: saturated neurons still get a gradient of size |o - y|",
              "bce_gradients", 0.5, cases_gradients_saturated, seed=8201, hidden=True,
              hint=_BCE_GRAD_HINT,
              diagnoses=(D_BCE_GRAD_SIGMA_PRIME, D_BCE_GRAD_SIGN, D_BCE_GRAD_NO_X, D_BCE_GRAD_SWAPPED)),
        # 9. numerical_gradient
        Check("9.1", "numerical_gradient: central differences on a 1-D w (functions with curvature)",
              "numerical_gradient", 0.5, cases_numgrad_1d, seed=9101, hint=_NG_HINT,
              scenario="cross_entropy:numerical_gradient_of", rtol=1e-6, atol=1e-6,
              diagnoses=_NG_DIAGNOSES),
        Check("9.2", "numerical_gradient: w of any shape (2-D): one entry at a time, w's shape",
              "numerical_gradient", 0.5, cases_numgrad_2d, seed=9201, hint=_NG_HINT,
              scenario="cross_entropy:numerical_gradient_of", rtol=1e-6, atol=1e-6,
              diagnoses=(D_NG_ROWS,) + _NG_DIAGNOSES),
        Check("9.3", "numerical_gradient: leaves w unchanged (1-D w)", "numerical_gradient", 0.5,
              cases_numgrad_unchanged, seed=9301, hint=_NG_W_HINT,
              scenario="cross_entropy:numerical_gradient_and_w", compare=compare_gradient_and_w),
        Check("9.4", "numerical_gradient: functions with cross terms, 1-D to 3-D w", "numerical_gradient",
              0.5, cases_numgrad_hidden, seed=9401, hidden=True,
              hint=_NG_HINT + " Restore w (or use a copy) after each entry: the next evaluations need "
                              "the other entries at their original values.",
              scenario="cross_entropy:numerical_gradient_of", rtol=1e-6, atol=1e-6,
              diagnoses=(D_NG_ROWS, D_NG_NOT_RESTORED) + _NG_DIAGNOSES),
        # 10. gaussian_pdf
        Check("10.1", "gaussian_pdf: lecture's cat weights (N(4, 0.5) at 5 -> 0.108, N(5, 0.5) at 5 -> "
              "0.7979)", "gaussian_pdf", 0.5, cases_gaussian_lecture, seed=10101,
              hint="sigma = 0.5 is the standard deviation: N(5; 4, 0.5) = exp(-2) / (0.5 sqrt(2 pi)) = 0.108. "
                   + _GAUSS_HINT, diagnoses=_GAUSS_DIAGNOSES),
        Check("10.2", "gaussian_pdf: arrays, broadcasting x against mu and sigma", "gaussian_pdf", 0.5,
              cases_gaussian_random, seed=10201, hint=_GAUSS_HINT, diagnoses=_GAUSS_DIAGNOSES),
        # 11. log_likelihood
        Check("11.1", "log_likelihood: sum of the natural-log densities, a float", "log_likelihood", 0.5,
              cases_log_likelihood, seed=11101, hint=_LL_HINT, diagnoses=_LL_DIAGNOSES),
        Check("11.2", "log_likelihood: many samples (a product of densities would underflow)",
              "log_likelihood", 0.5, cases_log_likelihood_hidden, seed=11201, hidden=True,
              hint="The log of a product of many densities underflows: the product is 0 in floating "
                   "point and log(0) = -inf. Sum the log-densities, computed directly. " + _LL_HINT,
              diagnoses=_LL_DIAGNOSES),
        Check("11.3", "log_likelihood: samples far in the tails (each density underflows to 0 on its own)",
              "log_likelihood", 0.5, cases_log_likelihood_tails, seed=11301,
              hint="Compute each log-density directly, -((x - mu) / sigma)**2 / 2 - ln(sigma) - ln(2 pi) / 2, "
                   "not as log(gaussian_pdf(...)): 40 standard deviations out the density is 0 in "
                   "floating point and its log -inf, while the log-density is a finite -800. " + _LL_HINT,
              diagnoses=()),
    ),
    forbidden=(
        "scipy.stats.entropy",
        "scipy.stats.norm.pdf",
        "scipy.stats.norm.logpdf",
        "scipy.special.expit",
        "scipy.special.log_expit",
        "scipy.special.xlogy",
        "scipy.special.xlog1py",
        "scipy.special.entr",
        "scipy.special.rel_entr",
        "scipy.special.kl_div",
        "keras.losses.*",
        "keras.losses.BinaryCrossentropy",
        "keras.losses.CategoricalCrossentropy",
        "keras.losses.KLDivergence",
        "keras.losses.MeanSquaredError",
        "keras.ops.sigmoid",
        "keras.ops.binary_crossentropy",
        "keras.activations.sigmoid",
        "tensorflow.nn.*",  # tf.nn.sigmoid is also tf.sigmoid and tf.math.sigmoid
        "tensorflow.GradientTape",
    ),
    needs_tensorflow=False,
    timeout=10.0,
)
