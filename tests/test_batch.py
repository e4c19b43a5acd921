"""Batch grading a class end to end with the real CLI: gradebook, re-runs, faults, kills."""
from __future__ import annotations

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

from autograder.channels import batch
from autograder.engine import course

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
EXPECTED = Path(__file__).resolve().parent / "expected" / "example_class_gradebook.csv"


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
    students = [line.split(",")[0] for line in EXPECTED.read_text().splitlines()[1:]]
    for student in students:
        result = json.loads((out / student / "conv_padding.json").read_text())
        assert result["assignment"] == "conv_padding" and result["tests"]
        assert (out / student / "conv_padding.md").read_text().startswith("# conv_padding:")
    summary = (out / "summary.md").read_text()
    assert "Checks by pass rate (hardest first)" in summary and "Score distribution" in summary


def test_batch_scores_equal_single_checks(graded, grade, tmp_path):
    out, _ = graded
    for student_dir in sorted(p for p in CLASS.iterdir() if p.is_dir()):
        files = [p for p in student_dir.rglob("*") if p.suffix in (".py", ".ipynb")]
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
    assert again.returncode == 0 and "graded 0, unchanged since the last run 12" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/*.json")} == stamps
    forced = grade_cli(CLASS, "--out", out, "--force", "--assignment", "conv_padding")
    assert forced.returncode == 0 and "graded 12, unchanged since the last run 0" in forced.stdout
    assert all(p.stat().st_mtime_ns != stamps[p] for p in stamps)
    assert (out / "gradebook.csv").read_text() == EXPECTED.read_text()


def test_changed_submission_or_rubric_version_is_regraded(tmp_path):
    shutil.copytree(CLASS / "alice", tmp_path / "class" / "alice")
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
                                "--jobs", "1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("*/*.json"))) < 3:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = list(out.glob("*/*.json"))
    assert 3 <= len(written) < 12, "the kill should land midway"
    for path in written:
        json.loads(path.read_text())  # atomic: never a half-written result
    rerun = grade_cli(CLASS, "--out", out)
    assert rerun.returncode == 0
    assert (out / "gradebook.csv").read_text() == EXPECTED.read_text()
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
