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
# This file is generated from solutions/regularization.py by `dlgrade release`; edit the marked regions.

# %% [markdown]
# # Regularization: dropout, batch normalization, weight decay, early stopping (§5, DLfS ch. 6)
#
# A network with many parameters trained on few samples *overfits*: it learns the training
# set by heart, training accuracy climbs to 100 %, and the accuracy on data it has not seen
# stays far behind. The lecture shows four remedies, and in this assignment you write each
# of them as the Keras 3 building block that Keras itself uses for it:
#
# 1. `Dropout(rate, seed=None)` — a `keras.layers.Layer` that switches random units off
#    while training,
# 2. `BatchNormalization(momentum=0.99, epsilon=1e-3)` — a `keras.layers.Layer` that
#    normalizes each mini-batch and keeps running statistics for inference,
# 3. `L2WeightDecay(l2=0.01)` — a `keras.regularizers.Regularizer` that adds
#    `½·λ·‖W‖²` to the loss,
# 4. `EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)` — a
#    `keras.callbacks.Callback` that ends training when the validation loss stops improving.
#
# Each class plugs into Keras like the built-in one: the layers go into a
# `keras.Sequential`, the regularizer into `Dense(..., kernel_regularizer=...)`, the callback
# into `model.fit(..., callbacks=[...])`. The grader uses them exactly that way: it builds
# small models with your classes, calls them in training and inference mode, fits them, and
# compares what comes out with the reference solution (and, for batch normalization, with
# `keras.layers.BatchNormalization`).
#
# **Conventions.** Inputs are channels-last: a dense activation is `(N, C)`, a feature map
# `(N, H, W, C)`; "per feature" means per entry of the last axis. Write the layer math with
# `keras.ops` (`ops.mean`, `ops.square`, `ops.sqrt`, `ops.where`, ...) and draw random numbers
# with `keras.random`, so that it runs inside `model.fit` and gradients flow through it.
#
# **Rules.** Keras' own versions of what you are writing are off limits, as parents or as
# calls: `keras.layers.Dropout`, `keras.layers.BatchNormalization`, `keras.random.dropout`,
# `keras.ops.batch_normalization`, `keras.ops.moments`, the concrete regularizers
# (`keras.regularizers.L2`, `L1`, `L1L2`, `OrthogonalRegularizer`),
# `keras.callbacks.EarlyStopping`, and their TensorFlow twins (`tf.nn.dropout`,
# `tf.nn.batch_normalization`, `tf.nn.moments`). The base classes `keras.layers.Layer`,
# `keras.regularizers.Regularizer` and `keras.callbacks.Callback` are what you build on.

# %%
import numpy as np

import keras
from keras import ops

# %% [markdown]
# ## 1. Dropout
#
# Dropout (Srivastava et al., 2014) fights overfitting by *deleting neurons at random* while
# training: in every forward pass each unit's output is set to 0 with probability `rate`,
# independently of the others, and a new random choice is made for the next mini-batch.
# No unit can rely on a particular other unit being there, so the network cannot build
# fragile co-adaptations; it behaves like an average over the many thinned networks it
# trains at once (an ensemble for the price of one network).
#
# ### Inverted dropout
#
# A unit with output `x` that survives with probability `1 − rate` contributes on average
# `(1 − rate)·x` during training but `x` at inference, when nothing is dropped. Something
# must make up for that difference. *DLfS* (ch. 6) multiplies the outputs by `1 − rate` at
# inference. Keras does the opposite, and so do we: **inverted dropout** scales the
# survivors up *while training*,
#
# $$ y = \frac{m \odot x}{1 - \text{rate}}, \qquad m_i \sim \text{Bernoulli}(1 - \text{rate})
#    \text{ independently}, $$
#
# so that `E[y] = x` and the layer is the **identity at inference**: a trained model needs no
# correction at prediction time. With `rate = 0.5`, half of the outputs become 0 and the other
# half are doubled. `rate = 0` keeps everything: the identity.
#
# ### Training or inference: the `training` argument
#
# Keras tells a layer which mode it runs in through the `training` argument of `call`:
# `model.fit` calls the layers with `training=True`, `model.predict`, `model.evaluate` and a
# plain `layer(x)` with `training=False` or `None`. Only `training=True` may drop anything.
#
# ### Random numbers that change from call to call
#
# The mask must be **fresh in every call**. Keras' random functions take a `seed`: an int
# seed draws the *same* numbers every time (`keras.random.uniform(shape, seed=42)` twice
# gives twice the same array — the same units would be dropped in every batch), while a
# `keras.random.SeedGenerator` advances its state at each draw, reproducible from its seed
# but different in every call. `__init__` below makes one for you: pass
# `seed=self.seed_generator`.
#
# A convenient way to draw the mask: `u = keras.random.uniform(ops.shape(inputs),
# seed=self.seed_generator)` is uniform on `[0, 1)`, and `u >= rate` is true with probability
# `1 − rate`.

# %%
class Dropout(keras.layers.Layer):
    """Inverted dropout: drops units with probability `rate` in training, identity at inference.

    Arguments:
    - rate: Float in [0, 1), the probability that a unit's output is set to 0.
    - seed: Optional int, the seed of the layer's random generator (reproducible masks).

    Call `layer(inputs, training=...)`:
    - inputs: Tensor of any shape, e.g. (N, C) or (N, H, W, C).
    - training: True while training (model.fit); False or None at inference.

    Returns:
    - outputs: Tensor of the shape and dtype of inputs. With training=True and rate > 0:
        outputs = mask * inputs / (1 - rate),
      mask a fresh array of independent 0/1 values with P(1) = 1 - rate, drawn anew in
      every call. Otherwise (inference, or rate = 0): outputs = inputs.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"rate must lie in [0, 1), got {rate}")
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


# %% [markdown]
# ## 2. Batch normalization
#
# Batch normalization (Ioffe & Szegedy, 2015) standardizes every feature over the mini-batch
# before passing it on. For a batch `x` of shape `(N, C)` and each feature `c`
# (the lecture's algorithm, with `B` the mini-batch of `m = N` values of one feature):
#
# $$ \mu_B = \frac1m \sum_{i=1}^{m} x_i, \qquad
#    \sigma_B^2 = \frac1m \sum_{i=1}^{m} (x_i - \mu_B)^2, \qquad
#    \hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad
#    y_i = \gamma \hat x_i + \beta . $$
#
# - The variance is the **biased** one, divided by `m` (NumPy's default `ddof=0`), not by
#   `m − 1`.
# - `ε` (`epsilon`, 1e-3 as in Keras) keeps the division safe for a feature that is constant
#   in the batch.
# - `γ` (`gamma`, starts at 1) and `β` (`beta`, starts at 0) are **trainable**: the network
#   can learn to undo the normalization where that helps, so nothing is lost in
#   expressiveness. One value per feature: shape `(C,)`.
# - For a feature map `(N, H, W, C)` a "feature" is a channel: the statistics run over all
#   axes but the last (`N·H·W` values per channel), as in Keras.
#
# The benefits the lecture lists: training is faster and tolerates larger learning rates,
# depends less on the initialization, and overfits less (each sample's output is perturbed by
# the other samples of its batch, a mild regularizer).
#
# ### Inference: moving statistics
#
# At prediction time there may be a single sample, and its output must not depend on what
# else is in the batch. So while training, the layer keeps exponential moving averages of
# the batch statistics,
#
# $$ \text{moving\_mean} \leftarrow \text{momentum}\cdot\text{moving\_mean}
#      + (1 - \text{momentum})\cdot\mu_B, \qquad
#    \text{moving\_variance} \leftarrow \text{momentum}\cdot\text{moving\_variance}
#      + (1 - \text{momentum})\cdot\sigma_B^2, $$
#
# starting from 0 and 1, and at inference normalizes with them instead of the batch's:
# `y = γ (x − moving_mean) / √(moving_variance + ε) + β`. The moving statistics are state,
# not parameters: **non-trainable** weights, changed by the layer itself (with `.assign`)
# and only in training mode. Note the convention: `momentum = 0.99` weighs the *old* value
# (Keras, TensorFlow). PyTorch's `momentum=0.1` weighs the *new* batch statistic — the same
# average written the other way round; don't mix the two.
#
# In `build(input_shape)` create the four weights with `self.add_weight(shape=(C,),
# initializer=..., trainable=..., name=...)` (initializers `"ones"` and `"zeros"`) and keep
# them as `self.gamma`, `self.beta`, `self.moving_mean`, `self.moving_variance`.

# %%
class BatchNormalization(keras.layers.Layer):
    """Batch normalization over all axes but the last, with moving statistics for inference.

    Arguments:
    - momentum: Float, the weight of the old value in the moving averages (Keras' convention).
    - epsilon: Small float added to the variance before the square root.

    Weights (created in build, one value per feature, shape (C,) with C = input_shape[-1]):
    - gamma: trainable, initialized to ones; beta: trainable, initialized to zeros;
    - moving_mean: non-trainable, zeros; moving_variance: non-trainable, ones.

    Call `layer(inputs, training=...)`, inputs of shape (N, C) or (N, H, W, C):
    - training=True: mean and biased variance over all axes but the last,
        outputs = gamma * (inputs - mean) / sqrt(variance + epsilon) + beta,
      and moving = momentum * moving + (1 - momentum) * batch statistic, for both moving
      statistics.
    - training=False or None: the same formula with moving_mean and moving_variance; the
      moving statistics do not change.

    Returns:
    - outputs: Tensor of the shape of inputs.
    """

    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def call(self, inputs, training=None):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}


# %% [markdown]
# ## 3. Weight decay: the L2 penalty
#
# Overfitting often shows as large weights: the network bends its decision function sharply
# to pass through every training sample. *Weight decay* adds a penalty on the size of the
# weights to the loss,
#
# $$ L_{\text{total}} = L + \tfrac12 \lambda \lVert W\rVert^2
#    = L + \tfrac12 \lambda \sum_{ij} W_{ij}^2 , $$
#
# where `λ` (`l2`) sets how strongly large weights are punished. The `½` is the lecture's
# (and DLfS') choice: it makes the gradient of the penalty simply
#
# $$ \frac{\partial}{\partial W} \tfrac12 \lambda \lVert W\rVert^2 = \lambda W , $$
#
# so a gradient-descent step becomes `W ← W − η(∇L + λW) = (1 − ηλ)W − η∇L`: before each
# step the weights shrink by the factor `1 − ηλ` — they *decay*, hence the name.
# (Careful: Keras' own `keras.regularizers.L2(l2)` adds `l2·‖W‖²` *without* the ½, so the same
# number `l2` there penalizes twice as hard.)
#
# A Keras regularizer is a callable object: `__call__(x)` gets a weight tensor (a
# `keras.Variable`) and returns the penalty as a scalar tensor. Compute it with `keras.ops`
# so that it stays differentiable: `model.fit` adds it to the loss (it shows up in
# `model.losses`) and differentiates the sum. `get_config()` returns the constructor
# arguments as a dict, `{"l2": ...}`, so that a model using it can be saved and rebuilt
# (`L2WeightDecay.from_config(config)` calls `L2WeightDecay(**config)`).

# %%
class L2WeightDecay(keras.regularizers.Regularizer):
    """The L2 penalty ½·λ·‖W‖², as a Keras regularizer.

    Arguments:
    - l2: Float, the weight-decay coefficient λ.

    Call `regularizer(x)`:
    - x: Weight tensor (keras.Variable or tensor) of any shape.

    Returns:
    - penalty: Scalar tensor 0.5 * l2 * sum(x ** 2), differentiable (keras.ops), with
      gradient l2 * x.

    `get_config()` returns {"l2": l2}.
    """

    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def get_config(self):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## 4. Early stopping
#
# Train long enough and the validation loss, after falling for a while, starts to *rise*
# again while the training loss keeps falling: the network has begun to learn the training
# set by heart. Early stopping watches the validation loss after every epoch and stops
# training when it has not improved for `patience` epochs in a row — and, with
# `restore_best_weights=True`, puts back the weights of the best epoch, so that the extra
# epochs spent waiting cost nothing.
#
# A Keras callback is an object whose methods `model.fit` calls at fixed moments; it reaches
# the model as `self.model`. The three you write:
#
# - `on_train_begin(logs)`: at the start of `fit`. Reset the state here (the best value so
#   far, `np.inf`; the number of epochs without improvement, 0; the best weights, none), so
#   that the same callback can serve several `fit` calls.
# - `on_epoch_end(epoch, logs)`: after each epoch (`epoch` counts from 0). `logs` is a dict
#   like `{"loss": 0.31, "val_loss": 0.42}`; read `logs[self.monitor]`.
#   * An **improvement** is a value *strictly* smaller than the best so far (an equal value is
#     not an improvement). Then remember it, reset the count to 0 and, if
#     `restore_best_weights`, keep a copy of the weights: `self.model.get_weights()` (a list of
#     NumPy arrays).
#   * Otherwise count one more epoch without improvement; when the count reaches `patience`,
#     stop: set `self.model.stop_training = True` (`fit` ends after this epoch).
# - `on_train_end(logs)`: if `restore_best_weights` and best weights were kept, put them back
#   with `self.model.set_weights(...)`.
#
# Example with `patience=2`: validation losses `0.9, 0.7, 0.8, 0.75, 0.6` — epoch 1 (0.7)
# improves; epoch 2 (0.8) is the first epoch without improvement, epoch 3 (0.75 > 0.7) the
# second, so training stops after epoch 3 (four epochs run) and the weights of epoch 1 come
# back. The 0.6 of epoch 4 is never seen.

# %%
class EarlyStopping(keras.callbacks.Callback):
    """Stops training when the monitored quantity has not improved for `patience` epochs.

    Arguments:
    - monitor: The key of `logs` to watch (lower is better), e.g. "val_loss" or "loss".
    - patience: Int >= 1, the number of epochs without improvement after which to stop.
    - restore_best_weights: If True, the model gets the weights of its best epoch back at the
      end of training.

    Behaviour (Keras' EarlyStopping with min_delta=0 and mode="min"):
    - an epoch improves when logs[monitor] < the best value so far (strictly);
    - after `patience` consecutive epochs without improvement, set
      self.model.stop_training = True;
    - on_train_end: with restore_best_weights, self.model.set_weights(best epoch's weights).
    """

    def __init__(self, monitor="val_loss", patience=2, restore_best_weights=True):
        super().__init__()
        self.monitor = monitor
        self.patience = int(patience)
        self.restore_best_weights = bool(restore_best_weights)

    def on_train_begin(self, logs=None):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def on_epoch_end(self, epoch, logs=None):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")

    def on_train_end(self, logs=None):
        # YOUR CODE HERE
        raise NotImplementedError("not implemented yet")


# %% [markdown]
# ## Try it: the lecture's overfitting experiment, in miniature
#
# The lecture (DLfS ch. 6) provokes overfitting on purpose: only 300 training samples of
# MNIST and a deep, wide network. We do the same on the small digits data set that ships
# with scikit-learn (8×8 images, 10 classes): 150 training images, the rest for validation, a
# 3×256 ReLU network, 150 epochs. Three runs — without regularization, with weight decay,
# with dropout — and their training and validation accuracies per epoch. Without
# regularization the training accuracy reaches 100 % and the validation accuracy stays well
# below: the gap is the overfitting. Weight decay and dropout narrow the gap. A fourth run
# adds early stopping and batch normalization.
#
# It takes about a minute on a laptop's CPU. Run the cell once your classes work.

# %%
def overfitting_demo(regularizer=None, dropout=0.0, batch_norm=False, callbacks=(),
                     n_train=150, epochs=150, seed=0):
    """Train a 3 x 256 ReLU network on n_train digits; return its Keras History."""
    from sklearn.datasets import load_digits

    keras.utils.set_random_seed(seed)
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target
    order = np.random.default_rng(seed).permutation(len(x))
    train, val = order[:n_train], order[n_train:]
    layers = [keras.Input((64,))]
    for _ in range(3):
        layers.append(keras.layers.Dense(256, activation="relu", kernel_regularizer=regularizer))
        if batch_norm:
            layers.append(BatchNormalization())
        if dropout:
            layers.append(Dropout(dropout, seed=seed))
    layers.append(keras.layers.Dense(10, kernel_regularizer=regularizer))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.SGD(0.05), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model.fit(x[train], y[train], validation_data=(x[val], y[val]), epochs=epochs,
                     batch_size=50, verbose=0, callbacks=list(callbacks))


# %%
if __name__ == "__main__":
    import matplotlib.pyplot as plt

    runs = {
        "no regularization": overfitting_demo(),
        "weight decay, λ = 0.01": overfitting_demo(regularizer=L2WeightDecay(0.01)),
        "dropout, rate = 0.3": overfitting_demo(dropout=0.3),
        "batch norm + early stopping": overfitting_demo(
            batch_norm=True, callbacks=[EarlyStopping(patience=10)]),
    }
    fig, axes = plt.subplots(1, len(runs), figsize=(4 * len(runs), 3.4), sharey=True)
    for ax, (title, history) in zip(axes, runs.items()):
        epochs = np.arange(1, len(history.history["accuracy"]) + 1)
        ax.plot(epochs, history.history["accuracy"], label="train")
        ax.plot(epochs, history.history["val_accuracy"], label="validation")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_ylim(0, 1.02)
        gap = history.history["accuracy"][-1] - history.history["val_accuracy"][-1]
        print(f"{title:30s} epochs {len(epochs):3d}  train {history.history['accuracy'][-1]:.3f}"
              f"  validation {history.history['val_accuracy'][-1]:.3f}  gap {gap:.3f}")
    axes[0].set_ylabel("accuracy")
    axes[0].legend(loc="lower right")
    fig.tight_layout()
    plt.show()
