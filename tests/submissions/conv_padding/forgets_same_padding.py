import numpy as np


def zero_pad(x, pad):
    x = np.array(x)
    if isinstance(pad, int):
        pad = ((pad, pad), (pad, pad))
    (top, bottom), (left, right) = pad
    N, H, W, C = x.shape
    result = np.zeros((N, H + top + bottom, W + left + right, C), dtype=x.dtype)
    result[:, top:top + H, left:left + W, :] = x
    return result


def conv_output_size(n, k, stride=1, pad=0):
    return int(np.floor((n + 2 * pad - k) / stride)) + 1


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if isinstance(stride, int):
        stride = (stride, stride)
    # padding: "valid" means no padding, a number means that many zeros
    pad = padding if isinstance(padding, int) else 0
    xp = zero_pad(x, pad)
    N = x.shape[0]
    kh, kw, C, F = kernel.shape
    Ho = conv_output_size(xp.shape[1], kh, stride[0])
    Wo = conv_output_size(xp.shape[2], kw, stride[1])
    y = np.zeros((N, Ho, Wo, F))
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride[0], j * stride[1]
            patch = xp[:, r:r + kh, c:c + kw, :].reshape(N, -1)
            y[:, i, j, :] = patch @ kernel.reshape(-1, F)
    if bias is not None:
        y = y + bias
    return y


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    pad = padding if isinstance(padding, int) else 0
    x = np.pad(x, ((0, 0), (pad, pad), (0, 0)))
    N, L, C = x.shape
    k, _, F = kernel.shape
    Lo = (L - k) // stride + 1
    y = np.zeros((N, Lo, F))
    for i in range(Lo):
        y[:, i, :] = x[:, i * stride:i * stride + k, :].reshape(N, -1) @ kernel.reshape(-1, F)
    if bias is not None:
        y += bias
    return y
