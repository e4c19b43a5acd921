"""nbgrader integration with the real tools: the released source notebook goes through
`nbgrader generate_assignment` and `nbgrader autograde`, the in-kernel checks agree with the
sandbox, and `dlgrade grade --nbgrader` writes the sandboxed scores into nbgrader's gradebook
(read back by `nbgrader export`). One assignment (conv_padding) keeps this fast."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.nbgraderformat import reads as nbgrader_reads

from autograder.engine import course
from autograder.channels import inline, nbgrader_source, release
from autograder.engine.errors import BadInput
from conftest import SUBMISSIONS, failed_numbers

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NAME = "conv_padding"
CORPUS = json.loads((SUBMISSIONS / NAME / "expected.json").read_text())


def run(*args, cwd, timeout=600):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", TF_CPP_MIN_LOG_LEVEL="3",
               JUPYTER_RUNTIME_DIR=str(Path(cwd) / ".runtime"), PYTHONWARNINGS="ignore")
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def nbgrader(*args, cwd):
    result = run(BIN / "nbgrader", *args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def as_notebook(py_file: Path, target: Path) -> None:
    """A submission notebook made of one .py file's code (a student's notebook, for the sandbox)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(py_file.read_text())])
    nbformat.write(notebook, target)


def export_scores(course_dir: Path) -> dict[str, tuple[float, float]]:
    nbgrader("export", "--to", "grades.csv", cwd=course_dir)
    with open(course_dir / "grades.csv", newline="") as handle:
        return {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A course directory with the released nbgrader config and source, after generate_assignment."""
    assert course.get(NAME).nbgrader_source_path not in release.stale_paths([course.get(NAME)])
    course_dir = tmp_path_factory.mktemp("nbgrader-course")
    shutil.copy(course.NBGRADER_DIR / "nbgrader_config.py", course_dir)
    shutil.copytree(course.NBGRADER_DIR / "source" / NAME, course_dir / "source" / NAME)
    nbgrader("generate_assignment", NAME, cwd=course_dir)
    return course_dir


def copy_course(generated: Path, tmp_path: Path) -> Path:
    course_dir = tmp_path / "course"
    shutil.copytree(generated, course_dir, ignore=shutil.ignore_patterns(".runtime"))
    return course_dir


# --- the source notebook ----------------------------------------------------------------------

def test_source_notebook_has_solutions_and_one_test_cell_per_check():
    rubric = course.get(NAME).rubric()
    text = course.get(NAME).nbgrader_source_path.read_text()
    notebook = nbgrader_reads(text, as_version=4)
    MetadataValidator().validate_nb(notebook)
    tests = [c for c in notebook.cells if c.metadata.nbgrader.grade]
    assert [c.metadata.nbgrader.grade_id for c in tests] == [nbgrader_source.grade_id(c.number)
                                                             for c in rubric.checks]
    assert sum(c.metadata.nbgrader.points for c in tests) == rubric.max_score
    for cell, check in zip(tests, rubric.checks):
        assert f'check("{NAME}", "{check.number}", globals())' in cell.source
        assert ("### BEGIN HIDDEN TESTS" in cell.source) is check.hidden
        assert cell.metadata.nbgrader.locked and not cell.metadata.nbgrader.solution
    solutions = [c for c in notebook.cells if c.metadata.nbgrader.solution]
    assert [c.metadata.nbgrader.grade_id for c in solutions] == ["zero_pad", "conv_output_size", "conv2d", "conv1d"]
    assert all("### BEGIN SOLUTION" in c.source for c in solutions)
    assert "keras_conv2d" not in text  # the solution_only cell stays out
    # Each function's tests come after the cell that defines it.
    ids = [c.metadata.nbgrader.grade_id for c in notebook.cells]
    assert ids.index("conv2d") < ids.index("check_3_1") < ids.index("check_3_12") < ids.index("conv1d")


def test_grade_ids_of_check_numbers_are_distinct():
    assert nbgrader_source.grade_id("3.1") == "check_3_1" != nbgrader_source.grade_id("3.10")


# --- nbgrader generate_assignment and autograde ------------------------------------------------

def test_released_notebook_has_no_solution_and_no_hidden_test(generated):
    text = (generated / "release" / NAME / f"{NAME}.ipynb").read_text()
    hidden = [c for c in course.get(NAME).rubric().checks if c.hidden]
    assert hidden
    for check in hidden:
        assert f'"{check.number}"' not in text and check.name not in text
    for forbidden in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "nhwcab,abco->nhwo", "def as_stride_pair"):
        assert forbidden not in text
    assert text.count('raise NotImplementedError(\\"not implemented yet\\")') == 4


def test_autograde_gives_the_solution_full_marks_and_the_stub_zero(generated, tmp_path):
    course_dir = copy_course(generated, tmp_path)
    for student, source in (("solution", course_dir / "source" / NAME / f"{NAME}.ipynb"),
                            ("stub", course_dir / "release" / NAME / f"{NAME}.ipynb")):
        (course_dir / "submitted" / student / NAME).mkdir(parents=True)
        shutil.copy(source, course_dir / "submitted" / student / NAME / f"{NAME}.ipynb")
    nbgrader("autograde", NAME, cwd=course_dir)
    max_score = course.get(NAME).rubric().max_score
    assert export_scores(course_dir) == {"solution": (max_score, max_score), "stub": (0.0, max_score)}
    graded = (course_dir / "autograded" / "stub" / NAME / f"{NAME}.ipynb").read_text()
    assert "conv2d is not implemented yet" in graded  # the check's feedback, in the cell's error


# --- in-kernel checks agree with the sandbox ---------------------------------------------------

def _namespace(path: Path) -> dict:
    namespace = {"__name__": "__main__"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


def _inline_failures(namespace: dict) -> list[str]:
    failing = []
    for check in course.get(NAME).rubric().checks:
        try:
            inline.check(NAME, check.number, namespace)
        except AssertionError as exc:
            assert str(exc).startswith(f"{check.number} {check.name}\n")
            failing.append(check.number)
    return failing


@pytest.mark.parametrize("file", sorted(CORPUS))
def test_inline_checks_fail_exactly_the_sandboxed_checks(grade, file, capsys):
    path = SUBMISSIONS / NAME / file
    assert _inline_failures(_namespace(path)) == failed_numbers(grade(NAME, path, hidden=True))


def test_inline_feedback_matches_the_sandbox(grade):
    path = SUBMISSIONS / NAME / "flipped_kernel.py"
    sandboxed = {t["number"]: t["output"] for t in grade(NAME, path, hidden=True)["tests"]}
    with pytest.raises(AssertionError) as failure:
        inline.check(NAME, "3.1", _namespace(path))
    assert str(failure.value).split("\n", 1)[1] == sandboxed["3.1"]
    assert "kernel flipped" in sandboxed["3.1"]


def test_inline_unknown_check_is_a_clear_error():
    with pytest.raises(BadInput, match="conv_padding has no check 9.9"):
        inline.check(NAME, "9.9", {})


# --- dlgrade grade --nbgrader ------------------------------------------------------------------

def test_grade_nbgrader_writes_sandboxed_scores_into_the_gradebook(generated, tmp_path, grade):
    course_dir = copy_course(generated, tmp_path)
    submitted = course_dir / "submitted"
    shutil.copytree(course_dir / "source" / NAME, submitted / "solution" / NAME)
    shutil.copytree(course_dir / "release" / NAME, submitted / "stub" / NAME)
    mistake = SUBMISSIONS / NAME / "flipped_kernel.py"
    as_notebook(mistake, submitted / "flipped" / NAME / f"{NAME}.ipynb")
    (submitted / "solution" / NAME / "timestamp.txt").write_text("2024-03-01 12:00:00.000000 UTC")

    result = run(sys.executable, "-m", "autograder", "grade", "--nbgrader", course_dir, "--assignment", NAME,
                 "--jobs", "2", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote the scores of 3 student(s)" in result.stdout

    expected_mistake = grade(NAME, mistake, hidden=True)
    max_score = course.get(NAME).rubric().max_score
    assert 0 < expected_mistake["score"] < max_score
    assert export_scores(course_dir) == {"solution": (max_score, max_score), "stub": (0.0, max_score),
                                         "flipped": (expected_mistake["score"], max_score)}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for test in expected_mistake["tests"]:
            cell = gradebook.find_grade(nbgrader_source.grade_id(test["number"]), NAME, NAME, "flipped")
            assert (cell.auto_score, cell.max_score) == (test["score"], test["max_score"])
            assert not cell.needs_manual_grade
        assert str(gradebook.find_submission(NAME, "solution").timestamp).startswith("2024-03-01 12:00:00")
    assert (course_dir / "dlgrade" / "flipped" / f"{NAME}.md").exists()  # feedback for the student


@pytest.mark.parametrize("args, words", [
    (["--nbgrader", "{course}"], "--nbgrader needs --assignment"),
    (["{course}", "--nbgrader", "{course}", "--assignment", NAME], "either SUBMISSIONS or --nbgrader"),
    (["--nbgrader", "{empty}", "--assignment", NAME], "no nbgrader gradebook"),
])
def test_grade_nbgrader_bad_usage_is_one_clear_line(tmp_path, args, words):
    (tmp_path / "empty" / "submitted").mkdir(parents=True)
    args = [a.format(course=tmp_path, empty=tmp_path / "empty") for a in args]
    result = run(sys.executable, "-m", "autograder", "grade", *args, cwd=ROOT)
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_grade_nbgrader_refuses_links_fifos_and_deep_notebooks_per_student(generated, tmp_path):
    """A linked notebook (the instructor's source, with solutions), a FIFO notebook, a FIFO
    timestamp.txt and a notebook nested 200,000 deep: each is that student's 0 with the
    reason; the honest student is graded, and nothing hangs."""
    import time

    course_dir = copy_course(generated, tmp_path)
    submitted = course_dir / "submitted"
    shutil.copytree(course_dir / "source" / NAME, submitted / "solution" / NAME)
    os.mkfifo(submitted / "solution" / NAME / "timestamp.txt")
    (submitted / "linker" / NAME).mkdir(parents=True)
    os.symlink(os.path.relpath(course_dir / "source" / NAME / f"{NAME}.ipynb", submitted / "linker" / NAME),
               submitted / "linker" / NAME / f"{NAME}.ipynb")
    (submitted / "piper" / NAME).mkdir(parents=True)
    os.mkfifo(submitted / "piper" / NAME / f"{NAME}.ipynb")
    (submitted / "deep" / NAME).mkdir(parents=True)
    (submitted / "deep" / NAME / f"{NAME}.ipynb").write_text('{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}")

    started = time.monotonic()
    result = run(sys.executable, "-m", "autograder", "grade", "--nbgrader", course_dir, "--assignment", NAME,
                 "--jobs", "2", cwd=ROOT)
    assert time.monotonic() - started < 600
    assert result.returncode == 0, result.stdout + result.stderr
    max_score = course.get(NAME).rubric().max_score
    assert export_scores(course_dir) == {"solution": (max_score, max_score), "linker": (0.0, max_score),
                                         "piper": (0.0, max_score), "deep": (0.0, max_score)}
    for student, reason in (("linker", "is a symbolic link"), ("piper", "named pipe (FIFO)"),
                            ("deep", "not a valid notebook")):
        feedback = json.loads((course_dir / "dlgrade" / student / f"{NAME}.json").read_text())
        assert reason in feedback["output"]
        assert reason in result.stderr
