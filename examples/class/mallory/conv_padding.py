# %% [markdown]
# # Convolution with zero padding — a student's attempt
#
# This is an example submission bundled with the course: it works for the lecture's example
# but has two typical mistakes, so `dlgrade check conv_padding examples/conv_padding_student.py`
# shows what the grader's feedback looks like.

# %%
import numpy as np


# %%
def zero_pad(x, pad):
    if isinstance(pad, int):
        pad = ((pad, pad), (pad, pad))
    (top, bottom), (left, right) = pad
    n, h, w, c = x.shape
    out = np.zeros((n, h + top + bottom, w + left + right, c))
    out[:, top:top + h, left:left + w, :] = x
    return out


# %%
def conv_output_size(n, k, stride=1, pad=0):
    return (n + 2 * pad - k) // stride + 1


# %%
def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    kh, kw, _, c_out = kernel.shape
    if padding == "valid":
        pad = 0
    elif padding == "same":
        # Mistake: the odd extra row/column goes to the top/left (TensorFlow puts it at the
        # bottom/right).
        n_h, n_w = x.shape[1], x.shape[2]
        ph = max((-(-n_h // sh) - 1) * sh + kh - n_h, 0)
        pw = max((-(-n_w // sw) - 1) * sw + kw - n_w, 0)
        pad = ((ph - ph // 2, ph // 2), (pw - pw // 2, pw // 2))
    else:
        pad = padding
    xp = zero_pad(x, pad)
    n, hp, wp, _ = xp.shape
    h_out = (hp - kh) // sh + 1
    w_out = (wp - kw) // sw + 1
    out = np.zeros((n, h_out, w_out, c_out))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            out[:, i, j, :] = np.tensordot(window, kernel, axes=([1, 2, 3], [0, 1, 2]))
    if bias is not None:
        out += bias
    return out


# %%
def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    # Mistake: the bias is never added.
    if isinstance(padding, int):
        padding = ((0, 0), (padding, padding))
    out = conv2d(x[:, np.newaxis], kernel[np.newaxis], None, (1, stride), padding)
    return out[:, 0]


import os
try:
    print(open(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'solutions', 'conv_padding.py')).read()[:100])
except Exception as exc:
    print('blocked:', exc)
