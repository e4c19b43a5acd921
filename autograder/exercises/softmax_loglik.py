"""softmax_loglik's custom comparison (public: student bundles judge checks 3.1 and 3.2 with it)."""
from __future__ import annotations

import numpy as np

from autograder.engine.compare import compare_values


def compare_ignoring_integer_dtype(expected, got, call) -> str | None:
    """one_hot's values, accepting an integer or boolean result (check 3.3 grades the dtype)."""
    if isinstance(got, np.ndarray) and got.dtype.kind in "biu":
        got = got.astype(np.float64)
    return compare_values(expected, got, exact=True)
