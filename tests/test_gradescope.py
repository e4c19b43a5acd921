"""The Gradescope autograder: the zip built by the real CLI, unpacked into a temporary root laid
out like Gradescope's ``/autograder`` (source/, submission/, results/), and its
``run_autograder`` run on a solution, a stub, a notebook and a file it cannot grade."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.engine import course
from autograder.channels import gradescope, release

ROOT = Path(__file__).resolve().parent.parent
NAME = "conv_padding"


def cli(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {})))


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    result = cli("gradescope", NAME, "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def unpack(zip_path: Path, root: Path) -> Path:
    """What Gradescope does: the zip into root/source, the venv setup.sh would make (here: the
    test's own interpreter environment), an empty submission/ folder."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # extractall drops the mode bits
            mode = info.external_attr >> 16
            if mode & stat.S_IXUSR:
                path = root / "source" / info.filename
                path.chmod(path.stat().st_mode | stat.S_IXUSR)
    (root / "venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    (root / "submission").mkdir()
    return root


def run_autograder(root: Path) -> tuple[subprocess.CompletedProcess, dict | None]:
    result = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, capture_output=True,
                            text=True, timeout=600,
                            env=dict(os.environ, DLGRADE_AUTOGRADER_ROOT=str(root), TF_CPP_MIN_LOG_LEVEL="3"))
    results = root / "results" / "results.json"
    return result, (json.loads(results.read_text()) if results.exists() else None)


def test_zip_holds_the_entry_points_and_one_solution_and_no_other(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = archive.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        setup = archive.read("setup.sh").decode()
    assert "setup.sh" in names and "run_autograder" in names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert "course/pyproject.toml" in names
    assert f"course/autograder/rubrics/{NAME}.py" in names  # the grader needs the hidden checks
    solutions = [n for n in names if n.startswith("course/solutions/")]
    assert solutions == [f"course/solutions/{NAME}.py"]
    assert not [n for n in names if "__pycache__" in n or n.startswith("course/tests/")]
    assert "pip install" in setup and "/autograder/source/course" in setup
    assert subprocess.run(["bash", "-n"], input=setup, text=True).returncode == 0


def test_zip_is_reproducible(autograder_zip, tmp_path):
    again = tmp_path / "again.zip"
    assert cli("gradescope", NAME, "--out", again).returncode == 0
    assert again.read_bytes() == autograder_zip.read_bytes()


def test_solution_gets_full_marks_with_hidden_checks_after_published(autograder_zip, tmp_path):
    root = unpack(autograder_zip, tmp_path / "autograder")
    shutil.copy(course.get(NAME).solution_path, root / "submission" / f"{NAME}.py")
    process, results = run_autograder(root)
    assert process.returncode == 0, process.stdout + process.stderr
    rubric = course.get(NAME).rubric()
    assert results["score"] == pytest.approx(rubric.max_score)
    assert len(results["tests"]) == len(rubric.checks)
    for test, check in zip(results["tests"], rubric.checks):
        assert set(test) == {"name", "number", "score", "max_score", "status", "visibility", "output"}
        assert (test["name"], test["number"], test["status"]) == (check.name, check.number, "passed")
        assert test["score"] == test["max_score"] == check.points
        assert test["visibility"] == ("after_published" if check.hidden else "visible")


def test_stub_notebook_scores_zero_with_not_implemented(autograder_zip, tmp_path):
    root = unpack(autograder_zip, tmp_path / "autograder")
    notebook = release.notebook_text(release.make_notebook(
        course.get(NAME).stub_path.read_text(), NAME))
    (root / "submission" / "my work.ipynb").write_text(notebook)  # the only notebook: graded
    process, results = run_autograder(root)
    assert process.returncode == 0, process.stdout + process.stderr
    assert results["score"] == 0
    assert all(t["status"] == "failed" and "not implemented" in t["output"] for t in results["tests"])


def test_a_file_that_cannot_be_graded_scores_zero_with_the_reason(autograder_zip, tmp_path):
    root = unpack(autograder_zip, tmp_path / "autograder")
    (root / "submission" / f"{NAME}.ipynb").write_text("{ this is not json")
    process, results = run_autograder(root)
    assert process.returncode == 0, process.stdout + process.stderr
    assert results["score"] == 0
    assert "could not be graded" in results["tests"][0]["output"]
    assert "JSON" in results["output"] or "notebook" in results["output"]


def test_an_unavailable_or_unknown_assignment_is_bad_input(tmp_path):
    result = cli("gradescope", "no_such_assignment", "--out", tmp_path / "a.zip")
    assert result.returncode == 2 and "no_such_assignment" in result.stderr
    assert not (tmp_path / "a.zip").exists()


def test_find_submission_prefers_the_assignment_name(tmp_path):
    (tmp_path / "notes.py").write_text("")
    (tmp_path / f"{NAME}.py").write_text("")
    assert gradescope.find_submission(tmp_path, NAME).name == f"{NAME}.py"
    (tmp_path / f"{NAME}.py").unlink()
    (tmp_path / "other.py").write_text("")
    with pytest.raises(Exception, match="could not tell which file"):
        gradescope.find_submission(tmp_path, NAME)
