# Correct, written as in the book (DLfS ch. 6): the arithmetic in NumPy on the current values
# (the steps run eagerly), the state in the optimizer's slots, Adam's moving averages updated as
# m += (1 - beta_1) * (g - m) and its step size lr_t computed in Python floats.
import keras
import numpy as np


def _numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


class SGD(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        w = _numpy(variable)
        self.assign(variable, w - float(_numpy(learning_rate)) * _numpy(gradient).astype(w.dtype))


class Momentum(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.9, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        super().build(var_list)
        self.v = [self.add_variable_from_reference(p, name="v") for p in var_list]

    def update_step(self, gradient, variable, learning_rate):
        slot = self.v[self._get_variable_index(variable)]
        w, v, g = _numpy(variable), _numpy(slot), _numpy(gradient)
        v = self.momentum * v - float(_numpy(learning_rate)) * g
        self.assign(slot, v)
        self.assign(variable, w + v)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}


class AdaGrad(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.epsilon = epsilon

    def build(self, var_list):
        super().build(var_list)
        self.h = [self.add_variable_from_reference(p, name="h") for p in var_list]

    def update_step(self, gradient, variable, learning_rate):
        slot = self.h[self._get_variable_index(variable)]
        g = _numpy(gradient)
        h = _numpy(slot) + g * g
        self.assign(slot, h)
        self.assign(variable, _numpy(variable) - float(_numpy(learning_rate)) * g / (np.sqrt(h) + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


class RMSProp(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        super().build(var_list)
        self.h = [self.add_variable_from_reference(p, name="h") for p in var_list]

    def update_step(self, gradient, variable, learning_rate):
        slot = self.h[self._get_variable_index(variable)]
        g = _numpy(gradient)
        h = _numpy(slot)
        h *= self.rho
        h += (1 - self.rho) * g * g
        self.assign(slot, h)
        self.assign(variable, _numpy(variable) - float(_numpy(learning_rate)) * g / (np.sqrt(h) + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adam(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        super().build(var_list)
        self.m = [self.add_variable_from_reference(p, name="m") for p in var_list]
        self.v = [self.add_variable_from_reference(p, name="v") for p in var_list]

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        it = int(_numpy(self.iterations)) + 1
        lr_t = float(_numpy(learning_rate)) * np.sqrt(1.0 - self.beta_2 ** it) / (1.0 - self.beta_1 ** it)
        g = _numpy(gradient)
        m, v = _numpy(self.m[i]), _numpy(self.v[i])
        m += (1 - self.beta_1) * (g - m)
        v += (1 - self.beta_2) * (g ** 2 - v)
        self.assign(self.m[i], m)
        self.assign(self.v[i], v)
        self.assign(variable, _numpy(variable) - lr_t * m / (np.sqrt(v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config["beta_1"], config["beta_2"], config["epsilon"] = self.beta_1, self.beta_2, self.epsilon
        return config


def minimize_2d(optimizer, start=(-7.0, 2.0), steps=30):
    params = keras.Variable(np.asarray(start, dtype=np.float64))
    trace = np.zeros((steps + 1, 2))
    trace[0] = start
    for k in range(1, steps + 1):
        x, y = _numpy(params)
        optimizer.apply([np.array([x / 10.0, 2.0 * y])], [params])
        trace[k] = _numpy(params)
    return trace
