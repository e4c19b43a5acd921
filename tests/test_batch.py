"""Batch grading a class end to end with the real CLI: gradebook, re-runs, faults, kills."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import SUBMISSIONS, failed_numbers

from autograder.channels import batch
from autograder.engine import course

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
EXPECTED = Path(__file__).resolve().parent / "expected" / "example_class_gradebook.csv"


def expected_rows() -> list[dict[str, str]]:
    with EXPECTED.open(newline="") as f:
        return list(csv.DictReader(f))


def expected_results() -> list[tuple[str, str]]:
    """(student, assignment) for every score in the expected gradebook: every result of the run."""
    names = [a.name for a in course.ASSIGNMENTS]
    return [(row["student"], a) for row in expected_rows() for a in names if row.get(a)]


def expected_gradebook(assignment: str) -> str:
    """The expected gradebook of a run of one assignment only: that column, and it as the total."""
    lines = [f"student,{assignment},total"]
    lines += [f"{row['student']},{row[assignment]},{row[assignment]}" for row in expected_rows() if row[assignment]]
    return "\n".join(lines) + "\n"


def class_sources(unzipped: Path) -> dict[tuple[str, str], str]:
    """{(student, assignment): the code graded} for the example class's .py files and the code
    cells of its notebooks (grace.zip unpacked into ``unzipped``)."""
    with zipfile.ZipFile(CLASS / "grace.zip") as zf:
        zf.extractall(unzipped)
    sources = {}
    for folder in [*(p for p in CLASS.iterdir() if p.is_dir()), unzipped / "grace"]:
        for path in folder.rglob("*"):
            assignment = path.stem if path.parent == folder else path.parent.name
            if path.suffix == ".py":
                sources[folder.name, assignment] = path.read_text()
            elif path.suffix == ".ipynb":
                try:
                    cells = json.loads(path.read_text())["cells"]
                except ValueError:  # heidi's broken notebook
                    continue
                code = [c["source"] for c in cells if c["cell_type"] == "code"]
                sources[folder.name, assignment] = "".join(code[-1])
    return sources


def corpus_failures(assignment: str, source: str) -> list[str] | None:
    """The checks the corpus says this exact code fails (all of them for the released stub),
    or None when the code is not a corpus file."""
    if source == (ROOT / "assignments" / f"{assignment}.py").read_text():
        return [c.number for c in course.get(assignment).rubric().checks]
    manifest = json.loads((SUBMISSIONS / assignment / "expected.json").read_text())
    for name, failing in manifest.items():
        if (SUBMISSIONS / assignment / name).read_text() == source:
            return failing
    return None


def grade_cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("grades")
    run = grade_cli(CLASS, "--out", out, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    return out, run


def test_example_class_produces_the_expected_gradebook(graded):
    out, run = graded
    assert (out / "gradebook.csv").read_text() == EXPECTED.read_text()
    assert "notes.txt" in run.stderr  # the stray file is reported, not fatal
    assert len({a for _, a in expected_results()}) == len(course.ASSIGNMENTS)  # the class covers the course
    for student, assignment in expected_results():
        result = json.loads((out / student / f"{assignment}.json").read_text())
        assert result["assignment"] == assignment and result["tests"]
        assert (out / student / f"{assignment}.md").read_text().startswith(f"# {assignment}:")
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.json")) == sorted(
        f"{student}/{assignment}.json" for student, assignment in expected_results())
    summary = (out / "summary.md").read_text()
    assert "Checks by pass rate (hardest first)" in summary and "Score distribution" in summary


def test_example_class_scores_are_the_corpus_verdicts(graded, tmp_path):
    """Each file of the class is a corpus file (or the released stub) and fails exactly the
    visible checks the corpus says it fails, so it loses exactly those checks' points."""
    out, _ = graded
    sources = class_sources(tmp_path)
    outside = set()
    for student, assignment in expected_results():
        result = json.loads((out / student / f"{assignment}.json").read_text())
        source = sources.get((student, assignment))
        failing = None if source is None else corpus_failures(assignment, source)
        if failing is None:
            outside.add(student)
            continue
        visible = [t["number"] for t in result["tests"]]
        assert failed_numbers(result) == [n for n in visible if n in failing], (student, assignment)
        assert result["score"] == sum(t["max_score"] for t in result["tests"] if t["number"] not in failing)
        assert 0 < result["max_score"] and (result["score"] == result["max_score"]) == (not failing)
    assert outside == {"heidi", "mallory"}  # the broken notebook; the example student who pries


def test_batch_scores_equal_single_checks(graded, grade, tmp_path):
    out, _ = graded
    for student_dir in sorted(p for p in CLASS.iterdir() if p.is_dir()):
        files = [p for p in student_dir.rglob("*") if p.suffix in (".py", ".ipynb")
                 and "conv_padding" in p.relative_to(student_dir).as_posix()]
        batch_result = json.loads((out / student_dir.name / "conv_padding.json").read_text())
        try:
            single = grade("conv_padding", files[0], hidden=False)
        except Exception as exc:  # the broken notebook: bad input for `check`
            assert batch_result["score"] == 0 and "could not be graded" in batch_result["output"], exc
            continue
        assert batch_result["score"] == single["score"], student_dir.name
    with zipfile.ZipFile(CLASS / "grace.zip") as zf:
        zf.extractall(tmp_path)
    single = grade("conv_padding", tmp_path / "grace" / "conv_padding.py", hidden=False)
    assert json.loads((out / "grace" / "conv_padding.json").read_text())["score"] == single["score"]


def test_rerun_is_a_noop_and_force_regrades(graded):
    out, _ = graded
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*/*.json")}
    again = grade_cli(CLASS, "--out", out)
    assert again.returncode == 0 and f"graded 0, unchanged since the last run {len(stamps)}" in again.stdout
    assert len(stamps) == len(expected_results())
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/*.json")} == stamps
    forced = grade_cli(CLASS, "--out", out, "--force", "--assignment", "conv_padding")
    assert forced.returncode == 0 and "graded 12, unchanged since the last run 0" in forced.stdout
    assert all((p.stat().st_mtime_ns != stamps[p]) == (p.stem == "conv_padding") for p in stamps)
    assert (out / "gradebook.csv").read_text() == EXPECTED.read_text()


def test_changed_submission_or_rubric_version_is_regraded(tmp_path):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    shutil.copy(CLASS / "alice" / "conv_padding.py", tmp_path / "class" / "alice")
    out = tmp_path / "out"
    assert grade_cli(tmp_path / "class", "--out", out).returncode == 0
    path = tmp_path / "class" / "alice" / "conv_padding.py"
    path.write_text(path.read_text() + "\n# edited\n")
    assert "graded 1," in grade_cli(tmp_path / "class", "--out", out).stdout
    result_file = out / "alice" / "conv_padding.json"
    result = json.loads(result_file.read_text())
    result["extra_data"]["rubric_version"] = "stale"
    result_file.write_text(json.dumps(result))
    assert "graded 1," in grade_cli(tmp_path / "class", "--out", out).stdout


def test_killing_the_run_midway_loses_nothing_and_a_rerun_completes(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(CLASS), "--out", str(out),
                                "--jobs", "1", "--assignment", "conv_padding"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("*/*.json"))) < 3:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = list(out.glob("*/*.json"))
    assert 3 <= len(written) < 12, "the kill should land midway"
    for path in written:
        json.loads(path.read_text())  # atomic: never a half-written result
    rerun = grade_cli(CLASS, "--out", out, "--assignment", "conv_padding")
    assert rerun.returncode == 0
    assert (out / "gradebook.csv").read_text() == expected_gradebook("conv_padding")
    assert f"unchanged since the last run {len(written)}" in rerun.stdout


def test_unknown_assignment_is_bad_input(tmp_path):
    run = grade_cli(CLASS, "--out", tmp_path, "--assignment", "nope")
    assert run.returncode == 2 and "unknown assignment" in run.stderr


def test_a_grader_fault_is_loud_names_the_student_and_others_are_written(tmp_path, monkeypatch):
    for student in ("alice", "bob"):
        shutil.copytree(CLASS / student, tmp_path / "class" / student)
    out = tmp_path / "out"
    real = batch.grading.grade_submission

    def faulty(loaded, *args, **kwargs):
        if "bob" in str(loaded.path):
            raise RuntimeError("simulated bug in the grader")
        return real(loaded, *args, **kwargs)

    monkeypatch.setattr(batch.grading, "grade_submission", faulty)
    seen = []
    run = batch.grade_class(tmp_path / "class", out, assignments=["conv_padding"], jobs=2, hidden=False,
                            force=False, on_start=lambda n: None, on_done=seen.append)
    assert run.faults == ["bob/conv_padding: RuntimeError: simulated bug in the grader"]
    assert (out / "alice" / "conv_padding.json").exists() and not (out / "bob").exists()
    assert "simulated bug" in (out / "summary.md").read_text()
    assert (out / "gradebook.csv").read_text().splitlines()[1].startswith("alice,")


ATTACKS = ("os_exit_at_import", "sys_exit_in_function", "kill_parent", "fd_abuse", "fake_json_output",
           "subprocess_attack", "crash_in_function", "tamper_harness", "write_outside_sandbox", "import_solution")


def test_a_class_of_attacks_completes_with_one_row_per_student(tmp_path):
    attacks = Path(__file__).resolve().parent / "submissions" / "attacks"
    for name in ATTACKS:
        (tmp_path / "class" / name).mkdir(parents=True)
        shutil.copy(attacks / f"{name}.py", tmp_path / "class" / name / "conv_padding.py")
    out = tmp_path / "out"
    run = grade_cli(tmp_path / "class", "--out", out, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    rows = (out / "gradebook.csv").read_text().splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == sorted(ATTACKS)
    scores = {r.split(",")[0]: float(r.split(",")[1]) for r in rows}
    max_score = json.loads((out / "import_solution" / "conv_padding.json").read_text())["max_score"]
    assert all(score < max_score for score in scores.values())
    assert scores["import_solution"] == scores["write_outside_sandbox"] == 0
