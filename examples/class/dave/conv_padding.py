import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def zero_pad(x, pad):
    if isinstance(pad, int):
        return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    return np.pad(x, ((0, 0), tuple(pad[0]), tuple(pad[1]), (0, 0)))


def conv_output_size(n, k, stride=1, pad=0):
    return (n + 2 * pad - k) // stride + 1


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    # TODO stride
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape[0], kernel.shape[1]
    if padding == "same":
        x = zero_pad(x, (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
    elif padding != "valid":
        x = zero_pad(x, padding)
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))
    out = np.einsum("nhwcij,ijco->nhwo", windows, kernel)
    if bias is not None:
        out = out + bias
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    if padding not in ("valid", "same"):
        x = np.pad(x, ((0, 0), (padding, padding), (0, 0)))
        padding = "valid"
    return conv2d(x[:, np.newaxis], np.asarray(kernel)[np.newaxis], bias, stride, padding)[:, 0]
