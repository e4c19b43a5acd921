"""Tests for autograder.channels.release: solutions → student stubs and nbgrader notebooks."""
from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbgrader import utils as nbgrader_utils
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat import reads as nbgrader_reads

from autograder.engine import atomic, course
from autograder.channels import release

TOY_SOLUTION = '''\
# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.16.0
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Toy assignment
# Implement `scale` and `clipped_sum`.

# %%
import numpy as np

FACTOR = 3.0

# %%
def scale(x, factor=FACTOR):
    """Return `x` multiplied by `factor`, as a float array."""
    ### BEGIN SOLUTION
    secret_scale_answer = np.asarray(x, dtype=float) * factor
    return secret_scale_answer
    ### END SOLUTION


# %% [markdown]
# ## Part 2

# %%
def clipped_sum(values, limit=10.0):
    """Sum `values`, clipped to at most `limit`."""
    total = 0.0
    for v in values:
        ### BEGIN SOLUTION
        total += min(v, limit)  # secret_clip_answer
        ### END SOLUTION
    return min(total, limit)

# %% tags=["solution_only"]
def secret_self_check():
    ### BEGIN SOLUTION
    assert scale(2) == 6.0
    ### END SOLUTION

secret_self_check()
'''

STUB_RAISE = 'raise NotImplementedError("not implemented yet")'


@pytest.fixture(scope="module")
def stub():
    return release.make_stub_source(TOY_SOLUTION, "toy")


@pytest.fixture(scope="module")
def notebook(stub):
    return release.make_notebook(stub, "toy")


def run_stub(text):
    namespace = {"__name__": "toy_stub"}
    exec(compile(text, "assignments/toy.py", "exec"), namespace)
    return namespace


# --- the stub ---------------------------------------------------------------------------

def test_stub_imports_and_stubbed_functions_raise(stub):
    namespace = run_stub(stub)  # importing must not raise
    assert namespace["FACTOR"] == 3.0
    with pytest.raises(NotImplementedError, match="^not implemented yet$"):
        namespace["scale"](2)
    with pytest.raises(NotImplementedError, match="^not implemented yet$"):
        namespace["clipped_sum"]([1.0, 2.0])


def test_stub_keeps_signatures_and_docstrings(stub):
    namespace = run_stub(stub)
    solution = {"__name__": "toy_solution"}
    exec(TOY_SOLUTION.replace("secret_self_check()\n", ""), solution)
    for name in ("scale", "clipped_sum"):
        assert inspect.signature(namespace[name]) == inspect.signature(solution[name])
        assert namespace[name].__doc__ == solution[name].__doc__


def test_stub_replaces_regions_at_marker_indentation(stub):
    lines = stub.splitlines()
    assert lines.count("    # YOUR CODE HERE") == 1  # scale: function body
    assert lines.count("        # YOUR CODE HERE") == 1  # clipped_sum: inside the for loop
    assert lines.count("    " + STUB_RAISE) == 1
    assert lines.count("        " + STUB_RAISE) == 1
    assert "    return min(total, limit)" in lines  # code after a region is kept


def test_stub_has_no_solution_text_and_no_solution_only_cell(stub):
    for forbidden in ("BEGIN SOLUTION", "END SOLUTION", "secret_", "solution_only"):
        assert forbidden not in stub


def test_stub_keeps_header_first_then_generated_note(stub):
    lines = stub.splitlines()
    header_end = lines.index("# ---", 1)
    assert lines[: header_end + 1] == TOY_SOLUTION.splitlines()[: header_end + 1]
    assert lines[header_end + 1].startswith("# This file is generated from solutions/toy.py")
    assert stub.endswith(")\n") and not stub.endswith("\n\n")


def test_module_level_region_gets_the_same_stub():
    text = "X = 1\n### BEGIN SOLUTION\nY = 2\n### END SOLUTION\n"
    stub = release.make_stub_source(text, "toy")
    assert stub.splitlines()[-2:] == ["# YOUR CODE HERE", STUB_RAISE]
    with pytest.raises(NotImplementedError):  # documented: such a stub raises on import
        run_stub(stub)


@pytest.mark.parametrize("text, line, words", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", 2, "without a matching"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", 3, "without a matching"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", 3, "nested"),
    ("# %%\ndef f():\n    ### BEGIN SOLUTION\n    x = 1\n# %%\n", 3, "not closed"),
])
def test_unbalanced_markers_raise_with_file_and_line(text, line, words):
    with pytest.raises(ValueError, match=f"solutions/broken.py:{line}: .*{words}"):
        release.make_stub_source(text, "broken")


# --- the notebook -----------------------------------------------------------------------

def test_notebook_validates_and_has_stable_form(notebook):
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    assert "jupytext" not in notebook.metadata
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        assert cell.id == cell.metadata.nbgrader.grade_id
        assert set(cell.metadata) <= {"nbgrader", "tags"}
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_notebook_cells_and_nbgrader_metadata(notebook):
    kinds = [(c.cell_type, c.metadata.nbgrader.grade_id, c.metadata.nbgrader.solution,
              c.metadata.nbgrader.locked) for c in notebook.cells]
    assert kinds == [
        ("markdown", "toy-cell-0", False, True),
        ("code", "toy-cell-1", False, True),
        ("code", "scale", True, False),
        ("markdown", "toy-cell-3", False, True),
        ("code", "clipped_sum", True, False),
    ]
    for cell in notebook.cells:
        meta = cell.metadata.nbgrader
        assert meta.schema_version == 3 and meta.grade is False and meta.task is False


def test_notebook_has_no_solution_text(notebook):
    text = release.notebook_text(notebook)
    for forbidden in ("BEGIN SOLUTION", "END SOLUTION", "secret_", "solution_only",
                      "This file is generated"):
        assert forbidden not in text
    assert STUB_RAISE.replace('"', '\\"') in text


def test_notebook_passes_nbgrader_validation(notebook):
    text = release.notebook_text(notebook)
    nb = nbgrader_reads(text, as_version=4)  # nbgrader's reader validates the cell metadata
    MetadataValidator().validate_nb(nb)
    for cell in nb.cells:
        solution = cell.metadata.nbgrader.solution
        assert nbgrader_utils.is_solution(cell) is solution
        assert nbgrader_utils.is_locked(cell) is (not solution)
        assert nbgrader_utils.is_grade(cell) is False
        assert nbgrader_utils.is_task(cell) is False


def test_nbgrader_validation_would_catch_broken_metadata(notebook):
    broken = nbformat.from_dict(json.loads(release.notebook_text(notebook)))
    broken.cells[0].metadata.nbgrader.grade_id = broken.cells[1].metadata.nbgrader.grade_id
    with pytest.raises(ValidationError, match="Duplicate grade id"):
        MetadataValidator().validate_nb(broken)


def test_duplicate_function_names_get_distinct_grade_ids():
    text = ("# %%\ndef f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n\n"
            "# %%\ndef f():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION\n")
    nb = release.make_notebook(release.make_stub_source(text, "dup"), "dup")
    assert [c.metadata.nbgrader.grade_id for c in nb.cells] == ["f", "dup-cell-1"]
    MetadataValidator().validate_nb(nb)


def test_output_is_deterministic(stub, notebook):
    again = release.make_stub_source(TOY_SOLUTION, "toy")
    assert again == stub
    assert release.notebook_text(release.make_notebook(again, "toy")) == \
        release.notebook_text(notebook)


# --- release() --------------------------------------------------------------------------

@pytest.fixture
def toy_course(tmp_path, monkeypatch):
    solutions, assignments = tmp_path / "solutions", tmp_path / "assignments"
    solutions.mkdir()
    (solutions / "toy.py").write_text(TOY_SOLUTION, encoding="utf-8")
    monkeypatch.setattr(course, "SOLUTIONS_DIR", solutions)
    monkeypatch.setattr(course, "ASSIGNMENTS_DIR", assignments)
    monkeypatch.setattr(course, "ASSIGNMENTS", (
        course.Assignment("toy", "Toy"), course.Assignment("unwritten", "No solution yet")))
    return course.ASSIGNMENTS[0]


def test_release_check_then_write_then_up_to_date(toy_course):
    toy = toy_course
    expected = [toy.stub_path, toy.notebook_path]
    assert release.release(check=True) == expected  # missing files are stale
    assert not toy.stub_path.parent.exists()  # --check writes nothing
    assert release.release() == expected
    assert release.stale_paths() == []
    assert release.release() == []  # unchanged content is not rewritten
    assert sorted(p.name for p in toy.stub_path.parent.iterdir()) == ["toy.ipynb", "toy.py"]
    assert toy.stub_path.read_text(encoding="utf-8") == release.make_stub_source(TOY_SOLUTION, "toy")
    nbgrader_reads(toy.notebook_path.read_text(encoding="utf-8"), as_version=4)


def test_release_detects_and_fixes_a_stale_file(toy_course):
    toy = toy_course
    release.release()
    toy.stub_path.write_text("# edited by hand\n", encoding="utf-8")
    assert release.release(check=True) == [toy.stub_path]
    assert release.release() == [toy.stub_path]
    assert release.release(check=True) == []

    toy.solution_path.write_text(TOY_SOLUTION.replace("FACTOR = 3.0", "FACTOR = 4.0"),
                                 encoding="utf-8")
    assert release.stale_paths() == [toy.stub_path, toy.notebook_path]
    release.release()
    assert "FACTOR = 4.0" in toy.stub_path.read_text(encoding="utf-8")


def test_release_does_not_leave_temp_files_on_failure(toy_course, monkeypatch):
    toy = toy_course

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)  # the package's one atomic writer
    with pytest.raises(OSError):
        release.release()
    assert list(toy.stub_path.parent.iterdir()) == []


# --- the real course --------------------------------------------------------------------

@pytest.mark.parametrize("assignment", course.ASSIGNMENTS, ids=lambda a: a.name)
def test_real_solution_releases_to_an_importable_stub(assignment, tmp_path):
    """Each written solution gives a stub that imports cleanly and a valid nbgrader notebook."""
    if not assignment.solution_path.exists():
        pytest.skip(f"solutions/{assignment.name}.py is not written yet")
    files = release.render(assignment)
    stub, notebook = files[assignment.stub_path], files[assignment.notebook_path]
    assert "BEGIN SOLUTION" not in stub and "BEGIN SOLUTION" not in notebook
    MetadataValidator().validate_nb(nbgrader_reads(notebook, as_version=4))
    path = tmp_path / f"{assignment.name}.py"
    path.write_text(stub, encoding="utf-8")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run([sys.executable, "-c", "import runpy, sys; runpy.run_path(sys.argv[1])",
                             str(path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"importing the {assignment.name} stub raised:\n{result.stderr}"


# --- notebooks in other languages (solutions/locale/<lang>/<name>.po) ---------------------

def _toy_catalog(path, translate=lambda text: "번역: " + text):
    """A catalog translating every markdown cell of the toy course's solution as it is now."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from autograder.channels import notebook_i18n

    catalog = Catalog(locale="ko")
    for text in notebook_i18n.markdown_cells(course.SOLUTIONS_DIR / "toy.py"):
        catalog.add(text, translate(text))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_release_writes_translated_notebooks_with_identical_code(toy_course, tmp_path):
    toy = toy_course
    _toy_catalog(course.SOLUTIONS_DIR / "locale" / "ko" / "toy.po")
    korean = toy.notebook_path.parent / "ko" / "toy.ipynb"
    assert release.release(check=True) == [toy.stub_path, toy.notebook_path, korean]
    release.release()
    english = nbformat.read(toy.notebook_path, as_version=4)
    translated = nbformat.read(korean, as_version=4)
    assert [c.cell_type for c in translated.cells] == [c.cell_type for c in english.cells]
    assert translated.metadata == english.metadata
    markdown = 0
    for mine, theirs in zip(translated.cells, english.cells):
        assert mine.metadata == theirs.metadata and mine.get("id") == theirs.get("id")
        if theirs.cell_type == "markdown":
            markdown += 1
            assert mine.source == "번역: " + theirs.source
        else:
            assert mine.source == theirs.source
    assert markdown >= 1


def test_a_stale_translation_stops_the_release_and_fails_the_check(toy_course):
    toy = toy_course
    _toy_catalog(course.SOLUTIONS_DIR / "locale" / "ko" / "toy.po")
    release.release()
    changed = TOY_SOLUTION.replace("# %% [markdown]\n# ", "# %% [markdown]\n# Changed: ", 1)
    assert changed != TOY_SOLUTION
    toy.solution_path.write_text(changed, encoding="utf-8")
    with pytest.raises(ValueError, match=r"solutions/locale/ko/toy\.po"):
        release.release(check=True)
    with pytest.raises(ValueError, match="do not match"):
        release.release()
    assert "Changed:" not in toy.stub_path.read_text(encoding="utf-8")  # nothing half-released


def test_korean_notebooks_of_the_course_are_released():
    for assignment in course.ASSIGNMENTS:
        english = nbformat.read(assignment.notebook_path, as_version=4)
        korean = nbformat.read(assignment.notebook_path.parent / "ko" / assignment.notebook_path.name,
                               as_version=4)
        assert [c.source for c in korean.cells if c.cell_type == "code"] == \
            [c.source for c in english.cells if c.cell_type == "code"]
        assert [c.metadata for c in korean.cells] == [c.metadata for c in english.cells]
        text = "".join(c.source for c in korean.cells if c.cell_type == "markdown")
        assert sum("\uac00" <= ch <= "\ud7a3" for ch in text) > 200  # Hangul syllables
        source = course.NBGRADER_DIR / "ko" / assignment.nbgrader_source_path.relative_to(course.NBGRADER_DIR)
        ko_source, en_source = (nbformat.read(p, as_version=4) for p in (source, assignment.nbgrader_source_path))
        assert [c.metadata.get("nbgrader") for c in ko_source.cells] == \
            [c.metadata.get("nbgrader") for c in en_source.cells]
    assert (course.NBGRADER_DIR / "ko" / "nbgrader_config.py").read_text() == \
        (course.NBGRADER_DIR / "nbgrader_config.py").read_text()
