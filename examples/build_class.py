"""Rebuild examples/class/: a small class of students exercising every input layout.

Run from the repository root: ``python examples/build_class.py``. The students' files come
from the grader's own test corpus (tests/submissions/) and the released stubs, so the
example class stays in step with the rubrics.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
CORPUS = ROOT / "tests" / "submissions" / "conv_padding"


def notebook(source: str) -> str:
    """A minimal nbformat-4 notebook: a markdown cell, a magic, then the code."""
    cells = [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "# My convolution homework"},
        {"cell_type": "code", "id": "setup", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "%matplotlib inline\nimport numpy as np"},
        {"cell_type": "code", "id": "work", "metadata": {}, "execution_count": None, "outputs": [],
         "source": source},
    ]
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1) + "\n"


def main() -> None:
    shutil.rmtree(CLASS, ignore_errors=True)
    CLASS.mkdir(parents=True)

    def put(student: str, name: str, text: str) -> None:
        path = CLASS / student / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    plain = {
        "alice": "correct_loops.py",
        "bob": "flipped_kernel.py",
        "carol": "symmetric_same_padding.py",
        "dave": "ignores_stride.py",
        "judy": "ceil_output_size.py",
        "oscar": "memorised_lecture_answer.py",
    }
    for student, fixture in plain.items():
        put(student, "conv_padding.py", (CORPUS / fixture).read_text())
    put("erin", "conv_padding.py", (ROOT / "assignments" / "conv_padding.py").read_text())
    put("frank", "conv_padding.ipynb", notebook((CORPUS / "correct_float32_stride_tricks.py").read_text()))
    put("heidi", "conv_padding.ipynb", '{"cells": [ this notebook was cut off by a bad upload')
    # nbgrader's layout inside a student folder: <student>/<assignment>/<any>.ipynb
    put("ivan", "conv_padding/homework.ipynb", notebook((CORPUS / "ignores_bias.py").read_text()))
    put("mallory", "conv_padding.py", (ROOT / "examples" / "conv_padding_student.py").read_text()
        + "\n\nimport os\ntry:\n    print(open(os.path.join(os.path.dirname(__file__), '..', '..', '..', "
          "'solutions', 'conv_padding.py')).read()[:100])\nexcept Exception as exc:\n    print('blocked:', exc)\n")
    with zipfile.ZipFile(CLASS / "grace.zip", "w") as zf:
        zf.writestr("grace/conv_padding.py", (CORPUS / "forgets_same_padding.py").read_text())
    (CLASS / "notes.txt").write_text("Late submissions go to the course office.\n")


if __name__ == "__main__":
    main()
