"""backprop's custom comparisons (public: student bundles judge checks 6.x and 7.3 with them)."""
from __future__ import annotations

import math

import numpy as np

from autograder.engine.rubric import Call

CORRECT_LIMIT = 1e-7


def compare_gradient_error(expected, got, call: Call) -> str | None:
    """Correct gradients (reference ≤ 1e-7): the student's report must be ≤ 1e-7 too; the
    tiny value itself depends on rounding. Planted mistake: within 0.1 % of the reference's."""
    expected = float(np.asarray(expected))
    got = np.asarray(got)
    if got.shape != ():
        return f"expected one number (the max relative error), got an array of shape {got.shape}"
    value = float(got)
    if not math.isfinite(value):
        return f"returned {value} instead of a finite relative error"
    if value < 0:
        return f"returned {value:.6g}; a relative error is never negative"
    if expected <= CORRECT_LIMIT:
        if value <= CORRECT_LIMIT:
            return None
        return (f"returned {value:.3g} for correct gradients; expected at most {CORRECT_LIMIT:g} "
                f"(central differences give about {expected:.1g} here)")
    if abs(value - expected) <= 1e-3 * expected:
        return None
    return (f"returned {value:.6g} for gradients with a planted mistake; expected {expected:.6g}, "
            "the largest relative error |a - n| / max(|a| + |n|, 1e-12) over all entries")


def compare_training(expected, got, call: Call) -> str | None:
    """The loss must fall by half or more and follow the reference's curve within 1 %."""
    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"expected {expected.size} losses, got an array of shape {got.shape}"
    got = got.astype(np.float64)
    if not np.all(np.isfinite(got)):
        step = int(np.argmax(~np.isfinite(got)))
        return (f"the loss became {got[step]} at step {step} (it started at {got[0]:.4g}): "
                "the parameters diverged")
    if not got[-1] <= 0.5 * got[0]:
        return (f"the loss went from {got[0]:.4g} to {got[-1]:.4g} in {got.size - 1} steps; "
                f"expected it to fall from {expected[0]:.4g} to {expected[-1]:.4g}")
    bad = np.abs(got - expected) > 1e-3 + 1e-2 * np.abs(expected)
    if bad.any():
        step = int(np.argmax(bad))
        return (f"after {step} steps the loss is {got[step]:.6g}, expected {expected[step]:.6g} "
                f"(it went from {got[0]:.4g} to {got[-1]:.4g}, the reference from "
                f"{expected[0]:.4g} to {expected[-1]:.4g})")
    return None


def compare_finite_loss_and_grads(expected, got, call: Call) -> str | None:
    """Large weights: the loss must be the reference's and every gradient entry finite. The
    gradients' values are graded by the other mlp_loss_and_grads checks, not again here."""
    from autograder.engine.compare import compare_values

    loss_e, grads_e = expected
    if not isinstance(got, tuple) or len(got) != 2 or not isinstance(got[1], dict):
        return "expected (loss, grads)"
    message = compare_values(loss_e, got[0], where="the loss")
    if message:
        return message
    for key, value in grads_e.items():
        g = np.asarray(got[1].get(key))
        if g.shape != np.shape(value) or g.dtype.kind not in "fc":
            return f"grads[{key!r}]: expected floats of shape {np.shape(value)}"
        if not np.all(np.isfinite(g)):
            return (f"grads[{key!r}] holds {int(np.sum(~np.isfinite(g)))} non-finite values (nan or inf): "
                    "an overflow in exp or a division inf/inf")
    return None


def compare_dW_db_from_dz(expected, got, call: Call) -> str | None:
    """The student's (dW, db) with an activation must equal their own linear-layer (dW, db)
    for da = dz (see scenarios.backprop.dense_backward_dW_db_consistency)."""
    from autograder.engine.compare import compare_values

    if not isinstance(got, dict) or set(got) != {"activation", "linear_on_dz"}:
        return "expected the gradients of both runs"
    message = compare_values(got["linear_on_dz"], got["activation"], where="(dW, db)")
    if message:
        return (f"{message}, compared with your own (dW, db) of a linear layer given da = dz = "
                "activation_backward(da, z, activation): dW and db do not use dz = da * g'(z)")
    return None
