"""The student bundle: built with the real CLI, installed with pip into a fresh virtual
environment, and used from outside the repository: the same public verdicts as the course,
and nothing of the solutions, rubrics or hidden checks inside."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.engine import course
from conftest import SUBMISSIONS

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ("conv_padding", "backprop", "regularization")  # custom comparisons, Keras scenarios


def run(*args, cwd, timeout=600, env=None):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "dlcourse-student"
    args = [a for name in BUNDLED for a in ("--assignment", name)]
    result = run(sys.executable, "-m", "autograder", "bundle", "--student", out, *args, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def installed(bundle, tmp_path_factory):
    """A fresh venv with the bundle pip-installed (dependencies included: a minute or two)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    assert run(sys.executable, "-m", "venv", venv, cwd=venv.parent).returncode == 0
    result = run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", bundle, cwd=venv.parent,
                 timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return venv / "bin"


@pytest.fixture
def outside(tmp_path):
    """A working directory outside the repository."""
    return tmp_path


# --- what is (not) in the bundle -----------------------------------------------------------------

def test_bundle_layout(bundle):
    assert sorted(p.name for p in bundle.iterdir()) == ["README.md", "assignments", "autograder", "pyproject.toml"]
    assert sorted(p.name for p in (bundle / "assignments").iterdir()) == sorted(
        f"{n}{s}" for n in BUNDLED for s in (".ipynb", ".py"))
    assert sorted(p.name for p in (bundle / "autograder" / "public").iterdir()) == sorted(
        [f"{n}{s}" for n in BUNDLED for s in (".json", ".npz")] + ["locale"])
    assert [p.name for p in (bundle / "autograder" / "public" / "locale").rglob("*") if p.is_file()] == ["rubrics.mo"]
    assert (bundle / "autograder" / "exercises" / "backprop.py").exists()
    for name in BUNDLED:
        assert (bundle / "assignments" / f"{name}.py").read_text() == course.get(name).stub_path.read_text()


def solution_code(text: str) -> list[str]:
    """The distinctive lines (40 characters or more) of a solution's solution regions."""
    lines, inside = [], False
    for line in text.splitlines():
        if "BEGIN SOLUTION" in line or "END SOLUTION" in line:
            inside = "BEGIN" in line
        elif inside and len(line.strip()) >= 40 and not line.strip().startswith("#"):
            lines.append(line.strip())
    return lines


def test_bundle_has_no_solutions_rubrics_or_hidden_checks(bundle):
    files = [p for p in bundle.rglob("*") if p.is_file()]
    assert not [p for p in files if "rubrics" in p.parts or "solutions" in p.parts or "__pycache__" in p.parts]
    text = "\n".join(p.read_text(errors="replace") for p in files if p.suffix != ".npz")
    for secret in ("keras_conv2d", "cases_conv2d_hidden_same", "conv2d_flipped"):  # solution_only, rubric
        assert secret not in text
    for name in BUNDLED:
        solution_lines = solution_code(course.get(name).solution_path.read_text())
        assert len(solution_lines) > 10
        assert [line for line in solution_lines if line in text] == []
        for check in course.get(name).rubric().checks:
            if check.hidden:
                assert check.name not in text, check.name


def test_bundle_describes_each_visible_case_in_the_students_language(bundle):
    """The fixtures hold each visible case's description in every language, and the bundle's
    grading shows the one of the language in use (read from this bundle's files)."""
    from autograder.engine import i18n, public_fixtures

    loaded = public_fixtures.load("regularization", bundle / "autograder" / "public")
    visible = course.get("regularization").rubric().select(hidden=False)
    previous = i18n._current
    try:
        for original, stored in zip(visible, loaded.rubric.checks):
            call = original.make_cases()[0]
            stored_call = loaded.reference.expected(stored)[0][0]
            for lang in i18n.LANGUAGES:
                i18n.use(lang)
                assert stored.describe_case(stored_call) == original.describe_case(call, lang)
        i18n.use("ko")
        dropout = loaded.rubric.checks[1]  # 1.2, described in words
        assert dropout.describe_case(loaded.reference.expected(dropout)[0][0]) == \
            "형상 (40, 50)인 입력에 Dropout(0.3, seed=3)"
    finally:
        i18n._current = previous


def test_bundle_refuses_a_folder_that_is_not_empty(bundle):
    result = run(sys.executable, "-m", "autograder", "bundle", "--student", bundle, cwd=ROOT)
    assert result.returncode == 2 and "already exists" in result.stderr and "Traceback" not in result.stderr


# --- installed into a fresh venv -----------------------------------------------------------------

def check_json(binary: Path, name: str, path, cwd: Path) -> dict:
    result = run(binary / "dlgrade", "check", name, path, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def verdicts(result: dict) -> tuple:
    return result["score"], result["max_score"], [(t["number"], t["status"], t["output"]) for t in result["tests"]]


def test_installed_bundle_is_the_one_used(installed, outside):
    result = run(installed / "python", "-c", "import autograder, sys; print(autograder.__file__)", cwd=outside)
    assert str(installed.parent) in result.stdout and str(ROOT) not in result.stdout


@pytest.mark.parametrize("name, file", [
    ("conv_padding", "SOLUTION"),
    ("conv_padding", "STUB"),
    ("conv_padding", "flipped_kernel.py"),
    ("conv_padding", "uses_scipy_correlate2d.py"),
    ("backprop", "SOLUTION"),
    ("backprop", "gradient_check_forward_difference.py"),
    ("regularization", "SOLUTION"),
    ("regularization", "dropout_without_inverse_scaling.py"),
    ("regularization", "batchnorm_unbiased_variance.py"),
])
def test_installed_bundle_gives_the_courses_public_verdicts(installed, outside, grade, name, file):
    path = {"SOLUTION": course.get(name).solution_path, "STUB": course.get(name).notebook_path}.get(
        file, SUBMISSIONS / name / file)
    from_bundle = check_json(installed, name, path, outside)
    assert verdicts(from_bundle) == verdicts(grade(name, path, hidden=False))


def test_installed_bundle_grades_its_own_stub_by_default(installed, bundle, outside):
    (outside / "assignments").mkdir()
    (outside / "assignments" / "conv_padding.py").write_text((bundle / "assignments" / "conv_padding.py").read_text())
    result = check_json(installed, "conv_padding", "assignments/conv_padding.py", outside)
    default = run(installed / "dlgrade", "check", "conv_padding", "--json", cwd=outside)
    assert json.loads(default.stdout)["tests"] == result["tests"]
    assert result["score"] == 0 and all("not implemented yet" in t["output"] for t in result["tests"])


def test_installed_bundle_refuses_hidden_checks_and_lists_assignments(installed, outside):
    hidden = run(installed / "dlgrade", "check", "conv_padding", course.get("conv_padding").solution_path,
                 "--hidden", cwd=outside)
    assert hidden.returncode == 2
    assert hidden.stderr.strip() == ("dlgrade: hidden checks are not available in a student bundle: "
                                     "your instructor runs them when grading")
    listing = run(installed / "dlgrade", "list", cwd=outside, env={"COLUMNS": "200"})
    assert listing.returncode == 0 and "18 visible + 4 hidden" in listing.stdout
    missing = run(installed / "dlgrade", "check", "cross_entropy", cwd=outside)
    assert missing.returncode == 2 and "not in this student bundle" in missing.stderr


def test_installed_bundle_runs_nbgraders_test_cells_in_the_kernel(installed, outside):
    """The released nbgrader notebook's test cells, run where a student has the bundle."""
    script = f"""
import runpy
from autograder.engine.errors import BadInput
from autograder.channels.inline import check
solution = runpy.run_path({str(course.get("conv_padding").solution_path)!r}, run_name="solution")
check("conv_padding", "3.1", solution)
stub = runpy.run_path("stub.py", run_name="stub")
try:
    check("conv_padding", "3.1", stub)
except AssertionError as failure:
    print("STUB FAILS:", str(failure).splitlines()[-1])
try:
    check("conv_padding", "3.11", solution)
except BadInput as refused:
    print("HIDDEN:", refused)
"""
    (outside / "stub.py").write_text(course.get("conv_padding").stub_path.read_text())
    result = run(installed / "python", "-c", script, cwd=outside)
    assert result.returncode == 0, result.stderr
    assert "3.1 conv2d: lecture example (HW #7) with zero padding 1: passed (0.5 points)" in result.stdout
    assert "STUB FAILS: conv2d is not implemented yet." in result.stdout
    assert "HIDDEN: check 3.11 of conv_padding is not in this student bundle" in result.stdout
