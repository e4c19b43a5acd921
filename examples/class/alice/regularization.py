# Correct, written differently: a boolean keep-mask compared with 1 - rate, batch statistics with
# keras.ops.var in float64, the penalty from the norm, and EarlyStopping restoring the best
# weights when it stops (Keras 2's way) with its own copies of the arrays.
import numpy as np

import keras
from keras import ops


class Dropout(keras.layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training:
            return inputs
        keep_prob = 1.0 - self.rate
        keep = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator) < keep_prob
        return ops.cast(keep, inputs.dtype) * inputs * (1.0 / keep_prob)


class BatchNormalization(keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        shape = (int(input_shape[-1]),)
        self.gamma = self.add_weight(shape=shape, initializer=keras.initializers.Ones(), trainable=True)
        self.beta = self.add_weight(shape=shape, initializer=keras.initializers.Zeros(), trainable=True)
        self.moving_mean = self.add_weight(shape=shape, initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(shape=shape, initializer="ones", trainable=False)

    def call(self, inputs, training=None):
        x = ops.cast(inputs, "float64")
        if training:
            axes = tuple(range(x.ndim - 1))
            mean = ops.mean(x, axis=axes)
            var = ops.var(x, axis=axes)
            m = self.momentum
            self.moving_mean.assign(ops.cast(m * ops.cast(self.moving_mean, "float64") + (1 - m) * mean, "float32"))
            self.moving_variance.assign(
                ops.cast(m * ops.cast(self.moving_variance, "float64") + (1 - m) * var, "float32"))
        else:
            mean = ops.cast(self.moving_mean, "float64")
            var = ops.cast(self.moving_variance, "float64")
        x_hat = (x - mean) / ops.sqrt(var + self.epsilon)
        out = ops.cast(self.gamma, "float64") * x_hat + ops.cast(self.beta, "float64")
        return ops.cast(out, inputs.dtype)


class L2WeightDecay(keras.regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        return 0.5 * self.l2 * ops.norm(ops.reshape(x, (-1,))) ** 2

    def get_config(self):
        config = {}
        config["l2"] = self.l2
        return config


class EarlyStopping(keras.callbacks.Callback):
    def __init__(self, monitor="val_loss", patience=2, restore_best_weights=True):
        super().__init__()
        self.monitor = monitor
        self.patience = int(patience)
        self.restore_best_weights = bool(restore_best_weights)

    def on_train_begin(self, logs=None):
        self.history = []
        self.saved = {}

    def on_epoch_end(self, epoch, logs=None):
        self.history.append(float(logs[self.monitor]))
        best_epoch = int(np.argmin(self.history))  # the first of equal minima
        if best_epoch == epoch and self.restore_best_weights:
            self.saved = {"weights": [np.array(w, copy=True) for w in self.model.get_weights()]}
        if epoch - best_epoch >= self.patience:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.saved:
            self.model.set_weights(self.saved["weights"])
