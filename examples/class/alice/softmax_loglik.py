# Correct, with Python loops and the math module, returning lists where it can.
import math

import numpy as np


def _softmax_row(row):
    m = max(row)
    exps = [math.exp(v - m) for v in row]
    total = sum(exps)
    return [e / total for e in exps]


def _log_softmax_row(row):
    m = max(row)
    log_total = math.log(sum(math.exp(v - m) for v in row))
    return [v - m - log_total for v in row]


def _along_axis(row_fn, s, axis):
    s = np.moveaxis(np.array(s, dtype=float), axis, -1)
    flat = s.reshape(-1, s.shape[-1])
    out = np.array([row_fn(list(row)) for row in flat]).reshape(s.shape)
    return np.moveaxis(out, -1, axis)


def softmax(s, axis=-1):
    return _along_axis(_softmax_row, s, axis)


def log_softmax(s, axis=-1):
    return _along_axis(_log_softmax_row, s, axis)


def one_hot(labels, num_classes):
    rows = []
    for label in labels:
        row = [0.0] * num_classes
        row[int(label)] = 1.0
        rows.append(row)
    return rows


def log_likelihood_loss(o, y, base=2):
    return [-math.log(float(o[i][int(label)]), base) for i, label in enumerate(y)]


def categorical_cross_entropy(y_true, logits):
    total = 0.0
    for target, row in zip(y_true, logits):
        log_p = _log_softmax_row(list(row))
        total -= sum(t * lp for t, lp in zip(target, log_p))
    return total / len(logits)


def sparse_categorical_cross_entropy(labels, logits):
    total = 0.0
    for label, row in zip(labels, logits):
        total -= _log_softmax_row(list(row))[int(label)]
    return total / len(logits)


def softmax_cross_entropy_gradient(labels, logits):
    n = len(logits)
    grad = []
    for label, row in zip(labels, logits):
        p = _softmax_row(list(row))
        p[int(label)] -= 1.0
        grad.append([v / n for v in p])
    return grad


def multilabel_bce(y_true, logits):
    losses = []
    for targets, row in zip(y_true, logits):
        total = 0.0
        for y, s in zip(targets, row):
            total += max(s, 0.0) - s * y + math.log1p(math.exp(-abs(s)))
        losses.append(total)
    return losses
