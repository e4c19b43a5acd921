"""The public side of each assignment: what a check does with a module, and how it judges.

Two trust zones: ``autograder/rubrics/`` is private (checks, hidden cases, mistake models;
never in a student bundle, unreadable in the sandbox), ``autograder/exercises/`` is public
(shipped in student bundles, imported in the sandboxed child). ``exercises/<assignment>.py``
holds the assignment's scenarios and its custom comparisons (``<assignment>_compare.py``
beside it where one module would pass ~500 lines); ``exercises/lecture.py`` the lecture's
data that rubrics, exercises and tests share. This module holds what all assignments share.

*Scenarios.* A scenario is ``scenario(module, name, args, kwargs) -> value``. The default,
``call``, calls ``module.<name>(*args, **kwargs)``. The same scenario runs on the student's
module in the child and on the reference module in the parent, and ``to_plain`` turns each
result into plain arrays shaped like the reference's result (its *template*), so the parent
compares like with like. Later assignments (Keras classes) add scenarios that build a model,
fit it, and return the numbers to compare; a check names one as ``"<assignment>:<function>"``.

*Custom comparisons.* Most checks compare the returned arrays with the reference's using the
default tolerances (``compare.compare_values``). A check that needs its own judgement (a
statistical test, a loss curve that must fall, "at most 1e-7") names a
``compare(expected, got, call)`` function. The student bundle (``dlgrade bundle --student``)
grades the visible checks without the rubric modules, so such a function must live here, in
``autograder/exercises/``, and the rubric imports it. A parametrised comparison is a
``functools.partial`` of a function here with plain (JSON) arguments. ``dlgrade bundle``
refuses, naming the check, a visible check whose comparison lives anywhere else (see
``autograder/channels/fixtures.py``).
"""
from __future__ import annotations

import importlib
from collections.abc import Mapping

import numpy as np

from autograder.engine.i18n import _

MAX_RESULT_BYTES = 64 * 1024 * 1024


class MissingName(Exception):
    """The submission does not define a graded function or class."""


class ReturnValueError(TypeError):
    """The graded function returned something that cannot be compared."""


def call(module, name: str, args: tuple, kwargs: dict):
    function = getattr(module, name, None)
    if function is None:
        raise MissingName(_("{name} is not defined in your file").format(name=name))
    if not callable(function):
        raise MissingName(_("{name} is defined but is not a function").format(name=name))
    return function(*args, **kwargs)


def graded_class(module, name: str) -> type:
    """The submission's class ``name`` (a graded Keras class: layer, optimizer, callback ...)."""
    cls = getattr(module, name, None)
    if cls is None:
        raise MissingName(_("{name} is not defined in your file").format(name=name))
    if not isinstance(cls, type):
        raise MissingName(_("{name} is defined but is not a class").format(name=name))
    return cls


def call_then_args(module, name: str, args: tuple, kwargs: dict):
    """Call, then return ``(result, *array_args)``: shows whether the call modified its inputs."""
    originals = tuple(a for a in args if isinstance(a, np.ndarray))
    result = call(module, name, args, kwargs)
    return (result,) + originals


_BUILTIN = {"call": call, "call_then_args": call_then_args}


def get(name: str):
    """The scenario called ``name``: a built-in one, or ``"<assignment>:<function>"``."""
    if name in _BUILTIN:
        return _BUILTIN[name]
    module_name, _, function = name.partition(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, function)


# --- results -> plain arrays ----------------------------------------------------------

def template_of(value):
    """The structure of a (reference) result: "array", "none", or nested seq/map."""
    if value is None:
        return "none"
    if isinstance(value, (tuple, list)):
        return {"seq": [template_of(v) for v in value]}
    if isinstance(value, Mapping):
        return {"map": {str(k): template_of(v) for k, v in value.items()}}
    return "array"


def to_plain(value, template=None):
    """Convert a result to plain NumPy arrays following ``template`` (inferred if None)."""
    if template is None:
        template = template_of(value)
    if template == "none":
        return None
    if template == "array":
        return to_array(value)
    if "seq" in template:
        expected = template["seq"]
        if not isinstance(value, (tuple, list)):
            raise ReturnValueError(_("expected a tuple of {count} values, got {kind}").format(
                count=len(expected), kind=_kind(value)))
        if len(value) != len(expected):
            raise ReturnValueError(_("expected a tuple of {count} values, got {got} values").format(
                count=len(expected), got=len(value)))
        return tuple(to_plain(v, t) for v, t in zip(value, expected))
    expected = template["map"]
    if not isinstance(value, Mapping):
        raise ReturnValueError(_("expected a dict with keys {keys}, got {kind}").format(
            keys=sorted(expected), kind=_kind(value)))
    missing = [k for k in expected if k not in value]
    if missing:
        raise ReturnValueError(_("the returned dict lacks the keys {keys}").format(keys=missing))
    return {k: to_plain(value[k], t) for k, t in expected.items()}


def to_array(value) -> np.ndarray:
    """Anything array-like (NumPy, list, Keras/TF tensor) -> a plain numeric ndarray."""
    if value is None:
        raise ReturnValueError(_("returned None: did you forget a `return` statement?"))
    if isinstance(value, (str, bytes)):
        raise ReturnValueError(_("returned {kind}, expected numbers").format(kind=_kind(value)))
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists, hostile __array__
        raise ReturnValueError(_("returned {kind}, which is not array-like ({error})").format(
            kind=_kind(value), error=exc)) from None
    if array.dtype.kind == "V":  # e.g. bfloat16 from a tensor
        array = array.astype(np.float32)
    if array.dtype.kind not in "biufc":
        raise ReturnValueError(_("returned {kind} holding {dtype}, expected numbers").format(
            kind=_kind(value), dtype=array.dtype))
    if array.nbytes > MAX_RESULT_BYTES:
        raise ReturnValueError(_("returned an array of {size} bytes, far larger than expected").format(
            size=array.nbytes))
    return np.array(array, copy=True, subok=False)


def _kind(value) -> str:
    if isinstance(value, (tuple, list)):
        return _("a {type} of {length}").format(type=type(value).__name__, length=len(value))
    return _("a {type}").format(type=type(value).__name__)
