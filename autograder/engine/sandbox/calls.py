"""One graded call, reported as plain data: what the sandboxed child does per case, and
what nbgrader's in-kernel test cells (``autograder/channels/inline.py``) do without a sandbox.

``run_case`` calls a scenario with the forbidden-API tripwires armed, NumPy's floating-point
warnings turned into warnings and recorded, and returns ``{"ok", "value" | "error",
"warnings", "forbidden"}``; the caller says how an exception is described.
"""
from __future__ import annotations

import traceback
import warnings
from typing import Callable

import numpy as np

from . import tripwire
from autograder import exercises as scenarios

MAX_MESSAGE = 1500  # characters of an exception message


def run_case(scenario, module, function: str, args, kwargs, template,
             describe_error: Callable[[BaseException], dict]) -> dict:
    """``scenario(module, function, args, kwargs)`` as a plain result dict (value not encoded)."""
    tripwire.STATE.used.clear()
    texts: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tripwire.STATE.active = True
            try:
                with np.errstate(over="warn", divide="warn", invalid="warn"):
                    value = scenario(module, function, args, dict(kwargs))
            finally:
                tripwire.STATE.active = False
                texts = warning_texts(caught)
        result = {"ok": True, "value": scenarios.to_plain(value, template)}
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything
        result = {"ok": False, "error": describe_error(exc)}
    result["warnings"] = texts
    result["forbidden"] = sorted(set(tripwire.STATE.used))
    return result


def warning_texts(caught: list) -> list[str]:
    """RuntimeWarnings (NumPy's overflow, divide by zero, invalid value) raised by a call."""
    texts = []
    for record in caught[:20]:
        if issubclass(record.category, RuntimeWarning):
            texts.append(f"{record.category.__name__}: {safe_str(record.message)}"[:300])
    return texts[:5]


def safe_str(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        text = "<unprintable exception>"
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " ..."


def format_frames(frames: list) -> str:
    """The last 8 of ``frames`` (``traceback.FrameSummary``) as traceback lines."""
    lines = []
    for frame in frames[-8:]:
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    return "\n".join(lines)


def frames_of(exc: BaseException, keep: Callable[[str], bool]) -> list:
    """The traceback frames of ``exc`` whose file ``keep`` accepts."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:
        return []
    return [f for f in frames if keep(f.filename)]
