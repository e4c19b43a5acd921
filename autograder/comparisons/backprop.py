"""backprop's custom comparisons (public: student bundles judge checks 6.x and 7.3 with them)."""
from __future__ import annotations

import math

import numpy as np

from ..rubric import Call

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
