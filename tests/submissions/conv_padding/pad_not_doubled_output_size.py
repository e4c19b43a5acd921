import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def zero_pad(x, pad):
    if isinstance(pad, int):
        pad = ((pad, pad), (pad, pad))
    return np.pad(x, ((0, 0), pad[0], pad[1], (0, 0)))


def conv_output_size(n, k, stride=1, pad=0):
    return (n + pad - k) // stride + 1


def same_pad(n, k, s):
    out = (n + s - 1) // s
    p = max((out - 1) * s + k - n, 0)
    return (p // 2, p - p // 2)


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    kh, kw = kernel.shape[:2]
    if padding == "same":
        x = zero_pad(x, (same_pad(x.shape[1], kh, sh), same_pad(x.shape[2], kw, sw)))
    elif padding != "valid":
        x = zero_pad(x, padding)
    patches = sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    out = np.einsum("nhwcij,ijcf->nhwf", patches, kernel)
    if bias is not None:
        out += bias
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    k = kernel.shape[0]
    if padding == "same":
        x = np.pad(x, ((0, 0), same_pad(x.shape[1], k, stride), (0, 0)))
    elif padding != "valid":
        x = np.pad(x, ((0, 0), (padding, padding), (0, 0)))
    patches = sliding_window_view(x, k, axis=1)[:, ::stride]
    out = np.einsum("nlck,kcf->nlf", patches, kernel)
    if bias is not None:
        out += bias
    return out
