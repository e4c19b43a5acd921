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
# This file is generated from solutions/softmax_loglik.py by `dlgrade release`; edit the marked regions.

# %% [markdown]
# # Softmax and the log-likelihood objective (§5.1.3)
#
# A classifier with `C` classes ends in `C` output nodes. Their raw values `s` (the *logits*)
# can be any real numbers; to read them as probabilities we pass them through the **softmax**
# function, and to train the network we minimise the **log-likelihood** objective
# `-log o_y`: minus the log of the probability the network gives to the *correct* class `y`.
# In this assignment you implement, in plain NumPy:
#
# 1. `softmax(s, axis=-1)` — logits to probabilities, without overflowing,
# 2. `log_softmax(s, axis=-1)` — their logarithm, computed directly and stably,
# 3. `one_hot(labels, num_classes)` — integer labels to one-hot rows,
# 4. `log_likelihood_loss(o, y, base=2)` — the lecture's objective `-log o_y`, per sample,
# 5. `categorical_cross_entropy(y_true, logits)` and
#    `sparse_categorical_cross_entropy(labels, logits)` — Keras' losses `from_logits=True`,
# 6. `softmax_cross_entropy_gradient(labels, logits)` — their gradient, `(softmax − one_hot) / N`,
# 7. `multilabel_bce(y_true, logits)` — several labels per sample with independent sigmoids.
#
# **Conventions.** A batch of logits has shape `(N, C)`: one row per sample, one column per
# class (the lecture writes column vectors; a row of our batch is the transpose of the
# lecture's `s`). Labels are integers `0 … C-1` of shape `(N,)`.
#
# **Rules.** The library versions of what you are learning are off limits inside your
# functions: `keras.ops.softmax`, `keras.ops.log_softmax`, `keras.ops.logsumexp`,
# `keras.ops.one_hot`, `keras.activations.*`, `keras.losses.*`, `keras.ops.*crossentropy`,
# `tf.nn.*`, `scipy.special.softmax` / `log_softmax` / `logsumexp` / `expit`, and automatic
# differentiation (`tf.GradientTape`). Elementary math is fine: `np.exp`, `np.log`,
# `np.log1p`, `np.max`, `np.sum`, `np.maximum`, indexing (or the same from `keras.ops`).

# %%
import math

import numpy as np

# %% [markdown]
# ## 1. Softmax
#
# $$ \mathrm{softmax}(\mathbf s)_j = \frac{e^{s_j}}{\sum_{k=1}^{C} e^{s_k}} . $$
#
# Every output is positive, the outputs sum to 1, and the order of the logits is kept: the
# largest logit gets the largest probability ("soft" arg-max).
#
# ### The max shift
#
# Written literally, the formula breaks for large logits: `np.exp(1000)` overflows to `inf`
# (NumPy warns "overflow encountered in exp") and `inf / inf` is `nan`; `np.exp(-1000)`
# underflows to `0` and `0 / 0` is `nan` too. The cure is one line of algebra: for any
# constant `c`,
#
# $$ \frac{e^{s_j - c}}{\sum_k e^{s_k - c}} = \frac{e^{-c}\, e^{s_j}}{e^{-c} \sum_k e^{s_k}}
#    = \mathrm{softmax}(\mathbf s)_j , $$
#
# so we may subtract `c = max_k s_k` first. Then the largest exponent is `e^0 = 1`: nothing
# overflows, and the denominator is at least 1, so nothing divides by zero. Example:
# `softmax([1000, 1000])` = `softmax([0, 0])` = `[0.5, 0.5]`.
#
# ### The axis
#
# For a batch `(N, C)` the softmax runs along the class axis, the last one, separately for
# each row. `axis` says which axis holds the classes: take the max and the sum along *that*
# axis, with `keepdims=True` so they broadcast back against `s`.

# %%
def softmax(s, axis=-1):
    """Softmax along one axis, numerically stable.

    Inputs:
    - s: Array of logits of any shape, e.g. (N, C) for a batch of N samples and C classes.
    - axis: The axis holding the classes (default: the last one).

    Returns:
    - o: Floating array of the same shape as s with
        o[..., j, ...] = exp(s[..., j, ...]) / sum over k of exp(s[..., k, ...])
      along `axis`: positive entries that sum to 1 along `axis`. Computed with the max
      subtracted first, so that large logits (s = 1000) neither overflow nor give nan.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 2. Log-softmax
#
# Losses need `log softmax(s)`, not `softmax(s)`. Taking `np.log(softmax(s))` is not good
# enough: for `s = [1000, -1000]` the stable softmax is `[1, 0]` (the `e^{-2000}` underflows
# to 0), and `log 0 = -inf`, where the true value is a perfectly ordinary `-2000`.
# Take the log of the formula instead:
#
# $$ \log \mathrm{softmax}(\mathbf s)_j = s_j - \log \sum_k e^{s_k}
#    = (s_j - m) - \log \sum_k e^{s_k - m}, \qquad m = \max_k s_k . $$
#
# The sum contains the term `e^0 = 1`, so its log lies between `0` and `log C`: finite,
# no overflow, no `log 0`. (`m + log Σ_k e^{s_k - m}` is the *log-sum-exp* of `s`.)

# %%
def log_softmax(s, axis=-1):
    """Logarithm of the softmax along one axis, numerically stable.

    Inputs:
    - s: Array of logits of any shape.
    - axis: The axis holding the classes (default: the last one).

    Returns:
    - log_o: Floating array of the same shape as s with
        log_o = (s - m) - log(sum over the axis of exp(s - m)),  m = max of s along the axis,
      which equals log(softmax(s, axis)) wherever that is finite, and stays finite for
      large logits (s = [1000, -1000] gives [0, -2000]).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 3. One-hot targets
#
# The label `y` of a sample is an integer class index; the same information as a target
# *vector* is the one-hot row `e_y`: a 1 in column `y`, zeros elsewhere. Class 2 of 4 is
# `[0, 0, 1, 0]`. The width is `num_classes`, even when the batch happens to contain no
# sample of the last classes, and the values are floats, so that they can be mixed with
# probabilities (`softmax − one_hot`).

# %%
def one_hot(labels, num_classes):
    """One-hot encode integer class labels.

    Inputs:
    - labels: Integer array of shape (N,) with values in 0 .. num_classes - 1.
    - num_classes: The number of classes C (int).

    Returns:
    - y: Float array of shape (N, C) with y[i, labels[i]] = 1.0 and 0.0 elsewhere.

    Raises:
    - ValueError: if a label is not an integer in 0 .. C - 1.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 4. The log-likelihood objective
#
# With softmax outputs `o`, the network claims "the probability that this sample is of
# class `j` is `o_j`". The likelihood of the correct label `y` is `o_y`, and training
# maximises it — or, equivalently, minimises
#
# $$ e = -\log_2 o_y . $$
#
# Only the output of the correct class enters; the other outputs matter through the
# softmax, which makes all outputs compete for the same total probability 1.
# The log turns a confident mistake into a large error and a confident success into an
# error near zero. The lecture's two cases:
#
# | `o_y` (probability of the correct class) | `e = -log2 o_y` |
# |---|---|
# | 0.0508 (the network favours a wrong class) | 4.2990 bits |
# | 0.8360 (the network is right and fairly sure) | 0.2584 bits |
#
# `-log o_y` is the *self-information* of the correct label under the network's
# distribution: how surprised the network is by the truth. `base` picks the unit:
# bits for 2 (the lecture), nats for `math.e` (what Keras uses). Changing the base only
# rescales the loss, `log_b x = ln x / ln b`.
#
# For a batch, `o` is `(N, C)` and `y` is `(N,)`; the loss of sample `i` is
# `-log o[i, y[i]]`: pick one entry per row (`o[np.arange(N), y]`, not `o[:, y]`, which
# is an `N x N` array).

# %%
def log_likelihood_loss(o, y, base=2):
    """The log-likelihood objective -log_base o_y, per sample.

    Inputs:
    - o: Array of shape (N, C): each row a probability distribution over the C classes
      (e.g. softmax outputs).
    - y: Integer array of shape (N,): the correct class of each sample.
    - base: Base of the logarithm: 2 gives bits (the lecture's unit), math.e gives nats.

    Returns:
    - e: Float array of shape (N,) with e[i] = -log(o[i, y[i]]) / log(base).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 5. Categorical cross-entropy from logits
#
# With a one-hot target `t = e_y`, the cross-entropy between the target and the network's
# distribution is exactly the log-likelihood objective:
#
# $$ H(\mathbf t, \mathbf o) = -\sum_j t_j \log o_j = -\log o_y . $$
#
# Keras' `CategoricalCrossentropy(from_logits=True)` takes the raw logits, works in nats
# (natural log) and returns the **mean over the batch**:
#
# $$ L = \frac1N \sum_{i=1}^{N} \Big( -\sum_j t_{ij} \log \mathrm{softmax}(\mathbf s_i)_j \Big). $$
#
# Taking the logits rather than probabilities is what makes it robust: the loss needs
# `log softmax`, which you now compute without ever forming `softmax` and taking its log.
# The mean (rather than the sum) keeps the loss, and the size of a gradient step, independent
# of the batch size.
#
# `sparse_categorical_cross_entropy` is the same loss with integer labels instead of one-hot
# rows: `L = mean_i(-log softmax(s_i)[y_i])`, without building the one-hot matrix.

# %%
def categorical_cross_entropy(y_true, logits):
    """Categorical cross-entropy from logits, averaged over the batch (natural log).

    Inputs:
    - y_true: Array of shape (N, C): one-hot targets.
    - logits: Array of shape (N, C): raw scores s (before the softmax).

    Returns:
    - loss: A float, (1/N) * sum over i of ( -sum over j of y_true[i, j] * log softmax(logits[i])[j] ),
      the same as keras.losses.CategoricalCrossentropy(from_logits=True). Stable for
      large logits (computed from the log-softmax, not from log(softmax)).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %%
def sparse_categorical_cross_entropy(labels, logits):
    """Categorical cross-entropy from logits with integer labels, averaged over the batch.

    Inputs:
    - labels: Integer array of shape (N,): the correct class of each sample.
    - logits: Array of shape (N, C): raw scores.

    Returns:
    - loss: A float, (1/N) * sum over i of -log softmax(logits[i])[labels[i]] (natural log),
      the same as keras.losses.SparseCategoricalCrossentropy(from_logits=True).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 6. Why softmax pairs with log-likelihood: the gradient
#
# For one sample with logits `s`, label `y` and `o = softmax(s)`, the loss is
# `e = -log o_y = -s_y + log Σ_k e^{s_k}`. Its derivative with respect to logit `s_j` is
#
# $$ \frac{\partial e}{\partial s_j} = -[j = y] + \frac{e^{s_j}}{\sum_k e^{s_k}}
#    = o_j - [j = y], \qquad\text{i.e.}\qquad \nabla_{\mathbf s}\, e = \mathbf o - \mathbf e_y . $$
#
# The exponentials of the softmax and the log of the objective cancel, and what remains is
# *prediction minus target*. The gradient is large exactly when the network is wrong:
# with `o_y = 0.0508` the correct class's logit is pushed up with strength `0.95`; with
# `o_y = 0.8360` only with `0.16`. Compare the mean squared error on softmax outputs, whose
# gradient carries the softmax's derivative `o_j(δ_jk − o_k)`: when the network is
# confidently wrong (`o_y ≈ 0`, the wrong class `≈ 1`) those factors are all near zero and
# learning stalls — the same slow-down as MSE with a saturated sigmoid. (In bits the
# gradient is divided by `ln 2`; the direction is the same.)
#
# For the batch mean `L = (1/N) Σ_i e_i` each sample's gradient is divided by `N`:
#
# $$ \frac{\partial L}{\partial \mathbf S} = \frac{\mathrm{softmax}(\mathbf S) - \mathrm{one\_hot}(\mathbf y)}{N}
#    \qquad (N \times C). $$

# %%
def softmax_cross_entropy_gradient(labels, logits):
    """Gradient of the sparse categorical cross-entropy (batch mean) with respect to the logits.

    Inputs:
    - labels: Integer array of shape (N,).
    - logits: Array of shape (N, C).

    Returns:
    - dlogits: Float array of shape (N, C) equal to (softmax(logits) - one_hot(labels, C)) / N,
      the gradient of sparse_categorical_cross_entropy(labels, logits).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 7. Several labels per sample: independent sigmoids
#
# Softmax assumes exactly one correct class: raising one probability lowers the others.
# An image that shows a cat *and* a dog (CS229's "goal 2": detect every object in the image)
# needs a yes/no answer per class instead: `C` independent sigmoids `o_k = σ(s_k)`, a
# multi-hot target `y` (several 1s per row allowed), and the sum of `C` binary
# cross-entropies per sample:
#
# $$ e = -\sum_{k=1}^{C} \big[ y_k \log \sigma(s_k) + (1 - y_k) \log(1 - \sigma(s_k)) \big] . $$
#
# ### From the logits, stably
#
# Computing `σ(s)` first and then its log fails twice for large `|s|`: `np.exp(-s)`
# overflows for `s = -1000`, and `σ(1000)` rounds to exactly 1, so `log(1 - σ)` is `log 0`.
# (Clipping `σ` to `[ε, 1 − ε]` hides the `inf` but caps the loss near `-log ε ≈ 16`, where
# the true loss is 1000.) Work with the logit instead. Since `log σ(s) = -log(1 + e^{-s})`
# and `log(1 − σ(s)) = -s - log(1 + e^{-s})`,
#
# $$ e_k = \log(1 + e^{-s_k}) + (1 - y_k)\, s_k
#        = \max(s_k, 0) - s_k y_k + \log\big(1 + e^{-|s_k|}\big) , $$
#
# where the last form only ever exponentiates a non-positive number (use `np.log1p`).

# %%
def multilabel_bce(y_true, logits):
    """Multi-label binary cross-entropy from logits: independent sigmoids, summed over classes.

    Inputs:
    - y_true: Array of shape (N, C) of 0/1 targets; a row may hold several 1s.
    - logits: Array of shape (N, C): raw scores s, with sigma(s) the probability of each label.

    Returns:
    - e: Float array of shape (N,) with
        e[i] = -sum over k of [ y log sigma(s) + (1 - y) log(1 - sigma(s)) ]  (natural log)
             = sum over k of [ max(s, 0) - s * y + log(1 + exp(-|s|)) ],
      computed from the logits without overflow (finite and exact for s = +-1000).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## Try it: the lecture's numbers
#
# Run the cell below once your functions are implemented. It should print `[0.5 0.5]` for
# `softmax([1000, 1000])` without any warning, `[0, -2000]` for `log_softmax([1000, -1000])`,
# and the lecture's losses `4.2990` and `0.2584` bits.

# %%
if __name__ == "__main__":
    print("softmax([1000, 1000]) =", softmax(np.array([1000.0, 1000.0])))
    print("log_softmax([1000, -1000]) =", log_softmax(np.array([1000.0, -1000.0])))
    o = np.array([[0.0508, 0.8360, 0.1132],
                  [0.0508, 0.8360, 0.1132]])
    y = np.array([0, 1])  # the first sample's correct class gets 0.0508, the second's 0.8360
    print("log-likelihood (bits):", np.round(log_likelihood_loss(o, y), 4))
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    labels = np.array([0, 1])
    print("cross-entropy (nats):", sparse_categorical_cross_entropy(labels, logits))
    print("gradient:\n", softmax_cross_entropy_gradient(labels, logits))
