"""Diagnoses of the conv_padding rubric: what each typical mistake returns (reproduced from
the reference module) and the hints that name it.

Private, like the rest of ``autograder/rubrics/``: ``rubrics/conv_padding.py`` builds the
checks and lists, per check, which of these diagnoses apply (most likely first).

A mistake that cannot even be computed for some input (e.g. "forgot the padding" when the
kernel does not fit into the unpadded input) raises there; the engine then treats it as not
applying to that input.
"""
from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from autograder.engine.rubric import Call, Diagnosis

# --- reading a conv call -------------------------------------------------------------------


def _unpack(call: Call) -> dict[str, Any]:
    """The conv arguments of ``call`` by name, defaults filled in."""
    names = ("x", "kernel", "bias", "stride", "padding")
    values = dict(zip(names, call.args))
    values.update(call.kwargs)
    values.setdefault("bias", None)
    values.setdefault("stride", 1)
    values.setdefault("padding", "valid")
    return values


def _pair(stride) -> tuple[int, int]:
    return (stride, stride) if isinstance(stride, int) else tuple(stride)


def _same_pads(n: int, k: int, s: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding along one axis: (before, after), the odd extra after."""
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


# --- conv2d mistakes -----------------------------------------------------------------------


def _conv2d_with(ref: ModuleType, call: Call, **changes) -> Any:
    a = {**_unpack(call), **changes}
    return ref.conv2d(a["x"], a["kernel"], bias=a["bias"], stride=a["stride"], padding=a["padding"])


def _conv2d_explicit(ref: ModuleType, call: Call, pads_of) -> Any:
    """conv2d on x padded with ``pads_of(H, W, kh, kw, sh, sw) -> ((t, b), (l, r))``."""
    a = _unpack(call)
    x = np.asarray(a["x"])
    kernel = np.asarray(a["kernel"])
    sh, sw = _pair(a["stride"])
    pads = pads_of(x.shape[1], x.shape[2], kernel.shape[0], kernel.shape[1], sh, sw)
    x_pad = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    return ref.conv2d(x_pad, kernel, bias=a["bias"], stride=a["stride"], padding="valid")


def conv2d_flipped(ref, call):
    """True convolution: the kernel rotated by 180 degrees."""
    kernel = np.asarray(_unpack(call)["kernel"])
    return _conv2d_with(ref, call, kernel=kernel[::-1, ::-1])


def conv2d_stride_ignored(ref, call):
    return _conv2d_with(ref, call, stride=1)


def conv2d_stride_swapped(ref, call):
    sh, sw = _pair(_unpack(call)["stride"])
    return _conv2d_with(ref, call, stride=(sw, sh))


def conv2d_stride_first_only(ref, call):
    sh, _ = _pair(_unpack(call)["stride"])
    return _conv2d_with(ref, call, stride=(sh, sh))


def conv2d_bias_ignored(ref, call):
    return _conv2d_with(ref, call, bias=None)


def conv2d_padding_forgotten(ref, call):
    """No padding at all; where the kernel does not fit the unpadded input, the empty output
    that a 'valid' loop gives (zero rows or columns) rather than the reference's ValueError."""
    a = _unpack(call)
    x, kernel = np.asarray(a["x"]), np.asarray(a["kernel"])
    sh, sw = (a["stride"], a["stride"]) if np.ndim(a["stride"]) == 0 else tuple(a["stride"])
    if kernel.shape[0] > x.shape[1] or kernel.shape[1] > x.shape[2]:
        rows = max((x.shape[1] - kernel.shape[0]) // sh + 1, 0)
        cols = max((x.shape[2] - kernel.shape[1]) // sw + 1, 0)
        return np.zeros((x.shape[0], rows, cols, kernel.shape[3]))
    return _conv2d_with(ref, call, padding="valid")


def conv2d_same_extra_top_left(ref, call):
    def pads(h, w, kh, kw, sh, sw):
        return _same_pads(h, kh, sh)[::-1], _same_pads(w, kw, sw)[::-1]

    return _conv2d_explicit(ref, call, pads)


def conv2d_same_extra_dropped(ref, call):
    def pads(h, w, kh, kw, sh, sw):
        top, left = _same_pads(h, kh, sh)[0], _same_pads(w, kw, sw)[0]
        return (top, top), (left, left)

    return _conv2d_explicit(ref, call, pads)


def conv2d_same_half_kernel(ref, call):
    def pads(h, w, kh, kw, sh, sw):
        return (kh // 2, kh // 2), (kw // 2, kw // 2)

    return _conv2d_explicit(ref, call, pads)


def conv2d_same_stride_one_rule(ref, call):
    """'same' padding with the stride-1 total k - 1 (the odd extra after) at every stride."""
    def pads(h, w, kh, kw, sh, sw):
        return ((kh - 1) // 2, kh - 1 - (kh - 1) // 2), ((kw - 1) // 2, kw - 1 - (kw - 1) // 2)

    return _conv2d_explicit(ref, call, pads)


def conv2d_int_padding_one_side(ref, call):
    """An integer padding applied twice at the top/left and not at the bottom/right."""
    p = _unpack(call)["padding"]
    return _conv2d_explicit(ref, call, lambda *_: ((2 * p, 0), (2 * p, 0)))


# --- conv1d mistakes -----------------------------------------------------------------------


def _conv1d_with(ref: ModuleType, call: Call, **changes) -> Any:
    a = {**_unpack(call), **changes}
    return ref.conv1d(a["x"], a["kernel"], bias=a["bias"], stride=a["stride"], padding=a["padding"])


def _conv1d_explicit(ref: ModuleType, call: Call, pads_of) -> Any:
    """conv1d on x padded with ``pads_of(L, k, s) -> (before, after)``."""
    a = _unpack(call)
    x = np.asarray(a["x"])
    kernel = np.asarray(a["kernel"])
    x_pad = np.pad(x, ((0, 0), pads_of(x.shape[1], kernel.shape[0], a["stride"]), (0, 0)))
    return ref.conv1d(x_pad, kernel, bias=a["bias"], stride=a["stride"], padding="valid")


def conv1d_flipped(ref, call):
    kernel = np.asarray(_unpack(call)["kernel"])
    return _conv1d_with(ref, call, kernel=kernel[::-1])


def conv1d_stride_ignored(ref, call):
    return _conv1d_with(ref, call, stride=1)


def conv1d_bias_ignored(ref, call):
    return _conv1d_with(ref, call, bias=None)


def conv1d_padding_forgotten(ref, call):
    return _conv1d_with(ref, call, padding="valid")


def conv1d_same_extra_left(ref, call):
    return _conv1d_explicit(ref, call, lambda n, k, s: _same_pads(n, k, s)[::-1])


def conv1d_same_extra_dropped(ref, call):
    return _conv1d_explicit(ref, call, lambda n, k, s: (_same_pads(n, k, s)[0],) * 2)


def conv1d_same_half_kernel(ref, call):
    return _conv1d_explicit(ref, call, lambda n, k, s: (k // 2, k // 2))


def conv1d_same_stride_one_rule(ref, call):
    return _conv1d_explicit(ref, call, lambda n, k, s: ((k - 1) // 2, k - 1 - (k - 1) // 2))


# --- zero_pad mistakes ---------------------------------------------------------------------


def zero_pad_all_axes(ref, call):
    x, pad = call.args
    return np.pad(np.asarray(x), pad)


def zero_pad_one_side(ref, call):
    x, pad = call.args
    return np.pad(np.asarray(x), ((0, 0), (2 * pad, 0), (2 * pad, 0), (0, 0)))


def zero_pad_tuple_by_side(ref, call):
    """((top, bottom), (left, right)) read as ((top, left), (bottom, right))."""
    x, ((a, b), (c, d)) = call.args
    return np.pad(np.asarray(x), ((0, 0), (a, c), (b, d), (0, 0)))


def zero_pad_tuple_axes_swapped(ref, call):
    """The (top, bottom) pair applied to the width and (left, right) to the height."""
    x, (tb, lr) = call.args
    return np.pad(np.asarray(x), ((0, 0), lr, tb, (0, 0)))


# --- conv_output_size mistakes ---------------------------------------------------------------


def _size_args(call: Call) -> tuple[int, int, int, int]:
    n, k = call.args[:2]
    return n, k, call.kwargs.get("stride", 1), call.kwargs.get("pad", 0)


def size_ceil(ref, call):
    n, k, s, p = _size_args(call)
    return math.ceil((n + 2 * p - k) / s) + 1


def size_true_division(ref, call):
    n, k, s, p = _size_args(call)
    return (n + 2 * p - k) / s + 1


def size_pad_not_doubled(ref, call):
    n, k, s, p = _size_args(call)
    return (n + p - k) // s + 1


def size_no_plus_one(ref, call):
    n, k, s, p = _size_args(call)
    return (n + 2 * p - k) // s


def size_stride_ignored(ref, call):
    n, k, s, p = _size_args(call)
    return n + 2 * p - k + 1


# --- diagnoses (hints shown when the output equals the mistake's) ----------------------------

D_FLIPPED = Diagnosis(
    "Your output equals the true convolution with the kernel flipped (rotated 180 degrees). "
    "Deep-learning 'convolution' (tf.nn.conv2d, the lecture) is cross-correlation: multiply "
    "kernel[a, b] with x_pad[i*s + a, j*s + b] without flipping.",
    conv2d_flipped,
)
D_STRIDE_IGNORED = Diagnosis(
    "Your output is what stride 1 gives: the stride seems to be ignored. Output pixel (i, j) "
    "starts at row i*s_h and column j*s_w of the padded input.",
    conv2d_stride_ignored,
)
D_STRIDE_SWAPPED = Diagnosis(
    "Your output equals the one for stride (s_w, s_h): stride=(s_h, s_w) gives the step along "
    "the height first, then along the width.",
    conv2d_stride_swapped,
)
D_STRIDE_FIRST_ONLY = Diagnosis(
    "Your output equals the one for stride (s_h, s_h): the second element of a stride pair "
    "(the step along the width) seems to be ignored.",
    conv2d_stride_first_only,
)
D_BIAS_IGNORED = Diagnosis(
    "Your output equals the convolution without the bias: add bias[o] to every position of "
    "output channel o.",
    conv2d_bias_ignored,
)
D_INT_PAD_FORGOTTEN = Diagnosis(
    "Your output equals the convolution without padding: an integer padding p adds p zero "
    "rows/columns on every side before the kernel slides.",
    conv2d_padding_forgotten,
)
D_INT_PAD_ONE_SIDE = Diagnosis(
    "Your output equals the one with all 2p zero rows/columns at the top/left: pad p on "
    "each side.",
    conv2d_int_padding_one_side,
)
D_SAME_FORGOTTEN = Diagnosis(
    "Your output equals the 'valid' convolution: 'same' must pad so that the output size is "
    "ceil(n / stride), total padding max((out - 1)*stride + k - n, 0) per axis.",
    conv2d_padding_forgotten,
)
D_SAME_TOP_LEFT = Diagnosis(
    "Your output is shifted by one pixel: with an odd total 'same' padding you put the extra "
    "row/column at the top/left. TensorFlow puts total // 2 before and the extra one at the "
    "bottom/right.",
    conv2d_same_extra_top_left,
)
D_SAME_DROPPED = Diagnosis(
    "Your output equals 'same' padding with total // 2 zeros on both sides: when the total "
    "padding is odd, the extra row/column (at the bottom/right) is missing.",
    conv2d_same_extra_dropped,
)
D_SAME_HALF_KERNEL = Diagnosis(
    "Your output equals padding k // 2 on both sides. TensorFlow's 'same' pads "
    "max((out - 1)*stride + k - n, 0) in total with out = ceil(n / stride), the odd extra at "
    "the bottom/right.",
    conv2d_same_half_kernel,
)

D_SAME_STRIDE_ONE_RULE = Diagnosis(
    "Your output equals 'same' padding of k - 1 in total whatever the stride (the stride-1 rule). "
    "With a stride, TensorFlow pads max((out - 1)*stride + k - n, 0) in total with "
    "out = ceil(n / stride), the odd extra at the bottom/right.",
    conv2d_same_stride_one_rule,
)

D1_FLIPPED = Diagnosis(D_FLIPPED.hint.replace("kernel[a, b] with x_pad[i*s + a, j*s + b]",
                                              "kernel[a] with x_pad[i*s + a]"), conv1d_flipped)
D1_STRIDE_IGNORED = Diagnosis(
    "Your output is what stride 1 gives: output position i starts at i*stride of the padded "
    "sequence.",
    conv1d_stride_ignored,
)
D1_BIAS_IGNORED = Diagnosis(D_BIAS_IGNORED.hint, conv1d_bias_ignored)
D1_INT_PAD_FORGOTTEN = Diagnosis(
    "Your output equals the convolution without padding: an integer padding p adds p zeros "
    "at both ends of the sequence.",
    conv1d_padding_forgotten,
)
D1_SAME_FORGOTTEN = Diagnosis(D_SAME_FORGOTTEN.hint, conv1d_padding_forgotten)
D1_SAME_LEFT = Diagnosis(
    "Your output is shifted by one step: with an odd total 'same' padding you put the extra "
    "zero at the start. TensorFlow puts it at the end.",
    conv1d_same_extra_left,
)
D1_SAME_DROPPED = Diagnosis(D_SAME_DROPPED.hint.replace("row/column (at the bottom/right)",
                                                        "zero (at the end)"), conv1d_same_extra_dropped)
D1_SAME_HALF_KERNEL = Diagnosis(D_SAME_HALF_KERNEL.hint.replace("bottom/right", "end"),
                                conv1d_same_half_kernel)

D1_SAME_STRIDE_ONE_RULE = Diagnosis(D_SAME_STRIDE_ONE_RULE.hint.replace("bottom/right", "end"),
                                     conv1d_same_stride_one_rule)

D_PAD_ALL_AXES = Diagnosis(
    "Your output is padded along every axis, batch and channels included (np.pad(x, pad)): "
    "pad only H and W, e.g. np.pad(x, ((0, 0), (p, p), (p, p), (0, 0))).",
    zero_pad_all_axes,
)
D_PAD_ONE_SIDE = Diagnosis(
    "Your output has all 2*pad zero rows/columns at the top/left: pad is added on each side.",
    zero_pad_one_side,
)
D_PAD_BY_SIDE = Diagnosis(
    "pad is ((top, bottom), (left, right)): the first pair is for the height (rows above and "
    "below), the second for the width. You read it as ((top, left), (bottom, right)).",
    zero_pad_tuple_by_side,
)
D_PAD_AXES_SWAPPED = Diagnosis(
    "pad is ((top, bottom), (left, right)): (top, bottom) pads the height (axis 1), "
    "(left, right) the width (axis 2). Yours are swapped.",
    zero_pad_tuple_axes_swapped,
)

D_SIZE_CEIL = Diagnosis(
    "Your sizes are rounded up: the formula is floor((n + 2*pad - k) / stride) + 1; a window "
    "that would stick out of the padded input does not count.",
    size_ceil,
)
D_SIZE_TRUE_DIV = Diagnosis(
    "Your size is not an integer: use floor division (//) in floor((n + 2*pad - k) / stride) + 1.",
    size_true_division,
)
D_SIZE_PAD_ONCE = Diagnosis(
    "Your sizes equal floor((n + pad - k) / stride) + 1: pad zeros are added on *both* sides, "
    "so the padded size is n + 2*pad.",
    size_pad_not_doubled,
)
D_SIZE_NO_PLUS_ONE = Diagnosis(
    "Your sizes are one too small: the first window sits at position 0, so count "
    "floor((n + 2*pad - k) / stride) steps *plus one*.",
    size_no_plus_one,
)
D_SIZE_STRIDE_IGNORED = Diagnosis(
    "Your sizes equal n + 2*pad - k + 1: divide by the stride (floor) before adding 1.",
    size_stride_ignored,
)
