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
# This file is generated from solutions/initializers.py by `dlgrade release`; edit the marked regions.

# %% [markdown]
# # Weight initialization (DLfS ch. 6)
#
# Before the first gradient step, every weight of a network needs a value. The choice looks
# innocent, but it decides whether the signal survives the trip through the layers:
#
# - **All zeros (or any constant)** does not work at all: every hidden unit of a layer
#   computes the same output, receives the same gradient and gets the same update, so the
#   units stay identical forever (the *symmetry* is never broken). Weights must be random.
# - **Too large** (standard deviation 1 with 100 inputs per unit): the pre-activations
#   `z = Σ a_i w_i` are large, a sigmoid sits at 0 or 1, its derivative `σ'(z) = σ(1 − σ)`
#   is almost 0 there, and the gradients vanish on their way back.
# - **Too small** (standard deviation 0.01): every `z` is near 0, every sigmoid output is near
#   0.5, and all units of a layer say nearly the same thing; with ReLU the signal shrinks
#   layer after layer until nothing is left.
#
# The fix is to scale the random weights by the number of connections. In this assignment
# you write Keras initializers that do so, and repeat the lecture's experiment that shows
# why:
#
# 1. `compute_fans(shape)` — how many inputs and outputs a weight tensor connects, for Dense
#    and convolution kernels, exactly as Keras counts them;
# 2. `ScaledNormal(stddev=0.01, seed=None)` — plain `N(0, stddev²)`, the lecture's
#    "standard deviation 1" and "standard deviation 0.01" initializations;
# 3. `Xavier(seed=None)` — `N(0, 1/fan_in)`, the lecture's `randn(n, n) / sqrt(n)`;
# 4. `Glorot(seed=None)` — `N(0, 2/(fan_in + fan_out))`, Glorot and Bengio's compromise
#    between the forward and the backward pass;
# 5. `He(seed=None)` — `N(0, 2/fan_in)`, for ReLU networks;
# 6. `activation_stats(initializer, activation, ...)` — the lecture's experiment: push
#    random inputs through 5 layers and look at the activations of each layer.
#
# **Keras' initializer API.** An initializer is a subclass of
# `keras.initializers.Initializer`; Keras calls it as `initializer(shape, dtype=dtype)` when
# a layer creates a weight, e.g. `keras.layers.Dense(64, kernel_initializer=He(seed=1))`
# calls it once with the kernel's shape `(n_in, 64)` and `dtype="float32"`. It returns an
# array (a NumPy array or a Keras tensor) of exactly that shape and that floating dtype;
# `dtype=None` means Keras' default float type, `keras.backend.floatx()`, i.e. `float32`.
# `get_config()` returns the constructor's arguments as a dict, so that
# `Cls.from_config(config)` (which does `Cls(**config)`) rebuilds an equal initializer:
# that is how Keras saves a model and loads it back.
#
# **Seeds.** Keras' rule: an initializer built with an integer `seed` returns the *same*
# numbers every time it is called, and two initializers with the same seed agree. So make
# the random generator inside `__call__` from `self.seed`, e.g.
# `np.random.default_rng(self.seed).standard_normal(shape)`, or use
# `keras.random.normal(shape, stddev=..., dtype=..., seed=self.seed)`. With `seed=None`
# any random numbers will do.
#
# **Rules.** Draw the numbers yourself, with NumPy or `keras.random`. Keras' own
# initializers are off limits, as parents and as calls: `GlorotNormal`, `GlorotUniform`,
# `HeNormal`, `HeUniform`, `LecunNormal`, `LecunUniform`, `VarianceScaling`, `RandomNormal`,
# `RandomUniform`, `TruncatedNormal`, `Orthogonal`, `Constant`, `Zeros`, `Ones`, `Identity`,
# `STFT`, the helpers `keras.initializers.get` / `serialize` / `deserialize`, and Keras'
# internal `compute_fans`. The base class `keras.initializers.Initializer` is what you
# subclass.

# %%
import math

import keras
import numpy as np


def float_dtype(dtype=None):
    """The NumPy dtype for Keras' ``dtype`` argument: None means ``keras.backend.floatx()``
    (float32); strings ("float64") and other dtype objects are converted."""
    return np.dtype(keras.backend.standardize_dtype(dtype or keras.backend.floatx()))


# %% [markdown]
# ## 1. Fan-in and fan-out
#
# The *fan-in* of a weight tensor is the number of inputs that feed one output unit, its
# *fan-out* the number of outputs that one input feeds. For a Dense kernel `W` of shape
# `(n_in, n_out)` (Keras' row convention `a = g(a_prev @ W + b)`) they are simply
# `n_in` and `n_out`.
#
# A convolution kernel has shape `(kh, kw, c_in, c_out)` (Conv2D; Conv1D drops `kw`,
# Conv3D adds a depth in front). One output value is a sum over a `kh × kw` window of all
# `c_in` input channels, so it has `kh·kw·c_in` inputs; Keras counts the fan-out the same
# way, `kh·kw·c_out`. In general, all axes but the last two form the *receptive field*:
#
# $$ r = \prod_{k < d-2} \mathrm{shape}_k, \qquad
#    \mathrm{fan\_in} = r \cdot \mathrm{shape}_{d-2}, \qquad
#    \mathrm{fan\_out} = r \cdot \mathrm{shape}_{d-1} . $$
#
# Shapes with fewer than two axes follow Keras' conventions: a 1-D shape `(n,)` (a bias
# vector) has `fan_in = fan_out = n`, and the empty shape `()` (a scalar) has
# `fan_in = fan_out = 1`.
#
# | kernel | shape | fan_in | fan_out |
# |---|---|---|---|
# | Dense 784 → 100 | `(784, 100)` | 784 | 100 |
# | Conv1D, k = 5, 16 → 32 | `(5, 16, 32)` | 80 | 160 |
# | Conv2D, 3×3, 3 → 64 | `(3, 3, 3, 64)` | 27 | 576 |
# | Conv3D, 3×3×3, 8 → 4 | `(3, 3, 3, 8, 4)` | 216 | 108 |

# %%
def compute_fans(shape):
    """Fan-in and fan-out of a weight tensor, as Keras counts them.

    Inputs:
    - shape: Tuple (or list) of ints: the shape of the weight tensor, e.g. (n_in, n_out)
      for a Dense kernel or (kh, kw, c_in, c_out) for a Conv2D kernel.

    Returns:
    - (fan_in, fan_out): Two Python ints.
        len(shape) == 0:  (1, 1)
        len(shape) == 1:  (shape[0], shape[0])
        len(shape) == 2:  (shape[0], shape[1])
        len(shape) >= 3:  (r * shape[-2], r * shape[-1]) with r = the product of shape[:-2]
                          (the receptive field: kernel height x width x ...)
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 2. A plain normal initializer
#
# `ScaledNormal(stddev)` draws every weight independently from `N(0, stddev²)`: mean 0,
# standard deviation `stddev` (not variance: `stddev = 0.01` means a variance of `10⁻⁴`).
# With `stddev = 1` and `stddev = 0.01` it gives the lecture's two failing initializations:
#
# ```python
# w = np.random.randn(node_num, node_num) * 1      # stddev 1
# w = np.random.randn(node_num, node_num) * 0.01   # stddev 0.01
# ```
#
# `__init__` is written for you; write `__call__` (shape and dtype exactly as asked, the
# same numbers for the same seed) and `get_config` (a dict with the keys `"stddev"` and
# `"seed"`, so that `ScaledNormal.from_config(config)` equals the original).

# %%
class ScaledNormal(keras.initializers.Initializer):
    """Initializer drawing from the normal distribution N(0, stddev**2)."""

    def __init__(self, stddev=0.01, seed=None):
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        """Weights for a tensor of ``shape``.

        Inputs:
        - shape: Tuple of ints, e.g. (n_in, n_out) or (kh, kw, c_in, c_out).
        - dtype: Floating dtype of the result (a string such as "float64", or None for
          keras.backend.floatx(), i.e. float32; float_dtype(dtype) converts it).

        Returns:
        - w: Array of shape ``shape`` and dtype ``dtype``, independent samples of
          N(0, stddev**2): mean 0, standard deviation self.stddev. The same self.seed gives
          the same numbers.
        """
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def get_config(self):
        """The constructor's arguments: {"stddev": ..., "seed": ...}."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 3. Xavier: keep the variance of the signal
#
# Take one unit of a layer with `n` inputs: `z = Σ_{i=1}^{n} a_i w_i`. With independent,
# zero-mean weights of variance `Var(w)`,
#
# $$ \mathrm{Var}(z) = n \,\mathrm{Var}(w)\, \mathbb E[a^2] . $$
#
# To keep `Var(z)` the same from layer to layer, the factor `n·Var(w)` must be 1:
#
# $$ w \sim \mathcal N\!\left(0, \tfrac{1}{n}\right), \qquad n = \mathrm{fan\_in}, $$
#
# the lecture's `w = np.random.randn(node_num, node_num) / np.sqrt(node_num)` ("Xavier";
# Keras calls it `LecunNormal`). For a convolution kernel, `n` is the fan-in of section 1,
# `kh·kw·c_in`: the number of terms in the sum of one output value.
#
# ## 4. Glorot: forward and backward
#
# The backward pass multiplies the gradient by `Wᵀ`, and there each unit sums over
# `fan_out` terms: the same argument asks for `Var(w) = 1/fan_out`. Glorot and Bengio (2010)
# take the compromise
#
# $$ w \sim \mathcal N\!\left(0, \tfrac{2}{\mathrm{fan\_in} + \mathrm{fan\_out}}\right) . $$
#
# (This is Keras' default `glorot_uniform`, in its normal form. Keras' `GlorotNormal`,
# `HeNormal` and `LecunNormal` draw from a normal *truncated* at two standard deviations and
# rescaled to the same variance; yours draw from the plain normal of the lecture.)
#
# ## 5. He: ReLU halves the signal
#
# ReLU sets the negative half of the pre-activations to 0, so `E[a²]` is half of `Var(z)`
# and Xavier's variance shrinks the signal by a factor 2 per layer. He et al. (2015)
# double the variance to compensate:
#
# $$ w \sim \mathcal N\!\left(0, \tfrac{2}{\mathrm{fan\_in}}\right) . $$
#
# Write `__call__` and `get_config` of the three classes (the config is `{"seed": ...}`);
# use your `compute_fans`. Remember: `N(0, v)` has standard deviation `sqrt(v)`.

# %%
class Xavier(keras.initializers.Initializer):
    """Xavier (LeCun) normal initializer: N(0, 1 / fan_in)."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        """Weights for a tensor of ``shape``: independent samples of N(0, 1 / fan_in),
        fan_in from compute_fans(shape); dtype and seed as in ScaledNormal."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def get_config(self):
        """The constructor's arguments: {"seed": ...}."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")


# %%
class Glorot(keras.initializers.Initializer):
    """Glorot (Xavier-Glorot) normal initializer: N(0, 2 / (fan_in + fan_out))."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        """Weights for a tensor of ``shape``: independent samples of
        N(0, 2 / (fan_in + fan_out)), fans from compute_fans(shape); dtype and seed as in
        ScaledNormal."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def get_config(self):
        """The constructor's arguments: {"seed": ...}."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")


# %%
class He(keras.initializers.Initializer):
    """He normal initializer, for ReLU layers: N(0, 2 / fan_in)."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        """Weights for a tensor of ``shape``: independent samples of N(0, 2 / fan_in),
        fan_in from compute_fans(shape); dtype and seed as in ScaledNormal."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def get_config(self):
        """The constructor's arguments: {"seed": ...}."""
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 6. The lecture's experiment: activations layer by layer
#
# Feed 1000 random inputs `x ~ N(0, 1)` of 100 features through 5 Dense layers of 100 units
# each, without biases, and keep every layer's activations:
#
# ```python
# x = np.random.randn(1000, 100)
# for i in range(5):
#     if i != 0:
#         x = activations[i - 1]          # each layer reads the previous layer's output
#     w = ...                             # the initialization under study, (100, 100)
#     z = np.dot(x, w)
#     activations[i] = sigmoid(z)
# ```
#
# Write `activation_stats(initializer, activation, n_layers, n_nodes, n_samples, seed)`:
# draw the inputs `(n_samples, n_nodes)` from `N(0, 1)` with a generator seeded with `seed`,
# get each layer's weight matrix from `initializer((n_nodes, n_nodes))` (one call per layer,
# in order), compute `a = g(a_prev @ W)` with `g` the named activation (`"sigmoid"`,
# `"relu"` or `"tanh"`), and return all layers' activations stacked, shape
# `(n_layers, n_samples, n_nodes)`. The first layer reads the inputs, every later layer the
# previous layer's activations. (The grader calls your function with an initializer of its
# own, whose matrices it knows, and checks every layer against `g(previous layer @ W)`.)
#
# What the histograms of the activations show (figures below):
#
# - **sigmoid, stddev 1**: the activations pile up at 0 and 1: the sigmoid is saturated,
#   `σ'` is nearly 0, gradients vanish;
# - **sigmoid, stddev 0.01**: everything is squeezed around 0.5: no vanishing gradient, but
#   100 units that all say the same thing are no better than one ("limited expressiveness");
# - **sigmoid, Xavier**: the activations keep a broad spread in every layer;
# - **ReLU, stddev 0.01**: the spread shrinks by a factor of about 14 per layer and vanishes;
#   **ReLU, Xavier** shrinks by about √2 per layer; **ReLU, He** keeps the same spread in
#   every layer.

# %%
def activation_stats(initializer, activation, n_layers=5, n_nodes=100, n_samples=1000, seed=0):
    """The activations of a deep stack of Dense layers at initialization.

    Inputs:
    - initializer: A callable (e.g. one of your initializers) such that
      initializer((n_nodes, n_nodes)) returns a weight matrix; called once per layer.
    - activation: "sigmoid", "relu" or "tanh".
    - n_layers, n_nodes, n_samples: Number of layers, units per layer, input samples.
    - seed: Seed of the random inputs x of shape (n_samples, n_nodes), drawn from N(0, 1).

    Returns:
    - activations: Float array of shape (n_layers, n_samples, n_nodes) with
        activations[0] = g(x @ W_0),  activations[l] = g(activations[l - 1] @ W_l),
      W_l the l-th matrix from initializer, g the activation; no biases.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## Figures: the lecture's histograms
#
# Each row is one initialization, each panel one layer; a panel shows the histogram of all
# `1000 × 100` activations of that layer. Run the cell (in Jupyter, or `python
# initializers.py`) after you have implemented the functions above.
#
# The initializers are made with `seed=None`: an initializer with an integer seed returns
# the *same* matrix on every call (Keras' rule), so all five layers would share one weight
# matrix, which is not the lecture's experiment.

# %%
if __name__ == "__main__":
    import matplotlib.pyplot as plt

    def plot_rows(rows, activation, value_range):
        fig, axes = plt.subplots(len(rows), 5, figsize=(13, 2.4 * len(rows)), sharey="row")
        for row, (label, init) in enumerate(rows):
            acts = activation_stats(init, activation)
            for layer in range(acts.shape[0]):
                ax = axes[row, layer]
                ax.hist(acts[layer].ravel(), bins=30, range=value_range)
                ax.set_title(f"{label}: layer {layer + 1}", fontsize=9)
                if layer:
                    ax.tick_params(labelleft=False)
        fig.suptitle(f"{activation} activations, 5 layers x 100 units, 1000 samples")
        fig.tight_layout()
        return fig

    plot_rows([("std 1", ScaledNormal(1.0)), ("std 0.01", ScaledNormal(0.01)),
               ("Xavier", Xavier())], "sigmoid", (0.0, 1.0))
    plot_rows([("std 0.01", ScaledNormal(0.01)), ("Xavier", Xavier()), ("He", He())],
              "relu", (0.0, 7.0))
    for label, init in [("std 0.01", ScaledNormal(0.01)), ("Xavier", Xavier()), ("He", He())]:
        stds = activation_stats(init, "relu").std(axis=(1, 2))
        print(f"ReLU, {label:8s} per-layer std:", np.array2string(stds, precision=4))
    plt.show()
