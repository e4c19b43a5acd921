# Mistake (only under a schedule): PyTorch's form v <- momentum * v + g; W <- W - lr * v.
import keras
import numpy as np
from keras import ops


class SGD(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        self.assign_sub(variable, lr * g)


class Momentum(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.9, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.velocities = [self.add_variable_from_reference(v, name="velocity") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        v = self.velocities[self._get_variable_index(variable)]
        self.assign(v, self.momentum * v + g)
        self.assign_sub(variable, lr * v)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum})
        return config


class AdaGrad(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.hs = [self.add_variable_from_reference(v, name="h") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        h = self.hs[self._get_variable_index(variable)]
        self.assign_add(h, g * g)
        self.assign_sub(variable, lr * g / (ops.sqrt(h) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config


class RMSProp(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.hs = [self.add_variable_from_reference(v, name="h") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        h = self.hs[self._get_variable_index(variable)]
        self.assign(h, self.rho * h + (1 - self.rho) * g * g)
        self.assign_sub(variable, lr * g / (ops.sqrt(h) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config


class Adam(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.ms = [self.add_variable_from_reference(v, name="m") for v in var_list]
        self.vs = [self.add_variable_from_reference(v, name="v") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        t = ops.cast(self.iterations + 1, variable.dtype)
        i = self._get_variable_index(variable)
        m, v = self.ms[i], self.vs[i]
        self.assign(m, self.beta_1 * m + (1 - self.beta_1) * g)
        self.assign(v, self.beta_2 * v + (1 - self.beta_2) * g * g)
        alpha = lr * ops.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        self.assign_sub(variable, alpha * m / (ops.sqrt(v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config


def minimize_2d(optimizer, start=(-7.0, 2.0), steps=30):
    point = keras.Variable(np.array(start, dtype="float64"), dtype="float64")
    path = [np.array(start, dtype="float64")]
    for _ in range(steps):
        x, y = point.numpy()
        optimizer.apply([np.array([x / 10, 2 * y])], [point])
        path.append(point.numpy().copy())
    return np.array(path)
