# Correct, with the state kept differently: slots in dicts keyed by Keras' own variable key,
# RMSProp's average updated as h += (1 - rho) * (g*g - h), Adam with its own per-variable step
# counter, and minimize_2d with two scalar variables x and y.
import keras
import numpy as np
from keras import ops


class SGD(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        self.assign_add(variable, ops.multiply(ops.negative(ops.cast(learning_rate, variable.dtype)),
                                               ops.cast(gradient, variable.dtype)))


class _Slots(keras.optimizers.Optimizer):
    """Slots per variable, looked up by self._var_key(variable)."""

    slot_names = ()

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.slots = {}
        for variable in var_list:
            self.slots[self._var_key(variable)] = {
                name: self.add_variable(shape=variable.shape, dtype=variable.dtype, initializer="zeros",
                                        name=f"{name}_{len(self.slots)}")
                for name in self.slot_names}

    def slot(self, variable, name):
        return self.slots[self._var_key(variable)][name]


class Momentum(_Slots):
    slot_names = ("velocity",)

    def __init__(self, learning_rate=0.01, momentum=0.9, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        v = self.slot(variable, "velocity")
        new_v = ops.cast(self.momentum, dtype) * v - ops.cast(learning_rate, dtype) * ops.cast(gradient, dtype)
        self.assign(v, new_v)
        self.assign(variable, variable + new_v)

    def get_config(self):
        config = super().get_config()
        config["momentum"] = self.momentum
        return config


class AdaGrad(_Slots):
    slot_names = ("h",)

    def __init__(self, learning_rate=0.01, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.epsilon = epsilon

    def update_step(self, gradient, variable, learning_rate):
        g = ops.cast(gradient, variable.dtype)
        h = self.slot(variable, "h")
        self.assign_add(h, ops.square(g))
        step = ops.cast(learning_rate, variable.dtype) * g / (ops.sqrt(h) + self.epsilon)
        self.assign_sub(variable, step)

    def get_config(self):
        config = super().get_config()
        config["epsilon"] = self.epsilon
        return config


class RMSProp(_Slots):
    slot_names = ("h",)

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def update_step(self, gradient, variable, learning_rate):
        g = ops.cast(gradient, variable.dtype)
        h = self.slot(variable, "h")
        self.assign_add(h, (1 - self.rho) * (ops.square(g) - h))
        self.assign_sub(variable, ops.cast(learning_rate, variable.dtype) * g / (ops.sqrt(h) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(rho=self.rho, epsilon=self.epsilon)
        return config


class Adam(_Slots):
    slot_names = ("m", "v", "t")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def update_step(self, gradient, variable, learning_rate):
        g = ops.cast(gradient, variable.dtype)
        m, v, t = self.slot(variable, "m"), self.slot(variable, "v"), self.slot(variable, "t")
        self.assign_add(t, ops.ones_like(t))  # every entry counts this variable's steps: 1, 2, ...
        self.assign(m, self.beta_1 * m + (1 - self.beta_1) * g)
        self.assign(v, self.beta_2 * v + (1 - self.beta_2) * g * g)
        correction = ops.sqrt(1 - ops.power(self.beta_2, t)) / (1 - ops.power(self.beta_1, t))
        self.assign_sub(variable, ops.cast(learning_rate, variable.dtype) * correction * m
                        / (ops.sqrt(v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return config


def minimize_2d(optimizer, start=(-7.0, 2.0), steps=30):
    x = keras.Variable(float(start[0]), dtype="float64", name="x")
    y = keras.Variable(float(start[1]), dtype="float64", name="y")
    points = [(float(start[0]), float(start[1]))]
    for _ in range(steps):
        optimizer.apply([x.value / 10.0, 2.0 * y.value], [x, y])
        points.append((float(x.numpy()), float(y.numpy())))
    return np.array(points)
