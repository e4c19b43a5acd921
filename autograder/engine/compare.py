"""Reference vs returned values -> verdict and message (the trusted side).

The values compared here came over the wire as plain arrays and are treated as untrusted
data: anything unexpected (wrong structure, wrong type, NaN) is a mismatch with a message,
never an exception.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .i18n import _
from .rubric import Call, Check
from autograder.exercises import to_plain


def _fmt(x) -> str:
    if isinstance(x, (complex, np.complexfloating)):
        return f"{x:.6g}"
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _index(idx: tuple) -> str:
    return "(" + ", ".join(str(int(i)) for i in idx) + ("," if len(idx) == 1 else "") + ")"


def compare_arrays(expected: np.ndarray, got, *, rtol: float, atol: float, exact: bool) -> str | None:
    """None if ``got`` matches ``expected`` within tolerance, else a message saying where not."""
    expected = np.asarray(expected)
    if isinstance(got, (bool, int, float)):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        return _("expected an array, got {type}").format(type=type(got).__name__)
    if got.shape != expected.shape:
        if got.size == expected.size and got.size > 1:
            return _("shape mismatch: expected {expected}, got {got} (same number of values: a "
                     "transpose or a reshape?)").format(expected=expected.shape, got=got.shape)
        return _("shape mismatch: expected shape {expected}, got {got}").format(expected=expected.shape,
                                                                                got=got.shape)
    if got.dtype.kind not in "biufc":
        return _("expected numbers, got values of dtype {dtype}").format(dtype=got.dtype)
    if expected.dtype.kind in "fc" and got.dtype.kind in "biu":
        return _("expected floating-point values, got dtype {dtype}: return floats (e.g. build the "
                 "output with dtype=float, or convert it with .astype(float))").format(dtype=got.dtype)
    if got.size == 0:
        return None
    if exact:
        return _compare_exact(expected, got)
    return _compare_close(expected, got, rtol, atol)


def _compare_exact(expected: np.ndarray, got: np.ndarray) -> str | None:
    if got.dtype.kind in "fc":
        if not np.all(np.isfinite(got)):
            return _("expected whole numbers, got nan or inf")
        if np.any(got != np.round(got)):
            where = tuple(np.argwhere(got != np.round(got))[0])
            return _("expected whole numbers, got {got} at index {index}").format(
                got=_fmt(got[where]), index=_index(where))
    wrong = np.argwhere(got != expected)
    if len(wrong) == 0:
        return None
    where = tuple(wrong[0])
    if expected.ndim == 0:
        return _("expected {expected}, got {got}").format(expected=_fmt(expected), got=_fmt(got))
    return _("{count} of {size} values differ; first at index {index}: expected {expected}, got "
             "{got}").format(count=len(wrong), size=expected.size, index=_index(where),
                             expected=_fmt(expected[where]), got=_fmt(got[where]))


def _compare_close(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> str | None:
    expected = expected.astype(np.complex128 if expected.dtype.kind == "c" else np.float64)
    got = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
    finite = np.isfinite(expected)
    scale = max(1.0, float(np.max(np.abs(expected[finite])))) if finite.any() else 1.0
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(got - expected)
        allowed = atol * scale + rtol * np.abs(expected)
        # Non-finite reference values (rare) must be reproduced exactly.
        bad = np.where(finite, ~(error <= allowed), ~((got == expected) | (np.isnan(got) & np.isnan(expected))))
    if not bad.any():
        return None
    count = int(bad.sum())
    nonfinite = bad & ~np.isfinite(got)
    if nonfinite.any():
        where = tuple(np.argwhere(nonfinite)[0])
        return _("got {got} at index {index} where {expected} was expected ({count} non-finite "
                 "values): an overflow, a division by zero or log(0)?").format(
            got=_fmt(got[where]), index=_index(where), expected=_fmt(expected[where]),
            count=int(nonfinite.sum()))
    with np.errstate(invalid="ignore"):
        excess = np.where(bad, error - allowed, -np.inf)
    where = np.unravel_index(int(np.argmax(excess)), expected.shape)
    abs_error = float(error[where])
    rel_error = abs_error / max(abs(complex(expected[where])), 1e-12)
    location = _(" at index {index}").format(index=_index(where)) if expected.ndim else ""
    return _("max abs error {error}{location}: expected {expected}, got {got} (relative error "
             "{relative}); {count} of {size} values differ").format(
        error=_fmt(abs_error), location=location, expected=_fmt(expected[where]), got=_fmt(got[where]),
        relative=f"{rel_error:.3g}", count=count, size=expected.size)


def compare_values(expected, got, *, rtol: float = 1e-4, atol: float = 1e-4,
                   exact: bool = False, where: str = "") -> str | None:
    """Compare nested results (arrays, tuples, dicts, None) with ``expected``'s structure."""
    prefix = f"{where}: " if where else ""
    if expected is None:
        return None
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return prefix + _("expected a tuple of {count} values").format(count=len(expected))
        for i, (e, g) in enumerate(zip(expected, got)):
            message = compare_values(e, g, rtol=rtol, atol=atol, exact=exact,
                                     where=f"{where}[{i}]" if where else _("returned value [{i}]").format(i=i))
            if message:
                return message
        return None
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return prefix + _("expected a dict with keys {keys}").format(keys=sorted(expected))
        for key, e in expected.items():
            if key not in got:
                return prefix + _("the returned dict lacks the key {key}").format(key=repr(key))
            message = compare_values(e, got[key], rtol=rtol, atol=atol, exact=exact,
                                     where=f"{where}[{key!r}]" if where else _("returned [{key}]").format(key=repr(key)))
            if message:
                return message
        return None
    message = compare_arrays(expected, got, rtol=rtol, atol=atol, exact=exact)
    return f"{prefix}{message}" if message else None


def judge_case(check: Check, call: Call, expected, got) -> str | None:
    """Apply the check's own comparison, or the default one."""
    if check.compare is not None:
        try:
            return check.compare(expected, got, call)
        except Exception as exc:  # the returned data broke an assumption of the comparison
            return _("the returned values could not be checked ({error})").format(
                error=f"{type(exc).__name__}: {exc}")
    return compare_values(expected, got, rtol=check.rtol, atol=check.atol, exact=check.exact)


def diagnose(check: Check, call: Call, got, reference_module) -> str | None:
    """The hint of the first known mistake whose output matches ``got`` on this one case."""
    return diagnose_all(check, [(call, got)], reference_module)


def reproduces(diagnosis, check: Check, call: Call, got, reference_module) -> bool:
    """Whether ``diagnosis``'s mistaken output for ``call`` matches ``got`` (the check's
    tolerances); False where the mistake model does not apply to these inputs."""
    try:
        mistaken = to_plain(diagnosis.mistaken(reference_module, call))
    except Exception:  # a mistake model that does not apply to these inputs
        return False
    return compare_values(mistaken, got, rtol=check.rtol, atol=check.atol, exact=check.exact) is None


def diagnose_all(check: Check, failing: list, reference_module) -> str | None:
    """The hint of the first known mistake that reproduces the student's output on EVERY
    failing case ``(call, got)`` of the check, else None (the generic hint is shown). A
    mistake that explains one case but not another is not the student's mistake."""
    if not failing:
        return None
    for diagnosis in check.diagnoses:
        if all(reproduces(diagnosis, check, call, got, reference_module) for call, got in failing):
            return diagnosis.hint
    return None
