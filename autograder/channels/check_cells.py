"""The check cells that `dlgrade release` puts into the notebooks (run by ``notebook_checks.py``).

After the cell that defines each graded function (or class) with public checks comes one
locked, non-graded code cell that checks it, and at the end of the notebook one that checks
everything and shows the total::

    from autograder.channels.notebook_checks import check
    check("conv_padding", "zero_pad")

They go into the released notebook (``assignments/<name>.ipynb``) and into the nbgrader
source notebook, right after the defining cell (before nbgrader's test cells), so the
student version `nbgrader generate_assignment` makes has them too. Code cells only: the
translated notebooks keep them as they are. A submitted notebook's check cells are not run
by the sandbox (``submission.is_grader_cell``).
"""
from __future__ import annotations

import nbformat

from .nbgrader_cells import defining_cell, sanitise

IMPORT = "from autograder.channels.notebook_checks import check"


def source(assignment: str, function: str | None = None) -> str:
    """The text of the check cell of ``function`` (of every function when None)."""
    call = f'check("{assignment}", "{function}")' if function else f'check("{assignment}")'
    return f"{IMPORT}\n{call}"


def cell(assignment: str, function: str | None = None) -> nbformat.NotebookNode:
    identifier = sanitise(f"check-{function}" if function else "check-all")
    metadata = {"nbgrader": {"grade": False, "grade_id": identifier, "locked": True,
                             "schema_version": 3, "solution": False, "task": False}}
    return nbformat.v4.new_code_cell(source(assignment, function), metadata=metadata, id=identifier)


def insert(notebook: nbformat.NotebookNode, assignment: str, functions: list[str]) -> None:
    """Put the check cells into ``notebook``: one right after the cell that defines each of
    ``functions``, one at the end.
    Nothing when ``functions`` is empty (an assignment without a rubric yet)."""
    if not functions:
        return
    after: dict[int, list] = {}
    for function in functions:
        after.setdefault(defining_cell(notebook.cells, function), []).append(cell(assignment, function))
    cells = []
    for index, existing in enumerate(notebook.cells):
        cells.append(existing)
        cells.extend(after.get(index, []))
    cells.append(cell(assignment))
    ids = [c.id for c in cells]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{assignment}: a cell's grade_id collides with a check cell's (check-<function>)")
    notebook.cells = cells


def public_functions(rubric) -> list[str]:
    """The graded functions that have public checks, in the rubric's order."""
    return list(dict.fromkeys(c.function for c in rubric.select(hidden=False)))
