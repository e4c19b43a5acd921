"""Loading .py and .ipynb submissions, and refusing files that are not."""
from __future__ import annotations

import json

import nbformat
import pytest

from autograder.engine.errors import BadInput
from autograder.engine.submission import clean_cell, load


def _notebook(tmp_path, cells, name="work.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    path = tmp_path / name
    path.write_text(nbformat.writes(nb))
    return path


def test_python_file_is_one_cell_named_after_the_file(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text("x = 1\n")
    loaded = load(path)
    assert [c["source"] for c in loaded.cells] == ["x = 1\n"]
    assert loaded.cells[0]["filename"] == str(path)


def test_notebook_code_cells_in_order_markdown_ignored(tmp_path):
    path = _notebook(tmp_path, [nbformat.v4.new_markdown_cell("# title"),
                                nbformat.v4.new_code_cell("a = 1"),
                                nbformat.v4.new_raw_cell("raw"),
                                nbformat.v4.new_code_cell("b = a + 1")])
    loaded = load(path)
    assert [c["source"] for c in loaded.cells] == ["a = 1", "b = a + 1"]
    assert [c["label"] for c in loaded.cells] == ["cell 1", "cell 2"]
    assert loaded.notes == []


def test_magics_and_shell_lines_are_skipped_with_a_note_keeping_line_numbers():
    source, notes = clean_cell(
        "%matplotlib inline\nimport numpy as np\n!pip install foo\nfiles = !ls\nfor i in range(2):\n    %time x = 1")
    assert source.split("\n") == ["pass", "import numpy as np", "pass", "pass", "for i in range(2):", "    pass"]
    assert len(notes) == 4 and "%matplotlib inline" in notes[0]
    compile(source, "cell", "exec")


def test_cell_magics_skip_the_cell_except_transparent_ones():
    source, notes = clean_cell("%%bash\necho hi")
    assert source.strip() == "" and "%%bash" in notes[0]
    source, notes = clean_cell("%%time\ny = 2")
    assert source.split("\n") == ["", "y = 2"] and "%%time" in notes[0]


def test_ordinary_python_with_percent_and_bang_is_untouched():
    code = "a = 5 % 3\nb = a != 2\nc = 'x%s' % a\nd %= 2"
    assert clean_cell(code) == (code, [])


@pytest.mark.parametrize("content,message", [
    ("{not json", "not JSON"),
    (json.dumps({"hello": 1}), "no list of cells"),
    (json.dumps({"cells": [{"cell_type": "code"}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}),
     "not a valid notebook"),
])
def test_broken_notebooks_are_bad_input(tmp_path, content, message):
    path = tmp_path / "broken.ipynb"
    path.write_text(content)
    with pytest.raises(BadInput, match=message):
        load(path)


def test_missing_file_directory_wrong_extension_and_binary_are_bad_input(tmp_path):
    with pytest.raises(BadInput, match="no such file"):
        load(tmp_path / "nope.py")
    with pytest.raises(BadInput, match="directory"):
        load(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(BadInput, match=r"\.py or \.ipynb"):
        load(tmp_path / "notes.txt")
    (tmp_path / "bin.py").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(BadInput, match="not a text file|NUL"):
        load(tmp_path / "bin.py")
