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
# This file is generated from solutions/cross_entropy.py by `dlgrade release`; edit the marked regions.

# %% [markdown]
# # Information theory and the cross-entropy objective (§2.2.6, §5.1.1–5.1.2)
#
# Why do we train classifiers with *cross-entropy* rather than with the squared error? This
# assignment answers the question in two steps. First the information theory behind the name
# (§2.2.6): self-information, entropy, cross-entropy and the Kullback–Leibler divergence.
# Then the learning problem (§5.1.1–5.1.2): for a sigmoid neuron, the squared error's gradient
# carries a factor σ'(z) that vanishes when the neuron saturates, while the cross-entropy's
# gradient does not. Finally the same objective seen from statistics: maximum likelihood.
#
# You implement, in plain NumPy:
#
# 1. `self_information(p, base=2)`, `entropy(p, base=2)`, `cross_entropy(p, q, base=2)`,
#    `kl_divergence(p, q, base=2)`,
# 2. `sigmoid(z)` (numerically stable) and `binary_cross_entropy(y, o, base=math.e, eps=1e-7)`,
# 3. `mse_gradients(x, y, w, b)` (eq. 5.3) and `bce_gradients(x, y, w, b)` (eq. 5.5),
# 4. `numerical_gradient(f, w, h=1e-4)` to check gradients by central differences,
# 5. `gaussian_pdf(x, mu, sigma)` and `log_likelihood(xs, mu, sigma)`.
#
# **Conventions.** `base` selects the logarithm: `base=2` gives bits, `base=math.e` nats
# (`log_b x = ln x / ln b`). Probability distributions are arrays whose **last axis** holds
# the outcomes: `p` of shape `(K,)` is one distribution, `(N, K)` a batch of `N`.
#
# **Rules.** Library versions of what is being taught are off limits inside your functions:
# `scipy.stats` (`entropy`, `norm`), `scipy.special` (`expit`, `xlogy`, `entr`, `rel_entr`,
# `kl_div`, ...), `keras.losses`, `keras.ops.sigmoid`, `keras.ops.binary_crossentropy`,
# `tf.nn.*`, and automatic differentiation (`tf.GradientTape`). Elementary math from NumPy,
# `math` or `keras.ops` (`exp`, `log`, `sum`, `where`, ...) is fine.

# %%
import math

import numpy as np

# %% [markdown]
# ## 1. Self-information
#
# An event of probability `p` carries the *self-information*
#
# $$ I(x) = -\log_b p(x) . $$
#
# A certain event (`p = 1`) tells us nothing (0 bits); a fair coin's outcome is worth
# `-log2(1/2) = 1` bit; the rarer the event, the more surprising, the more information.
# The base only picks the unit: bits for `b = 2`, nats for `b = e`
# (1 nat = 1 / ln 2 ≈ 1.443 bits). Since `log_b p = ln p / ln b`, one natural logarithm and a
# division handle every base.

# %%
def self_information(p, base=2):
    """Self-information -log_base(p) of events with probability p, elementwise.

    Inputs:
    - p: A probability (float) or an array of probabilities of any shape, values in (0, 1].
    - base: Base of the logarithm: 2 gives bits (default), math.e gives nats.

    Returns:
    - info: Float array of p's shape (a 0-d array or float for a scalar p) holding
      -log_base(p). p = 1 gives 0; p = 0 gives inf.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 2. Entropy
#
# The *entropy* of a distribution `P` is its expected self-information,
#
# $$ H(P) = \mathbb{E}_{x\sim P}[I(x)] = -\sum_x p(x) \log_b p(x) , $$
#
# the average number of bits (or nats) needed to encode an outcome with the best code for `P`.
#
# **Outcomes with p = 0.** `log 0 = -inf`, and `0 * (-inf)` is NaN in floating point. But
# `p log p → 0` as `p → 0`, so impossible outcomes contribute 0 to the sum: mask them
# (e.g. take the log of `np.where(p > 0, p, 1)`), don't let NumPy compute `log(0)` at all.
# (`np.nansum` gives the right number, but NumPy still warns about the `log(0)`.)
#
# **Batches.** The sum runs over the **last axis**: `p` of shape `(N, K)` holds `N`
# distributions over `K` outcomes and gives `N` entropies.
#
# ### Worked examples
#
# - *Fair die*, six outcomes of `1/6`: `H = log2 6 = 2.585 bits` (`ln 6 = 1.79 nats`). The uniform
#   distribution has the largest entropy of all distributions over `K` outcomes: `log K`.
# - *Fair coin*: `ln 2 = 0.693 nats` (1 bit).
# - *Yut sticks*: four flat sticks, each landing flat side up with probability 1/2. The number
#   of flat sides up names the throw, and the counts of the 16 equally likely combinations give
#   do (1 flat) `4/16`, gae (2) `6/16`, geol (3) `4/16`, yut (4) `1/16` and mo (0) `1/16`:
#
#   $$ H = 2\cdot\tfrac{4}{16}\log_2 4 + \tfrac{6}{16}\log_2\tfrac{16}{6}
#          + 2\cdot\tfrac{1}{16}\log_2 16 = 1 + 0.5306 + 0.5 = 2.0306 \text{ bits}, $$
#
#   less than `log2 5 = 2.32` bits for five equally likely throws: the game is more predictable.

# %%
def entropy(p, base=2):
    """Entropy -sum_x p(x) log_base p(x) of distributions along the last axis.

    Inputs:
    - p: Array of shape (..., K): one distribution over K outcomes (shape (K,)) or a batch
      of them; each row is non-negative and sums to 1. Entries may be exactly 0.
    - base: Base of the logarithm: 2 gives bits (default), math.e gives nats.

    Returns:
    - H: Float array of shape p.shape[:-1] (a scalar for a single distribution). Outcomes
      with p = 0 contribute 0 (the limit of p log p), without NaN and without warnings.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 3. Cross-entropy and the Kullback–Leibler divergence
#
# If outcomes come from `P` but we encode them with the code that is optimal for `Q`, each
# outcome costs `-log q(x)` and the average cost is the *cross-entropy*
#
# $$ H(P, Q) = -\sum_x p(x) \log_b q(x) . $$
#
# The extra cost over the best possible code is the *Kullback–Leibler divergence*
#
# $$ D_\mathrm{KL}(P\,\|\,Q) = \sum_x p(x) \log_b \frac{p(x)}{q(x)} ,
#    \qquad H(P, Q) = H(P) + D_\mathrm{KL}(P\,\|\,Q) \quad (2.49). $$
#
# `D_KL ≥ 0`, with equality only for `Q = P`, and it is **not symmetric**:
# `D_KL(P || Q) ≠ D_KL(Q || P)` in general, so keep the order of the arguments: `p` is the true
# distribution, `q` the model. As for the entropy, outcomes with `p = 0` contribute 0.
#
# **Why this is the training objective.** For a classifier, `P` is the one-hot target and `Q`
# the predicted distribution. `H(P)` is then 0 and does not depend on the model, so minimising
# the cross-entropy `-log q(y)` minimises the KL divergence between target and prediction.
#
# ### Worked example: a fair die coded for a loaded die
#
# Let `P` be a fair die and `Q` a loaded die on which 4, 5 and 6 are three times as likely as
# 1, 2 and 3: `Q = (1/12, 1/12, 1/12, 1/4, 1/4, 1/4)`. Then
#
# $$ H(P, Q) = \tfrac{1}{2}\log_2 12 + \tfrac{1}{2}\log_2 4 = 2.7925 \text{ bits},\qquad
#    D_\mathrm{KL}(P\,\|\,Q) = 2.7925 - 2.585 = 0.2075 \text{ bits}. $$
#
# (Both numbers fix the loaded die only up to which faces are heavy: since `P` is uniform,
# `H(P, Q) = -(1/6) Σ log2 q(x)` depends only on the multiset of `q` values. A die loaded
# differently, say `(1/10, 1/10, 1/10, 1/10, 1/10, 1/2)`, gives `H(P, Q) = 2.9349` bits
# and `D_KL = 0.3500` bits.)

# %%
def cross_entropy(p, q, base=2):
    """Cross-entropy -sum_x p(x) log_base q(x) along the last axis.

    Inputs:
    - p: Array of shape (..., K): the true distribution(s), rows summing to 1 (for
      classification, one-hot targets). Entries may be 0.
    - q: Array of the same shape: the model's distribution(s), entries in (0, 1].
    - base: Base of the logarithm: 2 gives bits (default), math.e gives nats.

    Returns:
    - H_pq: Float array of shape p.shape[:-1] (a scalar for single distributions).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


def kl_divergence(p, q, base=2):
    """Kullback-Leibler divergence D_KL(P || Q) = sum_x p(x) log_base(p(x) / q(x)).

    Inputs:
    - p: Array of shape (..., K): the true distribution(s); entries may be 0.
    - q: Array of the same shape: the model's distribution(s), entries in (0, 1].
    - base: Base of the logarithm: 2 gives bits (default), math.e gives nats.

    Returns:
    - kl: Float array of shape p.shape[:-1], >= 0. Outcomes with p = 0 contribute 0 (no NaN,
      no warning). cross_entropy(p, q) == entropy(p) + kl_divergence(p, q) (eq. 2.49).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 4. A numerically stable sigmoid
#
# $$ \sigma(z) = \frac{1}{1 + e^{-z}} . $$
#
# Written like this, `np.exp(-z)` overflows for `z < -709` (float64; `z < -88` in float32):
# NumPy returns `inf` with a `RuntimeWarning: overflow`. The result `1 / inf = 0` happens to be
# right, but in a training loop a warning like this usually precedes NaNs, and the grader
# treats it as a failure. Multiply numerator and denominator by `e^z` for negative `z`:
#
# $$ \sigma(z) = \begin{cases} \dfrac{1}{1 + e^{-z}} & z \ge 0 \\[2mm]
#                              \dfrac{e^{z}}{1 + e^{z}} & z < 0 \end{cases} $$
#
# Both branches only ever exponentiate a non-positive number, `e^{-|z|} ∈ (0, 1]`, which cannot
# overflow. Careful with `np.where(z >= 0, 1 / (1 + np.exp(-z)), ...)`: `np.where` evaluates
# *both* branches on the whole array before choosing, so the overflow happens anyway. Compute
# `e = np.exp(-np.abs(z))` once and combine. `sigmoid(1000)` must be `1.0` and
# `sigmoid(-1000)` must be `0.0` (or a tiny positive number), without warnings.

# %%
def sigmoid(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), elementwise, without overflow for large |z|.

    Inputs:
    - z: A float or an array of any shape.

    Returns:
    - s: Float array of z's shape with values in [0, 1]; sigmoid(1000) = 1,
      sigmoid(-1000) = 0, and no RuntimeWarning for any finite z.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 5. Binary cross-entropy
#
# A sigmoid output `o = σ(z)` is the predicted probability of class 1, so the prediction is the
# distribution `(1 − o, o)` and the target `(1 − y, y)`. Their cross-entropy is the *binary
# cross-entropy*
#
# $$ \mathrm{BCE}(y, o) = -\big(y \log o + (1 - y) \log(1 - o)\big) , $$
#
# elementwise (one value per output; averaging over a batch is the caller's business).
# The labels `y` may be soft (any value in `[0, 1]`).
#
# **Confident mistakes are expensive.** With `y = 1` and base 2:
# `o = 0.98` costs `-log2 0.98 = 0.0291` bits, but `o = 0.0001` costs `-log2 0.0001 = 13.2877`
# bits. At `o = 0` exactly the loss is infinite (and NumPy warns about `log(0)`), so Keras and
# we clip the prediction to `[eps, 1 − eps]` first (`eps = 1e-7`, Keras' default): the loss of
# a confidently wrong prediction is then large (`-ln 1e-7 ≈ 16.1` nats) but finite.
#
# This function uses nats by default (`base=math.e`), like the training losses of Keras.

# %%
def binary_cross_entropy(y, o, base=math.e, eps=1e-7):
    """Binary cross-entropy -(y log o + (1 - y) log(1 - o)), elementwise.

    Inputs:
    - y: Target(s) in [0, 1] (0/1 labels or soft labels): a float or an array.
    - o: Predicted probabilities of class 1, same shape as y (or broadcastable);
      values in [0, 1], where 0 and 1 are allowed.
    - base: Base of the logarithm: math.e gives nats (default), 2 gives bits.
    - eps: o is clipped to [eps, 1 - eps] before taking logarithms, so the result is
      always finite.

    Returns:
    - loss: Float array of the broadcast shape of y and o (elementwise, no mean).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 6. Why squared error learns slowly and cross-entropy does not (§5.1.1–5.1.2)
#
# Take one sigmoid neuron with one input: `z = wx + b`, `o = σ(z)`, and recall
# `σ'(z) = σ(z)(1 − σ(z))`.
#
# **Squared error** `e = ½ (y − o)²`. The chain rule gives (eq. 5.3)
#
# $$ \frac{\partial e}{\partial w} = (o - y)\,\sigma'(z)\,x, \qquad
#    \frac{\partial e}{\partial b} = (o - y)\,\sigma'(z) . $$
#
# When the neuron *saturates* (`|z|` large, `o` close to 0 or 1), `σ'(z) ≈ 0`, and the gradient
# is tiny **even when the answer is completely wrong**: with `x = 1, y = 0, w = b = 2` the
# neuron outputs `o = σ(4) = 0.982`, an error of almost 1, yet
# `∂e/∂b = 0.982 · σ'(4) = 0.982 · 0.01766 = 0.0173`.
# Gradient descent barely moves: the network learns slowly exactly when it is most wrong.
#
# **Cross-entropy** `e = -(y ln o + (1 − y) ln(1 − o))`. Now
# `∂e/∂o = (o − y) / (o(1 − o))`, and the `o(1 − o) = σ'(z)` cancels (eq. 5.5):
#
# $$ \frac{\partial e}{\partial w} = x\,(o - y), \qquad \frac{\partial e}{\partial b} = o - y . $$
#
# The gradient is proportional to the error itself: large when the neuron is wrong, small when
# it is right. Same example: `∂e/∂b = 0.982`, 56 times more than with the squared error.
# (With logarithms to another base the gradient is only scaled by `1 / ln b`; we use nats.)
#
# Both functions take scalars or arrays of one common shape and work elementwise (one neuron
# per element), returning the pair `(de/dw, de/db)`. Use your stable `sigmoid`.

# %%
def mse_gradients(x, y, w, b):
    """Gradients of the squared error e = 1/2 (y - sigmoid(w x + b))^2 (eq. 5.3).

    Inputs:
    - x: Input(s): a float or an array.
    - y: Target(s), same shape as x.
    - w: Weight(s), same shape as x (or a scalar).
    - b: Bias(es), same shape as x (or a scalar).

    Returns a tuple (dw, db):
    - dw: de/dw = (o - y) * sigmoid'(z) * x with z = w x + b, o = sigmoid(z) and
      sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)); elementwise, broadcast shape of the inputs.
    - db: de/db = (o - y) * sigmoid'(z), same shape.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


def bce_gradients(x, y, w, b):
    """Gradients of the natural-log binary cross-entropy of o = sigmoid(w x + b) (eq. 5.5).

    Inputs:
    - x, y, w, b: As for mse_gradients (floats or arrays of one shape, elementwise).

    Returns a tuple (dw, db):
    - dw: de/dw = x * (o - y), elementwise.
    - db: de/db = o - y, elementwise. No sigmoid'(z) factor: it cancels.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 7. Checking gradients numerically
#
# How do we know that a gradient formula such as eq. 5.3 is right? Compare it with finite
# differences. By Taylor's theorem,
#
# $$ \frac{f(w + h) - f(w)}{h} = f'(w) + \tfrac{h}{2} f''(w) + O(h^2)
#    \qquad \text{(forward difference: error} \propto h), $$
#
# $$ \frac{f(w + h) - f(w - h)}{2h} = f'(w) + \tfrac{h^2}{6} f'''(w) + O(h^4)
#    \qquad \text{(central difference: error} \propto h^2). $$
#
# The even-order terms cancel in the central difference, so with `h = 1e-4` its error is
# about `1e-8 · f'''` instead of `5e-5 · f''`: four orders of magnitude better for the same
# two evaluations per coordinate. (Much smaller `h` does not help: `f(w ± h)` then differ only
# in their last digits, and rounding errors of size `1e-16 |f| / h` take over.)
#
# For an array `w` of any shape, perturb **one entry at a time**, by `+h` and `-h`, leaving
# all others as they are; the gradient has `w`'s shape. Two traps:
#
# - Do not leave `w` modified. If you perturb `w` in place, restore the entry before moving on
#   (`w[i] = old`), or work on a copy (`w.copy()`); `v = w` is *not* a copy, just a second
#   name for the same array.
# - Loop over all entries of `w`, not over its first axis (`range(len(w))` on a 2-D `w`
#   visits rows): `np.ndindex(w.shape)` or `np.nditer` give every index.

# %%
def numerical_gradient(f, w, h=1e-4):
    """Gradient of a scalar function f at w by central differences.

    Inputs:
    - f: A function taking an array of w's shape and returning a float.
    - w: Float array of any shape (1-D, 2-D, ...): the point where the gradient is taken.
    - h: Step size.

    Returns:
    - grad: Float array of w's shape with
        grad[i] = (f(w + h e_i) - f(w - h e_i)) / (2 h),
      e_i being the array that is 1 at index i and 0 elsewhere.
      w is left unchanged (the same values after the call as before).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 8. Maximum likelihood: the Gaussian and the log-likelihood
#
# Cross-entropy is also what *maximum likelihood* gives. A model assigns a density to each
# observation; the likelihood of independent observations `x_1 … x_n` is the product of their
# densities, and we prefer the parameters that make the data most likely. For a Gaussian
#
# $$ \mathcal{N}(x;\mu,\sigma) = \frac{1}{\sigma\sqrt{2\pi}}
#    \exp\!\Big(-\frac{(x-\mu)^2}{2\sigma^2}\Big) . $$
#
# **Cat weights.** Two models for the weight of a cat: `N(4, 0.5)` and `N(5, 0.5)` (kg,
# `σ = 0.5` is the standard deviation, not the variance). A cat of 5 kg has density `0.108`
# under the first and `0.7979` under the second: the second explains it seven times better.
#
# **Why the logarithm.** A product of many densities below 1 underflows to 0 in floating
# point (a thousand factors of 0.1 is `1e-1000`, far below the smallest double `1e-308`). The
# logarithm turns the product into a sum, keeps the maximiser (it is increasing), and can be
# computed directly from the exponent without ever forming the density:
#
# $$ \log L = \sum_{i=1}^n \ln \mathcal{N}(x_i;\mu,\sigma)
#           = \sum_{i=1}^n \Big(-\frac{(x_i-\mu)^2}{2\sigma^2} - \ln\sigma
#             - \tfrac{1}{2}\ln(2\pi)\Big) . $$
#
# Maximising it is minimising `-log L`, the *negative log-likelihood*: for a classifier whose
# model is the predicted distribution, that is exactly the cross-entropy of section 3.

# %%
def gaussian_pdf(x, mu, sigma):
    """Density of the normal distribution N(mu, sigma^2) at x, elementwise.

    Inputs:
    - x: A float or an array of points.
    - mu: Mean(s): a float or an array broadcastable with x.
    - sigma: Standard deviation(s) > 0 (not the variance), broadcastable with x.

    Returns:
    - pdf: Float array of the broadcast shape: exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


def log_likelihood(xs, mu, sigma):
    """Log-likelihood of samples under N(mu, sigma^2): the sum of their natural-log densities.

    Inputs:
    - xs: Array of shape (n,): the observed samples.
    - mu: Mean (float).
    - sigma: Standard deviation (float > 0).

    Returns:
    - log_l: A float, sum_i ln N(xs[i]; mu, sigma) (natural logarithm, a sum, not a mean).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## Try it: the lecture's numbers
#
# Run the cell below once your functions are implemented. It should print the entropies
# 2.0306 bits (yut), 2.585 bits (die), 0.693 nats (coin), 1.79 nats (die); the cross-entropy
# 2.7925 bits and KL divergence 0.2075 bits of the fair die against the loaded die; the binary
# cross-entropies 0.0291 and 13.2877 bits; the gradients of the saturated neuron
# (0.0173 with the squared error, 0.982 with cross-entropy); and the densities 0.108 and 0.7979.

# %%
if __name__ == "__main__":
    yut = np.array([4, 6, 4, 1, 1]) / 16  # do, gae, geol, yut, mo
    fair_die = np.full(6, 1 / 6)
    loaded_die = np.array([1, 1, 1, 3, 3, 3]) / 12
    coin = np.array([0.5, 0.5])

    print(f"H(yut)  = {entropy(yut):.4f} bits")
    print(f"H(die)  = {entropy(fair_die):.3f} bits = {entropy(fair_die, base=math.e):.2f} nats")
    print(f"H(coin) = {entropy(coin, base=math.e):.3f} nats")
    print(f"H(P, Q) = {cross_entropy(fair_die, loaded_die):.4f} bits, "
          f"KL(P || Q) = {kl_divergence(fair_die, loaded_die):.4f} bits")
    print(f"BCE(1, 0.98) = {binary_cross_entropy(1, 0.98, base=2):.4f} bits, "
          f"BCE(1, 0.0001) = {binary_cross_entropy(1, 0.0001, base=2):.4f} bits")
    print("sigmoid(+-1000) =", sigmoid(np.array([1000.0, -1000.0])))
    dw_mse, db_mse = mse_gradients(1.0, 0.0, 2.0, 2.0)
    dw_bce, db_bce = bce_gradients(1.0, 0.0, 2.0, 2.0)
    print(f"saturated neuron x=1, y=0, w=b=2: squared error (dw, db) = ({float(dw_mse):.4f}, "
          f"{float(db_mse):.4f}), cross-entropy (dw, db) = ({float(dw_bce):.3f}, {float(db_bce):.3f})")

    def cubic(v):
        return float(np.sum(v ** 3))

    print("numerical gradient of sum(w^3) at [1, 2]:", numerical_gradient(cubic, np.array([1.0, 2.0])),
          "(exact: [3, 12])")
    print(f"N(4, 0.5) at 5: {gaussian_pdf(5.0, 4.0, 0.5):.3f}, "
          f"N(5, 0.5) at 5: {gaussian_pdf(5.0, 5.0, 0.5):.4f}")
