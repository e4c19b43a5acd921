"""A Result -> what people read: the terminal table and the markdown feedback (the JSON and
Gradescope renderings are ``result.Result.dumps`` and ``Result.to_gradescope``)."""
from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from .i18n import _, rubric_text
from .result import Result, Status
from .safetext import markdown_block, terminal, visible


def _points(x: float) -> str:
    return f"{x:g}"


def print_result(result: Result, console: Console | None = None) -> None:
    """A table of checks with points and verdicts, then feedback for each failure (a check
    not implemented yet says so in the table and needs no feedback)."""
    console = console or Console()
    table = Table(title=_("{assignment}: {score} / {max_score} points").format(
        assignment=terminal(result.assignment), score=_points(result.score),
        max_score=_points(result.max_score)), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column(_("check"))
    table.add_column(_("points"), justify="right")
    table.add_column(_("verdict"))
    for test in result.tests:
        verdict = {Status.PASSED: "[green]" + _("passed") + "[/green]",
                   Status.NOT_IMPLEMENTED: "[yellow]" + _("not implemented yet") + "[/yellow]"
                   }.get(test.status, "[red]" + _("failed") + "[/red]")
        hidden = " [dim]" + _("(hidden)") + "[/dim]" if test.visibility != "visible" else ""
        table.add_row(terminal(test.number), terminal(rubric_text(test.name)) + hidden,
                      f"{_points(test.score)}/{_points(test.max_score)}", verdict)
    console.print(table)
    if result.output:
        console.print(Panel(terminal(result.output), title=_("about your file"), title_align="left"))
    for test in result.tests:
        if test.status not in (Status.PASSED, Status.NOT_IMPLEMENTED):
            console.print(Panel(terminal(test.output),
                                title=f"{terminal(test.number)} {terminal(rubric_text(test.name))}",
                                title_align="left", border_style="red"))
    console.print("[bold]" + _("Score: {score} / {max_score}").format(
        score=_points(result.score), max_score=_points(result.max_score))
        + f"[/bold]  ({result.execution_time:.2f} s)")


def to_markdown(result: Result) -> str:
    """Human feedback for one student and assignment (written next to the JSON in batches);
    what the student's code printed or raised is shown with its control characters visible,
    inside a fence it cannot close."""
    lines = [f"# {visible(result.assignment)}: {_points(result.score)} / {_points(result.max_score)}", ""]
    lines += ["| # | " + _("check") + " | " + _("points") + " | " + _("verdict") + " |", "|---|---|---|---|"]
    for test in result.tests:
        lines.append(f"| {visible(test.number)} | {visible(rubric_text(test.name))} | {_points(test.score)}/"
                     f"{_points(test.max_score)} | {_(test.status.json)} |")
    if result.output:
        lines += ["", "## " + _("About your file"), "", *markdown_block(result.output)]
    for test in result.tests:
        if not test.passed:
            lines += ["", f"## {visible(test.number)} {visible(rubric_text(test.name))}", "",
                      *markdown_block(test.output)]
    return "\n".join(lines) + "\n"
