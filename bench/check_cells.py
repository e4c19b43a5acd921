"""Benchmark: what a student waits for in Jupyter, per check cell of a released notebook.

Usage: python bench/check_cells.py [ASSIGNMENT ...]   (default: optimizers regularization initializers)

For each assignment, takes the released notebook (``assignments/<A>.ipynb``), fills in the
solution's code (the nbgrader source notebook's solution cells, same cell ids), and executes it
top to bottom in a real Jupyter kernel with nbclient, as "Run All" does. Prints, per check cell
(``check("A", "Function")``), the seconds the kernel spent on it (nbclient's execute_input to
execute_reply timestamps) and the score it showed; then the whole notebook's wall clock, the
kernel's start, and the time of the cells that are not check cells (the imports and the student's
own computation: the floor). The last check cell re-checks every function; its time is shown
apart. Prints figures; asserts nothing. The machine's load average before and after is printed,
as timings on a shared machine are noisy.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.channels import check_cells  # noqa: E402
from autograder.engine import course  # noqa: E402

SCORE = re.compile(r"Score: ([\d.]+) / ([\d.]+)")
CALL = re.compile(r'check\("[^"]+"(?:, "([^"]+)")?\)')


def with_solutions(name: str) -> nbformat.NotebookNode:
    assignment = course.get(name)
    notebook = nbformat.read(assignment.notebook_path, as_version=4)
    solutions = {c.id: c.source for c in nbformat.read(assignment.nbgrader_source_path, as_version=4).cells}
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[cell.id]
    return notebook


def seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not start or not end:
        return float("nan")
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def shown_score(cell) -> str:
    for output in cell.get("outputs", []):
        match = SCORE.search(output.get("data", {}).get("text/plain", ""))
        if match:
            return f"{match.group(1)}/{match.group(2)}"
    return "-"


def run(name: str) -> None:
    notebook = with_solutions(name)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        client = NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                                record_timing=True, resources={"metadata": {"path": folder}})
        client.execute(env=env)
        wall = time.perf_counter() - start
    checks, others = [], 0.0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if check_cells.IMPORT in cell.source:
            function = CALL.search(cell.source).group(1) or "(all)"
            checks.append((function, seconds(cell), shown_score(cell)))
        else:
            others += seconds(cell)
    print(f"\n{name}: notebook wall clock {wall:.1f} s (kernel start included), "
          f"other cells {others:.1f} s (imports, the student's code, demos)")
    print(f"  {'check cell':<28}{'seconds':>9}  score")
    for function, took, score in checks:
        print(f"  {function:<28}{took:>9.2f}  {score}")


def main(argv: list[str]) -> int:
    names = argv or ["optimizers", "regularization", "initializers"]
    print(f"machine: {os.cpu_count()} cores, load average before {os.getloadavg()[0]:.2f}")
    for name in names:
        run(name)
    print(f"\nload average after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
