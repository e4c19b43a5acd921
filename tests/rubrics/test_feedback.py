"""The feedback of real sandboxed grading names the real mistake, or none (issue 11):

- a student's own NotImplementedError is shown with its message; "X is not implemented yet"
  only for the untouched stub, naming the graded function;
- a diagnosis only where it reproduces every failing case: 'same' padding of k - 1 at every
  stride is not told "the extra row/column is at the top/left";
- a bias mistake is reported with its hint even where non-square kernels also fail;
- an exact gradient next to a line that warns keeps its points, with no warning hint.
"""
from __future__ import annotations

from pathlib import Path

from autograder.engine import course

SUBMISSIONS = Path(__file__).resolve().parents[1] / "submissions"


def _tests(result: dict) -> dict:
    return {t["number"]: t for t in result["tests"]}


def test_a_students_own_not_implemented_error_is_shown_with_its_message(grade):
    tests = _tests(grade("conv_padding", SUBMISSIONS / "conv_padding" / "same_padding_not_supported.py"))
    for number in ("3.7", "3.8", "3.9", "3.12"):
        output = tests[number]["output"]
        assert "NotImplementedError: padding='same' is not supported" in output, output
        assert "not implemented yet" not in output, output
    assert tests["3.3"]["status"] == "passed"


def test_the_untouched_stub_names_the_graded_function(grade):
    tests = _tests(grade("conv_padding", course.get("conv_padding").stub_path))
    assert tests["3.1"]["output"].splitlines()[1] == "conv2d is not implemented yet."
    assert tests["1.1"]["output"].splitlines()[1] == "zero_pad is not implemented yet."


def test_stride_independent_padding_gets_no_top_left_hint(grade):
    tests = _tests(grade("conv_padding", SUBMISSIONS / "conv_padding" / "same_pads_k_minus_1_any_stride.py"))
    for number in ("3.9", "3.12"):
        output = tests[number]["output"]
        assert "top/left" not in output, output
        assert "k - 1 in total whatever the stride" in output, output


def test_a_bias_mistake_is_named_next_to_non_square_failures(grade):
    tests = _tests(grade("conv_padding", SUBMISSIONS / "conv_padding" / "square_kernels_only_ignores_bias.py"))
    assert tests["3.10"]["status"] == "failed"
    assert "without the bias" in tests["3.10"]["output"]
    assert tests["3.1"]["status"] == "passed"


def test_an_exact_gradient_next_to_a_warning_keeps_its_points(grade):
    result = grade("softmax_loglik", SUBMISSIONS / "softmax_loglik" / "correct_gradient_unused_line_warns.py")
    assert result["score"] == result["max_score"]
    assert "warned" not in str(result["tests"])
