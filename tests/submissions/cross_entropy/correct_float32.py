# Correct, computing in float32 with np.log2 / change of base and np.log1p. numerical_gradient
# stays in float64: float32's 7 digits are too few for differences of f at w +- 1e-4.
import math

import numpy as np

F32 = np.float32


def self_information(p, base=2):
    return (-np.log2(np.asarray(p, dtype=F32)) / F32(math.log2(base))).astype(F32)


def _xlog2x(p):
    safe = np.where(p > 0, p, F32(1))
    return np.where(p > 0, p * np.log2(safe), F32(0))


def entropy(p, base=2):
    p = np.asarray(p, dtype=F32)
    return -_xlog2x(p).sum(axis=-1) / F32(math.log2(base))


def cross_entropy(p, q, base=2):
    p = np.asarray(p, dtype=F32)
    q = np.asarray(q, dtype=F32)
    return -(p * np.log2(q)).sum(axis=-1) / F32(math.log2(base))


def kl_divergence(p, q, base=2):
    p = np.asarray(p, dtype=F32)
    q = np.asarray(q, dtype=F32)
    safe = np.where(p > 0, p, F32(1))
    terms = np.where(p > 0, p * (np.log2(safe) - np.log2(q)), F32(0))
    return terms.sum(axis=-1) / F32(math.log2(base))


def sigmoid(z):
    z = np.asarray(z, dtype=F32)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


def binary_cross_entropy(y, o, base=math.e, eps=1e-7):
    y = np.asarray(y, dtype=F32)
    o = np.clip(np.asarray(o, dtype=F32), F32(eps), F32(1 - eps))
    return -(y * np.log(o) + (1 - y) * np.log1p(-o)) / F32(math.log(base))


def mse_gradients(x, y, w, b):
    x = np.asarray(x, dtype=F32)
    o = sigmoid(np.asarray(w, dtype=F32) * x + np.asarray(b, dtype=F32))
    delta = (o - np.asarray(y, dtype=F32)) * o * (1 - o)
    return delta * x, delta


def bce_gradients(x, y, w, b):
    x = np.asarray(x, dtype=F32)
    delta = sigmoid(np.asarray(w, dtype=F32) * x + np.asarray(b, dtype=F32)) - np.asarray(y, dtype=F32)
    return x * delta, delta


def numerical_gradient(f, w, h=1e-4):
    w = np.array(w, dtype=np.float64)
    grad = np.empty_like(w)
    flat_w, flat_g = w.reshape(-1), grad.reshape(-1)  # views: flat_w[i] changes w
    for i in range(flat_w.size):
        saved = flat_w[i]
        flat_w[i] = saved + h
        up = f(w)
        flat_w[i] = saved - h
        down = f(w)
        flat_w[i] = saved
        flat_g[i] = (up - down) / (2 * h)
    return grad


def gaussian_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=F32) for v in (x, mu, sigma))
    return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * F32(math.sqrt(2 * math.pi)))


def log_likelihood(xs, mu, sigma):
    u = (np.asarray(xs, dtype=F32) - F32(mu)) / F32(sigma)
    return float(np.sum(-0.5 * u * u) - u.size * (math.log(sigma) + 0.5 * math.log(2 * math.pi)))
