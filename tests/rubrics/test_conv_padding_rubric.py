"""What is specific to the conv_padding rubric, checked in process (the generic properties:
tests/rubrics/test_rubrics_common.py).

- the inputs are small float64 arrays; the reference returns ints for the sizes, finite floats
  otherwise; the lecture checks use the lecture's numbers; sizes cover non-dividing strides;
- each mistake fixture's feedback names its own mistake (the engine's ``diagnose_all``).

Values are judged with the engine's own comparison (``compare.compare_values``).
"""
from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

from autograder.engine.compare import compare_values, diagnose_all  # noqa: E402
from autograder.engine.rubric import Call, Check  # noqa: E402
from autograder.exercises.lecture import conv_example as lecture_example  # noqa: E402
from autograder.rubrics.conv_padding import RUBRIC  # noqa: E402

SOLUTION = ROOT / "solutions" / "conv_padding.py"
FIXTURES = ROOT / "tests" / "submissions" / "conv_padding"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
CHECKS = {check.number: check for check in RUBRIC.checks}
# Right numbers from a forbidden API: only the sandbox's tripwires catch it (tests/test_course.py).
FORBIDDEN_ONLY = {"uses_scipy_correlate2d.py"}


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REF = load_module(SOLUTION, "conv_padding_solution_for_rubric_tests")
_CASES = {number: check.make_cases() for number, check in CHECKS.items()}
_EXPECTED_OUT = {
    number: [np.asarray(getattr(REF, CHECKS[number].function)(*c.args, **c.kwargs)) for c in cases]
    for number, cases in _CASES.items()
}


def matches(expected, got, check: Check) -> bool:
    """Whether ``got`` passes against ``expected`` under the check's rule (the engine's own)."""
    try:
        got = np.asarray(got)
    except Exception:
        return False
    return compare_values(np.asarray(expected), got, rtol=check.rtol, atol=check.atol,
                          exact=check.exact) is None


def run(module, check: Check, call: Call):
    """The module's output for ``call``, or the exception it raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return getattr(module, check.function)(*call.args, **call.kwargs)
        except Exception as exc:  # a crash is a failed case
            return exc


# --- the rubric's shape ------------------------------------------------------------------


def test_rubric_metadata():
    assert RUBRIC.assignment == "conv_padding"
    assert RUBRIC.needs_tensorflow is False
    assert RUBRIC.functions == ["zero_pad", "conv_output_size", "conv2d", "conv1d"]
    numbers = [c.number for c in RUBRIC.checks]
    assert len(set(numbers)) == len(numbers)
    assert len({c.seed for c in RUBRIC.checks}) == len(RUBRIC.checks), "seeds should differ"
    for check in RUBRIC.checks:
        assert check.name.startswith(check.function + ":"), check.name
        assert check.points > 0
        assert check.hint
        assert check.scenario == "call"
        assert check.exact == (check.function == "conv_output_size")
    assert any(c.hidden for c in RUBRIC.checks) and not all(c.hidden for c in RUBRIC.checks)
    assert 9.5 <= RUBRIC.max_score <= 12
    for name in ("numpy.convolve", "numpy.correlate", "scipy.signal.*", "scipy.ndimage.*",
                 "tensorflow.nn.conv*", "keras.ops.conv", "keras.layers.Conv2D"):
        assert name in RUBRIC.forbidden


def _wire_value(value) -> bool:
    """What the wire protocol carries: arrays, Python scalars, strings, None, nested tuples."""
    if isinstance(value, tuple):
        return all(_wire_value(v) for v in value)
    return value is None or isinstance(value, np.ndarray) or type(value) in (int, float, str, bool)


@pytest.mark.parametrize("number", list(CHECKS))
def test_inputs_are_small_float64(number):
    for call in _CASES[number]:
        for value in list(call.args) + list(call.kwargs.values()):
            assert _wire_value(value), repr(value)
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float64
                assert value.ndim <= 4 and value.size <= 3 * 14 * 14 * 4
                assert max(value.shape) <= 14


@pytest.mark.parametrize("number", list(CHECKS))
def test_reference_passes_its_own_cases(number):
    check = CHECKS[number]
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        again = run(REF, check, call)
        assert not isinstance(again, Exception), again
        assert matches(expected, again, check)
        if check.exact:
            assert isinstance(again, int)
        else:
            assert np.issubdtype(expected.dtype, np.floating)
            assert np.all(np.isfinite(expected))


def test_lecture_checks_use_the_lecture_numbers():
    x, kernel = lecture_example()
    assert x.shape == (1, 3, 3, 3) and kernel.shape == (3, 3, 3, 1)
    for out in _EXPECTED_OUT["3.1"]:
        np.testing.assert_array_equal(out[0, :, :, 0], [[9, 13, 9], [9, 8, 13], [5, 1, 4]])
    for out in _EXPECTED_OUT["3.2"]:
        np.testing.assert_array_equal(out, [[[[8]]]])
    assert not CHECKS["3.1"].hidden and not CHECKS["3.2"].hidden


def test_sizes_cover_non_dividing_strides():
    for number in ("2.2", "2.3"):
        calls = _CASES[number]
        assert any((c.args[0] + 2 * c.kwargs["pad"] - c.args[1]) % c.kwargs["stride"] for c in calls)


# --- diagnoses ---------------------------------------------------------------------------

_DIAGNOSES = [(number, i) for number, check in CHECKS.items() for i in range(len(check.diagnoses))]


# --- fixtures ----------------------------------------------------------------------------


# The mistake each fixture makes, as (part of) the name of the diagnosis that must name it.
FIXTURE_MISTAKE = {
    "ceil_output_size.py": "size_ceil",
    "flipped_kernel.py": "flipped",
    "forgets_same_padding.py": "padding_forgotten",
    "ignores_bias.py": "bias_ignored",
    "ignores_stride.py": "stride_ignored",
    "pad_not_doubled_output_size.py": "size_pad_not_doubled",
    "symmetric_same_padding.py": "same_extra_",
    "zero_pad_pads_channels.py": "zero_pad_all_axes",
    "same_pads_k_minus_1_any_stride.py": "same_stride_one_rule",
    "square_kernels_only_ignores_bias.py": "bias_ignored",
}


# Fixtures that make more than one mistake: the checks where the named one must be reported.
# (On 4.5's inputs conv1d's k - 1 padding gives exactly the output of "the extra zero at the
# start", which the feedback then names: indistinguishable there, so not asserted.)
NAMED_ON = {"square_kernels_only_ignores_bias.py": {"3.10"},
            "same_pads_k_minus_1_any_stride.py": {"3.9", "3.12"}}


@pytest.mark.parametrize("name", sorted(FIXTURE_MISTAKE))
def test_fixture_feedback_names_its_mistake(name):
    """On every check it fails, the diagnosis the engine shows (the first that reproduces the
    output on EVERY failing case, ``compare.diagnose_all``) is the fixture's own mistake."""
    module = load_module(FIXTURES / name, f"conv_padding_fixture_diag_{name[:-3]}")
    for number in EXPECTED[name]:
        if name in NAMED_ON and number not in NAMED_ON[name]:
            continue
        check = CHECKS[number]
        failing = []
        for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
            got = run(module, check, call)
            assert not isinstance(got, Exception), (number, got)
            if not matches(expected, got, check):
                failing.append((call, np.asarray(got)))
        hint = diagnose_all(check, failing, REF)
        assert hint is not None, f"{name}: check {number} fails undiagnosed"
        named = [d for d in check.diagnoses if d.hint == hint][0]
        assert FIXTURE_MISTAKE[name] in named.mistaken.__name__, (number, hint)


def test_every_mistake_fixture_has_a_named_mistake():
    mistakes = {n for n, failing in EXPECTED.items() if failing}
    # (same_padding_not_supported.py raises its own NotImplementedError: no value to diagnose;
    # tests/rubrics/test_feedback.py checks that its message is shown.)
    assert mistakes - set(FIXTURE_MISTAKE) - FORBIDDEN_ONLY == {"memorised_lecture_answer.py",
                                                               "same_padding_not_supported.py"}
