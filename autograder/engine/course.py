"""The seven assignments of the course: names, files, and where their rubrics live.

Two ways to run: in the course repository (``solutions/`` and ``autograder/rubrics/`` next
to the package: every check, graded against the reference solution), or from a student
bundle (``dlgrade bundle --student``: no solutions and no rubrics, but the public fixtures in
``autograder/public/``: the visible checks, graded against precomputed outputs). ``source()``
chooses which (``source.py``); an assignment's rubric and reference come from it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from autograder import __version__
from .errors import BadInput
from .i18n import _
from .rubric import Rubric
from .source import CourseSource, choose

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # autograder/
ROOT = PACKAGE_DIR.parent
SOLUTIONS_DIR = ROOT / "solutions"
ASSIGNMENTS_DIR = ROOT / "assignments"
RUBRICS_DIR = PACKAGE_DIR / "rubrics"
PUBLIC_DIR = PACKAGE_DIR / "public"  # the public fixtures; only in a student bundle
NBGRADER_DIR = ROOT / "nbgrader"  # nbgrader course files written by `dlgrade release`
EXERCISES_DIR = PACKAGE_DIR / "exercises"  # the public side: scenarios and custom comparisons

# The engine modules that turn returned values into scores, for every assignment.
ENGINE_FILES = tuple(PACKAGE_DIR / name for name in (
    "__init__.py", "engine/grading.py", "engine/compare.py", "engine/rubric.py", "engine/reference.py", "engine/cache.py",
    "engine/result.py", "engine/source.py", "engine/public_fixtures.py", "exercises/__init__.py",
    "exercises/lecture.py", "engine/sandbox/calls.py"))


def source() -> CourseSource:
    """The course repository's rubrics and solutions, or a student bundle's public fixtures."""
    return choose(SOLUTIONS_DIR, RUBRICS_DIR, PUBLIC_DIR)


@dataclass(frozen=True)
class Assignment:
    name: str
    title: str

    @property
    def solution_path(self) -> Path:
        return SOLUTIONS_DIR / f"{self.name}.py"

    @property
    def stub_path(self) -> Path:
        return _assignments_dir() / f"{self.name}.py"

    @property
    def notebook_path(self) -> Path:
        return _assignments_dir() / f"{self.name}.ipynb"

    @property
    def nbgrader_source_path(self) -> Path:
        """The nbgrader source notebook (solutions and test cells) that `dlgrade release` writes."""
        return NBGRADER_DIR / "source" / self.name / f"{self.name}.ipynb"

    def score_files(self) -> tuple[Path, ...]:
        """Every file that decides this assignment's scores, declared once: batch grading's
        regrade key (``batch.rubric_version``) hashes them all; the private ones
        (``private_score_files``) are what the sandbox hides and a student bundle leaves out."""
        return self.private_score_files() + (
            EXERCISES_DIR / f"{self.name}.py", EXERCISES_DIR / f"{self.name}_compare.py",
            EXERCISES_DIR / f"{self.name}_keras.py") + ENGINE_FILES

    def score_version(self, *salt: str) -> str:
        """A hash of every score file (``score_files``), the package version and ``salt``: it
        changes whenever anything that decides this assignment's scores changes. Batch
        grading's regrade key (salted with the hidden flag) and the reference cache's key
        (salted with the library versions, ``cache.py``) are this one hash."""
        digest = hashlib.sha256("|".join((__version__,) + salt).encode())
        for path in self.score_files():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
            digest.update(path.read_bytes() if path.exists() else b"<absent>")
            digest.update(b"\0")
        return digest.hexdigest()[:16]

    def private_score_files(self) -> tuple[Path, ...]:
        """The score-deciding files students never see: the rubric (with its diagnoses, cases
        and case descriptions) and the solution."""
        return (RUBRICS_DIR / f"{self.name}.py", RUBRICS_DIR / f"{self.name}_diagnoses.py",
                RUBRICS_DIR / f"{self.name}_cases.py", RUBRICS_DIR / f"{self.name}_descriptions.py",
                self.solution_path)

    @property
    def available(self) -> bool:
        """Whether the assignment has its solution and rubric yet (in a bundle: its fixtures)."""
        return source().available(self)

    def rubric(self) -> Rubric:
        """All checks; in a student bundle only the visible ones, rebuilt from the fixtures.
        BadInput for an assignment that is not available."""
        return source().rubric(self)

    def reference(self):
        """What to grade against: the solution's outputs (``reference.Reference``), or in a
        student bundle the public fixtures' (same interface, visible checks only)."""
        return source().reference(self)

    def hidden_checks(self) -> tuple[int, float]:
        """(number of hidden checks, their points): known in a bundle too, their content not."""
        return source().hidden_checks(self)


def private_roots() -> tuple[Path, ...]:
    """The folders that hold private score files (``Assignment.private_score_files``): the
    sandbox forbids them whole (compiled caches included), a student bundle omits them."""
    roots = {path.parent for assignment in ASSIGNMENTS for path in assignment.private_score_files()}
    return tuple(sorted(roots))


def _assignments_dir() -> Path:
    """``assignments/`` next to the package; for a bundle installed into site-packages, the
    ``assignments/`` folder of the current directory (the unpacked bundle)."""
    return source().assignments_dir(ASSIGNMENTS_DIR)


ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment("conv_padding", "Convolution with zero padding"),
    Assignment("cross_entropy", "Information theory and the cross-entropy objective"),
    Assignment("softmax_loglik", "Softmax and the log-likelihood objective"),
    Assignment("backprop", "Forward and backward through dense layers"),
    Assignment("optimizers", "Custom Keras optimizers"),
    Assignment("initializers", "Weight initialization"),
    Assignment("regularization", "Dropout, batch normalization, weight decay, early stopping"),
)


def get(name: str) -> Assignment:
    for assignment in ASSIGNMENTS:
        if assignment.name == name:
            return assignment
    names = ", ".join(a.name for a in ASSIGNMENTS)
    raise BadInput(_("unknown assignment '{name}' (known: {names})").format(name=name, names=names))
