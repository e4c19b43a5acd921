"""Sandboxed scores -> an nbgrader course's gradebook (`dlgrade grade --nbgrader COURSE_DIR`).

`dlgrade grade` has graded `COURSE_DIR/submitted/<student>/<assignment>/` in the sandbox
and written one result object per student. Here each result's per-check scores go into
nbgrader's gradebook database through nbgrader's own API (``nbgrader.api.Gradebook``), as
the automatic score of the grade cell whose grade_id is ``check_<number>`` (the test cells
that `dlgrade release` puts in the nbgrader source notebook). So formgrader and
`nbgrader export` show the tamper-proof scores, and an instructor can still override any
of them by hand (a manual score wins in nbgrader). Grade cells that match no check
(manually graded answers) are left alone.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from autograder.engine.errors import BadInput
from autograder.engine.i18n import _
from autograder.engine.result import Result
from .nbgrader_source import grade_id
from .outputs import OutputFolder


@dataclass
class Recorded:
    students: list[str] = field(default_factory=list)
    unmatched: set[str] = field(default_factory=set)  # checks with no grade cell, for the report


def gradebook_url(course_dir: Path) -> str:
    """nbgrader's default database: ``gradebook.db`` in the course directory."""
    return f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"


def plan(course_dir: Path, assignment: str | None, out: str | Path | None) -> tuple[Path, Path]:
    """What `dlgrade grade --nbgrader COURSE_DIR` grades and where: (the submitted folders,
    the output folder, default ``COURSE_DIR/dlgrade``); BadInput unless the course's gradebook
    knows ``assignment``. Always with the hidden checks: nbgrader's grade cells include them."""
    if not assignment:
        raise BadInput(_("--nbgrader needs --assignment A (the nbgrader assignment to grade)"))
    course_dir = Path(course_dir)
    require_assignment(course_dir, assignment)
    return course_dir, Path(out) if out else course_dir / "dlgrade"


def record_outputs(course_dir: Path, assignment: str, out: Path) -> Recorded:
    """Write the results of ``assignment`` in the output folder ``out`` into the gradebook."""
    return record(course_dir, assignment, OutputFolder(out).results_for(assignment))


def _timestamp(course_dir: Path, student: str, assignment: str) -> str | None:
    """The submission time nbgrader's collect step wrote next to the notebook, if readable."""
    from nbgrader.utils import parse_utc

    from autograder.engine.submission import read_safely

    path = Path(course_dir) / "submitted" / student / assignment / "timestamp.txt"
    try:  # a regular file only (a FIFO would block, a link would read elsewhere), and short
        text = read_safely(path, limit=200, root=Path(course_dir) / "submitted").decode("utf-8").strip()
        parse_utc(text)
    except (BadInput, ValueError, OverflowError, TypeError):
        return None
    return text or None


def require_assignment(course_dir: Path, assignment: str) -> None:
    """BadInput unless the course's gradebook knows ``assignment`` (checked before grading)."""
    from nbgrader.api import Gradebook, MissingEntry

    course_dir = Path(course_dir)
    if not (course_dir / "gradebook.db").exists():
        raise BadInput(_("no nbgrader gradebook in {course_dir} (gradebook.db): run "
                         "`nbgrader generate_assignment {assignment}` there first").format(
                             course_dir=course_dir, assignment=assignment))
    with Gradebook(gradebook_url(course_dir)) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise BadInput(_("the nbgrader gradebook in {course_dir} has no assignment '{assignment}': "
                             "run `nbgrader generate_assignment {assignment}` there first").format(
                                 course_dir=course_dir, assignment=assignment)) from None


def record(course_dir: Path, assignment: str, results: dict[str, Result]) -> Recorded:
    """Write ``results`` (student -> result object) into the course's gradebook."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    require_assignment(course_dir, assignment)
    course_dir = Path(course_dir)
    recorded = Recorded()
    with warnings.catch_warnings(), Gradebook(gradebook_url(course_dir)) as gradebook:
        # nbgrader's own add_submission trips SQLAlchemy 2's autoflush warnings: noise, not ours.
        warnings.simplefilter("ignore", SAWarning)
        for student, result in sorted(results.items()):
            scores = {grade_id(t.number): float(t.score) for t in result.tests}
            gradebook.update_or_create_student(student)
            details = {}
            timestamp = _timestamp(course_dir, student, assignment)
            if timestamp:
                details["timestamp"] = timestamp
            submission = gradebook.update_or_create_submission(assignment, student, **details)
            matched = set()
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name in scores:
                        grade.auto_score = scores[grade.name]
                        grade.needs_manual_grade = False
                        matched.add(grade.name)
            gradebook.db.commit()
            recorded.students.append(student)
            recorded.unmatched |= {_("check {number} (no grade cell {cell})").format(number=t.number, cell=grade_id(t.number))
                                   for t in result.tests if grade_id(t.number) not in matched}
    return recorded
