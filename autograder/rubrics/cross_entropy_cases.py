"""Cases of the cross_entropy rubric: the lecture's distributions and the case generators,
one per check (``rubrics/cross_entropy.py`` says which check uses which).

Private, like the rest of ``autograder/rubrics/``.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.engine.rubric import Call, integers, randn, uniform

# --- the lecture's distributions -------------------------------------------------------------

YUT = np.array([4, 6, 4, 1, 1], dtype=np.float64) / 16  # do, gae, geol, yut, mo
FAIR_DIE = np.full(6, 1 / 6)
LOADED_DIE = np.array([1, 1, 1, 3, 3, 3], dtype=np.float64) / 12  # 4, 5, 6 three times as likely
COIN = np.array([0.5, 0.5])

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
