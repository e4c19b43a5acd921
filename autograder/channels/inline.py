"""In-notebook checks for nbgrader's test cells: ``check("conv_padding", "3.1", globals())``.

nbgrader grades a notebook by running it in one Jupyter kernel and looking at which test
cells raised. So this runs one course check *in the kernel*, against the notebook's own
namespace: the same cases, reference outputs (the solution's, or in a student bundle the
public fixtures'), comparison and feedback as ``dlgrade check``, and raises AssertionError
with the feedback when the check fails (nothing when it passes).

There is no sandbox here: in nbgrader the student's code shares the kernel with the tests,
by nbgrader's own design, so a determined student can tamper with them. The tamper-proof
path is ``dlgrade grade --nbgrader``, which regrades the submitted notebooks in the sandbox.
Inside that sandbox these test cells do nothing (the verdict is the parent's).
"""
from __future__ import annotations

import sys
import types

from autograder.engine import backends, course
from autograder import exercises as scenarios
from autograder.engine.grading import evaluate
from autograder.engine.result import Status
from autograder.engine.sandbox import calls, classify, tripwire

_LOADED: dict[str, tuple] = {}  # assignment -> (rubric, reference), once per kernel


def check(assignment: str, number: str, namespace: dict) -> None:
    """Grade check ``number`` of ``assignment`` on the functions defined in ``namespace``."""
    if "autograder.engine.sandbox.child" in sys.modules:
        return  # regraded in the sandbox: the trusted parent judges the returned values
    rubric, ref = _load(assignment)
    matching = [c for c in rubric.checks if c.number == number]
    if not matching:
        raise course.source().unknown_check(assignment, number)
    the_check = matching[0]
    cases, expected = ref.expected(the_check)
    submission = types.ModuleType("submission")
    submission.__dict__.update(namespace)
    templates = [scenarios.template_of(value) for value in expected]
    results = [_run_case(the_check, submission, call, template) for call, template in zip(cases, templates)]
    outcome = {"results": results, "output": ""}
    status, message = evaluate(the_check, cases, expected, outcome, ref, {}, rubric)
    if status is not Status.PASSED:
        raise AssertionError(f"{the_check.number} {the_check.name}\n{message}")
    print(f"{the_check.number} {the_check.name}: passed ({the_check.points:g} points)")


def _load(assignment: str) -> tuple:
    if assignment not in _LOADED:
        the_assignment = course.get(assignment)
        rubric = the_assignment.rubric()
        tripwire.install(backends.forbidden(rubric.forbidden))  # as the sandbox does
        _LOADED[assignment] = (rubric, the_assignment.reference())
    return _LOADED[assignment]


def _run_case(the_check, submission, call, template) -> dict:
    """One case, reported like the sandboxed child reports it (see sandbox/calls.py)."""
    return calls.run_case(scenarios.get(the_check.scenario), submission, the_check.function,
                          call.args, call.kwargs, template, _describe_error)


def _describe_error(exc: BaseException) -> dict:
    if isinstance(exc, KeyboardInterrupt):
        raise exc  # the kernel was interrupted: stop, do not grade
    return classify.describe_error(exc, _student_traceback)


def _student_traceback(exc: BaseException) -> str:
    """The frames outside the grader's (and the libraries') files."""
    frames = calls.frames_of(exc, lambda filename: not filename.startswith(tripwire.STATE.trusted))
    return calls.format_frames(frames)
