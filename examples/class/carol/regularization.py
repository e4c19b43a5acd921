# Typical mistake: Dropout zeroes units but does not scale the kept ones by 1 / (1 - rate).
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
        if not training or self.rate == 0.0:
            return inputs
        u = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator)
        mask = ops.cast(u >= self.rate, inputs.dtype)
        return inputs * mask


class BatchNormalization(keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        c = (input_shape[-1],)
        self.gamma = self.add_weight(shape=c, initializer="ones", trainable=True, name="gamma")
        self.beta = self.add_weight(shape=c, initializer="zeros", trainable=True, name="beta")
        self.moving_mean = self.add_weight(shape=c, initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=c, initializer="ones", trainable=False,
                                               name="moving_variance")

    def call(self, inputs, training=None):
        if training:
            axes = tuple(range(len(inputs.shape) - 1))
            mean = ops.mean(inputs, axis=axes)
            var = ops.mean(ops.square(inputs - mean), axis=axes)
            self.moving_mean.assign(self.momentum * self.moving_mean + (1 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1 - self.momentum) * var)
        else:
            mean, var = self.moving_mean, self.moving_variance
        return self.gamma * (inputs - mean) / ops.sqrt(var + self.epsilon) + self.beta


class L2WeightDecay(keras.regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        return 0.5 * self.l2 * ops.sum(ops.square(x))

    def get_config(self):
        return {"l2": self.l2}


class EarlyStopping(keras.callbacks.Callback):
    def __init__(self, monitor="val_loss", patience=2, restore_best_weights=True):
        super().__init__()
        self.monitor = monitor
        self.patience = int(patience)
        self.restore_best_weights = bool(restore_best_weights)

    def on_train_begin(self, logs=None):
        self.best = np.inf
        self.wait = 0
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = logs[self.monitor]
        if current < self.best:
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
