# Correct, in float32 NumPy, with other (equally stable) formulas: log-sum-exp through
# np.logaddexp.reduce, multilabel BCE as softplus(-s) + (1 - y) s via np.logaddexp.
import numpy as np


def softmax(s, axis=-1):
    s = np.asarray(s, dtype=np.float32)
    return np.exp(log_softmax(s, axis=axis))


def log_softmax(s, axis=-1):
    s = np.asarray(s, dtype=np.float32)
    return s - np.logaddexp.reduce(s, axis=axis, keepdims=True)


def one_hot(labels, num_classes):
    return np.eye(num_classes, dtype=np.float32)[np.asarray(labels)]


def log_likelihood_loss(o, y, base=2):
    o = np.asarray(o, dtype=np.float32)
    y = np.asarray(y)
    picked = np.take_along_axis(o, y[:, None], axis=1)[:, 0]
    return (-np.log(picked) / np.float32(np.log(base))).astype(np.float32)


def categorical_cross_entropy(y_true, logits):
    y_true = np.asarray(y_true, dtype=np.float32)
    return np.float32(-(y_true * log_softmax(logits)).sum() / y_true.shape[0])


def sparse_categorical_cross_entropy(labels, logits):
    labels = np.asarray(labels)
    logp = log_softmax(logits)
    return np.float32(-logp[np.arange(labels.size), labels].mean())


def softmax_cross_entropy_gradient(labels, logits):
    p = softmax(logits)
    return (p - one_hot(labels, p.shape[-1])) / np.float32(p.shape[0])


def multilabel_bce(y_true, logits):
    z = np.asarray(logits, dtype=np.float32)
    y = np.asarray(y_true, dtype=np.float32)
    return (np.logaddexp(np.float32(0), -z) + (1 - y) * z).sum(axis=1)
