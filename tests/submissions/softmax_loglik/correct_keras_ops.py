# Correct, written with keras.ops elementwise math (exp, log, max, sum, ...): no softmax,
# logsumexp, one_hot or crossentropy ops. Returns float32 Keras tensors.
import math

import keras
from keras import ops


def softmax(s, axis=-1):
    s = ops.convert_to_tensor(s, dtype="float32")
    e = ops.exp(s - ops.max(s, axis=axis, keepdims=True))
    return e / ops.sum(e, axis=axis, keepdims=True)


def log_softmax(s, axis=-1):
    s = ops.convert_to_tensor(s, dtype="float32")
    z = s - ops.max(s, axis=axis, keepdims=True)
    return z - ops.log(ops.sum(ops.exp(z), axis=axis, keepdims=True))


def one_hot(labels, num_classes):
    labels = ops.convert_to_tensor(labels, dtype="int32")
    classes = ops.arange(num_classes, dtype="int32")
    return ops.cast(ops.equal(ops.expand_dims(labels, -1), classes), "float32")


def log_likelihood_loss(o, y, base=2):
    o = ops.convert_to_tensor(o, dtype="float32")
    picked = ops.sum(o * one_hot(y, o.shape[-1]), axis=-1)
    return -ops.log(picked) / math.log(base)


def categorical_cross_entropy(y_true, logits):
    y_true = ops.convert_to_tensor(y_true, dtype="float32")
    return ops.mean(-ops.sum(y_true * log_softmax(logits), axis=-1))


def sparse_categorical_cross_entropy(labels, logits):
    logp = log_softmax(logits)
    return ops.mean(-ops.sum(one_hot(labels, logp.shape[-1]) * logp, axis=-1))


def softmax_cross_entropy_gradient(labels, logits):
    p = softmax(logits)
    n = p.shape[0]
    return (p - one_hot(labels, p.shape[-1])) / n


def multilabel_bce(y_true, logits):
    z = ops.convert_to_tensor(logits, dtype="float32")
    y = ops.convert_to_tensor(y_true, dtype="float32")
    per_label = ops.maximum(z, 0.0) - z * y + ops.log1p(ops.exp(-ops.abs(z)))
    return ops.sum(per_label, axis=-1)
