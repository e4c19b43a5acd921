"""The released notebooks' check cells: a student checks their own code in the kernel.

After each graded function's cell, ``dlgrade release`` puts a cell (``check_cells.py``)::

    from autograder.channels.notebook_checks import check
    check("conv_padding", "zero_pad")

and at the end ``check("conv_padding")`` for every function. ``check`` runs the function's
*public* checks on the kernel's current definitions (the namespace of the cell that calls
it) through the engine's stages, as ``dlgrade check`` does (``inline.run_check``: the same
cases, reference outputs, comparison and feedback), and returns a :class:`CheckReport` that
Jupyter shows as HTML (a table of check, points and verdict, then each failure's feedback
and plot) and a terminal as text (``report.print_result``'s table). It never raises for
the student's code: a failing or unimplemented function is a verdict, and a problem of the
grader's is shown in the report ("Run All" goes on).

Only visible checks run and appear (hidden ones are not in a student bundle at all). There
is no sandbox and nothing is written outside a temporary folder for the plots, so it runs on
Colab or a JupyterHub with a read-only package folder; it is the student grading themselves,
not a grade (that is ``dlgrade grade``, in the sandbox).
"""
from __future__ import annotations

import base64
import html
import inspect
import io
import shutil
import tempfile
import time
from pathlib import Path

from autograder.engine.errors import BadInput, GraderFault
from autograder.engine.grading import MAX_FEEDBACK
from autograder.engine.i18n import N_, _, rubric_text
from autograder.engine.plots import FigureBudget
from autograder.engine.result import CheckResult, Result, Status
from autograder.engine.safetext import visible
from . import inline

# The few words of the check cells' own (the feedback itself is the engine's).
# (marked for the catalog with N_, translated where shown: _(TEXT[key]))
TEXT = {
    Status.PASSED: N_("passed"),
    Status.NOT_IMPLEMENTED: N_("not implemented yet"),
    Status.FAILED: N_("failed"),
    Status.ERROR: N_("failed"),
    "plot": N_("Plot of your result against the reference's: below."),
    "no_checks": N_("{assignment} has no public checks of {function} (its graded functions: {known})"),
    "broken": N_("The check could not run: {error}"),
    "score": N_("Score: {score} / {max_score}"),
}
_COLOURS = {Status.PASSED: "#1a7f37", Status.NOT_IMPLEMENTED: "#9a6700"}  # else red


def check(assignment: str, function: str | None = None, namespace: dict | None = None) -> "CheckReport":
    """Run the public checks of ``function`` (all of the assignment's when None) on the
    definitions in ``namespace`` (by default the calling cell's globals: the notebook's)."""
    if namespace is None:
        caller = inspect.currentframe().f_back
        namespace = caller.f_globals if caller is not None else {}
    started = time.perf_counter()
    try:
        rubric, reference = inline.load(assignment)
        checks = [c for c in rubric.select(hidden=False) if function is None or c.function == function]
        if not checks:
            known = ", ".join(dict.fromkeys(c.function for c in rubric.select(hidden=False)))
            raise BadInput(_(TEXT["no_checks"]).format(assignment=assignment, function=function, known=known))
    except (BadInput, GraderFault) as exc:
        return CheckReport(Result.of(assignment, [], [], 0.0, str(exc)), {})
    figures = _InlineFigures()
    try:
        tests = [_run(c, namespace, rubric, reference, figures) for c in checks]
    finally:
        figures.close()
    result = Result.of(assignment, checks, tests, round(time.perf_counter() - started, 3), "")
    return CheckReport(result, figures.images)


def _run(the_check, namespace: dict, rubric, reference, figures) -> CheckResult:
    try:
        status, message = inline.run_check(the_check, namespace, rubric, reference, figures)
    except Exception as exc:  # noqa: BLE001 - a grader problem is shown, never raised
        status, message = Status.ERROR, _(TEXT["broken"]).format(error=f"{type(exc).__name__}: {exc}")
    return CheckResult.of(the_check, status, message[:MAX_FEEDBACK])


class _InlineFigures(FigureBudget):
    """The plots of one ``check`` call, kept in memory as PNG (drawn and bounded by
    ``plots.FigureBudget`` in a temporary folder that is removed at the end)."""

    def __init__(self) -> None:
        super().__init__(Path(tempfile.mkdtemp(prefix="dlgrade-plots-")))
        self.images: dict[str, bytes] = {}  # check number -> PNG

    def draw(self, check, want, got, call, name: str) -> str:
        line = super().draw(check, want, got, call, name)
        path = self.folder / name
        if not path.exists():
            return line  # no plot, and the line says why
        self.images[check.number] = path.read_bytes()
        path.unlink()
        return _(TEXT["plot"])

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class CheckReport:
    """What a check cell shows: the result of the checks it ran (``result``), with plots."""

    def __init__(self, result: Result, images: dict[str, bytes]) -> None:
        self.result = result
        self.images = images

    @property
    def passed(self) -> bool:
        return bool(self.result.tests) and all(t.passed for t in self.result.tests)

    def verdicts(self) -> dict[str, Status]:
        """Check number -> status."""
        return {t.number: t.status for t in self.result.tests}

    def text(self) -> str:
        """The report as plain text: ``dlgrade check``'s table and feedback."""
        from rich.console import Console

        from autograder.engine import report

        buffer = io.StringIO()
        report.print_result(self.result, Console(file=buffer, width=100, color_system=None,
                                                 force_terminal=False, force_jupyter=False))
        return buffer.getvalue().rstrip("\n")

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text())

    def _repr_html_(self) -> str:
        result = self.result
        rows = "".join(
            f"<tr><td>{_h(t.number)}</td><td style='text-align:left'>{_h(rubric_text(t.name))}</td>"
            f"<td>{t.score:g}/{t.max_score:g}</td>"
            f"<td style='color:{_COLOURS.get(t.status, '#cf222e')};font-weight:bold'>{_h(_(TEXT[t.status]))}</td></tr>"
            for t in result.tests)
        parts = ["<div class='dlgrade-check'>"]
        if rows:
            parts.append(f"<table><thead><tr><th>#</th><th style='text-align:left'>{_h(_('check'))}</th>"
                         f"<th>{_h(_('points'))}</th><th>{_h(_('verdict'))}</th></tr></thead><tbody>{rows}</tbody></table>")
        if result.output:
            parts.append(_pre(result.output))
        for test in result.tests:
            if test.status in (Status.PASSED, Status.NOT_IMPLEMENTED):
                continue
            parts.append(f"<p><b>{_h(test.number)} {_h(rubric_text(test.name))}</b></p>{_pre(test.output)}")
            if test.number in self.images:
                encoded = base64.b64encode(self.images[test.number]).decode("ascii")
                parts.append(f"<img src='data:image/png;base64,{encoded}' style='max-width:100%'/>")
        if result.tests:
            score = _(TEXT["score"]).format(score=f"{result.score:g}", max_score=f"{result.max_score:g}")
            parts.append(f"<p><b>{_h(score)}</b></p>")
        parts.append("</div>")
        return "".join(parts)


def _h(text) -> str:
    return html.escape(visible(str(text)))


def _pre(text: str) -> str:
    return f"<pre style='white-space:pre-wrap'>{_h(text)}</pre>"
