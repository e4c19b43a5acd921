import math

import numpy as np


def zero_pad(x, pad):
    if isinstance(pad, int):
        pad = ((pad, pad), (pad, pad))
    return np.pad(x, ((0, 0),) + tuple(tuple(p) for p in pad) + ((0, 0),))


def conv_output_size(n, k, stride=1, pad=0):
    return math.ceil((n + 2 * pad - k) / stride) + 1


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw, _, _ = kernel.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        pads = []
        for n, k, s in [(x.shape[1], kh, sh), (x.shape[2], kw, sw)]:
            total = max((math.ceil(n / s) - 1) * s + k - n, 0)
            pads.append((total // 2, total - total // 2))
        x = zero_pad(x, pads)
    elif padding != "valid":
        x = zero_pad(x, padding)
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))
    windows = windows[:, ::sh, ::sw]  # (N, H', W', C, kh, kw)
    out = np.tensordot(windows, kernel, axes=([3, 4, 5], [2, 0, 1]))
    if bias is not None:
        out = out + np.asarray(bias)
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    if isinstance(padding, int):
        x = np.pad(x, ((0, 0), (padding, padding), (0, 0)))
        padding = "valid"
    y = conv2d(np.expand_dims(x, 1), np.expand_dims(kernel, 0), bias, (1, stride), padding)
    return y[:, 0]
