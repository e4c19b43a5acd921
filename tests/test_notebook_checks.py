"""The released notebooks' check cells (``channels/notebook_checks.py``), run for real: nbclient
executes ``assignments/<A>.ipynb`` in a Jupyter kernel as released (stubs) and with the
solution's code filled in; the in-kernel verdicts equal the sandboxed ``dlgrade check`` path
on the mistake corpus; nothing hidden shows; and a student bundle with a read-only package
folder works the same."""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.channels import check_cells
from autograder.engine import course, submission
from conftest import SUBMISSIONS

ROOT = Path(__file__).resolve().parent.parent
NUMPY_ASSIGNMENTS = ("conv_padding", "cross_entropy", "softmax_loglik", "backprop")
KERAS_ASSIGNMENTS = ("initializers", "optimizers", "regularization")
SCORE = re.compile(r"Score: ([\d.]+) / ([\d.]+)")


def execute(notebook: nbformat.NotebookNode, cwd: Path, env: dict | None = None) -> nbformat.NotebookNode:
    """Run All, errors allowed (a demo cell may call an unimplemented function)."""
    kernel_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore", **(env or {}))
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute(env=kernel_env)
    return notebook


def check_cells_of(notebook) -> list:
    return [c for c in notebook.cells if c.cell_type == "code" and check_cells.IMPORT in c.source]


def shown(cell) -> tuple[str, str]:
    """(plain text, HTML) a check cell displayed; it must have displayed exactly one result."""
    assert [o.output_type for o in cell.outputs] == ["execute_result"], (cell.source, cell.outputs)
    data = cell.outputs[0].data
    return data["text/plain"], data["text/html"]


def with_solutions(notebook, name: str) -> nbformat.NotebookNode:
    """The released notebook with each solution cell's code taken from the nbgrader source
    notebook (the solution's code, same grade_id)."""
    source = nbformat.read(course.get(name).nbgrader_source_path, as_version=4)
    solutions = {c.id: c.source for c in source.cells}
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[cell.id]
    return notebook


def hidden_words(name: str) -> list[str]:
    """A hidden check's name, or its number as a table row shows it (text or HTML)."""
    return [w for c in course.get(name).rubric().checks if c.hidden
            for w in (c.name, f" {c.number} \u2502", f"<td>{c.number}</td>")]


def assert_nothing_hidden(name: str, notebook) -> None:
    text = "\n".join(part for cell in check_cells_of(notebook) for part in shown(cell))
    assert [w for w in hidden_words(name) if w in text] == []


# --- the released notebooks ------------------------------------------------------------------------

def test_every_released_notebook_has_its_check_cells():
    for assignment in course.ASSIGNMENTS:
        functions = check_cells.public_functions(assignment.rubric())
        for path in (assignment.notebook_path, course.ASSIGNMENTS_DIR / "ko" / assignment.notebook_path.name,
                     assignment.nbgrader_source_path):
            notebook = nbformat.read(path, as_version=4)
            cells = check_cells_of(notebook)
            assert [c.source for c in cells] == [check_cells.source(assignment.name, f) for f in functions] + [
                check_cells.source(assignment.name)], path
            assert notebook.cells[-1].source == check_cells.source(assignment.name)
            for cell in cells:
                meta = cell.metadata["nbgrader"]
                assert meta["locked"] and not meta["grade"] and not meta["solution"]
            for function in functions:  # right after the cell that defines the function
                index = next(i for i, c in enumerate(notebook.cells) if c.source == check_cells.source(assignment.name, function))
                while check_cells.IMPORT in notebook.cells[index - 1].source:
                    index -= 1  # a cell that defines several functions has several check cells
                assert re.search(rf"^(?:def|class) {function}\b", notebook.cells[index - 1].source, re.MULTILINE)


@pytest.mark.parametrize("name", NUMPY_ASSIGNMENTS + KERAS_ASSIGNMENTS)
def test_the_released_stub_notebook_runs_with_no_check_cell_raising(name, tmp_path):
    notebook = execute(nbformat.read(course.get(name).notebook_path, as_version=4), tmp_path)
    for cell in notebook.cells:
        errors = [o.get("ename") for o in cell.get("outputs", []) if o.output_type == "error"]
        assert errors in ([], ["NotImplementedError"]), (cell.source, errors)
    cells = check_cells_of(notebook)
    assert len(cells) == len(check_cells.public_functions(course.get(name).rubric())) + 1
    for cell in cells:
        text, html = shown(cell)
        assert "not implemented yet" in text and "failed" not in text, text
        assert "not implemented yet" in html and "<table>" in html
        score = SCORE.search(text)
        assert score and float(score.group(1)) == 0 < float(score.group(2))
    assert_nothing_hidden(name, notebook)


@pytest.mark.parametrize("name", NUMPY_ASSIGNMENTS + KERAS_ASSIGNMENTS)
def test_the_notebook_with_the_solution_filled_in_passes_every_check(name, tmp_path):
    notebook = with_solutions(nbformat.read(course.get(name).notebook_path, as_version=4), name)
    notebook = execute(notebook, tmp_path)
    for cell in check_cells_of(notebook):
        text, html = shown(cell)
        assert "failed" not in text and "not implemented" not in text, text
        score = SCORE.search(text)
        assert score and score.group(1) == score.group(2), text
    last = SCORE.search(shown(check_cells_of(notebook)[-1])[0])
    visible = [c for c in course.get(name).rubric().checks if not c.hidden]
    assert float(last.group(2)) == pytest.approx(sum(c.points for c in visible))
    assert_nothing_hidden(name, notebook)


# --- the same verdicts as dlgrade check -----------------------------------------------------------

# Runs in its own process, like a student's kernel (the tripwires of one assignment stay there).
KERNEL = """
import json, sys
from pathlib import Path
from autograder.channels.notebook_checks import check
from autograder.engine import submission
name, files = sys.argv[1], sys.argv[2:]
out = {}
for file in files:
    namespace = {"__name__": "__main__"}
    for cell in submission.load(file).cells:
        try:
            exec(compile(cell["source"], cell["filename"], "exec"), namespace)
        except Exception:
            pass  # as Run All with errors allowed
    report = check(name, namespace=namespace)
    out[Path(file).name] = [[t.number, t.status.json, t.output] for t in report.result.tests]
print(json.dumps(out))
"""


def in_kernel(name: str, files: list[Path]) -> dict:
    result = subprocess.run([sys.executable, "-c", KERNEL, name, *map(str, files)], capture_output=True,
                            text=True, timeout=1200, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def corpus_files(name: str) -> list[Path]:
    return [SUBMISSIONS / name / f for f in sorted(json.loads((SUBMISSIONS / name / "expected.json").read_text()))]


@pytest.mark.parametrize("name, files", [(n, None) for n in NUMPY_ASSIGNMENTS] + [
    ("optimizers", ["correct_alternative_state.py", "adam_without_bias_correction.py", "minimize_2d_without_start.py"]),
    ("initializers", ["he_uses_fan_out.py", "correct_keras_random.py", "he_subclasses_keras_henormal.py"]),
])
def test_in_kernel_verdicts_equal_the_sandboxed_check_on_the_corpus(grade, name, files):
    paths = corpus_files(name) if files is None else [SUBMISSIONS / name / f for f in files]
    assert all(p.exists() for p in paths)
    kernel = in_kernel(name, paths)
    for path in paths:
        sandboxed = grade(name, path, hidden=False)
        mine = kernel[path.name]
        assert [(n, s) for n, s, _ in mine] == [(t["number"], t["status"]) for t in sandboxed["tests"]], path.name
        words = hidden_words(name)
        assert [w for w in words for _, _, text in mine if w in text] == []


def test_a_wrong_value_gets_the_same_feedback_as_dlgrade_check(grade):
    path = SUBMISSIONS / "conv_padding" / "flipped_kernel.py"
    mine = in_kernel("conv_padding", [path])[path.name]
    assert [(n, s, o) for n, s, o in mine] == [(t["number"], t["status"], t["output"])
                                               for t in grade("conv_padding", path, hidden=False)["tests"]]
    assert "Hint: Your output equals the true convolution with the kernel flipped" in mine[4][2]


def test_a_grader_problem_is_shown_not_raised():
    from autograder.channels.notebook_checks import check

    report = check("conv_padding", "no_such_function", {})
    assert not report.passed and "has no public checks of no_such_function" in report.text()
    assert "no_such_function" in report._repr_html_()


def test_grading_a_notebook_skips_its_check_cells():
    """A submitted notebook's check cells import the grader, which the sandbox refuses."""
    notebook = nbformat.read(course.get("conv_padding").notebook_path, as_version=4)
    text = "\n".join(cell["source"] for cell in submission._load_notebook(
        Path("conv_padding.ipynb"), nbformat.writes(notebook)).cells)
    assert "autograder" not in text and "check(" not in text


def test_dlgrade_check_of_the_released_notebook_has_no_cell_errors(tmp_path):
    path = tmp_path / "conv_padding.ipynb"
    nbformat.write(with_solutions(nbformat.read(course.get("conv_padding").notebook_path, as_version=4),
                                  "conv_padding"), path)
    result = subprocess.run([sys.executable, "-m", "autograder", "check", "conv_padding", str(path), "--json"],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["output"] == "" and data["score"] == data["max_score"] > 0


# --- a student bundle, package folder read-only ---------------------------------------------------

def test_check_cells_work_from_a_read_only_student_bundle(tmp_path):
    bundle = tmp_path / "dlcourse-student"
    built = subprocess.run([sys.executable, "-m", "autograder", "bundle", "--student", str(bundle),
                            "--assignment", "conv_padding"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert built.returncode == 0, built.stderr
    package = bundle / "autograder"
    before = sorted(str(p) for p in package.rglob("*"))
    modes = {p: p.stat().st_mode for p in [package, *package.rglob("*")]}
    for path in modes:
        path.chmod(modes[path] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        released = nbformat.read(bundle / "assignments" / "conv_padding.ipynb", as_version=4)
        notebook = with_solutions(released, "conv_padding")
        notebook.cells.insert(0, nbformat.v4.new_code_cell("import autograder; print(autograder.__file__)"))
        notebook.cells[-1:-1] = [nbformat.v4.new_code_cell("def conv1d(*args, **kwargs):\n    return 0")]
        env = {"PYTHONPATH": str(bundle), "PYTHONDONTWRITEBYTECODE": "1"}
        notebook = execute(notebook, tmp_path, env)
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    assert notebook.cells[0].outputs[0]["text"].startswith(str(package))
    text, _ = shown(check_cells_of(notebook)[-1])
    assert "conv1d" in text and "failed" in text and "Score: 7 / 9" in text, text
    assert sorted(str(p) for p in package.rglob("*")) == before  # nothing written there
    assert_nothing_hidden("conv_padding", notebook)
