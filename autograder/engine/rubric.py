"""Check and Rubric: what one assignment grades, as data plus small seeded input generators.

A *check* grades one behaviour of one graded function or class. It owns:

- a seeded generator ``cases(rng) -> list[Call]`` that builds the inputs,
- the points it is worth, and whether it is visible or hidden,
- how the returned values are compared with the reference's (tolerances, or a custom
  ``compare`` function),
- the feedback: a generic ``hint`` and ``diagnoses``, i.e. known mistakes whose output can be
  reproduced from the reference solution. When the student's output matches a diagnosis, its
  hint is shown instead of the generic one ("your output equals the flipped-kernel
  convolution...").

A check passes when every one of its cases passes; points are all-or-nothing per check so a
typical mistake loses exactly the points of the check that names it.

Rubric files (``autograder/rubrics/<assignment>.py``) build a :class:`Rubric` and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Sequence

import numpy as np

from . import i18n


@dataclass(frozen=True)
class Call:
    """One invocation of the graded function: positional and keyword arguments.

    Values may be NumPy arrays, Python scalars, strings, ``None`` and (nested) tuples of those:
    exactly what the wire protocol carries to the sandboxed child.
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def describe(self) -> str:
        """A short, human-readable description of the inputs (shapes, not values)."""
        parts = [_describe_value(a) for a in self.args]
        parts += [f"{k}={_describe_value(v)}" for k, v in self.kwargs.items()]
        return ", ".join(parts)


def _describe_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 4:
            return np.array2string(value, separator=", ")
        return f"array(shape={tuple(value.shape)})"
    if isinstance(value, tuple):
        return "(" + ", ".join(_describe_value(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_describe_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


@dataclass(frozen=True)
class Description:
    """How feedback shows a case in words (a ``describe`` of :class:`Check`), translatable.

    ``fields(call)`` returns ``(template, values)``: one of ``templates`` (English, with named
    placeholders) and the values for them, code only (numbers, shapes, ``Dropout(0.5)``), never
    words. The template is translated first (the ``rubrics`` domain) and formatted after, so each
    template is a msgid of the rubric catalog (``rubrics/messages.py`` reads ``templates``).
    A description whose wording depends on the case (an optional part) has one whole
    template per wording, never sentences glued from pieces.
    """

    templates: tuple[str, ...]
    fields: Callable[[Call], tuple[str, dict]]

    def __call__(self, call: Call, lang: str | None = None) -> str:
        """The case in ``lang`` (default: the language in use)."""
        template, values = self.fields(call)
        if template not in self.templates:
            raise ValueError(f"description template not declared in templates: {template!r}")
        translated = i18n.translations(i18n.RUBRICS_DOMAIN, lang or i18n.current()).gettext(template)
        return translated.format(**values)


@dataclass(frozen=True)
class Diagnosis:
    """A typical mistake, recognised by reproducing its output from the reference module.

    ``mistaken(reference_module, call)`` returns what a submission with this mistake would
    return for ``call``; if the student's output matches it, ``hint`` is shown.
    """

    hint: str
    mistaken: Callable[[ModuleType, Call], Any]


@dataclass(frozen=True)
class Check:
    number: str
    name: str
    function: str
    points: float
    cases: Callable[[np.random.Generator], Sequence[Call]]
    seed: int
    hidden: bool = False
    hint: str = ""
    diagnoses: tuple[Diagnosis, ...] = ()
    # Default comparison: |got - expected| <= atol * max(1, max|expected|) + rtol * |expected|.
    # The absolute part scales with the array's magnitude so that the relative error of a
    # float32 implementation near zero does not fail; integers (``exact``) must match exactly.
    rtol: float = 1e-4
    atol: float = 1e-4
    exact: bool = False
    # Escape hatch for statistical checks: compare(expected, got, call) -> None if it passes,
    # else a message saying what is wrong.
    compare: Callable[[Any, Any, Call], str | None] | None = None
    # How the child exercises the submission: "call" calls ``function`` with the case's
    # arguments, "call_then_args" also returns the array arguments after the call (to check
    # that they were not modified); "<assignment>:<name>" is a function in
    # ``autograder/exercises/<assignment>.py``.
    scenario: str = "call"
    # How feedback shows a case's inputs (default: ``Call.describe``), for scenarios whose
    # arguments are not literally the graded function's: code, or a Description when it has words.
    describe: Description | Callable[[Call], str] | None = None
    # Fail the check when the call raises a RuntimeWarning (NumPy overflow, divide by zero,
    # invalid value), for checks of numerical stability.
    fail_on_warning: bool = False
    # Draws a failed case for the student (``dlgrade check --plots DIR``, and in batch grading
    # next to the feedback): figure(expected, got, call, path) saves a PNG at ``path``.
    figure: Callable[[Any, Any, Call, Path], None] | None = None

    def describe_case(self, call: Call, lang: str | None = None) -> str:
        """How feedback shows ``call``, in ``lang`` (default: the language in use; only a
        :class:`Description` has words to translate)."""
        if isinstance(self.describe, Description):
            return self.describe(call, lang)
        if self.describe is not None:
            return self.describe(call)
        return f"{self.function}({call.describe()})"

    def make_cases(self) -> list[Call]:
        """The check's inputs, reproducible from its seed."""
        return list(self.cases(np.random.default_rng(self.seed)))

    @property
    def visibility(self) -> str:
        return "after_published" if self.hidden else "visible"


@dataclass(frozen=True)
class Rubric:
    """The checks of one assignment and what the sandbox must enforce while they run."""

    assignment: str
    checks: tuple[Check, ...]
    # Dotted names that graded code must not call (``numpy.convolve``, ``scipy.signal.*``,
    # ``tensorflow.nn.conv*``); a check whose call reaches one fails with a message saying so.
    forbidden: tuple[str, ...] = ()
    # What to do instead, shown when a check fails for using a forbidden name.
    forbidden_hint: str = "write it yourself with NumPy indexing and arithmetic"
    # Whether the sandbox should pre-import TensorFlow/Keras in the zygote.
    needs_tensorflow: bool = False
    # Wall-clock seconds one check may take in the sandbox.
    timeout: float = 10.0

    def __post_init__(self) -> None:
        numbers = [c.number for c in self.checks]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"{self.assignment}: duplicate check numbers")
        for check in self.checks:
            if not check.name.startswith(check.function + ":"):
                raise ValueError(f"check {check.number} name must start with '{check.function}:'")

    @property
    def max_score(self) -> float:
        return float(sum(c.points for c in self.checks))

    def select(self, hidden: bool) -> list[Check]:
        """The checks to run: visible ones, plus hidden ones when ``hidden`` is true."""
        return [c for c in self.checks if hidden or not c.hidden]

    @property
    def functions(self) -> list[str]:
        """Graded functions in first-appearance order."""
        return list(dict.fromkeys(c.function for c in self.checks))


# --- seeded input helpers shared by rubric files ---------------------------------------

def randn(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    """Standard-normal float64 array of ``shape`` (times ``scale``)."""
    return rng.standard_normal(shape) * scale


def uniform(rng: np.random.Generator, low: float, high: float, *shape: int) -> np.ndarray:
    return rng.uniform(low, high, size=shape)


def integers(rng: np.random.Generator, low: int, high: int) -> int:
    """A Python int in ``[low, high]`` (inclusive)."""
    return int(rng.integers(low, high + 1))
