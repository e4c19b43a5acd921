# Correct, written with keras.ops elementwise math (exp, log, where, sum, clip, ...):
# no keras.losses, no keras.ops.sigmoid, no autodiff. Results are Keras tensors.
import math

import numpy as np
from keras import ops


def _t(x):
    return ops.convert_to_tensor(x, dtype="float64")


def self_information(p, base=2):
    return -ops.log(_t(p)) / math.log(base)


def entropy(p, base=2):
    p = _t(p)
    positive = p > 0
    logp = ops.log(ops.where(positive, p, ops.ones_like(p)))
    return -ops.sum(ops.where(positive, p * logp, ops.zeros_like(p)), axis=-1) / math.log(base)


def cross_entropy(p, q, base=2):
    return -ops.sum(_t(p) * ops.log(_t(q)), axis=-1) / math.log(base)


def kl_divergence(p, q, base=2):
    return cross_entropy(p, q, base) - entropy(p, base)


def sigmoid(z):
    z = _t(z)
    e = ops.exp(-ops.abs(z))
    return ops.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def binary_cross_entropy(y, o, base=math.e, eps=1e-7):
    y = _t(y)
    o = ops.clip(_t(o), eps, 1.0 - eps)
    return -(y * ops.log(o) + (1.0 - y) * ops.log(1.0 - o)) / math.log(base)


def mse_gradients(x, y, w, b):
    x = _t(x)
    z = _t(w) * x + _t(b)
    o = sigmoid(z)
    delta = (o - _t(y)) * o * sigmoid(-z)
    return delta * x, delta


def bce_gradients(x, y, w, b):
    x = _t(x)
    delta = sigmoid(_t(w) * x + _t(b)) - _t(y)
    return x * delta, delta


def numerical_gradient(f, w, h=1e-4):
    # Tensors are immutable: w + step makes a new array, w itself is never touched.
    w = _t(w)
    shape = tuple(w.shape)
    n = int(np.prod(shape))
    basis = ops.eye(n, dtype="float64") * h
    partials = []
    for i in range(n):
        step = ops.reshape(basis[i], shape)
        partials.append((f(ops.convert_to_numpy(w + step)) - f(ops.convert_to_numpy(w - step))) / (2 * h))
    return ops.reshape(ops.convert_to_tensor(partials, dtype="float64"), shape)


def gaussian_pdf(x, mu, sigma):
    sigma = _t(sigma)
    return ops.exp(-ops.square(_t(x) - _t(mu)) / (2.0 * ops.square(sigma))) / (sigma * math.sqrt(2 * math.pi))


def log_likelihood(xs, mu, sigma):
    u = (_t(xs) - mu) / sigma
    log_densities = -0.5 * ops.square(u) - math.log(sigma) - 0.5 * math.log(2 * math.pi)
    return float(ops.convert_to_numpy(ops.sum(log_densities)))
