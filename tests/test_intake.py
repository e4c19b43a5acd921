"""Hostile intake and hostile text, each built for real in tmp_path: links to the solution,
FIFOs, devices, sockets, notebooks nested 200,000 deep, zips with nameless members, student
names that shadow the run's outputs or start a spreadsheet formula, duplicate students, and
escape sequences printed by a submission. Each must end as that student's row (or one clear
line and exit 2 for `dlgrade check`), never as a hang, a crash of the class or a full score."""
from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

from autograder.engine import course, report, safetext, submission
from autograder.channels import discover, gradebook
from autograder.engine.errors import BadInput
from autograder.engine.result import Result
from autograder.channels.outputs import OutputFolder

ROOT = Path(__file__).resolve().parent.parent
NAME = "conv_padding"
SOLUTION = course.get(NAME).solution_path
STUB = course.get(NAME).stub_path
NAMES = [NAME, "cross_entropy"]
HANG = 120  # seconds: generous, only proves "does not hang"

# Prints and raises terminal escape sequences: clear screen, a fake green score, a window
# title, a clipboard write (OSC 52), a carriage return overwriting a line, a C1 CSI.
ESCAPES = "\x1b[2J\x1b[H\x1b[32mScore: 11 / 11\x1b[0m\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\rall passed\x9b1m"
HOSTILE_PRINTER = f"""
print({ESCAPES!r})
def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    print({ESCAPES!r})
    raise ValueError({ESCAPES!r} + " [bold red]markup[/bold red]")
"""


def dlgrade(*args, timeout=600, env=None):
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=ROOT,
                            capture_output=True, text=True, timeout=timeout,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(env or {})))
    return result, time.monotonic() - started


def write(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def deep_notebook(path: Path, depth: int = 200_000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"cells": ' + "[" * depth + "]" * depth + ', "nbformat": 4, "nbformat_minor": 5}')
    return path


def zip_with_member(path: Path, member: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(member), "x = 1\n")
    return path


def relative_link(link: Path, target: Path) -> Path:
    """A relative link, as a git checkout or a tarball holds it."""
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(target, link.parent), link)
    return link


def finishes(function, *args):
    """Run ``function(*args)`` in a thread; its result or exception, failing if it hangs."""
    box = {}

    def target():
        try:
            box["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), f"{function.__name__} hung on {args}"
    return box


# --- one file: submission.load / read_safely ---------------------------------------------------

@pytest.mark.parametrize("kind", ["absolute", "relative"])
def test_a_link_to_the_solution_is_refused_without_reading_it(tmp_path, kind):
    link = tmp_path / "student" / f"{NAME}.py"
    link.parent.mkdir()
    if kind == "absolute":
        os.symlink(SOLUTION, link)
    else:
        relative_link(link, SOLUTION)
    with pytest.raises(BadInput, match="is a symbolic link, not a regular file"):
        submission.load(link)


def test_a_fifo_is_refused_at_once_not_read(tmp_path):
    fifo = tmp_path / f"{NAME}.ipynb"
    os.mkfifo(fifo)
    box = finishes(submission.load, fifo)
    assert isinstance(box.get("error"), BadInput) and "named pipe (FIFO)" in str(box["error"])
    # Also when the check is raced: the descriptor opened with O_NONBLOCK is what is checked.
    box = finishes(submission.read_safely, fifo)
    assert isinstance(box.get("error"), BadInput)


def test_sockets_devices_and_directories_are_refused(tmp_path):
    sock_path = tmp_path / f"{NAME}.py"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        with pytest.raises(BadInput, match="is a socket"):
            submission.load(sock_path)
    finally:
        server.close()
    device = tmp_path / "dev" / f"{NAME}.py"
    device.parent.mkdir()
    os.mknod(device, 0o600 | 0o020000, os.makedev(1, 5))  # /dev/zero's numbers: endless input
    with pytest.raises(BadInput, match="is a device"):
        submission.load(device)
    (tmp_path / "folder.py").mkdir()
    with pytest.raises(BadInput, match="is a directory"):
        submission.load(tmp_path / "folder.py")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / f"{NAME}.py"
    with open(big, "wb") as handle:
        handle.truncate(submission.MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(BadInput, match="larger than 20 MB"):
        submission.load(big)


def test_a_folder_on_the_way_that_is_a_link_is_refused_under_a_root(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "elsewhere" / f"{NAME}.py")
    root = tmp_path / "class"
    root.mkdir()
    os.symlink(tmp_path / "elsewhere", root / "ann")
    with pytest.raises(BadInput, match="'ann' on its way is a link"):
        submission.read_safely(root / "ann" / f"{NAME}.py", root=root)


def test_a_notebook_nested_200000_deep_is_bad_input(tmp_path):
    box = finishes(submission.load, deep_notebook(tmp_path / f"{NAME}.ipynb"))
    assert isinstance(box.get("error"), BadInput) and "not a valid notebook" in str(box["error"])


# --- a class folder: discover -------------------------------------------------------------------

def items_of(root: Path, tmp_path: Path, names=NAMES) -> dict[str, list[discover.Item]]:
    found = discover.discover(root, names, tmp_path / "work")
    by_student: dict[str, list[discover.Item]] = {}
    for item in found.items:
        by_student.setdefault(item.student, []).append(item)
    return by_student


def test_links_fifos_in_student_folders_and_nbgrader_folders_are_that_students_problem(tmp_path):
    root = tmp_path / "class"
    write(root / "ok" / f"{NAME}.py")
    relative_link(root / "linker" / f"{NAME}.py", SOLUTION)
    (root / "piper").mkdir()
    os.mkfifo(root / "piper" / f"{NAME}.py")
    relative_link(root / "nbg" / NAME / f"{NAME}.ipynb", SOLUTION)
    os.symlink(SOLUTION.parent, root / "folderlink")  # the student folder itself is a link
    by_student = finishes(items_of, root, tmp_path)["value"]
    assert [i.problem for i in by_student["ok"]] == [None]
    assert "is a symbolic link" in by_student["linker"][0].problem
    assert "named pipe" in by_student["piper"][0].problem
    assert "is a symbolic link" in by_student["nbg"][0].problem
    assert "folderlink is a symbolic link" in by_student["folderlink"][0].problem


@pytest.mark.parametrize("member", [".", "", "./", "/"])
def test_a_zip_whose_member_has_no_name_is_that_students_row(tmp_path, member):
    root = tmp_path / "class"
    write(root / "ok" / f"{NAME}.py")
    zip_with_member(root / "zed.zip", member)
    by_student = items_of(root, tmp_path)
    assert [(i.assignment, i.problem is not None) for i in by_student["zed"]] == [(NAME, True)]
    assert by_student["zed"][0].problem.startswith("zed.zip refused:")


def test_a_fifo_or_link_named_zip_is_refused_without_blocking(tmp_path):
    root = tmp_path / "class"
    write(root / "ok" / f"{NAME}.py")
    os.mkfifo(root / "pipe.zip")
    os.symlink(tmp_path / "missing.zip", root / "dangling.zip")
    by_student = finishes(items_of, root, tmp_path)["value"]
    assert "named pipe" in by_student["pipe"][0].problem
    assert "symbolic link" in by_student["dangling"][0].problem


def test_duplicate_student_names_are_one_reported_error_listing_both(tmp_path):
    root = tmp_path / "class"
    write(root / "bob" / f"{NAME}.py")
    with zipfile.ZipFile(root / "bob.zip", "w") as zf:
        zf.writestr(f"{NAME}.py", "x = 2\n")
    by_student = items_of(root, tmp_path)
    [item] = by_student["bob"]
    assert item.problem.startswith("two submissions for the student name 'bob': bob/ and bob.zip")


@pytest.mark.parametrize("name", ["gradebook.csv", "summary.md", "GRADEBOOK.CSV", "-rf", "=1+2",
                                  "\x1b[2Jx", "a b", "x" * 150, "caf\udce9", "_taken", "é..x"])
def test_unsafe_student_names_get_a_distinct_folder(name):
    folder = discover.folder_for(name)
    assert folder != name and folder.startswith("_") and len(folder) < 60
    assert folder.lower() not in discover.RESERVED and "/" not in folder
    assert discover.folder_for(name + "!") != folder  # different names, different folders
    assert all(c.isascii() and c.isprintable() for c in folder)


@pytest.mark.parametrize("name", ["alice", "bob.smith", "김철수", "a@b.edu", "x_1-2"])
def test_ordinary_student_names_keep_their_folder(name):
    assert discover.folder_for(name) == name


# --- text safety ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\\x09x"), ("\rx", "'\\x0dx"), ("ann", "ann"),
    ("a\nb\x1b", "a\\x0ab\\x1b")])
def test_csv_cells_are_formula_safe(cell, written):
    assert safetext.csv_cell(cell) == written


def test_control_characters_are_made_visible_and_fences_hold():
    assert safetext.visible(ESCAPES) == ("\\x1b[2J\\x1b[H\\x1b[32mScore: 11 / 11\\x1b[0m\\x1b]0;pwned\\x07"
                                         "\\x1b]52;c;cm0gLXJmIH4=\\x07\\x0dall passed\\x9b1m")
    assert safetext.visible("a\tb\nc\u202ed\udce9") == "a\tb\nc\\u202ed\\udce9"
    block = safetext.markdown_block("```\nescape\n````")
    assert block[0] == block[-1] == "`````"


def test_the_gradebook_escapes_hostile_student_names(tmp_path):
    result = {"assignment": NAME, "score": 1.0, "max_score": 2.0, "tests": []}
    results = {f"_f{i}": {NAME: Result.from_json(dict(result, extra_data={"student": name}))}
               for i, name in enumerate(["=cmd|' /C calc'!A0", "+1", "-1", "@x", "\x1b]0;t\x07"])}
    rows = list(csv.reader(io.StringIO(gradebook.gradebook_csv(results))))
    assert sorted(row[0] for row in rows[1:]) == sorted(["'=cmd|' /C calc'!A0", "'+1", "'-1", "'@x",
                                                         "\\x1b]0;t\\x07"])


def hostile_result() -> Result:
    test = {"name": "conv2d: x", "number": "1.1", "score": 0.0, "max_score": 1.0, "status": "failed",
            "visibility": "visible", "output": ESCAPES + " [bold red]markup[/bold red] ```"}
    return Result.from_json({"assignment": NAME, "score": 0.0, "max_score": 1.0, "execution_time": 0.1,
                             "output": ESCAPES, "tests": [test]})


def test_the_terminal_report_shows_escapes_instead_of_acting_on_them():
    buffer = io.StringIO()
    report.print_result(hostile_result(), Console(file=buffer, width=200, color_system=None))
    shown = buffer.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown and "\x9b" not in shown
    assert "\\x1b]0;pwned\\x07" in shown and "[bold red]markup[/bold red]" in shown


def test_markdown_feedback_and_gradescope_output_show_escapes(tmp_path):
    markdown = report.to_markdown(hostile_result())
    assert "\x1b" not in markdown and "\\x1b]52;c;" in markdown
    assert "\n````\n" in markdown  # a fence the ``` in the output cannot close
    results = hostile_result().to_gradescope()
    text = json.dumps(results, ensure_ascii=False)
    assert "\x1b" not in text and "\x07" not in text and "\\\\x1b[2J" in text


# --- dlgrade check ------------------------------------------------------------------------------

def test_check_refuses_a_link_a_fifo_and_a_directory_in_one_line(tmp_path):
    link = relative_link(tmp_path / "link.py", SOLUTION)
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    (tmp_path / "folder").mkdir()
    for path, words in ((link, "is a symbolic link"), (fifo, "is a named pipe (FIFO)"),
                        (tmp_path / "folder", "is a directory")):
        result, seconds = dlgrade("check", NAME, path, timeout=HANG)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.count("\n") == 1 and words in result.stderr and "Traceback" not in result.stderr
        assert seconds < HANG


def test_check_shows_a_submissions_escape_sequences_as_text(tmp_path):
    path = write(tmp_path / f"{NAME}.py", STUB.read_text() + HOSTILE_PRINTER)
    result, _ = dlgrade("check", NAME, path)
    assert result.returncode == 0, result.stderr
    for raw in ("\x1b", "\x07", "\x9b", "\r"):
        assert raw not in result.stdout
    assert "\\x1b]0;pwned\\x07" in result.stdout and "[bold red]markup" in result.stdout


# --- a whole class with the real CLI: every hostile input is its own row ---------------------------

FORMULA_NAMES = ("=1+2", "+SUM(A1)", "-2", "@cmd")


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "class"
    write(root / "alice" / f"{NAME}.py", SOLUTION.read_text())  # the one honest full score
    (root / "abs").mkdir(parents=True)
    os.symlink(SOLUTION, root / "abs" / f"{NAME}.py")
    relative_link(root / "rel" / f"{NAME}.py", SOLUTION)
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo" / f"{NAME}.py")
    deep_notebook(root / "deep" / f"{NAME}.ipynb")
    zip_with_member(root / "dot.zip", ".")
    zip_with_member(root / "empty.zip", "")
    for shadow in ("gradebook.csv", "summary.md"):
        write(root / shadow / f"{NAME}.py", STUB.read_text())
    for name in FORMULA_NAMES:
        write(root / name / f"{NAME}.py", STUB.read_text())
    write(root / "bob" / f"{NAME}.py", SOLUTION.read_text())
    with zipfile.ZipFile(root / "bob.zip", "w") as zf:
        zf.writestr(f"{NAME}.py", STUB.read_text())
    write(root / "printer" / f"{NAME}.py", STUB.read_text() + HOSTILE_PRINTER)
    write(root / "\x1b]0;title\x07eve" / f"{NAME}.py", STUB.read_text())
    out = tmp / "out"
    result, seconds = dlgrade("grade", root, "--out", out, "--jobs", "2", timeout=900)
    rows = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text(encoding="utf-8"))))
    return {"out": out, "result": result, "seconds": seconds, "rows": {r[0]: r for r in rows[1:]},
            "header": rows[0]}


def row_result(hostile_class, student: str) -> dict:
    folder = discover.folder_for(student)
    return json.loads((hostile_class["out"] / folder / f"{NAME}.json").read_text(encoding="utf-8"))


def test_the_hostile_class_completes_in_bounded_time_with_a_row_each(hostile_class):
    result = hostile_class["result"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert hostile_class["seconds"] < 600
    assert hostile_class["header"] == ["student", NAME, "total"]
    assert len(hostile_class["rows"]) == 16
    max_score = row_result(hostile_class, "alice")["max_score"]
    assert max_score > 0 and hostile_class["rows"]["alice"][1:] == [f"{max_score:g}"] * 2


@pytest.mark.parametrize("student", ["abs", "rel"])
def test_a_linked_solution_scores_zero_with_the_reason_in_the_class(hostile_class, student):
    assert hostile_class["rows"][student][1] == "0"
    assert "is a symbolic link, not a regular file" in row_result(hostile_class, student)["output"]


def test_a_fifo_does_not_hang_the_class_and_is_its_row(hostile_class):
    assert hostile_class["rows"]["fifo"][1] == "0"
    assert "named pipe (FIFO)" in row_result(hostile_class, "fifo")["output"]


def test_a_deeply_nested_notebook_is_its_row(hostile_class):
    assert hostile_class["rows"]["deep"][1] == "0"
    assert "not a valid notebook" in row_result(hostile_class, "deep")["output"]


@pytest.mark.parametrize("student", ["dot", "empty"])
def test_a_zip_with_a_nameless_member_is_its_row(hostile_class, student):
    assert hostile_class["rows"][student][1] == "0"
    assert "has no file name" in row_result(hostile_class, student)["output"]


def test_student_names_cannot_shadow_the_gradebook_or_summary(hostile_class):
    out = hostile_class["out"]
    assert (out / "gradebook.csv").is_file() and (out / "summary.md").is_file()
    assert (out / "summary.md").read_text().startswith("# Class summary")
    for shadow in ("gradebook.csv", "summary.md"):
        assert hostile_class["rows"][shadow][1] == "0"  # the stub, graded under another folder
        folder = discover.folder_for(shadow)
        assert f"results are in the folder '{folder}'" in row_result(hostile_class, shadow)["output"]
        assert f"'{shadow}' -> {folder}/" in (out / "summary.md").read_text()


def test_formula_names_are_escaped_in_the_gradebook(hostile_class):
    raw = (hostile_class["out"] / "gradebook.csv").read_text()
    for name in FORMULA_NAMES:
        assert hostile_class["rows"]["'" + name][1] == "0"
        assert "\n" + name not in raw and "\n\"" + name not in raw


def test_duplicate_names_are_an_error_for_that_name_and_nothing_overwrites(hostile_class):
    assert hostile_class["rows"]["bob"][1] == "0"
    output = row_result(hostile_class, "bob")["output"]
    assert "two submissions for the student name 'bob': bob/ and bob.zip; neither was graded" in output
    assert "bob/ and bob.zip" in hostile_class["result"].stderr
    assert "two submissions for the student name 'bob'" in (hostile_class["out"] / "summary.md").read_text()


def test_escape_sequences_never_reach_the_terminal_or_the_files(hostile_class):
    result, out = hostile_class["result"], hostile_class["out"]
    for text in (result.stdout, result.stderr, (out / "gradebook.csv").read_text(),
                 (out / "summary.md").read_text(), (out / "printer" / f"{NAME}.md").read_text()):
        for raw in ("\x1b", "\x07", "\x9b", "\r"):
            assert raw not in text
    assert "\\x1b]0;pwned\\x07" in (out / "printer" / f"{NAME}.md").read_text()
    assert "\\x1b]0;title\\x07eve" in hostile_class["rows"]
    assert "\\x1b]0;title\\x07eve" in result.stdout


# --- Gradescope: /autograder/submission/ --------------------------------------------------------

def gradescope_run(root: Path) -> tuple[subprocess.CompletedProcess, dict]:
    result, seconds = dlgrade("gradescope", NAME, "--run", "--root", root, timeout=HANG * 3)
    assert seconds < HANG * 3 and result.returncode == 0, result.stdout + result.stderr
    return result, json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["absolute", "relative", "folder"])
def test_gradescope_refuses_a_linked_solution(tmp_path, kind):
    submitted = tmp_path / "autograder" / "submission"
    submitted.mkdir(parents=True)
    if kind == "absolute":
        os.symlink(SOLUTION, submitted / f"{NAME}.py")
    elif kind == "relative":
        relative_link(submitted / f"{NAME}.py", SOLUTION)
    else:  # a linked folder is not looked into
        os.symlink(SOLUTION.parent, submitted / "work")
    _, results = gradescope_run(tmp_path / "autograder")
    assert results["score"] == 0 and all(t["score"] == 0 for t in results["tests"])
    reason = "is a symbolic link" if kind != "folder" else "linked folders are not looked into"
    assert reason in results["output"] and reason in results["tests"][0]["output"]


def test_gradescope_refuses_a_fifo_without_hanging(tmp_path):
    submitted = tmp_path / "autograder" / "submission"
    submitted.mkdir(parents=True)
    os.mkfifo(submitted / f"{NAME}.ipynb")
    _, results = gradescope_run(tmp_path / "autograder")
    assert results["score"] == 0 and "named pipe (FIFO)" in results["output"]


def test_gradescope_results_show_escape_sequences_as_text(tmp_path):
    write(tmp_path / "autograder" / "submission" / f"{NAME}.py", STUB.read_text() + HOSTILE_PRINTER)
    _, results = gradescope_run(tmp_path / "autograder")
    text = json.dumps(results, ensure_ascii=False)
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert any("\\x1b]0;pwned\\x07" in t["output"] for t in results["tests"])


def test_hidden_student_folders_are_reported_not_silently_dropped(tmp_path):
    root = tmp_path / "class"
    write(root / ".sneaky" / f"{NAME}.py")
    write(root / ".git" / "config")
    write(root / "ok" / f"{NAME}.py")
    found = discover.discover(root, NAMES, tmp_path / "work")
    assert [i.student for i in found.items] == ["ok"]
    assert found.skipped == [".sneaky: a hidden name (leading dot), not graded: rename it without the dot"]


def test_a_rerun_keeps_every_row_and_reason_and_grades_nothing_again(hostile_class):
    out = hostile_class["out"]
    before = (out / "gradebook.csv").read_text()
    result, _ = dlgrade("grade", out.parent / "class", "--out", out, "--jobs", "2", timeout=900)
    assert result.returncode == 0, result.stderr
    assert "graded 0, unchanged since the last run 16" in result.stdout
    assert (out / "gradebook.csv").read_text() == before
    summary = (out / "summary.md").read_text()
    assert "fifo (conv_padding): conv_padding.py is a named pipe (FIFO)" in summary
    assert f"'gradebook.csv' -> {discover.folder_for('gradebook.csv')}/" in summary


def test_nbgrader_gets_the_students_own_id_from_a_renamed_folder(tmp_path):
    result = {"assignment": NAME, "score": 0.0, "max_score": 1.0,
              "tests": [{"number": "1.1", "score": 0.0}], "extra_data": {"student": "-odd id"}}
    folder = tmp_path / discover.folder_for("-odd id")
    write(folder / f"{NAME}.json", json.dumps(result))
    write(tmp_path / "gradebook.csv" / f"{NAME}.json", "not json")  # ignored, no crash
    assert list(OutputFolder(tmp_path).results_for(NAME)) == ["-odd id"]
