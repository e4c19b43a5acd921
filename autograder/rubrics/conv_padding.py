"""Rubric for conv_padding: zero padding, output size, conv2d and conv1d (Ch. 4 HW #7, #8).

Layout of the checks: one group per graded function (1 zero_pad, 2 conv_output_size,
3 conv2d, 4 conv1d). Each check isolates one behaviour, so a typical mistake loses only the
checks that name it:

- conv2d/conv1d checks without "bias" in their name pass no bias (``bias`` omitted or None);
- checks without "stride" in their name use stride 1;
- checks without "'same'" in their name use "valid" or an integer padding;
- "'same'" checks at stride 1 with odd kernels need an even total padding (split evenly),
  the even-kernel ones an odd total (extra row/column at the bottom/right).

Hidden checks re-test the same behaviours on other shapes and seeds.

Diagnoses reproduce typical mistakes from the reference module. A mistake that cannot even
be computed for some input (e.g. "forgot the padding" when the kernel does not fit into the
unpadded input) raises there; the engine then treats it as not applying to that input.
Where two mistakes give the same output on an input, the first listed wins, so each check
lists its most likely mistakes first and starts with cases that tell them apart.

The conv2d bias check (3.10) uses square kernels, so a bias mistake is reported even where
non-square kernels also fail. Invalid arguments are not graded: the spec does not ask for
ValueErrors, and the docstrings do not promise them (the reference still rejects them).

Which student functions each check calls: every check calls only the function it grades
(scenario ``call``); what that function calls of the student's own code (conv2d calling their
zero_pad or conv_output_size, say) is the student's design, not a chain of the grader's.
"""
from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from autograder.engine.rubric import Call, Check, Diagnosis, Rubric, integers, randn
from autograder.exercises import lecture

# --- call builders ------------------------------------------------------------------------


def _conv_call(x, kernel, *, bias=None, stride=1, padding="valid", defaults=False) -> Call:
    """A conv2d/conv1d call; ``defaults`` leaves out the keyword arguments that are at their default."""
    if defaults:
        kwargs = {}
        if bias is not None:
            kwargs["bias"] = bias
        if stride != 1:
            kwargs["stride"] = stride
        if padding != "valid":
            kwargs["padding"] = padding
        return Call((x, kernel), kwargs)
    return Call((x, kernel), {"bias": bias, "stride": stride, "padding": padding})


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

# --- case generators ---------------------------------------------------------------------

def _image(rng, n, h, w, c):
    return randn(rng, n, h, w, c)


def _batch_channels(rng, max_batch=3, max_channels=4):
    return integers(rng, 1, max_batch), integers(rng, 1, max_channels), integers(rng, 1, max_channels)


def _conv2d_random(rng, *, kh, kw, h, w, stride=1, padding="valid", bias=False, defaults=False,
                   max_batch=3) -> Call:
    n, c_in, c_out = _batch_channels(rng, max_batch=max_batch)
    x = _image(rng, n, h, w, c_in)
    kernel = randn(rng, kh, kw, c_in, c_out)
    b = randn(rng, c_out) if bias else None
    return _conv_call(x, kernel, bias=b, stride=stride, padding=padding, defaults=defaults)


def _conv1d_random(rng, *, k, length, stride=1, padding="valid", bias=False, defaults=False) -> Call:
    n, c_in, c_out = _batch_channels(rng)
    x = randn(rng, n, length, c_in)
    kernel = randn(rng, k, c_in, c_out)
    b = randn(rng, c_out) if bias else None
    return _conv_call(x, kernel, bias=b, stride=stride, padding=padding, defaults=defaults)


def _choice(rng, options):
    return options[integers(rng, 0, len(options) - 1)]


# zero_pad

def cases_zero_pad_int(rng):
    calls = []
    for pad in (1, 2, 3, 0, integers(rng, 1, 3)):
        n, c, _ = _batch_channels(rng)
        calls.append(Call((_image(rng, n, integers(rng, 1, 8), integers(rng, 1, 8), c), pad)))
    return calls


def cases_zero_pad_tuple(rng):
    pads = [((0, 1), (0, 1)), ((2, 0), (0, 3)), ((1, 2), (3, 0))]
    for _ in range(3):
        pads.append(((integers(rng, 0, 3), integers(rng, 0, 3)), (integers(rng, 0, 3), integers(rng, 0, 3))))
    calls = []
    for pad in pads:
        n, c, _ = _batch_channels(rng)
        calls.append(Call((_image(rng, n, integers(rng, 1, 8), integers(rng, 1, 8), c), pad)))
    return calls


# conv_output_size

def _size_call(n, k, stride, pad, defaults=False) -> Call:
    if defaults:
        return Call((n, k))
    return Call((n, k), {"stride": stride, "pad": pad})


def cases_size_stride1(rng):
    calls = [_size_call(3, 3, 1, 1), _size_call(3, 3, 1, 0, defaults=True), _size_call(5, 5, 1, 2)]
    for _ in range(5):
        pad = integers(rng, 0, 3)
        k = integers(rng, 1, 11)
        n = integers(rng, max(1, k - 2 * pad), 300)
        calls.append(_size_call(n, k, 1, pad))
    return calls


def _non_dividing(rng, stride, pad, n_max=300):
    while True:
        k = integers(rng, 1, 11)
        n = integers(rng, max(1, k - 2 * pad), n_max)
        if (n + 2 * pad - k) % stride:
            return n, k


def cases_size_stride(rng):
    calls = [_size_call(224, 11, 4, 0), _size_call(6, 3, 2, 0), _size_call(7, 1, 3, 0)]
    for _ in range(5):
        stride = integers(rng, 2, 4)
        n, k = _non_dividing(rng, stride, 0)
        calls.append(_size_call(n, k, stride, 0))
    return calls


def cases_size_stride_pad(rng):
    calls = [_size_call(224, 7, 2, 3), _size_call(227, 11, 4, 2), _size_call(9, 4, 3, 1)]
    for _ in range(5):
        stride, pad = integers(rng, 2, 4), integers(rng, 1, 4)
        n, k = _non_dividing(rng, stride, pad, n_max=500)
        calls.append(_size_call(n, k, stride, pad))
    return calls


# conv2d

def cases_conv2d_lecture_pad(rng):
    x, kernel = lecture.conv_example()  # the lecture's worked example (HW #7, figure 4-14)
    return [Call((x, kernel), {"padding": 1}), Call((x, kernel), {"stride": 1, "padding": 1})]


def cases_conv2d_lecture_valid(rng):
    x, kernel = lecture.conv_example()  # the lecture's worked example (HW #7, figure 4-14)
    return [Call((x, kernel)), Call((x, kernel), {"padding": "valid"})]


def cases_conv2d_valid(rng):
    calls = []
    for i in range(5):
        kh, kw = integers(rng, 1, 5), integers(rng, 1, 5)
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, kh, 12), w=integers(rng, kw, 12),
                                    defaults=(i == 0)))
    # 1x1 kernel: a per-pixel linear map of the channels.
    calls.append(_conv2d_random(rng, kh=1, kw=1, h=integers(rng, 1, 8), w=integers(rng, 1, 8)))
    # Kernel as large as the input: a single output pixel.
    h, w = integers(rng, 2, 5), integers(rng, 2, 5)
    calls.append(_conv2d_random(rng, kh=h, kw=w, h=h, w=w))
    return calls


def cases_conv2d_int_padding(rng):
    calls = []
    for pad in (1, 2, 3, integers(rng, 1, 3)):
        kh, kw = integers(rng, 1, 5), integers(rng, 1, 5)
        h = integers(rng, max(1, kh - 2 * pad), 10)
        w = integers(rng, max(1, kw - 2 * pad), 10)
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=h, w=w, padding=pad))
    calls.append(_conv2d_random(rng, kh=3, kw=2, h=integers(rng, 3, 8), w=integers(rng, 2, 8), padding=0))
    # Kernel as large as the padded input.
    h, w, pad = integers(rng, 1, 3), integers(rng, 1, 3), integers(rng, 1, 2)
    calls.append(_conv2d_random(rng, kh=h + 2 * pad, kw=w + 2 * pad, h=h, w=w, padding=pad))
    return calls


def cases_conv2d_stride(rng):
    calls = []
    for _ in range(4):
        stride = integers(rng, 2, 3)
        kh, kw = _choice(rng, (1, 3, 5)), _choice(rng, (1, 3, 5))
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, kh, 12), w=integers(rng, kw, 12),
                                    stride=stride, defaults=True))
    # Stride larger than the kernel (some pixels are never used), stride not dividing n - k.
    calls.append(_conv2d_random(rng, kh=1, kw=1, h=integers(rng, 4, 10), w=integers(rng, 4, 10), stride=3))
    calls.append(_conv2d_random(rng, kh=3, kw=3, h=8, w=integers(rng, 5, 12), stride=2))
    calls.append(_conv2d_random(rng, kh=3, kw=1, h=integers(rng, 3, 5), w=integers(rng, 1, 4), stride=3))
    return calls


def cases_conv2d_tuple_stride(rng):
    calls = []
    for stride in ((1, 2), (2, 1), (3, 2), (2, 3), (1, 3)):
        pad = _choice(rng, ("valid", 0, 1, 2))
        kh, kw = integers(rng, 1, 4), integers(rng, 1, 4)
        p = 0 if pad == "valid" else pad
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, max(1, kh - 2 * p), 11),
                                    w=integers(rng, max(1, kw - 2 * p), 11), stride=stride, padding=pad))
    return calls


def cases_conv2d_same_odd(rng):
    calls = []
    for i in range(5):
        kh, kw = _choice(rng, (1, 3, 5)), _choice(rng, (3, 5))
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, kh, 12), w=integers(rng, kw, 12),
                                    padding="same", defaults=(i == 0)))
    # Kernel larger than the input: 'same' still gives an output of the input's size.
    calls.append(_conv2d_random(rng, kh=5, kw=3, h=integers(rng, 2, 4), w=integers(rng, 1, 2), padding="same"))
    return calls


def cases_conv2d_same_even(rng):
    calls = []
    for kh, kw in ((4, 4), (2, 2), (2, 3), (3, 4), (_choice(rng, (2, 4)), _choice(rng, (1, 2, 4)))):
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, kh, 12), w=integers(rng, kw, 12),
                                    padding="same"))
    return calls


def cases_conv2d_same_stride(rng):
    # n=7, k=4, s=2: total padding 3; n=6, k=3, s=2: output 3, total padding 1 (odd);
    # n=7, k=1, s=3: stride larger than kernel.
    calls = [_conv2d_random(rng, kh=4, kw=4, h=7, w=7, stride=2, padding="same"),
             _conv2d_random(rng, kh=3, kw=3, h=6, w=integers(rng, 5, 10), stride=2, padding="same"),
             _conv2d_random(rng, kh=1, kw=1, h=7, w=integers(rng, 4, 10), stride=3, padding="same")]
    for _ in range(4):
        kh, kw = integers(rng, 1, 5), integers(rng, 1, 5)
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, kh, 12), w=integers(rng, kw, 12),
                                    stride=integers(rng, 2, 3), padding="same"))
    return calls


def cases_conv2d_bias(rng):
    """Square kernels only: a bias mistake shows here even in code that also mishandles
    non-square kernels (which the other checks grade)."""
    calls = []
    for i, pad in enumerate(("valid", "valid", 1, 2, integers(rng, 0, 2))):
        k = integers(rng, 1, 4)
        calls.append(_conv2d_random(rng, kh=k, kw=k, h=integers(rng, k, 10), w=integers(rng, k, 10),
                                    padding=pad, bias=True, defaults=(i == 0)))
    return calls


def cases_conv2d_hidden_stride(rng):
    calls = []
    for stride in (2, 3, (2, 3), (3, 1), integers(rng, 2, 3), (integers(rng, 1, 3), 2)):
        pad = _choice(rng, ("valid", 1, 2, 3))
        p = 0 if pad == "valid" else pad
        kh, kw = integers(rng, 1, 5), integers(rng, 1, 5)
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, max(4, kh), 12),
                                    w=integers(rng, max(4, kw), 12), stride=stride, padding=pad))
    return calls


def cases_conv2d_hidden_same(rng):
    calls = [_conv2d_random(rng, kh=4, kw=4, h=integers(rng, 4, 12), w=integers(rng, 4, 12), stride=2,
                            padding="same"),
             _conv2d_random(rng, kh=4, kw=3, h=9, w=10, stride=(3, 2), padding="same")]
    for _ in range(4):
        kh, kw = integers(rng, 1, 5), integers(rng, 1, 5)
        calls.append(_conv2d_random(rng, kh=kh, kw=kw, h=integers(rng, kh, 12), w=integers(rng, kw, 12),
                                    stride=_choice(rng, (1, 2, 3, (1, 2), (2, 1))), padding="same"))
    return calls


# conv1d

def cases_conv1d_valid(rng):
    calls = []
    for i, pad in enumerate(("valid", "valid", 1, 2, 3)):
        p = 0 if pad == "valid" else pad
        k = integers(rng, 1, 5)
        calls.append(_conv1d_random(rng, k=k, length=integers(rng, max(1, k - 2 * p), 12), padding=pad,
                                    defaults=(i == 0)))
    length = integers(rng, 2, 6)
    calls.append(_conv1d_random(rng, k=length, length=length))  # kernel as long as the sequence
    calls.append(_conv1d_random(rng, k=1, length=integers(rng, 1, 8)))
    return calls


def cases_conv1d_same(rng):
    calls = []
    for k in (4, 1, 2, 3, integers(rng, 2, 5)):
        calls.append(_conv1d_random(rng, k=k, length=integers(rng, k, 12), padding="same"))
    return calls


def cases_conv1d_stride(rng):
    calls = []
    for stride, pad in ((2, "valid"), (3, "valid"), (2, 1), (3, 2), (integers(rng, 2, 3), "valid")):
        p = 0 if pad == "valid" else pad
        k = integers(rng, 1, 5)
        calls.append(_conv1d_random(rng, k=k, length=integers(rng, max(1, k - 2 * p), 12), stride=stride,
                                    padding=pad))
    calls.append(_conv1d_random(rng, k=1, length=integers(rng, 5, 12), stride=3))  # stride > kernel
    return calls


def cases_conv1d_bias(rng):
    calls = []
    for i, pad in enumerate(("valid", 1, 2, "valid")):
        k = integers(rng, 1, 4)
        calls.append(_conv1d_random(rng, k=k, length=integers(rng, k, 12), padding=pad, bias=True,
                                    defaults=(i == 0)))
    return calls


def cases_conv1d_hidden_same_stride(rng):
    calls = [_conv1d_random(rng, k=4, length=7, stride=2, padding="same"),
             _conv1d_random(rng, k=3, length=6, stride=2, padding="same"),
             _conv1d_random(rng, k=2, length=9, stride=3, padding="same")]
    for _ in range(4):
        k = integers(rng, 1, 5)
        calls.append(_conv1d_random(rng, k=k, length=integers(rng, k, 12), stride=integers(rng, 2, 3),
                                    padding="same"))
    return calls


# --- the rubric --------------------------------------------------------------------------

_CONV2D_HINT = ("out[n, i, j, o] = bias[o] + sum over a, b, c of x_pad[n, i*s_h + a, j*s_w + b, c] "
                "* kernel[a, b, c, o], without flipping the kernel.")
_CONV1D_HINT = "out[n, i, o] = bias[o] + sum over a, c of x_pad[n, i*stride + a, c] * kernel[a, c, o]."

RUBRIC = Rubric(
    assignment="conv_padding",
    checks=(
        # 1. zero_pad
        Check("1.1", "zero_pad: int pad on all four sides of H and W", "zero_pad", 0.5,
              cases_zero_pad_int, seed=1101,
              hint="Pad only the height and width axes: ((0, 0), (p, p), (p, p), (0, 0)).",
              diagnoses=(D_PAD_ALL_AXES, D_PAD_ONE_SIDE)),
        Check("1.2", "zero_pad: asymmetric ((top, bottom), (left, right)) padding", "zero_pad", 0.5,
              cases_zero_pad_tuple, seed=1201,
              hint="((top, bottom), (left, right)): rows above/below, then columns left/right.",
              diagnoses=(D_PAD_BY_SIDE, D_PAD_AXES_SWAPPED)),
        # 2. conv_output_size
        Check("2.1", "conv_output_size: stride 1, with and without padding", "conv_output_size", 0.5,
              cases_size_stride1, seed=2101, exact=True,
              hint="floor((n + 2*pad - k) / stride) + 1; the lecture's 3x3 example gives 3 with pad 1, 1 without.",
              diagnoses=(D_SIZE_PAD_ONCE, D_SIZE_NO_PLUS_ONE)),
        Check("2.2", "conv_output_size: stride that does not divide n - k (floor)", "conv_output_size", 0.5,
              cases_size_stride, seed=2201, exact=True,
              hint="floor((n + 2*pad - k) / stride) + 1, an int.",
              diagnoses=(D_SIZE_CEIL, D_SIZE_TRUE_DIV, D_SIZE_STRIDE_IGNORED, D_SIZE_NO_PLUS_ONE)),
        Check("2.3", "conv_output_size: padding and stride together", "conv_output_size", 0.5,
              cases_size_stride_pad, seed=2301, hidden=True, exact=True,
              hint="floor((n + 2*pad - k) / stride) + 1, an int.",
              diagnoses=(D_SIZE_CEIL, D_SIZE_PAD_ONCE, D_SIZE_TRUE_DIV, D_SIZE_STRIDE_IGNORED,
                         D_SIZE_NO_PLUS_ONE)),
        # 3. conv2d
        Check("3.1", "conv2d: lecture example (HW #7) with zero padding 1", "conv2d", 0.5,
              cases_conv2d_lecture_pad, seed=3101,
              hint="Expected [[9, 13, 9], [9, 8, 13], [5, 1, 4]] in out[0, :, :, 0]. " + _CONV2D_HINT,
              diagnoses=(D_FLIPPED, D_INT_PAD_FORGOTTEN, D_INT_PAD_ONE_SIDE)),
        Check("3.2", "conv2d: lecture example (HW #7) without padding", "conv2d", 0.5,
              cases_conv2d_lecture_valid, seed=3201,
              hint="Expected [[8]] in out[0, :, :, 0]. " + _CONV2D_HINT,
              diagnoses=(D_FLIPPED,)),
        Check("3.3", "conv2d: 'valid', stride 1, random shapes, channels and batch", "conv2d", 0.5,
              cases_conv2d_valid, seed=3301, hint=_CONV2D_HINT, diagnoses=(D_FLIPPED,)),
        Check("3.4", "conv2d: integer zero padding, stride 1", "conv2d", 0.5,
              cases_conv2d_int_padding, seed=3401,
              hint="Pad p zeros on every side of H and W, then slide the kernel. " + _CONV2D_HINT,
              diagnoses=(D_FLIPPED, D_INT_PAD_FORGOTTEN, D_INT_PAD_ONE_SIDE)),
        Check("3.5", "conv2d: stride 2 and 3, 'valid', odd kernels", "conv2d", 0.5,
              cases_conv2d_stride, seed=3501,
              hint="Output pixel (i, j) starts at (i*s, j*s); H_out = floor((H - kh) / s) + 1. " + _CONV2D_HINT,
              diagnoses=(D_STRIDE_IGNORED, D_FLIPPED)),
        Check("3.6", "conv2d: tuple strides (s_h, s_w)", "conv2d", 0.5,
              cases_conv2d_tuple_stride, seed=3601,
              hint="stride=(s_h, s_w): step s_h along the height, s_w along the width.",
              diagnoses=(D_STRIDE_IGNORED, D_STRIDE_SWAPPED, D_STRIDE_FIRST_ONLY, D_FLIPPED)),
        Check("3.7", "conv2d: 'same' padding, stride 1, odd kernels", "conv2d", 0.5,
              cases_conv2d_same_odd, seed=3701,
              hint="'same' at stride 1 keeps H and W: pad (k - 1) / 2 zeros on each side for an odd k.",
              diagnoses=(D_SAME_FORGOTTEN, D_FLIPPED)),
        Check("3.8", "conv2d: 'same' padding, even kernels (odd total padding, extra at bottom/right)",
              "conv2d", 0.5, cases_conv2d_same_even, seed=3801,
              hint="With an even kernel the total padding k - 1 is odd: total // 2 at the top/left, "
                   "the rest at the bottom/right (TensorFlow's rule).",
              diagnoses=(D_SAME_TOP_LEFT, D_SAME_FORGOTTEN, D_SAME_DROPPED, D_SAME_HALF_KERNEL, D_FLIPPED)),
        Check("3.9", "conv2d: 'same' padding, stride 2 and 3 (output ceil(n / stride))", "conv2d", 0.5,
              cases_conv2d_same_stride, seed=3901,
              hint="out = ceil(n / s), total padding max((out - 1)*s + k - n, 0), total // 2 before, "
                   "the rest after.",
              diagnoses=(D_STRIDE_IGNORED, D_SAME_TOP_LEFT, D_SAME_STRIDE_ONE_RULE, D_SAME_FORGOTTEN, D_SAME_DROPPED,
                         D_SAME_HALF_KERNEL, D_FLIPPED)),
        Check("3.10", "conv2d: bias is added per output channel", "conv2d", 0.5,
              cases_conv2d_bias, seed=31001,
              hint="Add bias[o] to every position of output channel o.",
              diagnoses=(D_BIAS_IGNORED, D_FLIPPED)),
        Check("3.11", "conv2d: strides (int and tuple) with 'valid' and integer padding, other shapes",
              "conv2d", 0.5, cases_conv2d_hidden_stride, seed=31101, hidden=True, hint=_CONV2D_HINT,
              diagnoses=(D_STRIDE_IGNORED, D_STRIDE_SWAPPED, D_INT_PAD_FORGOTTEN, D_FLIPPED)),
        Check("3.12", "conv2d: 'same' padding with even and odd kernels and strides, other shapes",
              "conv2d", 0.5, cases_conv2d_hidden_same, seed=31201, hidden=True,
              hint="out = ceil(n / s), total padding max((out - 1)*s + k - n, 0), the odd extra at "
                   "the bottom/right.",
              diagnoses=(D_STRIDE_IGNORED, D_SAME_TOP_LEFT, D_SAME_STRIDE_ONE_RULE, D_SAME_FORGOTTEN, D_SAME_DROPPED,
                         D_SAME_HALF_KERNEL, D_FLIPPED)),
        # 4. conv1d
        Check("4.1", "conv1d: 'valid' and integer padding, stride 1", "conv1d", 0.5,
              cases_conv1d_valid, seed=4101, hint=_CONV1D_HINT,
              diagnoses=(D1_FLIPPED, D1_INT_PAD_FORGOTTEN)),
        Check("4.2", "conv1d: 'same' padding, odd and even kernels", "conv1d", 0.5,
              cases_conv1d_same, seed=4201,
              hint="'same' at stride 1 keeps L: total padding k - 1, total // 2 at the start, the rest at the end.",
              diagnoses=(D1_SAME_LEFT, D1_SAME_FORGOTTEN, D1_SAME_DROPPED, D1_SAME_HALF_KERNEL, D1_FLIPPED)),
        Check("4.3", "conv1d: stride 2 and 3", "conv1d", 0.5,
              cases_conv1d_stride, seed=4301,
              hint="Output position i starts at i*stride; L_out = floor((L + 2p - k) / stride) + 1.",
              diagnoses=(D1_STRIDE_IGNORED, D1_FLIPPED)),
        Check("4.4", "conv1d: bias is added per output channel", "conv1d", 0.5,
              cases_conv1d_bias, seed=4401, hint="Add bias[o] to every position of output channel o.",
              diagnoses=(D1_BIAS_IGNORED, D1_FLIPPED)),
        Check("4.5", "conv1d: 'same' padding with stride 2 and 3, other shapes", "conv1d", 0.5,
              cases_conv1d_hidden_same_stride, seed=4501, hidden=True,
              hint="out = ceil(L / s), total padding max((out - 1)*s + k - L, 0), the odd extra at the end.",
              diagnoses=(D1_STRIDE_IGNORED, D1_SAME_LEFT, D1_SAME_STRIDE_ONE_RULE, D1_SAME_FORGOTTEN, D1_SAME_DROPPED,
                         D1_SAME_HALF_KERNEL, D1_FLIPPED)),
    ),
    forbidden=(
        "numpy.convolve",
        "numpy.correlate",
        "scipy.signal.*",
        "scipy.ndimage.*",
        "tensorflow.nn.conv*",
        "tensorflow.nn.convolution",
        "tensorflow.nn.depthwise_conv2d",
        "keras.ops.conv",
        "keras.ops.conv_transpose",
        "keras.ops.depthwise_conv",
        "keras.ops.separable_conv",
        "keras.layers.Conv1D",
        "keras.layers.Conv2D",
    ),
    needs_tensorflow=False,
    timeout=10.0,
)
