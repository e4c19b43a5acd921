"""Computes the right numbers, but with scipy.signal.correlate2d, which the exercise forbids:
every conv2d/conv1d check must fail with a message naming it."""
import math

import numpy as np
from scipy.signal import correlate2d


def zero_pad(x, pad):
    if isinstance(pad, int):
        pad = ((pad, pad), (pad, pad))
    return np.pad(x, ((0, 0), tuple(pad[0]), tuple(pad[1]), (0, 0)))


def conv_output_size(n, k, stride=1, pad=0):
    return (n + 2 * pad - k) // stride + 1


def _same_pad(n, k, s):
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    kh, kw, _, c_out = kernel.shape
    if padding == "valid":
        xp = x
    elif padding == "same":
        xp = zero_pad(x, (_same_pad(x.shape[1], kh, sh), _same_pad(x.shape[2], kw, sw)))
    else:
        xp = zero_pad(x, padding)
    n = xp.shape[0]
    full = np.stack([
        np.stack([sum(correlate2d(xp[b, :, :, c], kernel[:, :, c, o], mode="valid")
                      for c in range(xp.shape[3])) for o in range(c_out)], axis=-1)
        for b in range(n)])
    out = full[:, ::sh, ::sw, :].astype(float)
    return out + bias if bias is not None else out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    if isinstance(padding, int):
        padding = ((0, 0), (padding, padding))
    return conv2d(x[:, np.newaxis], kernel[np.newaxis], bias, (1, stride), padding)[:, 0]
