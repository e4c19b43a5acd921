# Correct, written differently: ops.where for the mask, E[x²] - mean² and rsqrt in the batch
# normalization, x * x for the penalty, Keras' own order of bookkeeping in EarlyStopping.
import numpy as np

import keras
from keras import ops


class Dropout(keras.layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if training and self.rate > 0:
            keep = 1.0 - self.rate
            u = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator)
            return ops.where(u < keep, inputs / keep, ops.zeros_like(inputs))
        return inputs


class BatchNormalization(keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        n = input_shape[-1]
        self.gamma = self.add_weight(shape=(n,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(n,), initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(shape=(n,), initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(shape=(n,), initializer="ones", trainable=False)

    def call(self, inputs, training=None):
        mean, var = self.moving_mean, self.moving_variance
        if training:
            axes = list(range(len(inputs.shape) - 1))
            mean = ops.mean(inputs, axis=axes)
            var = ops.mean(inputs * inputs, axis=axes) - mean * mean
            self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
            self.moving_variance.assign(self.moving_variance * self.momentum + var * (1.0 - self.momentum))
        scale = self.gamma * ops.rsqrt(var + self.epsilon)
        return inputs * scale + (self.beta - mean * scale)


class L2WeightDecay(keras.regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        return ops.sum(x * x) * (self.l2 / 2)

    def get_config(self):
        return dict(l2=self.l2)


class EarlyStopping(keras.callbacks.Callback):
    def __init__(self, monitor="val_loss", patience=2, restore_best_weights=True):
        super().__init__()
        self.monitor = monitor
        self.patience = int(patience)
        self.restore_best_weights = bool(restore_best_weights)

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.best = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get(self.monitor)
        if current is None:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self.best is None or current < self.best:
            self.best = current
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
