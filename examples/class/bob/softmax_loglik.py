# Typical mistake: Softmax straight from the formula: np.exp(1000) overflows.
import numpy as np


def softmax(s, axis=-1):
    e = np.exp(np.asarray(s, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(s, axis=-1):
    s = np.asarray(s, dtype=float)
    z = s - s.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def log_likelihood_loss(o, y, base=2):
    o = np.asarray(o, dtype=float)
    y = np.asarray(y)
    return -np.log(o[np.arange(len(y)), y]) / np.log(base)


def categorical_cross_entropy(y_true, logits):
    per_sample = -np.sum(np.asarray(y_true) * log_softmax(logits), axis=-1)
    return np.mean(per_sample)


def sparse_categorical_cross_entropy(labels, logits):
    labels = np.asarray(labels)
    logp = log_softmax(logits)
    return -np.mean(logp[np.arange(len(labels)), labels])


def softmax_cross_entropy_gradient(labels, logits):
    labels = np.asarray(labels)
    p = softmax(logits)
    return (p - one_hot(labels, p.shape[1])) / len(labels)


def multilabel_bce(y_true, logits):
    z = np.asarray(logits, dtype=float)
    y = np.asarray(y_true, dtype=float)
    return np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=-1)
