"""The output folder of `dlgrade grade`: where each result and the class files go.

``OUT/<folder>/<assignment>.json`` holds one student's result object (``Result.to_json``),
``OUT/<folder>/<assignment>.md`` its markdown feedback (and plots of failed cases beside
it), ``OUT/gradebook.csv`` and ``OUT/summary.md`` the class. :class:`OutputFolder` is the
only code that knows these names: batch grading writes through it, and the gradebook,
nbgrader and the re-run check read results back through it.

Every file is written atomically, through the package's one atomic writer
(``engine/atomic.py``, which `dlgrade release` and the Gradescope channel use too): an
interrupted run never leaves a half-written file.
"""
from __future__ import annotations

import json
from pathlib import Path

from autograder.engine import course
from autograder.engine.atomic import write_atomic
from autograder.engine.result import Result

GRADEBOOK = "gradebook.csv"
SUMMARY = "summary.md"


class OutputFolder:
    """``OUT`` of `dlgrade grade`: writes, finds and reads the results in it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, name: str) -> Path:
        """Where one student's results go (``name`` is a safe folder name, ``discover.folder_for``)."""
        return self.root / name

    def result_path(self, folder: str, assignment: str, suffix: str = ".json") -> Path:
        return self.folder(folder) / f"{assignment}{suffix}"

    @property
    def gradebook_path(self) -> Path:
        return self.root / GRADEBOOK

    @property
    def summary_path(self) -> Path:
        return self.root / SUMMARY

    def write(self, folder: str, result: Result, feedback: str) -> None:
        """One student's result and markdown ``feedback``; the JSON last, so a result that
        exists is complete."""
        write_atomic(self.result_path(folder, result.assignment, ".md"), feedback)
        write_atomic(self.result_path(folder, result.assignment), result.dumps())

    def write_class(self, gradebook_csv: str, summary_md: str) -> None:
        write_atomic(self.gradebook_path, gradebook_csv)
        write_atomic(self.summary_path, summary_md)

    def read(self, folder: str, assignment: str) -> Result | None:
        """The result stored for ``folder`` and ``assignment``, or None if there is none (or
        the file is not a result object)."""
        return _read(self.result_path(folder, assignment))

    def results(self) -> dict[str, dict[str, Result]]:
        """{results folder: {assignment: result}} for every result of a course assignment in
        OUT; a file that is not a result object (or a linked folder) is ignored."""
        results: dict[str, dict[str, Result]] = {}
        known = {a.name for a in course.ASSIGNMENTS}
        for path in sorted(self.root.glob("*/*.json")):
            if path.stem not in known or not path.is_file() or path.parent.is_symlink():
                continue
            result = _read(path)
            if result is not None:
                results.setdefault(path.parent.name, {})[path.stem] = result
        return results

    def results_for(self, assignment: str) -> dict[str, Result]:
        """{student: result} of one assignment: the student's own name kept in the result
        (also when their folder had to be renamed), else the folder's."""
        return {result.student or folder: result
                for folder, per_student in self.results().items()
                for name, result in per_student.items() if name == assignment}


def _read(path: Path) -> Result | None:
    try:
        return Result.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
