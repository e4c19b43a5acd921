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

# %% [markdown]
# # Custom Keras optimizers (DLfS ch. 6)
#
# Training a network means finding weights `W` that make the loss `L(W)` small. The
# backward pass gives the gradient `g = ∂L/∂W`; an *optimizer* decides what to do with it.
# Plain gradient descent steps against the gradient, but on a loss surface that is steep in
# one direction and flat in another it zigzags across the valley and crawls along it. The
# lecture's remedies keep some *state* per weight between steps: a velocity (Momentum), a
# sum of squared gradients (AdaGrad), a moving average of them (RMSProp), or both moving
# averages (Adam).
#
# In this assignment you write these optimizers as real Keras optimizers, usable in
# `model.compile(optimizer=...)` / `model.fit` and step by step with `optimizer.apply`:
#
# 1. `SGD(learning_rate=0.01)` — `W ← W − η g`,
# 2. `Momentum(learning_rate=0.01, momentum=0.9)` — a velocity that accumulates past steps,
# 3. `AdaGrad(learning_rate=0.01, epsilon=1e-7)` — a step size per weight that shrinks with
#    the gradients seen so far,
# 4. `RMSProp(learning_rate=0.001, rho=0.9, epsilon=1e-7)` — AdaGrad with a memory that fades,
# 5. `Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)` — Momentum and
#    RMSProp together, with bias correction,
# 6. `minimize_2d(optimizer, start=(-7.0, 2.0), steps=30)` — the lecture's experiment: follow
#    an optimizer on `f(x, y) = x²/20 + y²`.
#
# **Rules.** Keras' own update rules are off limits: do not subclass or call any concrete
# optimizer of `keras.optimizers` (`SGD`, `Adam`, `AdamW`, `Adagrad`, `RMSprop`, `Adadelta`,
# `Adamax`, `Nadam`, `Ftrl`, `Lion`, `Lamb`, `Muon`, ..., nor `keras.optimizers.get`).
# Subclass the base class `keras.optimizers.Optimizer` and write the arithmetic yourself with
# `keras.ops` (NumPy works too when the steps run eagerly, as in this assignment).

# %% [markdown]
# ## How a Keras optimizer works
#
# `keras.optimizers.Optimizer` does the bookkeeping; a subclass fills in three methods.
#
# - **`__init__`** passes `learning_rate` (and `name`, `**kwargs`: clipping, EMA, ...) to
#   `super().__init__` and stores its own hyperparameters as attributes. The learning rate
#   may be a float or a *schedule* such as
#   `keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)`,
#   whose value changes with the step number. The `__init__` methods are given below.
# - **`build(var_list)`** runs once, on the first `apply`, with the list of variables to
#   train (a model's kernels and biases). It calls `super().build(var_list)` and creates the
#   optimizer's state: one *slot* variable per trained variable, of the same shape and dtype,
#   starting at zero:
#   `self.velocities = [self.add_variable_from_reference(v, name="velocity") for v in var_list]`.
# - **`update_step(gradient, variable, learning_rate)`** is called once per variable and step
#   with that variable's gradient and the **current** learning rate (the schedule's value at
#   this step, or the constant). It updates the slots and the variable in place with
#   `self.assign(x, value)`, `self.assign_add(x, value)`, `self.assign_sub(x, value)`.
#   `self._get_variable_index(variable)` is the position of `variable` in `var_list`, so
#   `self.velocities[self._get_variable_index(variable)]` is its velocity.
# - **`get_config()`** returns the constructor's arguments as a dict: start from
#   `super().get_config()` (name, learning rate, ...) and add your hyperparameters. Keras
#   rebuilds an optimizer with `Cls.from_config(config)`, i.e. `Cls(**config)`, when it
#   loads a saved model; a hyperparameter missing from the config silently comes back with
#   its default value.
#
# `optimizer.apply(grads, variables)` runs one step: on the first call `build(variables)`,
# then `update_step` for each (gradient, variable) pair, then `self.iterations` (the number of
# steps taken so far, 0 during the first step) goes up by one. `model.fit` calls `apply` once
# per batch.
#
# Inside `update_step`, work in the variable's dtype: variables may be `float32` (a model's
# weights) or `float64`, while the learning rate comes as a `float32` value. Cast first,
# `lr = ops.cast(learning_rate, variable.dtype)`, `g = ops.cast(gradient, variable.dtype)`.
#
# Notation: `g` is the gradient `∂L/∂W`, `η` the learning rate, `⊙` the elementwise product;
# every operation below is elementwise, so each weight has its own state.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

# %% [markdown]
# ## 1. SGD
#
# $$ W \leftarrow W - \eta\, g $$
#
# SGD keeps no state, so it needs no `build` of its own (the base class' `build` suffices),
# and no `get_config` either: the learning rate, its only hyperparameter, is saved by the
# base class. Use the `learning_rate` argument of `update_step`, not a number stored in
# `__init__`: with a schedule, only the argument carries the current value.

# %%
class SGD(keras.optimizers.Optimizer):
    """Stochastic gradient descent: W <- W - learning_rate * g.

    Args:
    - learning_rate: A float or a keras.optimizers.schedules.LearningRateSchedule (eta).
    - name, **kwargs: passed on to keras.optimizers.Optimizer.
    """

    def __init__(self, learning_rate=0.01, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        """One step for one variable: variable <- variable - learning_rate * gradient.

        Inputs:
        - gradient: Tensor of the same shape as variable: dL/dW.
        - variable: The variable to update in place (any shape, float32 or float64).
        - learning_rate: The current learning rate eta (a scalar; with a schedule, its value
          at this step).
        """
        ### BEGIN SOLUTION
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        self.assign_sub(variable, ops.multiply(lr, g))
        ### END SOLUTION


# %% [markdown]
# ## 2. Momentum
#
# A ball rolling down the loss surface: the *velocity* `v` (one per weight, starting at 0)
# remembers the previous steps, so that consistent gradients build up speed while
# oscillating ones cancel out.
#
# $$ v \leftarrow \alpha\, v - \eta\, g, \qquad W \leftarrow W + v $$
#
# `α` (`momentum`, typically 0.9) is the friction: how much of the last velocity survives.
# Mind the signs: `v` already points downhill (`−η g`), so it is *added* to `W`. This is
# also Keras' convention (`keras.optimizers.SGD(momentum=0.9)`); PyTorch instead writes
# `v ← α v + g, W ← W − η v`, which is the same as long as `η` is constant but not under a
# schedule.

# %%
class Momentum(keras.optimizers.Optimizer):
    """Gradient descent with momentum: v <- momentum * v - learning_rate * g; W <- W + v.

    Args:
    - learning_rate: A float or a LearningRateSchedule (eta).
    - momentum: The friction alpha in [0, 1] (float).
    - name, **kwargs: passed on to keras.optimizers.Optimizer.
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        """Create one velocity per variable (same shape and dtype, zeros): self.velocities."""
        ### BEGIN SOLUTION
        if self.built:
            return
        super().build(var_list)
        self.velocities = [self.add_variable_from_reference(v, name="velocity") for v in var_list]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """v <- momentum * v - learning_rate * gradient; variable <- variable + v.

        Inputs: as SGD.update_step; v is this variable's velocity,
        self.velocities[self._get_variable_index(variable)].
        """
        ### BEGIN SOLUTION
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        v = self.velocities[self._get_variable_index(variable)]
        self.assign(v, ops.subtract(ops.multiply(self.momentum, v), ops.multiply(lr, g)))
        self.assign_add(variable, v)
        ### END SOLUTION

    def get_config(self):
        """The base class' config plus {"momentum": ...}."""
        ### BEGIN SOLUTION
        config = super().get_config()
        config.update({"momentum": self.momentum})
        return config
        ### END SOLUTION


# %% [markdown]
# ## 3. AdaGrad
#
# A learning rate per weight, adapted to its history: `h` (starting at 0) sums the squares
# of all gradients seen so far, and each step is divided by `√h`.
#
# $$ h \leftarrow h + g \odot g, \qquad W \leftarrow W - \eta\, \frac{g}{\sqrt{h} + \varepsilon} $$
#
# Weights that received large gradients get small steps; rarely updated weights keep large
# ones. Since `h` only grows, the steps shrink towards zero (AdaGrad stops learning on long
# runs: RMSProp's motivation). The very first step is `η g/(|g| + ε) ≈ ±η` whatever the
# gradient's size. `ε` only prevents a division by zero, and it goes **outside** the square
# root, as in the lecture.
#
# **Not Keras' `Adagrad`.** `keras.optimizers.Adagrad` starts the accumulator at
# `initial_accumulator_value=0.1` and puts `ε` inside the root, `g / √(h + ε)`. We follow the
# lecture on purpose (`h` starts at 0, `ε` outside), so your numbers will differ from Keras'.

# %%
class AdaGrad(keras.optimizers.Optimizer):
    """AdaGrad: h <- h + g * g; W <- W - learning_rate * g / (sqrt(h) + epsilon).

    Args:
    - learning_rate: A float or a LearningRateSchedule (eta).
    - epsilon: Small constant added to sqrt(h) (outside the square root).
    - name, **kwargs: passed on to keras.optimizers.Optimizer.
    """

    def __init__(self, learning_rate=0.01, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.epsilon = epsilon

    def build(self, var_list):
        """Create one accumulator h per variable (same shape and dtype, zeros)."""
        ### BEGIN SOLUTION
        if self.built:
            return
        super().build(var_list)
        self.accumulators = [self.add_variable_from_reference(v, name="accumulator") for v in var_list]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """h <- h + gradient**2; variable <- variable - learning_rate * gradient / (sqrt(h) + epsilon)."""
        ### BEGIN SOLUTION
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        h = self.accumulators[self._get_variable_index(variable)]
        self.assign_add(h, ops.square(g))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, g), ops.add(ops.sqrt(h), self.epsilon)))
        ### END SOLUTION

    def get_config(self):
        """The base class' config plus {"epsilon": ...}."""
        ### BEGIN SOLUTION
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config
        ### END SOLUTION


# %% [markdown]
# ## 4. RMSProp
#
# AdaGrad forgets nothing. RMSProp replaces the sum by an exponential moving average, so
# old gradients fade away and the step size can recover:
#
# $$ h \leftarrow \rho\, h + (1 - \rho)\, g \odot g, \qquad
#    W \leftarrow W - \eta\, \frac{g}{\sqrt{h} + \varepsilon} $$
#
# `ρ` (`rho`, 0.9) weighs the *old* value: with `ρ = 0.9` a gradient's influence decays by a
# factor 0.9 per step. `h` starts at 0 and `ε` goes outside the root, as for AdaGrad.
# (`keras.optimizers.RMSprop` puts `ε` inside the root, `g / √(h + ε)`; again we follow the
# lecture.)

# %%
class RMSProp(keras.optimizers.Optimizer):
    """RMSProp: h <- rho * h + (1 - rho) * g * g; W <- W - learning_rate * g / (sqrt(h) + epsilon).

    Args:
    - learning_rate: A float or a LearningRateSchedule (eta).
    - rho: Decay rate of the moving average, the weight of the old h (float in [0, 1)).
    - epsilon: Small constant added to sqrt(h) (outside the square root).
    - name, **kwargs: passed on to keras.optimizers.Optimizer.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        """Create one moving average h per variable (same shape and dtype, zeros)."""
        ### BEGIN SOLUTION
        if self.built:
            return
        super().build(var_list)
        self.mean_squares = [self.add_variable_from_reference(v, name="mean_square") for v in var_list]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """h <- rho * h + (1 - rho) * gradient**2; variable <- variable - learning_rate * gradient / (sqrt(h) + epsilon)."""
        ### BEGIN SOLUTION
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        rho = self.rho
        h = self.mean_squares[self._get_variable_index(variable)]
        self.assign(h, ops.add(ops.multiply(rho, h), ops.multiply(1 - rho, ops.square(g))))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, g), ops.add(ops.sqrt(h), self.epsilon)))
        ### END SOLUTION

    def get_config(self):
        """The base class' config plus {"rho": ..., "epsilon": ...}."""
        ### BEGIN SOLUTION
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
        ### END SOLUTION


# %% [markdown]
# ## 5. Adam
#
# Momentum and RMSProp combined: `m` is a moving average of the gradients (the velocity),
# `v` a moving average of their squares (the step-size control), both starting at 0.
#
# $$ m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
#    v \leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g $$
#
# Starting at 0, both averages are too small during the first steps (after one step
# `m = (1 − β1) g = 0.1 g`). Dividing by `1 − β^t`, with `t` the step number (1, 2, ...),
# corrects this *bias*: `m̂ = m / (1 − β1^t)`, `v̂ = v / (1 − β2^t)`. Keras (and the book's
# code) fold both corrections into the learning rate:
#
# $$ \alpha_t = \eta\, \frac{\sqrt{1 - \beta_2^{\,t}}}{1 - \beta_1^{\,t}}, \qquad
#    W \leftarrow W - \alpha_t\, \frac{m}{\sqrt{v} + \varepsilon} $$
#
# Use exactly this form. (It equals `η m̂ / (√v̂ + ε')` with a slightly different
# `ε' = ε / √(1 − β2^t)`; the original paper's `η m̂ / (√v̂ + ε)` differs from it when `ε` is
# not negligible.) Inside `update_step` the step number is `t = self.iterations + 1`
# (`self.iterations` counts the steps already finished; cast it to the variable's dtype).
# Note the pairing: `β1 = 0.9` goes with the gradients `m`, `β2 = 0.999` with the squares
# `v`.

# %%
class Adam(keras.optimizers.Optimizer):
    """Adam with Keras' bias-corrected step.

    m <- beta_1 m + (1 - beta_1) g;  v <- beta_2 v + (1 - beta_2) g**2;
    alpha_t = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t), t = self.iterations + 1;
    W <- W - alpha_t * m / (sqrt(v) + epsilon).

    Args:
    - learning_rate: A float or a LearningRateSchedule (eta).
    - beta_1: Decay rate of the gradients' moving average m.
    - beta_2: Decay rate of the squared gradients' moving average v.
    - epsilon: Small constant added to sqrt(v).
    - name, **kwargs: passed on to keras.optimizers.Optimizer.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        """Create the moving averages m and v per variable (same shape and dtype, zeros)."""
        ### BEGIN SOLUTION
        if self.built:
            return
        super().build(var_list)
        self.first_moments = [self.add_variable_from_reference(v, name="m") for v in var_list]
        self.second_moments = [self.add_variable_from_reference(v, name="v") for v in var_list]
        ### END SOLUTION

    def update_step(self, gradient, variable, learning_rate):
        """Update m and v, then variable <- variable - alpha_t * m / (sqrt(v) + epsilon)."""
        ### BEGIN SOLUTION
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        beta_1, beta_2 = self.beta_1, self.beta_2
        t = ops.cast(self.iterations + 1, dtype)  # the step number: 1 in the first step
        index = self._get_variable_index(variable)
        m, v = self.first_moments[index], self.second_moments[index]
        self.assign(m, ops.add(ops.multiply(beta_1, m), ops.multiply(1 - beta_1, g)))
        self.assign(v, ops.add(ops.multiply(beta_2, v), ops.multiply(1 - beta_2, ops.square(g))))
        alpha = ops.divide(ops.multiply(lr, ops.sqrt(1 - ops.power(beta_2, t))), 1 - ops.power(beta_1, t))
        self.assign_sub(variable, ops.divide(ops.multiply(alpha, m), ops.add(ops.sqrt(v), self.epsilon)))
        ### END SOLUTION

    def get_config(self):
        """The base class' config plus {"beta_1": ..., "beta_2": ..., "epsilon": ...}."""
        ### BEGIN SOLUTION
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
        ### END SOLUTION


# %% [markdown]
# ## 6. The lecture's experiment: `f(x, y) = x²/20 + y²`
#
# The test function is a long, flat valley: twenty times flatter along `x` than along `y`.
# Its minimum is at `(0, 0)` and its gradient is
#
# $$ \nabla f(x, y) = \Big(\frac{x}{10},\; 2y\Big). $$
#
# The gradient mostly points across the valley (along `y`), not towards the minimum. Starting
# from `(−7, 2)`, follow an optimizer for 30 steps: keep the point in **one** Keras variable
# of shape `(2,)` (`float64`), and at every step compute the gradient at the current point
# and call `optimizer.apply([gradient], [variable])`. Return the whole path, the start
# included: an array of shape `(steps + 1, 2)`. (Create the variable once: an optimizer is
# built for the variables of its first `apply` and refuses others.)
#
# With the lecture's learning rates, the end points after 30 steps are
#
# | optimizer | end point |
# |---|---|
# | `SGD(0.95)` | (−0.350393, 0.084782) |
# | `Momentum(0.1)` | (0.896414, 0.088086) |
# | `AdaGrad(1.5)` | (−0.120162, ≈ 0) |
# | `Adam(0.3)` | (0.136007, 0.318245) |

# %%
def f_2d(x, y):
    """The lecture's test function f(x, y) = x**2 / 20 + y**2 (elementwise)."""
    return x ** 2 / 20.0 + y ** 2


def grad_2d(x, y):
    """Its gradient (df/dx, df/dy) = (x / 10, 2 y)."""
    return x / 10.0, 2.0 * y


# %%
def minimize_2d(optimizer, start=(-7.0, 2.0), steps=30):
    """Follow `optimizer` on f(x, y) = x**2/20 + y**2 from `start`.

    Inputs:
    - optimizer: A fresh Keras optimizer (yours or Keras'), used through optimizer.apply.
    - start: The starting point (x0, y0).
    - steps: The number of optimizer steps.

    Returns:
    - path: Float64 array of shape (steps + 1, 2): path[0] = start, path[k] = the point after
      k steps. The point lives in one keras.Variable of shape (2,) and dtype float64; each
      step passes the gradient (x/10, 2y) at the current point to optimizer.apply.
    """
    ### BEGIN SOLUTION
    point = keras.Variable(np.asarray(start, dtype=np.float64), dtype="float64", name="point")
    path = [np.asarray(start, dtype=np.float64)]
    for _ in range(steps):
        x, y = ops.convert_to_numpy(point)
        optimizer.apply([ops.convert_to_tensor(grad_2d(x, y))], [point])  # a tensor: PyTorch needs one
        path.append(np.array(ops.convert_to_numpy(point), dtype=np.float64))
    return np.stack(path)
    ### END SOLUTION


# %% tags=["solution_only"]
# Reference cross-checks for this project's tests (not part of the students' stub): the
# same update rules written out in NumPy, independently of Keras, and the lecture's end points.
LECTURE_SETTINGS = {"SGD": 0.95, "Momentum": 0.1, "AdaGrad": 1.5, "Adam": 0.3}
LECTURE_END_POINTS = {"SGD": (-0.350393, 0.084782), "Momentum": (0.896414, 0.088086),
                      "AdaGrad": (-0.120162, 0.0), "Adam": (0.136007, 0.318245)}


def numpy_steps(kind, w0, grads, learning_rates, **hp):
    """Trajectory (T, *w0.shape) of optimizer ``kind`` from ``w0`` with gradients ``grads``
    (T, *w0.shape) and per-step learning rates, in float64 NumPy (the spec's formulas)."""
    w = np.array(w0, dtype=np.float64)
    first, second = np.zeros_like(w), np.zeros_like(w)
    out = []
    for t, (g, lr) in enumerate(zip(np.asarray(grads, dtype=np.float64), learning_rates), start=1):
        if kind == "SGD":
            w = w - lr * g
        elif kind == "Momentum":
            first = hp.get("momentum", 0.9) * first - lr * g
            w = w + first
        elif kind == "AdaGrad":
            second = second + g * g
            w = w - lr * g / (np.sqrt(second) + hp.get("epsilon", 1e-7))
        elif kind == "RMSProp":
            rho = hp.get("rho", 0.9)
            second = rho * second + (1 - rho) * g * g
            w = w - lr * g / (np.sqrt(second) + hp.get("epsilon", 1e-7))
        elif kind == "Adam":
            b1, b2 = hp.get("beta_1", 0.9), hp.get("beta_2", 0.999)
            first = b1 * first + (1 - b1) * g
            second = b2 * second + (1 - b2) * g * g
            alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            w = w - alpha * first / (np.sqrt(second) + hp.get("epsilon", 1e-7))
        else:
            raise ValueError(kind)
        out.append(w.copy())
    return np.stack(out)


# %% [markdown]
# ## Try it: the lecture's figure
#
# Run the cell below once your optimizers are implemented. It prints the four end points
# (compare them with the table above) and draws the lecture's figure: the contours of `f`
# with the path of each optimizer. SGD zigzags across the valley and is still far from the
# minimum; Momentum rolls past it and swings back; AdaGrad heads straight across the
# valley (its first steps are `±η` in each coordinate) and then slides along it; Adam
# combines both behaviours.

# %%
if __name__ == "__main__":
    import matplotlib.pyplot as plt

    lecture = {"SGD": SGD(learning_rate=0.95), "Momentum": Momentum(learning_rate=0.1),
               "AdaGrad": AdaGrad(learning_rate=1.5), "Adam": Adam(learning_rate=0.3)}
    paths = {label: minimize_2d(opt) for label, opt in lecture.items()}
    for label, path in paths.items():
        print(f"{label:9s} after 30 steps: ({path[-1, 0]: .6f}, {path[-1, 1]: .6f})")

    xs, ys = np.meshgrid(np.linspace(-10, 10, 201), np.linspace(-5, 5, 101))
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for ax, (label, path) in zip(axes.ravel(), paths.items()):
        ax.contour(xs, ys, f_2d(xs, ys), levels=np.linspace(0.5, 12, 10), colors="0.7")
        ax.plot(path[:, 0], path[:, 1], "o-", color="red", markersize=3)
        ax.plot(0, 0, "+", color="black", markersize=10)
        ax.set(title=label, xlim=(-10, 10), ylim=(-5, 5), xlabel="x", ylabel="y")
    fig.tight_layout()
    plt.show()
