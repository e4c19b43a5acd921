"""Diagnoses of the cross_entropy rubric: what each typical mistake returns (reproduced from
the reference module, or with NumPy) and the hints that name it.

Private, like the rest of ``autograder/rubrics/``: ``rubrics/cross_entropy.py`` builds the
checks and lists, per check, which of these diagnoses apply (most likely first).
"""
from __future__ import annotations

import functools
import math
from types import ModuleType
from typing import Any

import numpy as np

from autograder.engine.rubric import Call, Diagnosis
from autograder.exercises.cross_entropy import curved_function

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


def _distributions(function: str, a: dict[str, Any]) -> tuple:
    """The positional arguments of an information measure (p, or p and q), from ``_SIGNATURES``."""
    return tuple(a[name] for name in _SIGNATURES[function][0] if name != "base")


def _info_with(function: str, **changes):
    """A mistake that calls the reference ``function`` with some arguments changed."""

    def mistaken(ref: ModuleType, call: Call) -> Any:
        a = {**_arguments(function, call), **changes}
        return getattr(ref, function)(*_distributions(function, a), base=a["base"])

    mistaken.__name__ = f"{function}_with_{'_'.join(changes)}"
    return mistaken


def _info_negated(function: str):
    def mistaken(ref: ModuleType, call: Call) -> Any:
        a = _arguments(function, call)
        return -getattr(ref, function)(*_distributions(function, a), base=a["base"])

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


# How a mistaken (de/dw, de/db) pair is returned, by mistake.
_PAIR_CHANGES = {
    "negated": lambda dw, db: (-dw, -db),
    "without_x": lambda dw, db: (db, db),
    "swapped": lambda dw, db: (db, dw),
}


def _changed_pair(change: str, mistake):
    def mistaken(ref, call):
        return _PAIR_CHANGES[change](*mistake(ref, call))

    mistaken.__name__ = f"{mistake.__name__}_{change}"
    return mistaken


# --- numerical gradient mistakes ---------------------------------------------------------------


# One entry's difference quotient of a mistaken numerical_gradient, by mistake:
# (f, w, step, f0, h) -> the quotient, with step = h e_i and f0 = f(w).
_QUOTIENTS = {
    "forward": lambda f, w, step, f0, h: (f(w + step) - f0) / h,
    "backward": lambda f, w, step, f0, h: (f0 - f(w - step)) / h,
    # w_plus = w; w_plus[i] += h; w_minus = w; w_minus[i] -= h
    "half_forward": lambda f, w, step, f0, h: (f(w + step) - f0) / (2 * h),
    "over_h": lambda f, w, step, f0, h: (f(w + step) - f(w - step)) / h,
}


def _entrywise(f, w: np.ndarray, h: float, quotient) -> np.ndarray:
    grad = np.zeros_like(w)
    f0 = f(w)
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[index] = h
        grad[index] = quotient(f, w, step, f0, h)
    return grad


def _not_restored(f, w: np.ndarray, h: float) -> np.ndarray:
    """w[i] = old + h; f; w[i] = old - h; f; and w[i] never restored."""
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        old = w[index]
        w[index] = old + h
        f_plus = f(w)
        w[index] = old - h
        grad[index] = (f_plus - f(w)) / (2 * h)
    return grad


def _rows(f, w: np.ndarray, h: float) -> np.ndarray:
    """A 1-D loop over the first axis: w[i] +- h moves a whole row."""
    grad = np.zeros_like(w)
    for i in range(w.shape[0]):
        step = np.zeros_like(w)
        step[i] = h
        grad[i] = (f(w + step) - f(w - step)) / (2 * h)
    return grad


# What a mistaken numerical_gradient returns, by mistake: (f, w, h) -> gradient.
MISTAKEN_GRADIENT = {
    **{name: functools.partial(_entrywise, quotient=quotient) for name, quotient in _QUOTIENTS.items()},
    "not_restored": _not_restored,
    "rows": _rows,
}


def _numgrad(mistake: str):
    """The mistake's finite differences of the case's function (never modifying the case's w)."""

    def mistaken(ref: ModuleType, call: Call) -> np.ndarray:
        a = _arguments("numerical_gradient", call)
        w = np.array(a["w"], dtype=np.float64, copy=True)
        return MISTAKEN_GRADIENT[mistake](curved_function(a["params"]), w, float(a["h"]))

    mistaken.__name__ = f"numgrad_{mistake}"
    return mistaken


# compare_gradient_and_w (check 9.3) is public, in autograder/exercises/cross_entropy.py.


# --- Gaussian mistakes -----------------------------------------------------------------------


def _gaussian_args(call: Call, function: str = "gaussian_pdf"):
    a = _arguments(function, call)
    x = a[_SIGNATURES[function][0][0]]  # x, or log_likelihood's xs
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
    _changed_pair("negated", grads_with_sigma_prime))
D_MSE_NO_X = Diagnosis(
    "Your de/dw equals de/db: dz/dw = x, so de/dw = de/db * x.",
    _changed_pair("without_x", grads_with_sigma_prime))
D_MSE_SWAPPED = Diagnosis(
    "Your two gradients are swapped: return (de/dw, de/db) in this order.",
    _changed_pair("swapped", grads_with_sigma_prime))

D_BCE_GRAD_SIGMA_PRIME = Diagnosis(
    "Your gradients contain the factor sigma'(z) = o (1 - o): for the cross-entropy it cancels "
    "(d/do of the loss is (o - y) / (o (1 - o))), leaving de/dw = x (o - y) and de/db = o - y (eq. 5.5).",
    grads_with_sigma_prime)
D_BCE_GRAD_SIGN = Diagnosis(
    "Your gradients have the wrong sign: de/db = o - y (prediction minus target), positive when "
    "the prediction is too high.", _changed_pair("negated", grads_without_sigma_prime))
D_BCE_GRAD_NO_X = Diagnosis(
    "Your de/dw equals de/db: dz/dw = x, so de/dw = x (o - y).",
    _changed_pair("without_x", grads_without_sigma_prime))
D_BCE_GRAD_SWAPPED = Diagnosis(
    "Your two gradients are swapped: return (de/dw, de/db) in this order.",
    _changed_pair("swapped", grads_without_sigma_prime))

D_NG_FORWARD = Diagnosis(
    "Your gradient equals the forward difference (f(w + h e_i) - f(w)) / h, whose error is about "
    "h/2 * f'' (proportional to h). Use central differences (f(w + h e_i) - f(w - h e_i)) / (2h): "
    "error about h^2/6 * f'''.", _numgrad("forward"))
D_NG_BACKWARD = Diagnosis(
    "Your gradient equals the backward difference (f(w) - f(w - h e_i)) / h (error proportional "
    "to h). Use central differences (f(w + h e_i) - f(w - h e_i)) / (2h).", _numgrad("backward"))
D_NG_HALF = Diagnosis(
    "Your gradient equals (f(w + h e_i) - f(w)) / (2h): the '-h' evaluation happened at w itself. "
    "Typically w_plus = w and w_minus = w are the same array (not copies), so the +h and the -h "
    "cancel. Use w.copy() or restore the entry between the two evaluations.", _numgrad("half_forward"))
D_NG_OVER_H = Diagnosis(
    "Your gradient is twice too large: the two evaluations are 2h apart, so divide by 2h.",
    _numgrad("over_h"))
D_NG_ROWS = Diagnosis(
    "Your gradient equals perturbing whole rows w[i] (a loop over range(len(w))): for a 2-D w, "
    "perturb one entry at a time, e.g. for index in np.ndindex(w.shape).", _numgrad("rows"))
D_NG_NOT_RESTORED = Diagnosis(
    "Your gradient equals perturbing w in place without restoring it: after w[i] = old - h the "
    "entry stays moved, so every later entry's differences are taken at a shifted point (which "
    "matters when f has cross terms). Restore w[i] = old after the two evaluations, or use a copy.",
    _numgrad("not_restored"))
NG_DIAGNOSES = (D_NG_FORWARD, D_NG_BACKWARD, D_NG_HALF, D_NG_OVER_H)

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
GAUSS_DIAGNOSES = (D_G_VARIANCE, D_G_UNNORMALISED, D_G_SIGMA2_FRONT, D_G_SQRT_SIGMA_FRONT)

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
LL_DIAGNOSES = (D_LL_MEAN, D_LL_LOG2, D_LL_PRODUCT, D_LL_SUM_PDF, D_LL_VARIANCE)
