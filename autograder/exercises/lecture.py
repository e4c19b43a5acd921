"""The lecture's worked examples, in one place: rubrics, exercises and tests import them.

Public data (the lecture shows all of it), so it lives on the public side. The student-facing
``solutions/`` stay self-contained and keep their own copies; the reference tests check that
those copies agree with this module.
"""
from __future__ import annotations

import numpy as np

# --- conv_padding: the worked example of HW #7 (figure 4-14) ---------------------------------

CONV_R = ((1, 1, 1), (2, 1, 3), (0, 1, 0))
CONV_G = ((2, 2, 2), (1, 0, 1), (0, 0, 1))
CONV_B = ((0, 3, 0), (1, 0, 1), (1, 0, 0))
CONV_K_R = ((0, 0, 0), (0, 0, 1), (0, 1, 0))
CONV_K_G = ((0, 2, 0), (0, 2, 0), (0, 2, 0))
CONV_K_B = ((1, 0, 0), (0, 2, 0), (0, 0, 1))
CONV_PADDED_OUTPUT = ((9, 13, 9), (9, 8, 13), (5, 1, 4))  # conv2d(x, kernel, padding=1)[0, :, :, 0]
CONV_VALID_OUTPUT = 8  # conv2d(x, kernel) is [[[[8]]]]


def conv_example() -> tuple[np.ndarray, np.ndarray]:
    """x (1, 3, 3, 3) with x[0, :, :, 0] = R etc., kernel (3, 3, 3, 1) with kernel[:, :, 0, 0] = K_R etc."""
    x = np.stack([np.array(c, dtype=np.float64) for c in (CONV_R, CONV_G, CONV_B)], axis=-1)[np.newaxis]
    kernel = np.stack([np.array(k, dtype=np.float64) for k in (CONV_K_R, CONV_K_G, CONV_K_B)], axis=-1)
    return x, kernel[..., np.newaxis]


# --- softmax_loglik: §5.1.3, the same softmax output with two different correct classes -----

LOGLIK_O = ((0.0508, 0.8360, 0.1132), (0.0508, 0.8360, 0.1132))
LOGLIK_Y = (0, 1)
LOGLIK_E = (4.2990, 0.2584)  # bits: the correct class got 0.0508, then 0.8360

# --- optimizers: the figure's paths on f(x, y) = x²/20 + y² -----------------------------------

PATH_START = (-7.0, 2.0)
PATH_STEPS = 30
PATH_RATES = {"SGD": 0.95, "Momentum": 0.1, "AdaGrad": 1.5, "Adam": 0.3}  # RMSProp is not in the figure
PATH_END_POINTS = {"SGD": (-0.350393, 0.084782), "Momentum": (0.896414, 0.088086),
                   "AdaGrad": (-0.120162, 0.0), "Adam": (0.136007, 0.318245)}


def end_point_text(kind: str) -> str:
    """The end point as the checks' names show it, e.g. ``(-0.120162, 0)``."""
    x, y = PATH_END_POINTS[kind]
    return f"({x:g}, {y:g})"
