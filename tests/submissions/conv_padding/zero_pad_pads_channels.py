import numpy as np


def zero_pad(x, pad):
    if isinstance(pad, int):
        return np.pad(x, pad)
    (top, bottom), (left, right) = pad
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def conv_output_size(n, k, stride=1, pad=0):
    return (n + 2 * pad - k) // stride + 1


def _same_amounts(n, k, s):
    n_out = -(-n // s)
    total = max((n_out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kh, kw, _, F = kernel.shape
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    if padding == "valid":
        pads = ((0, 0), (0, 0))
    elif padding == "same":
        pads = (_same_amounts(x.shape[1], kh, sh), _same_amounts(x.shape[2], kw, sw))
    else:
        pads = ((padding, padding), (padding, padding))
    xp = zero_pad(x, pads)
    Ho = conv_output_size(xp.shape[1], kh, sh)
    Wo = conv_output_size(xp.shape[2], kw, sw)
    out = np.empty((x.shape[0], Ho, Wo, F))
    for i in range(Ho):
        for j in range(Wo):
            window = xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            out[:, i, j, :] = np.einsum("nabc,abcf->nf", window, kernel)
    if bias is not None:
        out += bias
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    if padding == "same":
        pads = ((0, 0), _same_amounts(x.shape[1], kernel.shape[0], stride))
    elif padding == "valid":
        pads = ((0, 0), (0, 0))
    else:
        pads = ((0, 0), (padding, padding))
    xp = zero_pad(x[:, None], pads)
    return conv2d(xp, kernel[None], bias, (1, stride), "valid")[:, 0]
