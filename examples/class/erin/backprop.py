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
# This file is generated from solutions/backprop.py by `dlgrade release`; edit the marked regions.

# %% [markdown]
# # Backpropagation through dense layers (Session 02, CS229 Lecture 11)
#
# In this assignment you write, in plain NumPy, what `tf.GradientTape` does for a small
# fully connected network: the forward pass, the backward pass, a numerical check that the
# backward pass is right, and gradient descent with it.
#
# 1. `activation_forward(z, name)` and `activation_backward(da, z, name)` — the activation
#    functions `"sigmoid"`, `"relu"`, `"tanh"`, `"linear"` and their derivatives,
# 2. `dense_forward(a_prev, W, b, activation)` → `(a, cache)` — one dense layer forward,
# 3. `dense_backward(da, cache)` → `(da_prev, dW, db)` — the same layer backward,
# 4. `mlp_loss_and_grads(params, x, labels)` — a two-layer network (ReLU hidden layer,
#    softmax output) with its cross-entropy loss and all its gradients,
# 5. `gradient_check(f, params, grads, h=1e-5)` — compare analytic gradients with central
#    differences,
# 6. `sgd_step(params, grads, lr)` — one step of gradient descent.
#
# **Conventions (Keras' row form).** A batch holds one example per *row*: `a_prev` has shape
# `(m, n_in)` for `m` examples with `n_in` features. A dense layer with `n_out` units has a
# weight matrix `W` of shape `(n_in, n_out)` (as `keras.layers.Dense.kernel`) and a bias `b`
# of shape `(n_out,)`, and computes
#
# $$ z = a_\text{prev} W + b \quad (m, n_\text{out}), \qquad a = g(z). $$
#
# The lecture writes the same layer in *column form*, one example per column, `z = W a + b`;
# section 3 shows how the two forms map onto each other.
#
# **Rules.** The point is to write the backward pass yourself: automatic differentiation
# (`tf.GradientTape`, `tf.gradients`, `jax.grad`, `torch.autograd`) and Keras layers and
# losses (`keras.layers.Dense`, `keras.losses.*`) are off limits inside your functions.
# NumPy (or elementary `keras.ops` math such as `matmul`, `exp`, `sum`) is all you need.

# %%
import numpy as np

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")

# %% [markdown]
# ## 1. Activations and their derivatives
#
# An activation `g` is applied elementwise, so its derivative is elementwise too:
#
# | name | $g(z)$ | $g'(z)$ |
# |---|---|---|
# | `"sigmoid"` | $\sigma(z) = 1 / (1 + e^{-z})$ | $\sigma(z)\,(1 - \sigma(z))$ |
# | `"relu"` | $\max(z, 0)$ | $1$ if $z > 0$, else $0$ |
# | `"tanh"` | $\tanh z$ | $1 - \tanh^2 z$ |
# | `"linear"` | $z$ | $1$ |
#
# Note that the sigmoid's and tanh's derivatives are written with the *activation*
# $\sigma(z)$ or $\tanh z$, not with $z$: `z * (1 - z)` is a classic bug. (ReLU is not
# differentiable at exactly 0; like TensorFlow we use 0 there.)
#
# The backward function receives `da`, the gradient of the loss with respect to the
# activation `a = g(z)`, and returns the gradient with respect to `z`. By the chain rule,
# for an elementwise `g`,
#
# $$ \frac{\partial L}{\partial z} = \frac{\partial L}{\partial a} \odot g'(z), $$
#
# a product *entry by entry* (NumPy's `*`), not a matrix product. Forgetting the factor
# `g'(z)` (returning `da`) or forgetting `da` (returning `g'(z)`) are the two ways to get it
# wrong. For the sigmoid, compute $\sigma(z)$ without overflow for large negative `z`
# (e.g. with `exp(-|z|)`).

# %%
def activation_forward(z, name):
    """Apply an activation function elementwise.

    Inputs:
    - z: Array of any shape (pre-activations).
    - name: One of "sigmoid", "relu", "tanh", "linear".

    Returns:
    - a: Floating array of the same shape as z: g(z) for the named activation g.

    Raises:
    - ValueError: for an unknown name.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %%
def activation_backward(da, z, name):
    """Backpropagate through an activation: the gradient with respect to z.

    Inputs:
    - da: Array, the gradient of the loss with respect to a = g(z).
    - z: Array of the same shape as da, the pre-activations of the forward pass.
    - name: One of "sigmoid", "relu", "tanh", "linear".

    Returns:
    - dz: Floating array of the same shape: dz = da * g'(z) (elementwise), where
        sigmoid: g'(z) = s * (1 - s) with s = sigmoid(z)
        relu:    g'(z) = 1 where z > 0, else 0
        tanh:    g'(z) = 1 - tanh(z)**2
        linear:  g'(z) = 1

    Raises:
    - ValueError: for an unknown name.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 2. A dense layer, forward
#
# `dense_forward` computes `z = a_prev @ W + b` (the bias broadcasts over the rows, i.e.
# is added to every example) and `a = g(z)`. It also returns a *cache*: whatever the
# backward pass will need later. What goes into it is up to you — the grader only ever
# hands it back to your own `dense_backward`. The backward pass needs `a_prev` (for `dW`),
# `W` (for `da_prev`), `z` (for `g'(z)`) and the activation's name.

# %%
def dense_forward(a_prev, W, b, activation):
    """Forward pass of a dense layer: a = g(a_prev @ W + b).

    Inputs:
    - a_prev: Array of shape (m, n_in): m examples (rows), n_in features each.
    - W: Weights of shape (n_in, n_out) (Keras' kernel; the lecture's W transposed).
    - b: Bias of shape (n_out,).
    - activation: One of "sigmoid", "relu", "tanh", "linear".

    Returns a tuple of:
    - a: Array of shape (m, n_out), the layer's activations.
    - cache: Anything your dense_backward needs (e.g. a_prev, W, b, z, activation).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 3. A dense layer, backward
#
# Let `L` be the loss of the whole batch and `da = ∂L/∂a` (shape `(m, n_out)`). The chain
# rule gives, in Keras' row form,
#
# $$
# \begin{aligned}
# dz &= da \odot g'(z) && (m, n_\text{out}) \\
# dW &= a_\text{prev}^\top\, dz && (n_\text{in}, n_\text{out}) \\
# db &= \textstyle\sum_{i=1}^{m} dz_{i,:} && (n_\text{out},) \\
# da_\text{prev} &= dz\, W^\top && (m, n_\text{in})
# \end{aligned}
# $$
#
# Each gradient has the shape of the thing it is the gradient of — a quick way to catch a
# missing or misplaced transpose.
#
# **Why these formulas.** For one example (one row), $z_j = \sum_k a_k W_{kj} + b_j$, so
# $\partial z_j / \partial W_{kj} = a_k$, $\partial z_j / \partial b_j = 1$ and
# $\partial z_j / \partial a_k = W_{kj}$. Hence $dW_{kj} = a_k\, dz_j$ (an outer product),
# $db_j = dz_j$ and $da_k = \sum_j W_{kj}\, dz_j$. A parameter shared by all examples of the
# batch collects the gradient of every example: summing the per-example outer products is
# exactly the matrix product $a_\text{prev}^\top dz$, and summing the rows of `dz` gives `db`.
#
# **From the lecture's column form to the row form.** The lecture stacks examples as
# *columns*: $Z = W_c A + b$ with $W_c$ of shape $(n_\text{out}, n_\text{in})$ and
# $A$ of shape $(n_\text{in}, m)$, and gets $dW_c = dZ\, A^\top$, $db = \sum dZ$ over
# columns, $dA = W_c^\top dZ$. Keras' arrays are the transposes: $a_\text{prev} = A^\top$,
# $W = W_c^\top$, $dz = dZ^\top$. Transposing each formula,
#
# $$ dW = dW_c^\top = (dZ A^\top)^\top = A\, dZ^\top = a_\text{prev}^\top dz, \qquad
#    da_\text{prev} = (W_c^\top dZ)^\top = dZ^\top W_c = dz\, W^\top . $$
#
# **No extra `1/m`.** CS229 and many course notes write $dW = \frac{1}{m} dZ A^\top$ because
# their `dZ` is the gradient of the *per-example* losses. Here `da` is already the gradient
# of the batch loss (for a mean loss, the `1/m` is inside it — see `mlp_loss_and_grads`),
# so dividing again would count it twice.

# %%
def dense_backward(da, cache):
    """Backward pass of a dense layer.

    Inputs:
    - da: Array of shape (m, n_out), the gradient of the (whole batch's) loss with respect to
      the layer's output a. It already contains any 1/m of a mean loss.
    - cache: What dense_forward returned with a.

    Returns a tuple of:
    - da_prev: Array of shape (m, n_in), the gradient with respect to a_prev: dz @ W.T.
    - dW: Array of shape (n_in, n_out): a_prev.T @ dz.
    - db: Array of shape (n_out,): dz summed over the batch (rows); no 1/m.
    where dz = da * g'(z).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 4. A two-layer network with a softmax output
#
# `params` holds `W1 (d, H)`, `b1 (H,)`, `W2 (H, C)` and `b2 (C,)`. For inputs `x (N, d)`
# and integer labels `labels (N,)` in `0..C-1` the network computes
#
# $$ h = \mathrm{relu}(x W_1 + b_1), \qquad s = h W_2 + b_2 \ \text{(scores, or logits)}, \qquad
#    p = \mathrm{softmax}(s), $$
#
# and the loss is the sparse categorical cross-entropy averaged over the batch,
# $L = -\frac{1}{N}\sum_i \log p_{i, y_i}$ (natural log), as
# `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.
# Compute $\log p$ stably: subtract each row's maximum score first,
# $\log p_{ic} = s_{ic} - \max_k s_{ik} - \log\sum_k e^{s_{ik} - \max_k s_{ik}}$.
#
# The softmax and the cross-entropy together have a famously simple gradient:
#
# $$ \frac{\partial L}{\partial s} = \frac{1}{N}\,\big(p - \mathrm{onehot}(y)\big) . $$
#
# The `1/N` comes from the batch mean — and this is the only place it belongs. From there
# on it is the backward pass of section 3, twice: the output layer is a dense layer with a
# linear activation, the hidden one a dense layer with ReLU. Reuse your functions.

# %%
def mlp_loss_and_grads(params, x, labels):
    """Loss and gradients of a two-layer network: dense-ReLU, dense, softmax cross-entropy.

    Inputs:
    - params: Dict with "W1" (d, H), "b1" (H,), "W2" (H, C), "b2" (C,).
    - x: Array of shape (N, d), one example per row.
    - labels: Integer array of shape (N,) with values in 0..C-1.

    Returns a tuple of:
    - loss: A float, the mean over the batch of -log softmax(scores)[i, labels[i]] where
      scores = relu(x @ W1 + b1) @ W2 + b2.
    - grads: Dict with the same keys as params, each the gradient of loss with respect to
      that parameter (same shape).
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 5. Gradient checking
#
# A backward pass can be wrong in ways that still let the loss go down a little, so we
# test it against the definition of the derivative. For every entry $\theta$ of every
# parameter, the *central difference*
#
# $$ n = \frac{f(\theta + h) - f(\theta - h)}{2h} $$
#
# approximates $\partial f / \partial \theta$ with an error of order $h^2$ (the forward
# difference $(f(\theta + h) - f(\theta))/h$ is only accurate to order $h$). We compare it
# with the analytic value $a$ by the *relative error*
#
# $$ \frac{|a - n|}{\max(|a| + |n|,\ 10^{-12})} , $$
#
# which does not depend on the scale of the loss; the floor $10^{-12}$ keeps an entry whose
# gradient is exactly 0 both ways from becoming 0/0. `gradient_check` returns the largest
# relative error over all entries of all parameters. Rules of thumb (CS231n): below
# `1e-7` the gradient is right; above `1e-2` it is almost certainly wrong.
#
# Practicalities: perturb one entry at a time and put the old value back before the next
# one; work in float64 (with float32, `h = 1e-5` drowns in rounding); never change the
# caller's `params` (work on copies).

# %%
def gradient_check(f, params, grads, h=1e-5):
    """Largest relative error between analytic gradients and central differences.

    Inputs:
    - f: Function mapping a params dict (same keys and shapes as params) to a scalar.
    - params: Dict of arrays, the point at which to check.
    - grads: Dict with the same keys, the analytic gradients of f at params.
    - h: Step of the central differences.

    Returns:
    - error: A float, the maximum over all entries of all parameters of
      |a - n| / max(|a| + |n|, 1e-12), where a is the analytic gradient (grads) and
      n = (f(params with the entry + h) - f(params with the entry - h)) / (2h).
      The caller's params are left unchanged.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 6. Gradient descent
#
# One step of (stochastic) gradient descent moves every parameter against its gradient,
#
# $$ \theta \leftarrow \theta - \eta\, \frac{\partial L}{\partial \theta} . $$
#
# All gradients were computed at the *old* parameters, so all parameters move *at once*,
# from the same old values. `sgd_step` returns a new dict and leaves `params` (and
# `grads`) untouched; a training loop then simply does
# `params = sgd_step(params, grads, lr)`.

# %%
def sgd_step(params, grads, lr):
    """One gradient-descent step on every parameter.

    Inputs:
    - params: Dict of arrays (any keys).
    - grads: Dict with the same keys (in any order), the gradients at params.
    - lr: Learning rate, a positive float.

    Returns:
    - new_params: A new dict with the same keys: params[k] - lr * grads[k] for every k.
      params and grads are not modified.
    """
    # YOUR CODE HERE
    raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## Try it: train the network on three Gaussian blobs
#
# Run the cell below once your functions are implemented. It checks your gradients
# numerically (the error should be below `1e-7`), then runs 100 steps of gradient descent;
# the loss should fall from about 1.1 (= ln 3, a uniform guess over 3 classes) to below 0.05.

# %%
if __name__ == "__main__":
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 3.0], [-2.6, -1.5], [2.6, -1.5]])
    demo_labels = np.repeat(np.arange(3), 30)
    demo_x = centers[demo_labels] + rng.standard_normal((90, 2))
    demo_params = {"W1": rng.standard_normal((2, 16)) * 0.1, "b1": np.zeros(16),
                   "W2": rng.standard_normal((16, 3)) * 0.1, "b2": np.zeros(3)}

    demo_loss, demo_grads = mlp_loss_and_grads(demo_params, demo_x, demo_labels)
    print("gradient check:", gradient_check(
        lambda p: mlp_loss_and_grads(p, demo_x, demo_labels)[0], demo_params, demo_grads))
    for step in range(101):
        demo_loss, demo_grads = mlp_loss_and_grads(demo_params, demo_x, demo_labels)
        if step % 20 == 0:
            print(f"step {step:3d}: loss {demo_loss:.4f}")
        demo_params = sgd_step(demo_params, demo_grads, lr=0.5)
