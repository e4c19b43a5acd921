# Correct variant written with keras.ops math (no autodiff, no Keras layers or losses).
import numpy as np
from keras import ops


def activation_forward(z, name):
    z = ops.convert_to_tensor(z)
    if name == "sigmoid":
        return ops.divide(1.0, ops.add(1.0, ops.exp(ops.negative(z))))
    if name == "relu":
        return ops.maximum(z, 0.0)
    if name == "tanh":
        return ops.tanh(z)
    if name == "linear":
        return z
    raise ValueError(f"unknown activation {name}")


def activation_backward(da, z, name):
    da = ops.convert_to_tensor(da)
    z = ops.convert_to_tensor(z)
    if name == "sigmoid":
        s = activation_forward(z, "sigmoid")
        return da * s * (1.0 - s)
    if name == "relu":
        return ops.where(z > 0, da, ops.zeros_like(da))
    if name == "tanh":
        return da * (1.0 - ops.square(ops.tanh(z)))
    if name == "linear":
        return da
    raise ValueError(f"unknown activation {name}")


def dense_forward(a_prev, W, b, activation):
    a_prev, W, b = (ops.convert_to_tensor(v) for v in (a_prev, W, b))
    z = ops.add(ops.matmul(a_prev, W), b)
    cache = {"a_prev": a_prev, "W": W, "z": z, "activation": activation}
    return activation_forward(z, activation), cache


def dense_backward(da, cache):
    dz = activation_backward(da, cache["z"], cache["activation"])
    dW = ops.matmul(ops.transpose(cache["a_prev"]), dz)
    db = ops.sum(dz, axis=0)
    da_prev = ops.matmul(dz, ops.transpose(cache["W"]))
    return da_prev, dW, db


def mlp_loss_and_grads(params, x, labels):
    hidden, cache1 = dense_forward(x, params["W1"], params["b1"], "relu")
    scores, cache2 = dense_forward(hidden, params["W2"], params["b2"], "linear")
    n = ops.shape(scores)[0]
    one_hot = ops.one_hot(ops.convert_to_tensor(labels), ops.shape(scores)[1], dtype=scores.dtype)
    log_probs = scores - ops.logsumexp(scores, axis=1, keepdims=True)
    loss = -ops.sum(one_hot * log_probs) / n
    dscores = (ops.exp(log_probs) - one_hot) / n
    dhidden, dW2, db2 = dense_backward(dscores, cache2)
    _, dW1, db1 = dense_backward(dhidden, cache1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def gradient_check(f, params, grads, h=1e-5):
    copies = {k: np.array(ops.convert_to_numpy(v), dtype=np.float64) for k, v in params.items()}
    errors = []
    for key, theta in copies.items():
        analytic = np.asarray(ops.convert_to_numpy(grads[key]), dtype=np.float64).ravel()
        flat = theta.reshape(-1)  # a view: writing into it perturbs copies[key]
        numeric = np.empty_like(flat)
        for i in range(flat.size):
            saved = flat[i]
            flat[i] = saved + h
            up = float(f(copies))
            flat[i] = saved - h
            down = float(f(copies))
            flat[i] = saved
            numeric[i] = (up - down) / (2 * h)
        errors.append(np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12))
    return float(max(float(np.max(e)) for e in errors if e.size))


def sgd_step(params, grads, lr):
    return {key: ops.subtract(value, ops.multiply(lr, grads[key])) for key, value in params.items()}
