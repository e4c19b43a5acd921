# Mistake: sgd_step updates the caller's params in place and returns them.
import numpy as np


def activation_forward(z, name):
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    if name == "linear":
        return z
    raise ValueError(name)


def activation_backward(da, z, name):
    da = np.asarray(da, dtype=float)
    z = np.asarray(z, dtype=float)
    if name == "sigmoid":
        s = activation_forward(z, "sigmoid")
        return da * s * (1 - s)
    if name == "relu":
        return da * (z > 0)
    if name == "tanh":
        return da * (1 - np.tanh(z) ** 2)
    if name == "linear":
        return da
    raise ValueError(name)


def dense_forward(a_prev, W, b, activation):
    z = a_prev @ W + b
    a = activation_forward(z, activation)
    return a, (a_prev, W, z, activation)


def dense_backward(da, cache):
    a_prev, W, z, activation = cache
    dz = activation_backward(da, z, activation)
    dW = a_prev.T @ dz
    db = np.sum(dz, axis=0)
    da_prev = dz @ W.T
    return da_prev, dW, db


def mlp_loss_and_grads(params, x, labels):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = x.shape[0]
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0)
    scores = h @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    shifted = scores - scores.max(axis=1, keepdims=True)  # stable for large scores
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(shifted[np.arange(N), labels] - np.log(np.exp(shifted).sum(axis=1)))
    dscores = probs.copy()
    dscores[np.arange(N), labels] -= 1
    dscores /= N
    dW2 = h.T @ dscores
    db2 = dscores.sum(axis=0)
    dh = dscores @ W2.T
    dz1 = dh * (z1 > 0)
    dW1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def gradient_check(f, params, grads, h=1e-5):
    worst = 0.0
    for key in params:
        theta = params[key]
        for idx in np.ndindex(theta.shape):
            old = theta[idx]
            theta[idx] = old + h
            fp = f(params)
            theta[idx] = old - h
            fm = f(params)
            theta[idx] = old
            num = (fp - fm) / (2 * h)
            a = grads[key][idx]
            rel = abs(a - num) / max(abs(a) + abs(num), 1e-12)
            worst = max(worst, rel)
    return worst


def sgd_step(params, grads, lr):
    for key in params:
        params[key] -= lr * grads[key]
    return params
