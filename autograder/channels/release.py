"""Solutions → student stubs and nbgrader notebooks (`dlgrade release`).

`solutions/<name>.py` is the single source of truth: a jupytext py:percent notebook whose
graded code sits between `### BEGIN SOLUTION` and `### END SOLUTION` lines. From it we make

* `assignments/<name>.py`: the same text with every solution region replaced by
  `# YOUR CODE HERE` / `raise NotImplementedError("not implemented yet")` at the marker's
  indentation, and with every cell tagged `solution_only` (the course's own checks) removed;
* `assignments/<name>.ipynb`: that stub as an nbformat v4 notebook carrying nbgrader (schema 3)
  cell metadata: cells with a stubbed region are unlocked solution cells, all others locked;
  once the assignment has a rubric, a locked check cell after each graded function's cell
  and one at the end (``check_cells.py``: the student checks their code in the kernel);
* once the assignment has a rubric, `nbgrader/source/<name>/<name>.ipynb`: the nbgrader
  *source* notebook (solution regions kept, plus autograder test cells that call the course's
  checks, hidden ones between `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`), and
  `nbgrader/nbgrader_config.py` (see `nbgrader_source.py`);
* for each language with catalogs in `solutions/locale/<lang>/` (Korean: `ko`), the same
  notebooks with their markdown cells in that language and identical code cells and metadata
  (see `notebook_i18n.py`): `assignments/<lang>/<name>.ipynb` and a second nbgrader course
  folder `nbgrader/<lang>/` (`source/<name>/<name>.ipynb` and its `nbgrader_config.py`) with the
  same assignment names, so an instructor who teaches in that language points nbgrader at
  `nbgrader/<lang>/` and grading is the same. A catalog that is missing an entry or no longer
  matches its solution stops the release (and fails `--check`) with what to fix.

A region at module level (indent 0), or directly in a class body, gets the same two lines, so
that stub raises when imported (in a notebook, when its cell runs). Keep regions inside function
and method bodies so that an untouched stub imports cleanly and only a call raises.
All outputs are deterministic: the same solution (and rubric) gives byte-identical files.
"""
from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat

from autograder.engine import course
from . import check_cells, notebook_i18n
from .nbgrader_cells import SOLUTION_ONLY_TAG, STUB_LINES, nbgrader_notebook
from autograder.engine.atomic import write_atomic

NOTE = "# This file is generated from solutions/{name}.py by `dlgrade release`; edit the marked regions."

_CELL_MARKER = re.compile(r"^#\s*%%")
_TAGS = re.compile(r"\btags\s*=\s*\[([^\]]*)\]")
_BEGIN = re.compile(r"^(\s*)#+\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^(\s*)#+\s*END SOLUTION\s*$")
_NOTE_LINE = re.compile(r"^# This file is generated from \S+ by `dlgrade release`")


def _header_end(lines: list[str]) -> int:
    """Index of the first line after the jupytext `# ---` header (0 when there is none)."""
    if lines and lines[0].rstrip() == "# ---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() == "# ---":
                return i + 1
    return 0


def _is_solution_only(marker_line: str) -> bool:
    """Whether a `# %% ...` cell marker line carries the `solution_only` tag."""
    match = _TAGS.search(marker_line)
    return bool(match) and re.search(rf"[\"']{SOLUTION_ONLY_TAG}[\"']", match.group(1)) is not None


def make_stub_source(solution_text: str, name: str = "solution") -> str:
    """Return the student stub (py:percent text) for one solution's text.

    `name` is the assignment name: it goes into the generated-file note after the jupytext
    header and into error messages. Raises ValueError, naming the file and line, for an
    END without a BEGIN, a BEGIN inside a region, or a region left open at a cell marker
    or at the end of the file.
    """
    where = f"solutions/{name}.py"
    lines = solution_text.splitlines()
    start = _header_end(lines)
    out = lines[:start] + [NOTE.format(name=name)]
    open_at = None  # (line number, indentation) of the BEGIN of the region we are inside
    skipping = False  # inside a solution_only cell
    for lineno, line in enumerate(lines[start:], start=start + 1):
        begin, end = _BEGIN.match(line), _END.match(line)
        if _CELL_MARKER.match(line):
            if open_at:
                raise ValueError(f"{where}:{open_at[0]}: '### BEGIN SOLUTION' is not closed "
                                 f"before the next cell (line {lineno})")
            skipping = _is_solution_only(line)
        if begin:
            if open_at:
                raise ValueError(f"{where}:{lineno}: nested '### BEGIN SOLUTION' (the region "
                                 f"opened at line {open_at[0]} is not closed)")
            open_at = (lineno, begin.group(1))
        elif end:
            if not open_at:
                raise ValueError(f"{where}:{lineno}: '### END SOLUTION' without a matching "
                                 "'### BEGIN SOLUTION'")
            if not skipping:
                out.extend(open_at[1] + stub for stub in STUB_LINES)
            open_at = None
        elif not open_at and not skipping:
            out.append(line)
    if open_at:
        raise ValueError(f"{where}:{open_at[0]}: '### BEGIN SOLUTION' without a matching "
                         "'### END SOLUTION'")
    while len(out) > start + 1 and not out[-1].strip():
        out.pop()  # blank lines left before a removed trailing solution_only cell
    text = "\n".join(out) + "\n"
    compile(text, where.replace("solutions/", "assignments/"), "exec")  # fail loudly if the stub is not Python
    return text


def _strip_note(stub_source: str) -> str:
    """Drop the generated-file note: in a notebook it would become a cell of its own."""
    lines = stub_source.splitlines()
    start = _header_end(lines)
    if start < len(lines) and _NOTE_LINE.match(lines[start]):
        del lines[start]
    return "\n".join(lines) + "\n"


def _is_stubbed(cell) -> bool:
    return cell.cell_type == "code" and any(
        line.strip() == STUB_LINES[0] for line in cell.source.splitlines())


def make_notebook(stub_source: str, name: str, functions=()) -> nbformat.NotebookNode:
    """Convert stub py:percent text to a validated nbformat v4.5 notebook with nbgrader metadata.

    Code cells holding a stubbed region are solution cells (unlocked; grade_id = the first
    def/class name in the cell, or `<name>-cell-<index>` when there is none or it is taken);
    every other cell is locked with grade_id `<name>-cell-<index>`. Each cell's id is its
    grade_id. Jupytext's own metadata is dropped; of the cell metadata only `tags` is kept.
    With ``functions`` (the graded functions with public checks), the check cells are added.
    """
    notebook = nbgrader_notebook(jupytext.reads(_strip_note(stub_source), fmt="py:percent"), name,
                                 is_solution=_is_stubbed)
    check_cells.insert(notebook, name, list(functions))
    nbformat.validate(notebook)
    return notebook


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    """The stable on-disk form of a notebook (as Jupyter writes it, with a final newline)."""
    return nbformat.writes(notebook) + "\n"


def render(assignment: course.Assignment) -> dict[Path, str]:
    """The released files of one assignment: {stub_path: stub text, notebook_path: ipynb text},
    and once it has a rubric its nbgrader source notebook (solutions and test cells)."""
    from . import nbgrader_source

    solution = assignment.solution_path.read_text(encoding="utf-8")
    stub = make_stub_source(solution, assignment.name)
    rubric = assignment.rubric() if assignment.available else None
    functions = check_cells.public_functions(rubric) if rubric is not None else []
    files = {assignment.stub_path: stub,
             assignment.notebook_path: notebook_text(make_notebook(stub, assignment.name, functions))}
    source = None
    if rubric is not None:
        source = nbgrader_source.make_source_notebook(solution, assignment.name, rubric)
        files[assignment.nbgrader_source_path] = notebook_text(source)
    for lang in languages():
        catalog = notebook_i18n.load_catalog(lang, assignment.name, catalog_path(lang, assignment.name))
        translated = notebook_i18n.translate(make_notebook(stub, assignment.name, functions), catalog)
        files[assignment.notebook_path.parent / lang / assignment.notebook_path.name] = notebook_text(translated)
        if source is not None:
            path = course.NBGRADER_DIR / lang / assignment.nbgrader_source_path.relative_to(course.NBGRADER_DIR)
            files[path] = notebook_text(notebook_i18n.translate(source, catalog))
    return files


def languages() -> list[str]:
    """The notebook languages besides English: one folder of catalogs each in solutions/locale/."""
    root = course.SOLUTIONS_DIR / "locale"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def catalog_path(lang: str, name: str) -> Path:
    return course.SOLUTIONS_DIR / "locale" / lang / f"{name}.po"


def translation_problems(assignments) -> list[str]:
    """What keeps the catalogs of `assignments` from matching their solutions, one line each."""
    return [f"solutions/locale/{lang}/{a.name}.po: {line}"
            for lang in languages() for a in assignments if a.solution_path.exists()
            for line in notebook_i18n.stale(lang, a.name, a.solution_path, catalog_path(lang, a.name))]


def _current(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def release(check: bool = False, assignments=None) -> list[Path]:
    """Regenerate stubs, notebooks and nbgrader files from the solutions that exist.

    `assignments` defaults to `course.ASSIGNMENTS`; those without a solution file yet are
    skipped. With `check=False`, write each file whose content changed and return the paths
    written. With `check=True`, write nothing and return the paths missing or out of date.
    Raises ValueError for a solution with broken solution markers.
    """
    from . import nbgrader_source

    chosen = course.ASSIGNMENTS if assignments is None else assignments
    problems = translation_problems(chosen)
    if problems:
        raise ValueError("the notebook translations do not match the solutions; update these "
                         "catalogs (see solutions/locale/ko/GLOSSARY.md):\n  " + "\n  ".join(problems))
    files: dict[Path, str] = {}
    for assignment in chosen:
        if assignment.solution_path.exists():
            files.update(render(assignment))
    if any(a.nbgrader_source_path in files for a in chosen):
        for folder in [course.NBGRADER_DIR] + [course.NBGRADER_DIR / lang for lang in languages()]:
            files[folder / "nbgrader_config.py"] = nbgrader_source.config_text()
    paths = []
    for path, text in files.items():
        if _current(path) == text:
            continue
        if not check:
            write_atomic(path, text, mode=0o644)
        paths.append(path)
    return paths


def stale_paths(assignments=None) -> list[Path]:
    """The released files that are missing or out of date (what `dlgrade release --check` lists)."""
    return release(check=True, assignments=assignments)
