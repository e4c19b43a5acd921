# Correct, with other (equally valid) formulas: sigmoid through tanh, KL as H(P, Q) - H(P)
# (eq. 2.49), the loss of the label-0 term through log1p, the gradient on copies of w, and
# the log-likelihood through the log-densities' closed form.
import math

import numpy as np


def self_information(p, base=2):
    return -np.emath.logn(base, np.asarray(p, dtype=float))


def entropy(p, base=2):
    p = np.asarray(p, dtype=float)
    plogp = np.zeros(p.shape)
    np.multiply(p, np.log(p, out=np.zeros(p.shape), where=p > 0), out=plogp)
    return -plogp.sum(axis=-1) / math.log(base)


def cross_entropy(p, q, base=2):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    return -np.einsum("...k,...k->...", p, np.log(q)) / math.log(base)


def kl_divergence(p, q, base=2):
    return cross_entropy(p, q, base) - entropy(p, base)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def binary_cross_entropy(y, o, base=math.e, eps=1e-7):
    y = np.asarray(y, dtype=float)
    o = np.minimum(np.maximum(np.asarray(o, dtype=float), eps), 1 - eps)
    return (-y * np.log(o) - (1 - y) * np.log1p(-o)) / math.log(base)


def _sigmoid_prime(z):
    return 0.25 * (1.0 - np.tanh(0.5 * z) ** 2)


def mse_gradients(x, y, w, b):
    x = np.asarray(x, dtype=float)
    z = np.asarray(w) * x + np.asarray(b)
    db = (sigmoid(z) - np.asarray(y)) * _sigmoid_prime(z)
    return db * x, db


def bce_gradients(x, y, w, b):
    x = np.asarray(x, dtype=float)
    db = sigmoid(np.asarray(w) * x + np.asarray(b)) - np.asarray(y)
    return x * db, db


def numerical_gradient(f, w, h=1e-4):
    w = np.asarray(w, dtype=float)
    grad = np.zeros_like(w)
    it = np.nditer(w, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        plus, minus = w.copy(), w.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def gaussian_pdf(x, mu, sigma):
    var = np.square(sigma)
    return np.exp(-np.square(np.subtract(x, mu)) / (2 * var)) / np.sqrt(2 * np.pi * var)


def log_likelihood(xs, mu, sigma):
    xs = np.asarray(xs, dtype=float)
    n = xs.size
    return float(-n * math.log(sigma) - n / 2 * math.log(2 * math.pi)
                 - np.sum((xs - mu) ** 2) / (2 * sigma ** 2))
