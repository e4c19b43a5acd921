"""Results -> what people read: the terminal table, JSON, and markdown feedback."""
from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table


def to_json(result: dict) -> str:
    return json.dumps(result, indent=2, sort_keys=False)


def _points(x: float) -> str:
    return f"{x:g}"


def print_result(result: dict, console: Console | None = None) -> None:
    """A table of checks with points and verdicts, then feedback for each failure."""
    console = console or Console()
    table = Table(title=f"{result['assignment']}: {_points(result['score'])} / "
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
        table.add_row(test["number"], escape(test["name"]) + hidden,
                      f"{_points(test['score'])}/{_points(test['max_score'])}", verdict)
    console.print(table)
    if result.get("output"):
        console.print(Panel(escape(result["output"]), title="about your file", title_align="left"))
    for test in result["tests"]:
        if test["status"] != "passed" and not test["output"].endswith("is not implemented yet."):
            console.print(Panel(escape(test["output"]), title=f"{test['number']} {escape(test['name'])}",
                                title_align="left", border_style="red"))
    console.print(f"[bold]Score: {_points(result['score'])} / {_points(result['max_score'])}[/bold]"
                  f"  ({result['execution_time']:.2f} s)")


def to_markdown(result: dict) -> str:
    """Human feedback for one student and assignment (written next to the JSON in batches)."""
    lines = [f"# {result['assignment']}: {_points(result['score'])} / {_points(result['max_score'])}", ""]
    lines += ["| # | check | points | verdict |", "|---|---|---|---|"]
    for test in result["tests"]:
        lines.append(f"| {test['number']} | {test['name']} | {_points(test['score'])}/"
                     f"{_points(test['max_score'])} | {test['status']} |")
    if result.get("output"):
        lines += ["", "## About your file", "", "```", result["output"], "```"]
    for test in result["tests"]:
        if test["status"] != "passed":
            lines += ["", f"## {test['number']} {test['name']}", "", "```", test["output"], "```"]
    return "\n".join(lines) + "\n"


def print_class(out, run, console: Console | None = None) -> None:
    """The final table of a batch run: one row per student, one column per assignment."""
    import csv

    console = console or Console()
    path = out / "gradebook.csv"
    if not path.exists():
        return
    rows = list(csv.reader(path.read_text().splitlines()))
    if len(rows) < 2:
        console.print("no submissions were graded")
        return
    table = Table(title=f"Gradebook ({path})", title_justify="left")
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "student" else "right")
    for row in rows[1:]:
        table.add_row(*map(escape, row))
    console.print(table)
    graded = sum(1 for o in run.outcomes if o.result is not None)
    skipped = sum(1 for o in run.outcomes if o.skipped)
    console.print(f"graded {graded}, unchanged since the last run {skipped}, "
                  f"grader faults {len(run.faults)}; details in {out / 'summary.md'}")
