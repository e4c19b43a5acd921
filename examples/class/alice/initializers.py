# Correct variant: NumPy's legacy RandomState, fans with a loop, float64 activations built in a list.
import keras
import numpy as np


def compute_fans(shape):
    shape = list(shape)
    if not shape:
        return (1, 1)
    if len(shape) == 1:
        return (shape[0], shape[0])
    field = 1
    for d in shape[:-2]:
        field *= d
    return (field * shape[-2], field * shape[-1])


def _normal(shape, std, seed, dtype):
    rs = np.random.RandomState(seed)
    w = rs.randn(*shape) * std
    return np.asarray(w, dtype=np.dtype(dtype or "float32"))


class ScaledNormal(keras.initializers.Initializer):
    def __init__(self, stddev=0.01, seed=None):
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        return _normal(shape, self.stddev, self.seed, dtype)

    def get_config(self):
        return dict(stddev=self.stddev, seed=self.seed)


class Xavier(keras.initializers.Initializer):
    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        n_in, _ = compute_fans(shape)
        return _normal(shape, 1.0 / np.sqrt(n_in), self.seed, dtype)

    def get_config(self):
        return dict(seed=self.seed)


class Glorot(keras.initializers.Initializer):
    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        n_in, n_out = compute_fans(shape)
        return _normal(shape, np.sqrt(2.0 / (n_in + n_out)), self.seed, dtype)

    def get_config(self):
        return dict(seed=self.seed)


class He(keras.initializers.Initializer):
    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        n_in, _ = compute_fans(shape)
        return _normal(shape, np.sqrt(2.0 / n_in), self.seed, dtype)

    def get_config(self):
        return dict(seed=self.seed)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def activation_stats(initializer, activation, n_layers=5, n_nodes=100, n_samples=1000, seed=0):
    g = {"sigmoid": sigmoid, "relu": lambda z: np.maximum(0.0, z), "tanh": np.tanh}[activation]
    x = np.random.RandomState(seed).randn(n_samples, n_nodes)
    layers = []
    for i in range(n_layers):
        if i != 0:
            x = layers[i - 1]
        w = np.array(initializer((n_nodes, n_nodes)), dtype=float)
        layers.append(g(np.dot(x, w)))
    return np.stack(layers)
