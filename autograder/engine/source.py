"""Where the course's checks and reference outputs come from, chosen once (``choose``).

- :class:`RepositorySource`: the course repository, with ``autograder/rubrics/`` and
  ``solutions/``: every check (hidden ones too), graded against the reference solution.
- :class:`BundleSource`: a student bundle (``dlgrade bundle --student``), with no solutions
  and no rubrics but the public fixtures in ``autograder/public/``: the visible checks,
  graded against the outputs stored there (``public_fixtures.py``).

Both offer the same small interface; no other module asks which one it is. What a bundle
cannot do (hidden checks, grading a class, a Gradescope autograder) is refused by the
source itself (``require_hidden``, ``require_solutions``). ``course.source()`` is the one
call that chooses, from the course's folders.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from . import public_fixtures
from .errors import BadInput
from .i18n import N_, _
from .reference import Reference
from .rubric import Rubric

HIDDEN_IN_BUNDLE = N_("hidden checks are not available in a student bundle: your instructor "
                      "runs them when grading")  # translated where used

# An assignment below is a ``course.Assignment``: it has ``name`` and ``solution_path``.


class RepositorySource:
    """The course repository: rubric modules and reference solutions."""

    unavailable = N_("not released yet")  # how `dlgrade list` shows an assignment without them

    def __init__(self, rubrics_dir: Path) -> None:
        self.rubrics_dir = rubrics_dir

    def available(self, assignment) -> bool:
        """Whether the assignment has its solution and rubric yet."""
        return assignment.solution_path.exists() and (self.rubrics_dir / f"{assignment.name}.py").exists()

    def rubric(self, assignment) -> Rubric:
        """All checks of the assignment's rubric module."""
        if not self.available(assignment):
            raise BadInput(_("assignment '{name}' is not available yet (no solution or rubric)").format(
                name=assignment.name))
        return importlib.import_module(f"autograder.rubrics.{assignment.name}").RUBRIC

    def reference(self, assignment) -> Reference:
        """The reference solution's outputs."""
        return Reference(assignment)

    def hidden_checks(self, assignment) -> tuple[int, float]:
        """(number of hidden checks, their points)."""
        hidden = [c for c in self.rubric(assignment).checks if c.hidden]
        return len(hidden), float(sum(c.points for c in hidden))

    def assignments_dir(self, default: Path) -> Path:
        return default

    def require_hidden(self) -> None:
        """Hidden checks can run here."""

    def require_solutions(self, refusal: str) -> None:
        """The solutions are here (what a bundle refuses with ``refusal``)."""

    def unknown_check(self, assignment: str, number: str) -> BadInput:
        return BadInput(_("{assignment} has no check {number}").format(assignment=assignment, number=number))


class BundleSource:
    """A student bundle: the public fixtures of the visible checks."""

    unavailable = N_("not in this bundle")

    def __init__(self, public_dir: Path) -> None:
        self.public_dir = public_dir

    def available(self, assignment) -> bool:
        return (self.public_dir / f"{assignment.name}.json").exists()

    def rubric(self, assignment) -> Rubric:
        """The visible checks, rebuilt from the fixtures."""
        if not self.available(assignment):
            raise BadInput(_("assignment '{name}' is not in this student bundle").format(name=assignment.name))
        return public_fixtures.load(assignment.name, self.public_dir).rubric

    def reference(self, assignment) -> public_fixtures.FixtureReference:
        """The stored outputs (the same interface as ``Reference``, visible checks only)."""
        return public_fixtures.load(assignment.name, self.public_dir).reference

    def hidden_checks(self, assignment) -> tuple[int, float]:
        """Known in a bundle too (how many, their points), their content not."""
        public = public_fixtures.load(assignment.name, self.public_dir)
        return public.hidden_checks, public.hidden_points

    def assignments_dir(self, default: Path) -> Path:
        """For a bundle installed into site-packages, ``assignments/`` of the current
        directory (the unpacked bundle)."""
        return default if default.is_dir() else Path("assignments")

    def require_hidden(self) -> None:
        raise BadInput(_(HIDDEN_IN_BUNDLE))

    def require_solutions(self, refusal: str) -> None:
        raise BadInput(refusal)

    def unknown_check(self, assignment: str, number: str) -> BadInput:
        return BadInput(_("check {number} of {assignment} is not in this student bundle ({why})").format(
            number=number, assignment=assignment, why=_(HIDDEN_IN_BUNDLE)))


CourseSource = RepositorySource | BundleSource


def choose(solutions_dir: Path, rubrics_dir: Path, public_dir: Path) -> CourseSource:
    """The one decision: a student bundle has no solutions but public fixtures."""
    if not solutions_dir.is_dir() and public_dir.is_dir():
        return BundleSource(public_dir)
    return RepositorySource(rubrics_dir)
