"""What went wrong in a graded call, as plain data: the one error classifier.

Both places that run student code per case describe an exception with ``describe_error``:
the sandboxed child (``child.py``, whose reply the parent still checks and bounds in
``replies.py``: the child is hostile) and nbgrader's in-kernel test cells
(``autograder/channels/inline.py``). It is a pure function of the exception; the caller
says how the student's traceback is read (and, for a NotImplementedError, which student
function raised it), since only the caller knows which files are the student's.

Kinds: ``forbidden`` (a forbidden API), ``not_implemented``, ``missing`` (a graded name
is not defined), ``bad_return`` (a return value of the wrong shape of data), ``exception``.
"""
from __future__ import annotations

from typing import Callable

from autograder import exercises as scenarios
from autograder.engine.i18n import _
from . import tripwire
from .calls import safe_str


def describe_error(exc: BaseException, traceback: Callable[[BaseException], str],
                   raiser: Callable[[BaseException], str | None] = lambda exc: None) -> dict:
    """``{"kind", "message", ...}`` for ``exc``: ``where`` (``raiser``'s answer) for a
    NotImplementedError, ``traceback`` (``traceback``'s answer) for a raised exception."""
    if isinstance(exc, tripwire.ForbiddenAPIError):
        return {"kind": "forbidden", "message": safe_str(exc)}
    if isinstance(exc, NotImplementedError):
        return {"kind": "not_implemented", "message": safe_str(exc), "where": raiser(exc)}
    if isinstance(exc, scenarios.MissingName):
        return {"kind": "missing", "message": safe_str(exc)}
    kind = "bad_return" if isinstance(exc, scenarios.ReturnValueError) else "exception"
    if isinstance(exc, SystemExit):
        message = "SystemExit: " + _("your code called sys.exit({code})").format(code=safe_str(exc))
    else:
        message = f"{type(exc).__name__}: {safe_str(exc)}"
    return {"kind": kind, "message": message, "traceback": traceback(exc)}
