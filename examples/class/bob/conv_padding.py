import numpy as np


def zero_pad(x, pad):
    if isinstance(pad, int):
        pad = ((pad, pad), (pad, pad))
    return np.pad(x, ((0, 0), pad[0], pad[1], (0, 0)), mode="constant")


def conv_output_size(n, k, stride=1, pad=0):
    return (n + 2 * pad - k) // stride + 1


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    # a convolution flips the filter (rotate by 180 degrees) before sliding it
    kernel = np.flip(kernel, axis=(0, 1))
    kh, kw, _, c_out = kernel.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if padding == "valid":
        pads = ((0, 0), (0, 0))
    elif padding == "same":
        pads = []
        for n, k, s in ((x.shape[1], kh, sh), (x.shape[2], kw, sw)):
            out = int(np.ceil(n / s))
            total = max((out - 1) * s + k - n, 0)
            pads.append((total // 2, total - total // 2))
    else:
        pads = padding
    xp = zero_pad(x, pads)
    h_out = conv_output_size(xp.shape[1], kh, sh)
    w_out = conv_output_size(xp.shape[2], kw, sw)
    out = np.zeros((x.shape[0], h_out, w_out, c_out))
    for i in range(h_out):
        for j in range(w_out):
            patch = xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            out[:, i, j, :] = np.tensordot(patch, kernel, axes=3)
    if bias is not None:
        out += bias
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x)[:, np.newaxis]
    if not isinstance(padding, str):
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (0, 0)))
        padding = "valid"
    return conv2d(x, np.asarray(kernel)[np.newaxis], bias, (1, stride), padding)[:, 0]
