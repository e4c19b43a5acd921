# Correct variant with explicit loops: per-example outer products summed over the batch.
import math

import numpy as np


def _sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


_FORWARD = {"sigmoid": _sigmoid, "relu": lambda v: v if v > 0 else 0.0, "tanh": math.tanh,
            "linear": lambda v: v}
_DERIVATIVE = {"sigmoid": lambda v: _sigmoid(v) * (1.0 - _sigmoid(v)),
               "relu": lambda v: 1.0 if v > 0 else 0.0,
               "tanh": lambda v: 1.0 - math.tanh(v) ** 2, "linear": lambda v: 1.0}


def activation_forward(z, name):
    z = np.asarray(z, dtype=float)
    return np.vectorize(_FORWARD[name], otypes=[float])(z) if z.size else z.copy()


def activation_backward(da, z, name):
    da = np.asarray(da, dtype=float)
    z = np.asarray(z, dtype=float)
    out = np.empty_like(da)
    for i in np.ndindex(da.shape):
        out[i] = da[i] * _DERIVATIVE[name](z[i])
    return out


def dense_forward(a_prev, W, b, activation):
    a_prev = np.asarray(a_prev, dtype=float)
    W = np.asarray(W, dtype=float)
    m, n_out = a_prev.shape[0], W.shape[1]
    z = np.zeros((m, n_out))
    for i in range(m):
        for j in range(n_out):
            z[i, j] = sum(a_prev[i, k] * W[k, j] for k in range(W.shape[0])) + b[j]
    return activation_forward(z, activation), [a_prev, W, z, activation]


def dense_backward(da, cache):
    a_prev, W, z, activation = cache
    dz = activation_backward(da, z, activation)
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[1])
    da_prev = np.zeros_like(a_prev)
    for i in range(a_prev.shape[0]):  # every example adds its own contribution
        dW += np.outer(a_prev[i], dz[i])
        db += dz[i]
        da_prev[i] = W @ dz[i]
    return da_prev, dW, db


def mlp_loss_and_grads(params, x, labels):
    h, cache1 = dense_forward(x, params["W1"], params["b1"], "relu")
    s, cache2 = dense_forward(h, params["W2"], params["b2"], "linear")
    n = len(labels)
    loss = 0.0
    ds = np.zeros_like(s)
    for i in range(n):
        top = max(s[i])
        total = sum(math.exp(v - top) for v in s[i])
        loss += -(s[i, labels[i]] - top - math.log(total)) / n
        for c in range(s.shape[1]):
            ds[i, c] = (math.exp(s[i, c] - top) / total - (1.0 if c == labels[i] else 0.0)) / n
    dh, dW2, db2 = dense_backward(ds, cache2)
    _, dW1, db1 = dense_backward(dh, cache1)
    return loss, {"W2": dW2, "b2": db2, "W1": dW1, "b1": db1}


def gradient_check(f, params, grads, h=1e-5):
    result = 0.0
    for name in params:
        for index in np.ndindex(np.shape(params[name])):
            shifted = {k: np.array(v, dtype=float) for k, v in params.items()}
            shifted[name][index] += h
            up = f(shifted)
            shifted[name][index] -= 2 * h
            down = f(shifted)
            numeric = (up - down) / (2 * h)
            analytic = float(grads[name][index])
            denominator = max(abs(analytic) + abs(numeric), 1e-12)
            result = max(result, abs(analytic - numeric) / denominator)
    return result


def sgd_step(params, grads, lr):
    old = dict(params)
    return {name: old[name] - lr * grads[name] for name in old}
