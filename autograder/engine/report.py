"""Results -> what people read: the terminal table, JSON, and markdown feedback."""
from __future__ import annotations

import io
import json

from rich.console import Console
from .safetext import markdown_block, terminal, visible
from rich.panel import Panel
from rich.table import Table


def to_json(result: dict) -> str:
    return json.dumps(result, indent=2, sort_keys=False)


def _points(x: float) -> str:
    return f"{x:g}"


def print_result(result: dict, console: Console | None = None) -> None:
    """A table of checks with points and verdicts, then feedback for each failure."""
    console = console or Console()
    table = Table(title=f"{terminal(result['assignment'])}: {_points(result['score'])} / "
                        f"{_points(result['max_score'])} points", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("check")
    table.add_column("points", justify="right")
    table.add_column("verdict")
    for test in result["tests"]:
        verdict = "[green]passed[/green]" if test["status"] == "passed" else "[red]failed[/red]"
        if test["status"] != "passed" and test["output"].endswith("is not implemented yet."):
            verdict = "[yellow]not implemented yet[/yellow]"
        hidden = " [dim](hidden)[/dim]" if test["visibility"] != "visible" else ""
        table.add_row(terminal(test["number"]), terminal(test["name"]) + hidden,
                      f"{_points(test['score'])}/{_points(test['max_score'])}", verdict)
    console.print(table)
    if result.get("output"):
        console.print(Panel(terminal(result["output"]), title="about your file", title_align="left"))
    for test in result["tests"]:
        if test["status"] != "passed" and not test["output"].endswith("is not implemented yet."):
            console.print(Panel(terminal(test["output"]), title=f"{terminal(test['number'])} {terminal(test['name'])}",
                                title_align="left", border_style="red"))
    console.print(f"[bold]Score: {_points(result['score'])} / {_points(result['max_score'])}[/bold]"
                  f"  ({result['execution_time']:.2f} s)")


def to_markdown(result: dict) -> str:
    """Human feedback for one student and assignment (written next to the JSON in batches);
    what the student's code printed or raised is shown with its control characters visible,
    inside a fence it cannot close."""
    lines = [f"# {visible(result['assignment'])}: {_points(result['score'])} / {_points(result['max_score'])}", ""]
    lines += ["| # | check | points | verdict |", "|---|---|---|---|"]
    for test in result["tests"]:
        lines.append(f"| {visible(test['number'])} | {visible(test['name'])} | {_points(test['score'])}/"
                     f"{_points(test['max_score'])} | {test['status']} |")
    if result.get("output"):
        lines += ["", "## About your file", "", *markdown_block(result["output"])]
    for test in result["tests"]:
        if test["status"] != "passed":
            lines += ["", f"## {visible(test['number'])} {visible(test['name'])}", "", *markdown_block(test["output"])]
    return "\n".join(lines) + "\n"


def print_class(out, run, console: Console | None = None) -> None:
    """The final table of a batch run: one row per student, one column per assignment."""
    import csv

    console = console or Console()
    path = out / "gradebook.csv"
    if not path.exists():
        return
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    if len(rows) < 2:
        console.print("no submissions were graded")
        return
    table = Table(title=f"Gradebook ({terminal(path)})", title_justify="left")
    for column in rows[0]:
        table.add_column(terminal(column), justify="left" if column == "student" else "right")
    for row in rows[1:]:
        table.add_row(*map(terminal, row))
    console.print(table)
    graded = sum(1 for o in run.outcomes if o.result is not None)
    skipped = sum(1 for o in run.outcomes if o.skipped)
    problems = len(run.problems)
    console.print(f"graded {graded}, unchanged since the last run {skipped}, "
                  f"grader faults {len(run.faults)}"
                  + (f", students whose input could not be graded {problems}" if problems else "")
                  + f"; details in {terminal(out / 'summary.md')}")
