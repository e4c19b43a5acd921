# Typical mistake: the KL divergence with its arguments reversed, D_KL(Q || P).
import math

import numpy as np


def self_information(p, base=2):
    return -np.log(p) / np.log(base)


def entropy(p, base=2):
    p = np.asarray(p, dtype=float)
    terms = np.zeros_like(p)
    mask = p > 0
    terms[mask] = p[mask] * np.log(p[mask])
    return -terms.sum(axis=-1) / np.log(base)


def cross_entropy(p, q, base=2):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    return -np.sum(p * np.log(q), axis=-1) / np.log(base)


def kl_divergence(p, q, base=2):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    return np.sum(q * np.log(q / p), axis=-1) / np.log(base)


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def binary_cross_entropy(y, o, base=math.e, eps=1e-7):
    y = np.asarray(y, dtype=float)
    o = np.clip(np.asarray(o, dtype=float), eps, 1 - eps)
    return -(y * np.log(o) + (1 - y) * np.log(1 - o)) / np.log(base)


def mse_gradients(x, y, w, b):
    o = sigmoid(np.multiply(w, x) + b)
    delta = (o - y) * o * (1 - o)
    return delta * x, delta


def bce_gradients(x, y, w, b):
    o = sigmoid(np.multiply(w, x) + b)
    return (o - y) * x, o - y


def numerical_gradient(f, w, h=1e-4):
    grad = np.zeros(w.shape)
    for idx in np.ndindex(*w.shape):
        old = w[idx]
        w[idx] = old + h
        f_plus = f(w)
        w[idx] = old - h
        f_minus = f(w)
        w[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def gaussian_pdf(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return np.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / (sigma * np.sqrt(2 * np.pi))


def log_likelihood(xs, mu, sigma):
    return float(np.sum(-0.5 * ((np.asarray(xs, dtype=float) - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)))
