# Convolution written with keras.ops: slicing, matmul, pad -- no conv ops.
import keras
from keras import ops


def zero_pad(x, pad):
    if isinstance(pad, int):
        pad = ((pad, pad), (pad, pad))
    (t, b), (l, r) = pad
    return ops.pad(ops.convert_to_tensor(x), [[0, 0], [t, b], [l, r], [0, 0]])


def conv_output_size(n, k, stride=1, pad=0):
    return int(ops.floor((n + 2 * pad - k) / stride)) + 1


def _same(n, k, s):
    out = (n + s - 1) // s
    total = max((out - 1) * s + k - n, 0)
    return (total // 2, total - total // 2)


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = ops.convert_to_tensor(x, dtype="float32")
    kernel = ops.convert_to_tensor(kernel, dtype="float32")
    kh, kw, _, _ = kernel.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    H, W = x.shape[1], x.shape[2]
    if padding == "same":
        x = zero_pad(x, (_same(H, kh, sh), _same(W, kw, sw)))
    elif padding != "valid":
        x = zero_pad(x, padding)
    Hp, Wp = x.shape[1], x.shape[2]
    Ho = conv_output_size(Hp, kh, sh)
    Wo = conv_output_size(Wp, kw, sw)
    out = 0.0
    for a in range(kh):
        for b in range(kw):
            patch = x[:, a:a + (Ho - 1) * sh + 1:sh, b:b + (Wo - 1) * sw + 1:sw, :]
            out = out + ops.matmul(patch, kernel[a, b])
    if bias is not None:
        out = out + ops.convert_to_tensor(bias, dtype="float32")
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = ops.expand_dims(ops.convert_to_tensor(x, dtype="float32"), 1)
    kernel = ops.expand_dims(ops.convert_to_tensor(kernel, dtype="float32"), 0)
    if isinstance(padding, int):
        x = zero_pad(x, ((0, 0), (padding, padding)))
        padding = "valid"
    return conv2d(x, kernel, bias, (1, stride), padding)[:, 0]
