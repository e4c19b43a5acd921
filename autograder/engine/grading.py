"""The grading pipeline for one submission: load -> run in sandbox -> compare -> result.

``grade_file`` is what ``dlgrade check`` runs: with the user's warm zygote (kept between
checks, ``sandbox/warm.py``) and the submission's groups of checks spread over the cores.
Batch grading calls ``grade_submission`` with a shared ``Sandbox`` and ``Reference`` so the
zygote and the reference outputs are made once per run (its jobs already use the cores).
The result is a ``result.Result`` (the contract's result object, ``Result.to_json``).
"""
from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import cache, course, submission as submission_mod
from .compare import diagnose_all, judge_case
from .plots import budget_for, draw_figure  # noqa: F401 (draw_figure: its home was here)
from .i18n import _, rubric_text
from .reference import Reference
from .result import CheckResult, Result, Status
from .rubric import Check, Rubric
from .sandbox.client import Sandbox
from .sandbox.replies import value_bytes
from .sandbox.runner import Budget, SubmissionRun
from autograder.exercises import template_of

MAX_FEEDBACK = 6000
MAX_PARALLEL = 4  # children of one `dlgrade check` at once, at most (each up to RLIMIT_AS)


def private_paths(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What student code may never read: the folders of the private score files (solutions,
    rubrics: ``course.private_roots``), the reference cache (``cache.folder``), plus ``extra`` (batch dirs)."""
    cached = tuple(str(p) for p in (cache.folder(),) if p is not None)
    return tuple(str(p) for p in course.private_roots()) + cached + tuple(str(p) for p in extra)


def make_sandbox(rubric: Rubric, extra_private: tuple[str, ...] = (), tensorflow: bool = False,
                 keep: bool = False) -> Sandbox:
    """A zygote for ``rubric``; with TensorFlow preloaded if the rubric or ``tensorflow`` asks;
    with ``keep``, the user's warm zygote of that kind (``sandbox/warm.py``)."""
    return Sandbox(tensorflow=rubric.needs_tensorflow or tensorflow, forbidden=rubric.forbidden,
                   private=private_paths(extra_private), keep=keep)


def grade_file(assignment_name: str, path: str | Path, *, hidden: bool = False,
               figures: Path | None = None, keep_zygote: bool = True) -> Result:
    """Grade one file; raises BadInput for a file we cannot grade, GraderFault for our bugs.
    With ``figures``, checks that can draw a failed case save a PNG there. The zygote is the
    user's warm one (``keep_zygote``, unless ``DLGRADE_KEEP_ZYGOTE=0``)."""
    assignment = course.get(assignment_name)
    if hidden:
        course.source().require_hidden()
    rubric = assignment.rubric()
    loaded = submission_mod.load(path)
    # The zygote starts (importing TensorFlow if needed) while the reference is computed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        starting = pool.submit(make_sandbox, rubric, (), loaded.uses_tensorflow, keep_zygote)
        try:
            reference = assignment.reference()
            for check in rubric.select(hidden):
                reference.expected(check)
        except BaseException:
            starting.result().close()
            raise
        sandbox = starting.result()
    with sandbox:
        return grade_submission(loaded, rubric, reference, sandbox, hidden=hidden, figures=figures,
                                parallel=min(os.cpu_count() or 1, MAX_PARALLEL))


def grade_submission(loaded: submission_mod.Submission, rubric: Rubric, reference: Reference,
                     sandbox: Sandbox, *, hidden: bool = False, figures: Path | None = None,
                     parallel: int = 1) -> Result:
    """Grade ``loaded``; ``parallel``: how many children (groups of checks) may run at once."""
    started = time.perf_counter()
    checks = rubric.select(hidden)
    figures = budget_for(figures)  # at most a few bounded plots per submission
    # Visible checks run first, hidden ones after them; and each graded function's checks of
    # each kind run in a fresh child (a new fork, the submission loaded again). So nothing a
    # submission sees in a hidden check reaches a visible check's feedback, and whatever it
    # did to grader objects handed to one function (e.g. an initializer of the grader's)
    # cannot change another function's checks. One time budget covers all the children.
    # The groups of one wave (the visible ones, then the hidden ones) run at the same time
    # when ``parallel`` > 1: each graded function appears once in a wave, so its deaths
    # (``Budget.refusal``) count the same whatever the order.
    budget = Budget.for_checks(rubric.timeout)
    scenario_names = sorted({c.scenario for c in checks})
    for check in checks:
        reference.expected(check)  # computed here, once, never from the threads below

    def new_run() -> SubmissionRun:
        return SubmissionRun(sandbox, loaded.cells, rubric.functions, str(loaded.path),
                             scenario_names, budget)

    def grade_group(run: SubmissionRun, group: list[Check]) -> list[CheckResult]:
        try:
            return [grade_check(check, run, reference, rubric, load_report, figures) for check in group]
        finally:
            run.close()

    first = new_run()
    by_number: dict = {}
    try:
        load_report = first.load()
        fatal = first.fatal  # a file that cannot be loaded is not retried
        groups: dict = {}
        for check in checks:
            groups.setdefault((check.hidden, check.function), []).append(check)
        waves = [[groups[k] for k in groups if not k[0]], [groups[k] for k in groups if k[0]]]
        workers = 1 if figures is not None else max(1, parallel)  # plots: one thread draws
        for wave in filter(None, waves):
            runs = []
            for _group in wave:
                run, first = first or new_run(), None
                run.fatal = fatal
                runs.append(run)
            with ThreadPoolExecutor(max_workers=min(workers, len(wave))) as pool:
                for group, results in zip(wave, pool.map(grade_group, runs, wave)):
                    by_number.update({id(c): r for c, r in zip(group, results)})
    finally:
        if first is not None:
            first.close()
    return Result.of(rubric.assignment, checks, [by_number[id(check)] for check in checks],
                     round(time.perf_counter() - started, 3), load_summary(loaded, load_report),
                     {"sandbox": dict(getattr(sandbox, "layers", {}))})  # what every child had


def load_summary(loaded: submission_mod.Submission, report: dict) -> str:
    """Top-level feedback: notebook notes, cells that raised, and a fatal load failure."""
    lines = list(loaded.notes)
    if "fatal" in report:
        lines.append(_("Your file could not be loaded: {reason}.").format(reason=report['fatal']))
    for cell in report.get("cells", []):
        error = cell.get("error")
        if error:
            lines.append(_("{cell} raised {error}").format(cell=cell['label'], error=error['message']))
            if error.get("traceback"):
                lines.append(error["traceback"])
    return "\n".join(lines)


def _first_cell_error(report: dict) -> str | None:
    for cell in report.get("cells", []):
        if cell.get("error"):
            return _("{cell} raised {error}").format(cell=cell['label'], error=cell['error']['message'])
    return None


def grade_check(check: Check, run: SubmissionRun, reference: Reference, rubric: Rubric,
                load_report: dict, figures: Path | None = None) -> CheckResult:
    cases, expected = reference.expected(check)
    templates = [template_of(value) for value in expected]
    outcome = run.run(check.scenario, check.function, cases, templates, rubric.timeout,
                      [value_bytes(value) for value in expected])
    status, message = evaluate(check, cases, expected, outcome, reference, load_report, rubric, figures)
    return CheckResult.of(check, status, message[:MAX_FEEDBACK])


def evaluate(check: Check, cases: list, expected: list, outcome: dict,
             reference: Reference, load_report: dict, rubric: Rubric,
             figures=None) -> tuple[Status, str]:
    """(PASSED, "") if the check passes, else its status and the feedback text (and, with
    ``figures``, a plot)."""
    if "died" in outcome:
        return Status.ERROR, _("Your code did not complete this check: {reason}.").format(reason=outcome['died'])
    results = outcome["results"]
    output = outcome.get("output", "")
    failed, mismatched = [], []
    for index, (call, want, result) in enumerate(zip(cases, expected, results)):
        lines = failure_lines(check, call, want, result, reference, load_report, rubric)
        if lines:
            failed.append((index, call, want, result, lines))
            if result.get("ok") and not result.get("forbidden"):
                mismatched.append((call, result.get("value")))
    if failed:
        index, call, want, result, lines = failed[0]
        if len(mismatched) == len(failed):  # wrong values only: a diagnosis may explain them
            hint = diagnose_all(check, mismatched, reference.module) or check.hint
            lines = lines + ([_("Hint: {hint}").format(hint=rubric_text(hint))] if hint else [])
        if figures is not None and check.figure is not None and result.get("ok"):
            lines.append(figures.draw(check, want, result.get("value"), call,
                                      f"{rubric.assignment}-{check.number}.png"))
        where = _("case {case} of {total}: {call}").format(case=index + 1, total=len(cases),
                                                            call=check.describe_case(call))
        return _status(result, output), _feedback(where, lines, result, output)
    if len(results) < len(cases):
        return Status.ERROR, _("Your code did not return a result for every case.")
    return Status.PASSED, ""


def _status(result: dict, output: str) -> Status:
    """What the first failing case says of the check: the untouched stub (with nothing else
    to show: no blocked call, no printed output) is not implemented, code that raised is an
    error, anything else (a wrong value, a forbidden API, a warning) a failure."""
    if result.get("ok") or result.get("forbidden"):
        return Status.FAILED
    error = result.get("error") or {}
    if (error.get("kind") == "not_implemented" and is_stub_message(error.get("message", ""))
            and not result.get("blocked") and not output.strip()):
        return Status.NOT_IMPLEMENTED
    return Status.ERROR


def failure_lines(check: Check, call, want, result: dict, reference: Reference,
                  load_report: dict, rubric: Rubric) -> list[str]:
    """What is wrong with one case, or []; a wrong value comes without its hint (``evaluate``
    adds the diagnosis that explains every failing case, or the check's generic hint)."""
    if result.get("forbidden"):
        used = ", ".join(result["forbidden"])
        return [_("Used {used}, which this exercise forbids: {hint} (see the assignment's instructions).")
                .format(used=used, hint=rubric_text(rubric.forbidden_hint))]
    if not result.get("ok"):
        error = result.get("error") or {}
        kind, message = error.get("kind"), error.get("message", "")
        if kind == "not_implemented" and is_stub_message(message):
            return [_("{function} is not implemented yet.").format(function=check.function)]
        if kind == "missing":
            cell_error = _first_cell_error(load_report)
            extra = _(" (note: {error}, which may be why)").format(error=cell_error) if cell_error else ""
            return [f"{message}{extra}."]
        if kind == "not_implemented":  # the student's own NotImplementedError("...")
            message = f"NotImplementedError: {message}"
        lines = [_("Your code raised {error}").format(error=message) if kind in ("exception", "not_implemented")
                 else _("{function} {message}").format(function=check.function, message=message)]
        if error.get("traceback"):
            lines.append(error["traceback"])
        if check.hint:
            lines.append(_("Hint: {hint}").format(hint=rubric_text(check.hint)))
        return lines
    if check.fail_on_warning and result.get("warnings"):
        warning = result["warnings"][0]
        hint = rubric_text(check.hint) if check.hint else _("compute it in a numerically stable way")
        return [_("NumPy warned while your code ran ({warning}) on inputs as large as {largest}: an "
                  "intermediate value overflowed or was divided by zero, even if the final result "
                  "looks right.").format(warning=warning, largest=_largest_input(call)),
                _("Hint: {hint}").format(hint=hint)]
    mismatch = judge_case(check, call, want, result.get("value"))
    return [] if mismatch is None else [mismatch]


# What the released stub raises (nbgrader_cells.STUB_LINES), or a bare NotImplementedError.
STUB_MESSAGES = ("", "not implemented yet")
# Keras re-raises an exception from a layer's call() with its message wrapped: "Exception
# encountered when calling Dropout.call().\n\n<bold>MESSAGE</bold>\n\nArguments received by ...".
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_KERAS_CALL = re.compile(r"Exception encountered when calling [\w.]+\(\)\.\s*\n\s*\n(?P<inner>.*?)"
                         r"(?:\n\s*\nArguments received by|\Z)", re.S)


def is_stub_message(message) -> bool:
    """Whether a NotImplementedError's message is the untouched stub's, not the student's own
    (also inside Keras' wrapping of an exception raised in a layer's ``call``)."""
    text = _ANSI.sub("", str(message or "")).strip()
    wrapped = _KERAS_CALL.match(text)
    if wrapped:
        text = wrapped.group("inner").strip()
    return text.strip("'\"").strip().lower() in STUB_MESSAGES


def _largest_input(call) -> str:
    import numpy as np

    values = [np.max(np.abs(a)) for a in list(call.args) + list(call.kwargs.values())
              if isinstance(a, np.ndarray) and a.size and a.dtype.kind in "iuf"]
    return f"|x| = {max(values):g}" if values else _("these")


def _feedback(where: str, lines: list[str], result: dict, output: str) -> str:
    text = [_("Failed on {where}").format(where=where), *lines]
    if result.get("blocked"):
        text.append(_("The sandbox blocked: ") + "; ".join(map(str, result["blocked"])))
    if output.strip():
        text.append(_("Your code printed:") + "\n" + output.rstrip())
    return "\n".join(text)
