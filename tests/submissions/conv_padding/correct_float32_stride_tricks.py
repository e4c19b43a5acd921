import math

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view


def zero_pad(x, pad):
    if np.ndim(pad) == 0:
        pad = ((pad, pad), (pad, pad))
    return np.pad(np.asarray(x), [(0, 0), tuple(pad[0]), tuple(pad[1]), (0, 0)])


def conv_output_size(n, k, stride=1, pad=0):
    return math.floor((n + 2 * pad - k) / stride) + 1


def _pads(padding, sizes, ksizes, strides):
    if isinstance(padding, str):
        if padding.lower() == "valid":
            return ((0, 0), (0, 0))
        if padding.lower() != "same":
            raise ValueError(padding)
        pads = []
        for n, k, s in zip(sizes, ksizes, strides):
            total = max((math.ceil(n / s) - 1) * s + k - n, 0)
            pads.append((total // 2, total - total // 2))
        return tuple(pads)
    if padding < 0:
        raise ValueError("negative padding")
    return ((padding, padding), (padding, padding))


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float32)
    w = np.asarray(kernel, dtype=np.float32)
    kh, kw, cin, cout = w.shape
    if x.shape[-1] != cin:
        raise ValueError("channels")
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    xp = np.ascontiguousarray(zero_pad(x, _pads(padding, x.shape[1:3], (kh, kw), (sh, sw))))
    N, Hp, Wp, C = xp.shape
    Ho, Wo = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
    sN, sH, sW, sC = xp.strides
    windows = as_strided(xp, shape=(N, Ho, Wo, kh, kw, C),
                         strides=(sN, sH * sh, sW * sw, sH, sW, sC), writeable=False)
    out = np.tensordot(windows, w, axes=([3, 4, 5], [0, 1, 2]))
    if bias is not None:
        out += np.asarray(bias, dtype=np.float32)
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float32)
    w = np.asarray(kernel, dtype=np.float32)
    k = w.shape[0]
    (before, after), _ = _pads(padding, (x.shape[1], 1), (k, 1), (stride, 1))
    xp = np.pad(x, ((0, 0), (before, after), (0, 0)))
    windows = sliding_window_view(xp, k, axis=1)[:, ::stride]  # (N, L_out, C, k)
    out = np.einsum("nlck,kcf->nlf", windows, w)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float32)
    return out
