"""cross_entropy's custom comparison (public: student bundles judge check 9.3 with it)."""
from __future__ import annotations

from autograder.engine.compare import compare_values
from autograder.engine.rubric import Call


def compare_gradient_and_w(expected, got, call: Call) -> str | None:
    """9.3: w must be unchanged (to 1e-12) and the gradient roughly right (to 1e-2)."""
    (_, w_before), (gradient, w_after) = expected, got
    message = compare_values(w_before, w_after, rtol=1e-12, atol=1e-12)
    if message:
        return (f"w was modified by your function: after the call, {message} "
                "(expected: w's values before the call).")
    message = compare_values(expected[0], gradient, rtol=1e-2, atol=1e-2)
    if message:
        return f"the gradient is wrong, even allowing an error of 1%: {message}"
    return None
