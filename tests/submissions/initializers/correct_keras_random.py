# Correct variant: keras.random with a SeedGenerator per initializer, math.prod for the fans,
# and activation_stats built from keras.layers.Dense (float32) with the given initializer.
import math

import keras


def compute_fans(shape):
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    r = math.prod(shape[:-2])
    return shape[-2] * r, shape[-1] * r


class _SeededNormal(keras.initializers.Initializer):
    def __init__(self, seed=None):
        self.seed = seed
        self._generator = keras.random.SeedGenerator(seed)

    def _std(self, shape):
        raise NotImplementedError

    def __call__(self, shape, dtype=None):
        return keras.random.normal(shape, mean=0.0, stddev=self._std(shape), dtype=dtype,
                                   seed=self._generator)

    def get_config(self):
        return {"seed": self.seed}


class ScaledNormal(_SeededNormal):
    def __init__(self, stddev=0.01, seed=None):
        super().__init__(seed)
        self.stddev = stddev

    def _std(self, shape):
        return self.stddev

    def get_config(self):
        config = super().get_config()
        config["stddev"] = self.stddev
        return config


class Xavier(_SeededNormal):
    def _std(self, shape):
        fan_in, _ = compute_fans(shape)
        return (1.0 / fan_in) ** 0.5


class Glorot(_SeededNormal):
    def _std(self, shape):
        fan_in, fan_out = compute_fans(shape)
        return (2.0 / (fan_in + fan_out)) ** 0.5


class He(_SeededNormal):
    def _std(self, shape):
        fan_in, _ = compute_fans(shape)
        return (2.0 / fan_in) ** 0.5


def activation_stats(initializer, activation, n_layers=5, n_nodes=100, n_samples=1000, seed=0):
    a = keras.random.normal((n_samples, n_nodes), seed=seed)
    outputs = []
    for _ in range(n_layers):
        layer = keras.layers.Dense(n_nodes, activation=activation, use_bias=False,
                                   kernel_initializer=initializer)
        a = layer(a)
        outputs.append(a)
    return keras.ops.convert_to_numpy(keras.ops.stack(outputs))
