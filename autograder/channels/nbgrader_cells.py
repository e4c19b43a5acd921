"""nbgrader metadata of notebook cells, shared by the released student notebook
(``release.make_notebook``) and the nbgrader source notebook (``nbgrader_source``), and the
lines that stand for a removed solution region."""
from __future__ import annotations

import re

import nbformat

STUB_LINES = ("# YOUR CODE HERE", 'raise NotImplementedError("not implemented yet")')
SOLUTION_ONLY_TAG = "solution_only"
DEFAULT_KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

_DEF_NAME = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)", re.MULTILINE)


def sanitise(text: str) -> str:
    """An nbgrader grade_id / nbformat cell id: [A-Za-z0-9_-], at most 64 characters."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)[:64] or "cell"


def nbgrader_notebook(nb: nbformat.NotebookNode, name: str, is_solution) -> nbformat.NotebookNode:
    """``nb``'s cells with nbgrader metadata (see ``make_notebook``), `solution_only` cells left
    out; ``is_solution(cell)`` says which cells are solution cells."""
    metadata = {k: v for k, v in nb.metadata.items() if k != "jupytext"}
    metadata.setdefault("kernelspec", dict(DEFAULT_KERNELSPEC))
    cells, used = [], set()
    for cell in nb.cells:
        tags = [t for t in cell.metadata.get("tags", []) if t != SOLUTION_ONLY_TAG]
        if SOLUTION_ONLY_TAG in cell.metadata.get("tags", []):
            continue  # defensive for stubs (make_stub_source has removed these); the rule for sources
        index = len(cells)
        solution = is_solution(cell)
        grade_id = sanitise(f"{name}-cell-{index}")
        found = _DEF_NAME.search(cell.source) if solution else None
        if found and sanitise(found.group(1)) not in used:
            grade_id = sanitise(found.group(1))
        used.add(grade_id)
        cell_metadata = {"nbgrader": {
            "grade": False, "grade_id": grade_id, "locked": not solution,
            "schema_version": 3, "solution": solution, "task": False}}
        if tags:
            cell_metadata["tags"] = tags
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(cell.source, metadata=cell_metadata, id=grade_id)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.source, metadata=cell_metadata, id=grade_id)
        else:
            new = nbformat.v4.new_raw_cell(cell.source, metadata=cell_metadata, id=grade_id)
        cells.append(new)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    return notebook


def defining_cell(cells: list, function: str) -> int:
    """Index of the cell that defines ``function`` (def or class at the top level), else the last."""
    pattern = re.compile(rf"^(?:async\s+)?(?:def|class)\s+{re.escape(function)}\b", re.MULTILINE)
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and pattern.search(cell.source):
            return index
    return len(cells) - 1
