"""Two mistakes in conv2d: it assumes square kernels (kw = kh) and it ignores the bias. The bias
check (3.10) uses square kernels, so the bias mistake is still reported there with its own
hint, next to the checks that non-square kernels fail."""
"""Convolution with zero padding -- my solution (plain loops, as in the lecture's pseudo-code)."""
import numpy as np


def zero_pad(x, pad):
    x = np.asarray(x)
    if isinstance(pad, int):
        top = bottom = left = right = pad
    else:
        (top, bottom), (left, right) = pad
    N, H, W, C = x.shape
    out = np.zeros((N, top + H + bottom, left + W + right, C), dtype=x.dtype)
    out[:, top:top + H, left:left + W, :] = x
    return out


def conv_output_size(n, k, stride=1, pad=0):
    return (n + 2 * pad - k) // stride + 1


def same_padding(n, k, s):
    # TensorFlow: output ceil(n / s); the odd extra zero goes after
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    before = total // 2
    return before, total - before


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    N, H, W, C = x.shape
    kh, _, C_k, F = kernel.shape
    kw = kh  # assumes square kernels
    assert C == C_k, "channel mismatch"
    if isinstance(stride, int):
        sh, sw = stride, stride
    else:
        sh, sw = stride

    if padding == "valid":
        x_pad = x
    elif padding == "same":
        x_pad = zero_pad(x, (same_padding(H, kh, sh), same_padding(W, kw, sw)))
    else:
        x_pad = zero_pad(x, padding)

    H_out = (x_pad.shape[1] - kh) // sh + 1
    W_out = (x_pad.shape[2] - kw) // sw + 1
    out = np.zeros((N, H_out, W_out, F))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = x_pad[n, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
                for f in range(F):
                    out[n, i, j, f] = np.sum(window * kernel[:, :, :, f])
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    N, L, C = x.shape
    k, _, F = kernel.shape
    if padding == "valid":
        before = after = 0
    elif padding == "same":
        before, after = same_padding(L, k, stride)
    else:
        before = after = padding
    xp = np.zeros((N, before + L + after, C))
    xp[:, before:before + L, :] = x
    L_out = (xp.shape[1] - k) // stride + 1
    out = np.zeros((N, L_out, F))
    for n in range(N):
        for i in range(L_out):
            for f in range(F):
                s = 0.0
                for a in range(k):
                    for c in range(C):
                        s += xp[n, i * stride + a, c] * kernel[a, c, f]
                if bias is not None:
                    s += bias[f]
                out[n, i, f] = s
    return out
