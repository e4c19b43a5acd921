import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def zero_pad(x, pad):
    if type(pad) is int:
        pad = ((pad, pad), (pad, pad))
    (top, bottom), (left, right) = pad
    return np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)])


def conv_output_size(n, k, stride=1, pad=0):
    return (n + 2 * pad - k) // stride + 1


def _same(n, k, s):
    out = math.ceil(n / s)
    total = max((out - 1) * s + k - n, 0)
    # split the padding as evenly as possible, the extra one first
    first = math.ceil(total / 2)
    return first, total - first


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape[:2]
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    if padding == "same":
        x = zero_pad(x, (_same(x.shape[1], kh, sh), _same(x.shape[2], kw, sw)))
    elif padding != "valid":
        x = zero_pad(x, padding)
    win = sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    y = np.einsum("nijcab,abcf->nijf", win, kernel)
    return y if bias is None else y + bias


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    if isinstance(padding, int):
        x = np.pad(x, ((0, 0), (padding, padding), (0, 0)))
        padding = "valid"
    return conv2d(x[:, None], np.asarray(kernel)[None], bias, (1, stride), padding)[:, 0]
