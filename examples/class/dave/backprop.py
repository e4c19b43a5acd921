# Correct variant computing in float32 (gradient checking stays in float64, as it must).
import numpy as np

F32 = np.float32


def activation_forward(z, name):
    z = np.asarray(z, dtype=F32)
    if name == "sigmoid":
        return (0.5 * (1 + np.tanh(0.5 * z))).astype(F32)  # = 1 / (1 + exp(-z)), never overflows
    if name == "relu":
        return np.where(z > 0, z, F32(0))
    if name == "tanh":
        return np.tanh(z)
    if name == "linear":
        return z.copy()
    raise ValueError(name)


def activation_backward(da, z, name):
    da = np.asarray(da, dtype=F32)
    if name == "sigmoid":
        s = activation_forward(z, name)
        return da * s * (1 - s)
    if name == "relu":
        return np.where(np.asarray(z) > 0, da, F32(0))
    if name == "tanh":
        t = np.tanh(np.asarray(z, dtype=F32))
        return da * (1 - t * t)
    if name == "linear":
        return da
    raise ValueError(name)


def dense_forward(a_prev, W, b, activation):
    a_prev = np.asarray(a_prev, dtype=F32)
    W = np.asarray(W, dtype=F32)
    z = a_prev @ W + np.asarray(b, dtype=F32)
    return activation_forward(z, activation), {"x": a_prev, "W": W, "z": z, "g": activation}


def dense_backward(da, cache):
    dz = activation_backward(da, cache["z"], cache["g"])
    return dz @ cache["W"].T, cache["x"].T @ dz, dz.sum(axis=0)


def mlp_loss_and_grads(params, x, labels):
    x = np.asarray(x, dtype=F32)
    labels = np.asarray(labels)
    hidden, c1 = dense_forward(x, params["W1"], params["b1"], "relu")
    scores, c2 = dense_forward(hidden, params["W2"], params["b2"], "linear")
    n = len(labels)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), labels].sum() / n
    targets = np.eye(scores.shape[1], dtype=F32)[labels]
    dscores = (np.exp(log_probs) - targets) / F32(n)
    dhidden, dW2, db2 = dense_backward(dscores, c2)
    _, dW1, db1 = dense_backward(dhidden, c1)
    return F32(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def gradient_check(f, params, grads, h=1e-5):
    point = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    worst = 0.0
    for key in point:
        it = np.nditer(point[key], flags=["multi_index"], op_flags=["readwrite"])
        for entry in it:
            i = it.multi_index
            keep = float(entry)
            entry[...] = keep + h
            plus = f(point)
            entry[...] = keep - h
            minus = f(point)
            entry[...] = keep
            n = (plus - minus) / (2 * h)
            a = float(np.asarray(grads[key], dtype=np.float64)[i])
            worst = max(worst, abs(a - n) / max(abs(a) + abs(n), 1e-12))
    return worst


def sgd_step(params, grads, lr):
    return {k: (np.asarray(params[k], dtype=F32) - F32(lr) * np.asarray(grads[k], dtype=F32))
            for k in params}
