"""Course checks run *in the kernel*: nbgrader's test cells (``check("conv_padding", "3.1",
globals())``) and the released notebooks' check cells (``notebook_checks.py``).

Both run a check against the notebook's own namespace through the engine's stages: the same
cases, reference outputs (the solution's, or in a student bundle the public fixtures'),
comparison and feedback (``grading.evaluate``) as ``dlgrade check``. ``run_check`` calls the
cases as the sandboxed child does (``sandbox/calls.py``: tripwires armed, NumPy warnings
recorded, what the code printed captured, stopping at the first case that raises), so the
verdicts agree. ``check`` raises AssertionError with the feedback when the check fails
(nothing when it passes): nbgrader grades a notebook by which test cells raised.

There is no sandbox here: the student's code shares the kernel with the checks, by design (in
nbgrader's too), so a determined student can tamper with them. The tamper-proof paths are
``dlgrade check``/``dlgrade grade``, which run the submission in the sandbox; a submitted
notebook's check and test cells are not run there (``submission.is_grader_cell``).
"""
from __future__ import annotations

import contextlib
import copy
import io
import sys
import types

from autograder.engine import backends, course
from autograder import exercises as scenarios
from autograder.engine.grading import evaluate
from autograder.engine.i18n import _
from autograder.engine.result import Status
from autograder.engine.sandbox import calls, classify, replies, tripwire

_LOADED: dict[str, tuple] = {}  # assignment -> (rubric, reference), once per kernel
MAX_OUTPUT = 3500  # characters of printed output kept (the sandboxed child keeps as much)


def check(assignment: str, number: str, namespace: dict) -> None:
    """Grade check ``number`` of ``assignment`` on the functions defined in ``namespace``."""
    if "autograder.engine.sandbox.child" in sys.modules:
        return  # regraded in the sandbox: the trusted parent judges the returned values
    rubric, ref = load(assignment)
    matching = [c for c in rubric.checks if c.number == number]
    if not matching:
        raise course.source().unknown_check(assignment, number)
    the_check = matching[0]
    status, message = run_check(the_check, namespace, rubric, ref)
    if status is not Status.PASSED:
        raise AssertionError(f"{the_check.number} {the_check.name}\n{message}")
    print(f"{the_check.number} {the_check.name}: passed ({the_check.points:g} points)")


def load(assignment: str) -> tuple:
    """(rubric, reference) of ``assignment``, made once per kernel; the forbidden-API
    tripwires installed (armed only while a check runs)."""
    if assignment not in _LOADED:
        the_assignment = course.get(assignment)
        rubric = the_assignment.rubric()
        tripwire.install(backends.forbidden(rubric.forbidden))  # as the sandbox does
        _LOADED[assignment] = (rubric, the_assignment.reference())
    return _LOADED[assignment]


def run_check(the_check, namespace: dict, rubric, ref, figures=None) -> tuple[Status, str]:
    """(status, feedback) of one check on the functions in ``namespace``, as ``grading.evaluate``
    gives them (with ``figures``, a ``plots.FigureBudget``, a failed case may be drawn)."""
    cases, expected = ref.expected(the_check)
    submission = types.ModuleType("submission")
    submission.__dict__.update(namespace)
    results = []
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        for call, want in zip(cases, expected):
            result = _run_case(the_check, submission, call, scenarios.template_of(want))
            _bound(result, replies.case_limit(replies.value_bytes(want)))
            results.append(result)
            if not result["ok"]:
                break  # as the sandboxed child: the first failing case is what the feedback shows
    outcome = {"results": results, "output": _bounded(printed.getvalue())}
    return evaluate(the_check, cases, expected, outcome, ref, {}, rubric, figures)


def _bound(result: dict, limit: int) -> None:
    """A value far larger than the reference's is refused, as the sandboxed child refuses it."""
    if result["ok"] and (size := replies.value_bytes(result["value"])) > limit:
        result.update(ok=False, error=_describe_error(scenarios.ReturnValueError(replies.too_large(size))))
        del result["value"]


def _bounded(text: str) -> str:
    if len(text) <= MAX_OUTPUT:
        return text
    cut = _("[{count} characters of output cut]").format(count=len(text) - MAX_OUTPUT)
    return f"{text[:2500]}\n... {cut} ...\n{text[-1000:]}"


def _run_case(the_check, submission, call, template) -> dict:
    """One case, reported like the sandboxed child reports it (see sandbox/calls.py)."""
    # Copies, as the child gets them through the wire: code that changes its inputs in place
    # must not change the reference's cases (kept for the kernel's next checks).
    return calls.run_case(scenarios.get(the_check.scenario), submission, the_check.function,
                          copy.deepcopy(call.args), copy.deepcopy(call.kwargs), template, _describe_error)


def _describe_error(exc: BaseException) -> dict:
    if isinstance(exc, KeyboardInterrupt):
        raise exc  # the kernel was interrupted: stop, do not grade
    return classify.describe_error(exc, _student_traceback)


def _student_traceback(exc: BaseException) -> str:
    """The frames outside the grader's (and the libraries') files."""
    frames = calls.frames_of(exc, lambda filename: not filename.startswith(tripwire.STATE.trusted))
    return calls.format_frames(frames)
