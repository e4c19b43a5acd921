"""The files that decide a score, declared once per assignment (course.Assignment.score_files),
drive batch grading's regrade key, the sandbox's private paths and the student bundle's
exclusions alike."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from autograder.channels import bundle
from autograder.engine import cache, course, grading

ROOT = Path(__file__).resolve().parent.parent


def test_every_assignment_declares_its_score_files():
    for assignment in course.ASSIGNMENTS:
        files = assignment.score_files()
        names = {str(p.relative_to(course.ROOT)) for p in files}
        assert {f"autograder/rubrics/{assignment.name}.py", f"solutions/{assignment.name}.py",
                f"autograder/exercises/{assignment.name}.py", "autograder/exercises/lecture.py",
                "autograder/engine/compare.py", "autograder/engine/grading.py"} <= names
        assert set(assignment.private_score_files()) <= set(files)


def test_private_paths_and_bundle_exclusions_come_from_the_declaration():
    roots = {p.parent for a in course.ASSIGNMENTS for p in a.private_score_files()}
    assert roots == {course.RUBRICS_DIR, course.SOLUTIONS_DIR}
    cached = {p for p in (cache.folder(),) if p is not None}  # the reference cache (cache.py)
    assert {Path(p) for p in grading.private_paths()} == roots | cached
    assert "rubrics" in bundle.PRIVATE


def _grade(course_root: Path, submissions: Path, out: Path) -> subprocess.CompletedProcess:
    # cwd first on sys.path: the copy's autograder package (and its solutions) is the one that runs
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(submissions), "--out", str(out),
                           "--assignment", "cross_entropy"],
                          cwd=course_root, capture_output=True, text=True, timeout=600)


def test_changing_a_comparison_file_regrades(tmp_path):
    copy = tmp_path / "course"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("autograder", "solutions", "assignments"):
        shutil.copytree(ROOT / part, copy / part, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    student = tmp_path / "class" / "alice"
    student.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "submissions" / "cross_entropy" / "correct_float32.py", student / "cross_entropy.py")
    out = tmp_path / "out"
    first = _grade(copy, tmp_path / "class", out)
    assert first.returncode == 0, first.stderr
    again = _grade(copy, tmp_path / "class", out)
    assert "graded 0," in again.stdout, again.stdout
    comparison = copy / "autograder" / "exercises" / "cross_entropy.py"
    comparison.write_text(comparison.read_text() + "\n# a tolerance changed\n")
    changed = _grade(copy, tmp_path / "class", out)
    assert changed.returncode == 0, changed.stderr
    assert "graded 1," in changed.stdout, changed.stdout
