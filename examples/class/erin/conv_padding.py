# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
# This file is generated from solutions/conv_padding.py by `dlgrade release`; edit the marked regions.

# %% [markdown]
# # Convolution with zero padding (Ch. 4, HW #7 and #8)
#
# In this assignment you implement, in plain NumPy, the convolution layer's forward pass the
# way TensorFlow and Keras compute it:
#
# 1. `zero_pad(x, pad)` — surround a batch of images with zeros,
# 2. `conv_output_size(n, k, stride=1, pad=0)` — the size of a convolution's output,
# 3. `conv2d(x, kernel, bias=None, stride=1, padding="valid")` — 2-D convolution,
# 4. `conv1d(x, kernel, bias=None, stride=1, padding="valid")` — 1-D convolution (sequences).
#
# **Conventions.** Images and feature maps are *channels-last* (NHWC), as in Keras:
# a batch `x` has shape `(N, H, W, C_in)`. A 2-D kernel has shape `(kh, kw, C_in, C_out)`:
# one `kh x kw x C_in` filter per output channel. A sequence batch has shape `(N, L, C_in)`
# and a 1-D kernel `(k, C_in, C_out)`.
#
# **Rules.** Library convolutions are off limits inside your functions
# (`tf.nn.conv*`, `keras.ops.conv*`, `keras.layers.Conv*`, `scipy.signal`, `scipy.ndimage`,
# `np.convolve`, `np.correlate`). NumPy indexing, `np.pad`, `np.einsum`, `np.tensordot` and
# `np.lib.stride_tricks` are fine. Plain Python loops are fine too: they are slower, but the
# grader's inputs are small.

# %%
import math
import numbers

import numpy as np

# %% [markdown]
# ## 1. Zero padding
#
# Sliding a `k x k` kernel over an `n x n` image without padding gives only `n - k + 1`
# positions per axis, so every convolution shrinks the feature map, and the border pixels
# take part in fewer windows than the centre ones (a corner pixel is seen by exactly one
# window). *Zero padding* adds rows and columns of zeros around the image before sliding the
# kernel. It lets us
#
# - keep the spatial size (with `p = (k - 1) / 2` for an odd kernel and stride 1), so deep
#   networks do not shrink to nothing, and
# - let the border pixels contribute as often as the others.
#
# Only the spatial axes H and W are padded — never the batch axis N or the channel axis C.
# `pad` is either one int (the same number of zeros on all four sides) or
# `((top, bottom), (left, right))` for an asymmetric padding, which we will need for
# "same" padding below.

# %%
def zero_pad(x, pad):
    """Pad the height and width of a batch of images with zeros.

    Inputs:
    - x: Array of shape (N, H, W, C): N images of height H, width W and C channels.
    - pad: Either a non-negative int, the number of zero rows/columns added on every side
      (top, bottom, left and right), or a pair of pairs ((top, bottom), (left, right))
      giving the number of zero rows added above and below and the number of zero
      columns added to the left and right.

    Returns:
    - x_pad: Array of shape (N, top + H + bottom, left + W + right, C), with the same dtype
      as x, whose [:, top:top + H, left:left + W, :] block equals x and which is zero
      elsewhere. The batch and channel axes are not padded.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 2. Output size
#
# Pad an input of size `n` with `p` zeros on each side (`n + 2p` in all) and slide a kernel
# of size `k` over it in steps of `s` (the *stride*). The kernel's first position starts at
# 0, its last must still fit inside the padded input, so the number of positions is
#
# $$ n_\text{out} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1 . $$
#
# The floor matters when the stride does not divide `n + 2p - k`: the rows/columns left over
# at the bottom/right are simply never covered by a window. Examples: the lecture's 3x3
# input with a 3x3 kernel gives `(3 + 2 - 3)/1 + 1 = 3` with padding 1 and `1` without;
# a 224x224 image with a 7x7 kernel, stride 2 and padding 3 gives `floor(223/2) + 1 = 112`.
#
# The same formula holds per axis for rectangular images and kernels.

# %%
def conv_output_size(n, k, stride=1, pad=0):
    """Size of a convolution's output along one axis.

    Inputs:
    - n: Size of the input along the axis (int >= 1).
    - k: Size of the kernel along the axis (int >= 1).
    - stride: Step between two kernel positions (int >= 1).
    - pad: Zeros added on *each* side of the input (int >= 0).

    Returns:
    - n_out: The int floor((n + 2 * pad - k) / stride) + 1.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 3. Convolution in 2-D
#
# ### Cross-correlation, not convolution
#
# In mathematics, convolving with a kernel first *flips* it (rotates it by 180 degrees).
# Deep-learning libraries skip the flip: `tf.nn.conv2d`, `keras.layers.Conv2D` and the
# lecture compute a *cross-correlation*,
#
# $$ y_{n,i,j,o} = b_o + \sum_{a=0}^{k_h-1}\sum_{b=0}^{k_w-1}\sum_{c=0}^{C_\text{in}-1}
#    x^\text{pad}_{n,\; i s_h + a,\; j s_w + b,\; c}\; K_{a,b,c,o} . $$
#
# The kernel is learned, so nothing is lost: a network that needs the flipped kernel simply
# learns it. Note that the sum runs over the input channels as well: each output channel
# `o` has its own `kh x kw x C_in` filter and its own bias `b_o`.
#
# ### "valid", "same" and integer padding
#
# - `padding="valid"`: no padding; output size `floor((n - k)/s) + 1`.
# - `padding=p` (an int): `p` zeros on every side; output size `floor((n + 2p - k)/s) + 1`.
# - `padding="same"`: TensorFlow's rule. The output size is `ceil(n / s)` (exactly `n` for
#   stride 1, hence the name), and the padding is whatever makes that work:
#
#   $$ n_\text{out} = \lceil n / s \rceil, \qquad
#      p_\text{total} = \max\big((n_\text{out} - 1)\, s + k - n,\; 0\big), $$
#
#   with `p_total // 2` zeros before (top/left) and the rest after (bottom/right). When
#   `p_total` is odd — an even kernel, or a stride that does not divide `n` — the extra
#   row/column goes at the **bottom/right**. Height and width are handled independently.
#   (Other libraries split an odd padding differently; putting the extra row at the top
#   shifts the whole output by one pixel.)
#
#   Example: `n = 6`, `k = 3`, `s = 2` gives `n_out = 3` and `p_total = 2*2 + 3 - 6 = 1`:
#   no zeros on top, one at the bottom.
#
# `stride` is an int (same step along both axes) or a pair `(s_h, s_w)`.
#
# ### The lecture's worked example (HW #7, figure 4-14)
#
# A 3x3 RGB image and a 3x3x3 kernel with one output channel:
#
# | channel | input | kernel |
# |---|---|---|
# | R | `[[1,1,1],[2,1,3],[0,1,0]]` | `[[0,0,0],[0,0,1],[0,1,0]]` |
# | G | `[[2,2,2],[1,0,1],[0,0,1]]` | `[[0,2,0],[0,2,0],[0,2,0]]` |
# | B | `[[0,3,0],[1,0,1],[1,0,0]]` | `[[1,0,0],[0,2,0],[0,0,1]]` |
#
# In NHWC: `x` has shape `(1, 3, 3, 3)` with `x[0, :, :, 0] = R`, `x[0, :, :, 1] = G`,
# `x[0, :, :, 2] = B`; `kernel` has shape `(3, 3, 3, 1)` with `kernel[:, :, 0, 0] = K_R`,
# `kernel[:, :, 1, 0] = K_G`, `kernel[:, :, 2, 0] = K_B`.
#
# With zero padding 1 and stride 1 the feature map is
#
# ```
# [[ 9, 13,  9],
#  [ 9,  8, 13],
#  [ 5,  1,  4]]
# ```
#
# Where the top-left 9 comes from: the first window covers the padded rows -1..1 and columns
# -1..1, so kernel entry `[a, b]` meets input pixel `[a - 1, b - 1]` (zero outside the image).
# K_R picks `R[0, 1] + R[1, 0] = 1 + 2 = 3`, K_G picks `2 * (0 + G[0, 0] + G[1, 0]) = 2 * 3 = 6`
# and K_B picks `0 + 2 * B[0, 0] + B[1, 1] = 0`: in all `3 + 6 + 0 = 9`.
# Without padding there is a single window, the whole image, and the result is `[[8]]`
# (`R[1, 2] + R[2, 1] = 4` from R, `2 * (2 + 0 + 0) = 4` from G, `0` from B).

# %%
def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    """2-D convolution (cross-correlation, as tf.nn.conv2d) with zero padding.

    Inputs:
    - x: Input batch of shape (N, H, W, C_in), channels-last.
    - kernel: Filters of shape (kh, kw, C_in, C_out). The kernel is NOT flipped.
    - bias: None (no bias) or an array of shape (C_out,), added to every position of
      output channel o.
    - stride: An int s (the same step along height and width) or a pair (s_h, s_w).
    - padding: One of
      - "valid": no padding;
      - "same": TensorFlow's rule: output size ceil(n / s) along each axis, total padding
        max((out - 1) * s + k - n, 0), of which total // 2 goes at the top/left and the
        rest (one more when the total is odd) at the bottom/right;
      - a non-negative int p: p zero rows/columns on every side.

    Returns:
    - out: Floating array of shape (N, H_out, W_out, C_out) with
        out[n, i, j, o] = bias[o] + sum over a, b, c of
                          x_pad[n, i * s_h + a, j * s_w + b, c] * kernel[a, b, c, o]
      where x_pad is x after zero padding and H_out = floor((H_pad - kh) / s_h) + 1
      (likewise W_out).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 4. Convolution in 1-D
#
# A 1-D convolution slides a `k`-long kernel along a sequence of length `L` (audio, text
# embeddings, time series). It is the 2-D case with an image of height 1 and a kernel of
# height 1: `x` of shape `(N, L, C_in)` is `(N, 1, L, C_in)` and the kernel
# `(k, C_in, C_out)` is `(1, k, C_in, C_out)`. Padding ("valid", "same", int) and the
# output size work exactly as along one axis of `conv2d`; an int padding pads only the
# sequence axis.

# %%
def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    """1-D convolution (cross-correlation, as tf.nn.conv1d) with zero padding.

    Inputs:
    - x: Input batch of shape (N, L, C_in).
    - kernel: Filters of shape (k, C_in, C_out). The kernel is NOT flipped.
    - bias: None or an array of shape (C_out,).
    - stride: Positive int, the step between two kernel positions.
    - padding: "valid", "same" (TensorFlow's rule, as in conv2d: output length
      ceil(L / stride), an odd extra zero at the end) or a non-negative int p
      (p zeros at each end of the sequence).

    Returns:
    - out: Floating array of shape (N, L_out, C_out) with
        out[n, i, o] = bias[o] + sum over a, c of x_pad[n, i * stride + a, c] * kernel[a, c, o]
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## Try it: the lecture's worked example
#
# Run the cell below once your functions are implemented. It should print the lecture's
# feature maps `[[9, 13, 9], [9, 8, 13], [5, 1, 4]]` (padding 1) and `[[8]]` (no padding),
# and the output sizes 3 and 1.

# %%
if __name__ == "__main__":
    R = np.array([[1, 1, 1], [2, 1, 3], [0, 1, 0]], dtype=float)
    G = np.array([[2, 2, 2], [1, 0, 1], [0, 0, 1]], dtype=float)
    B = np.array([[0, 3, 0], [1, 0, 1], [1, 0, 0]], dtype=float)
    K_R = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=float)
    K_G = np.array([[0, 2, 0], [0, 2, 0], [0, 2, 0]], dtype=float)
    K_B = np.array([[1, 0, 0], [0, 2, 0], [0, 0, 1]], dtype=float)

    example_x = np.stack([R, G, B], axis=-1)[np.newaxis]          # (1, 3, 3, 3)
    example_kernel = np.stack([K_R, K_G, K_B], axis=-1)[..., np.newaxis]  # (3, 3, 3, 1)

    print("padding 1:\n", conv2d(example_x, example_kernel, padding=1)[0, :, :, 0])
    print("no padding:\n", conv2d(example_x, example_kernel, padding="valid")[0, :, :, 0])
    print("output sizes:", conv_output_size(3, 3, pad=1), conv_output_size(3, 3))
