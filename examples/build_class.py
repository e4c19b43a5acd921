"""Rebuild examples/class/: a small class of students exercising every input layout and
all seven assignments.

Run from the repository root: ``python examples/build_class.py``. The students' files come
from the grader's own test corpus (tests/submissions/<assignment>/) and the released stubs,
so the example class stays in step with the rubrics: each file's score is the corpus file's
(its name and docstring say what it gets wrong; a correct one gets full marks).
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
SUBMISSIONS = ROOT / "tests" / "submissions"
CORPUS = SUBMISSIONS / "conv_padding"

# The other six assignments: {student: {assignment: corpus file, or STUB for the released stub}}.
# Correct work written differently from the solution (alice throughout), typical mistakes that
# lose one to three checks, erin's untouched stubs; the notebooks and the zip are added below.
STUB = "<the released stub>"
MORE_WORK = {
    "alice": {"cross_entropy": "correct_alternative_formulas.py", "softmax_loglik": "correct_loops.py",
              "backprop": "correct_loops.py", "optimizers": "correct_numpy_style.py",
              "initializers": "correct_numpy.py", "regularization": "correct_alternative.py"},
    "bob": {"cross_entropy": "kl_reversed.py", "softmax_loglik": "softmax_without_max_shift.py",
            "backprop": "dW_transposed.py"},
    "carol": {"softmax_loglik": "correct_float32.py", "optimizers": "momentum_pytorch_style.py",
              "regularization": "dropout_without_inverse_scaling.py"},
    "dave": {"backprop": "correct_float32.py", "initializers": "he_uses_fan_out.py"},
    "erin": {name: STUB for name in ("cross_entropy", "softmax_loglik", "backprop", "optimizers",
                                     "initializers", "regularization")},
    "judy": {"cross_entropy": "bce_without_clipping.py", "initializers": "stddev_as_variance.py"},
    "oscar": {"softmax_loglik": "log_likelihood_ignores_base.py", "backprop": "sgd_step_in_place.py"},
}
# Notebooks for the Keras assignments: {student: (assignment, corpus file, file name in the folder)}.
KERAS_NOTEBOOKS = {
    "frank": ("optimizers", "correct_alternative_state.py", "optimizers.ipynb"),
    # nbgrader's layout again: <student>/<assignment>/<any>.ipynb
    "ivan": ("regularization", "early_stopping_tie_is_improvement.py", "regularization/homework.ipynb"),
}
ZIPPED = {"grace": {"cross_entropy": "correct_float32.py"}}
ZIP_DATE = (2024, 9, 1, 12, 0, 0)


def corpus(assignment: str, name: str) -> str:
    if name == STUB:
        return (ROOT / "assignments" / f"{assignment}.py").read_text()
    return (SUBMISSIONS / assignment / name).read_text()


def notebook(source: str, title: str = "My convolution homework") -> str:
    """A minimal nbformat-4 notebook: a markdown cell, a magic, then the code."""
    cells = [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": f"# {title}"},
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
        # a fixed date, so that rebuilding the class leaves the zip's bytes as they were
        zf.writestr(zipfile.ZipInfo("grace/conv_padding.py", ZIP_DATE),
                    (CORPUS / "forgets_same_padding.py").read_text())
        for assignment, fixture in ZIPPED["grace"].items():
            zf.writestr(zipfile.ZipInfo(f"grace/{assignment}.py", ZIP_DATE), corpus(assignment, fixture))
    for student, work in MORE_WORK.items():
        for assignment, fixture in work.items():
            put(student, f"{assignment}.py", corpus(assignment, fixture))
    for student, (assignment, fixture, name) in KERAS_NOTEBOOKS.items():
        put(student, name, notebook(corpus(assignment, fixture), f"My {assignment} homework"))
    (CLASS / "notes.txt").write_text("Late submissions go to the course office.\n")


if __name__ == "__main__":
    main()
