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

Diagnoses reproduce typical mistakes from the reference module (``conv_padding_diagnoses``).
A mistake that cannot even be computed for some input (e.g. "forgot the padding" when the
kernel does not fit into the unpadded input) raises there; the engine then treats it as not
applying to that input. Where two mistakes give the same output on an input, the first listed
wins, so each check lists its most likely mistakes first and starts with cases that tell them
apart.

The conv2d bias check (3.10) uses square kernels, so a bias mistake is reported even where
non-square kernels also fail. Invalid arguments are not graded: the spec does not ask for
ValueErrors, and the docstrings do not promise them (the reference still rejects them).

Which student functions each check calls: every check calls only the function it grades
(scenario ``call``); what that function calls of the student's own code (conv2d calling their
zero_pad or conv_output_size, say) is the student's design, not a chain of the grader's.
"""
from __future__ import annotations

from autograder.engine.rubric import Call, Check, Rubric, integers, randn
from autograder.exercises import lecture
from autograder.rubrics.conv_padding_diagnoses import (
    D_FLIPPED, D_STRIDE_IGNORED, D_STRIDE_SWAPPED, D_STRIDE_FIRST_ONLY, D_BIAS_IGNORED,
    D_INT_PAD_FORGOTTEN, D_INT_PAD_ONE_SIDE, D_SAME_FORGOTTEN, D_SAME_TOP_LEFT, D_SAME_DROPPED,
    D_SAME_HALF_KERNEL, D_SAME_STRIDE_ONE_RULE, D1_FLIPPED, D1_STRIDE_IGNORED, D1_BIAS_IGNORED,
    D1_INT_PAD_FORGOTTEN, D1_SAME_FORGOTTEN, D1_SAME_LEFT, D1_SAME_DROPPED, D1_SAME_HALF_KERNEL,
    D1_SAME_STRIDE_ONE_RULE, D_PAD_ALL_AXES, D_PAD_ONE_SIDE, D_PAD_BY_SIDE, D_PAD_AXES_SWAPPED,
    D_SIZE_CEIL, D_SIZE_TRUE_DIV, D_SIZE_PAD_ONCE, D_SIZE_NO_PLUS_ONE, D_SIZE_STRIDE_IGNORED,
)

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
