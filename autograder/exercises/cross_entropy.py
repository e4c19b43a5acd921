"""Scenarios of the cross_entropy assignment: what the checks do with a module.

``numerical_gradient(f, w, h)`` takes a function, which cannot travel over the wire. A case
therefore carries a description of ``f`` (a string, shown in the feedback), the point ``w``
and the coefficients of ``f`` as ``(name, array)`` pairs; the scenario builds ``f`` here, in
the process that runs the submission, with plain NumPy:

    f(w) = sum(a * w**3) + sum(b * exp(c * w))                      (separable)
           [+ 1/2 x^T A x + d * (u . x)**3  with x = w.ravel()]     (cross terms, if given)

Both parts have curvature (non-zero second and third derivatives), so a forward difference,
whose error is about h/2 * f'', is told apart from a central difference, whose error is about
h^2/6 * f'''.

- ``numerical_gradient_of``: the gradient the submission returns.
- ``numerical_gradient_and_w``: ``(gradient, w)``, ``w`` being the array the submission was
  given, looked at after the call: it must still hold its original values.
"""
from __future__ import annotations

import numpy as np

from autograder.engine.compare import compare_values
from autograder.engine.rubric import Call

from autograder.engine.i18n import _
from . import call


def curved_function(params):
    """The scalar function ``f`` described by ``params`` (pairs of name and array)."""
    p = {str(key): np.asarray(value, dtype=np.float64) for key, value in params}
    shape = p["a"].shape

    def f(w):
        x = np.asarray(w, dtype=np.float64)
        if x.shape != shape:
            raise ValueError(_("f expects an array of shape {shape} (the shape of w), "
                               "got one of shape {got}").format(shape=shape, got=x.shape))
        value = np.sum(p["a"] * x ** 3) + np.sum(p["b"] * np.exp(p["c"] * x))
        if "A" in p:
            flat = x.reshape(-1)
            value = value + 0.5 * flat @ p["A"] @ flat + float(p["d"]) * float(p["u"] @ flat) ** 3
        return float(value)

    return f


def numerical_gradient_of(module, name, args, kwargs):
    """``args = (description, w, params)``: the submission's gradient of ``f`` at ``w``."""
    _description, w, params = args
    return call(module, name, (curved_function(params), w), kwargs)


def numerical_gradient_and_w(module, name, args, kwargs):
    """``(gradient, w after the call)``: shows whether the submission modified ``w``."""
    _description, w, params = args
    gradient = call(module, name, (curved_function(params), w), kwargs)
    return gradient, w


# --- custom comparisons (the parent's judgement; student bundles judge the visible checks with them)

def compare_gradient_and_w(expected, got, call: Call) -> str | None:
    """9.3: w must be unchanged (to 1e-12) and the gradient roughly right (to 1e-2)."""
    (_gradient, w_before), (gradient, w_after) = expected, got
    message = compare_values(w_before, w_after, rtol=1e-12, atol=1e-12)
    if message:
        return _("w was modified by your function: after the call, {message} "
                 "(expected: w's values before the call).").format(message=message)
    message = compare_values(expected[0], gradient, rtol=1e-2, atol=1e-2)
    if message:
        return _("the gradient is wrong, even allowing an error of 1%: {message}").format(message=message)
    return None
