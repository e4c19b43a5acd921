"""The softmax_loglik rubric itself, checked in process (no sandbox).

- every check's cases are reproducible from its seed, and the reference passes them without
  a NumPy warning;
- the cases isolate behaviours as the rubric's docstring promises (large logits only in the
  "large logits" checks, one sample per large-logit batch loss, every class present where
  one_hot's width is not the point, ...);
- every diagnosis reproduces a mistake that can be told apart from the reference on its check;
- every fixture in tests/submissions/softmax_loglik/ fails exactly the checks listed in
  expected.json (hidden checks included), correct variants none.

Results are judged with the engine's own comparison (``autograder.engine.compare.judge_case``), and a
``fail_on_warning`` check fails on a RuntimeWarning, as in the sandbox.
"""
from __future__ import annotations

import importlib.util
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

from autograder.engine.compare import judge_case  # noqa: E402
from autograder.engine.rubric import Call, Check  # noqa: E402
from autograder.rubrics.softmax_loglik import LECTURE_E, LECTURE_O, LECTURE_Y, RUBRIC  # noqa: E402
from autograder.exercises import template_of, to_plain  # noqa: E402

SOLUTION = ROOT / "solutions" / "softmax_loglik.py"
FIXTURES = ROOT / "tests" / "submissions" / "softmax_loglik"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
CHECKS = {check.number: check for check in RUBRIC.checks}
LARGE = {number for number, check in CHECKS.items() if "large logits" in check.name}


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REF = load_module(SOLUTION, "softmax_loglik_solution_for_rubric_tests")
_CASES = {number: check.make_cases() for number, check in CHECKS.items()}
_EXPECTED_OUT = {
    number: [to_plain(getattr(REF, CHECKS[number].function)(*c.args, **c.kwargs)) for c in cases]
    for number, cases in _CASES.items()
}


def run(module, check: Check, call: Call):
    """(plain result or exception, RuntimeWarnings raised) of the module on ``call``."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn",
                                                                      invalid="warn"):
        warnings.simplefilter("always")
        try:
            value = getattr(module, check.function)(*call.args, **call.kwargs)
        except Exception as exc:  # a crash is a failed case
            return exc, []
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    return value, runtime


def passes(check: Check, call: Call, expected, value, runtime_warnings) -> bool:
    if isinstance(value, Exception):
        return False
    if check.fail_on_warning and runtime_warnings:
        return False
    try:
        got = to_plain(value, template_of(expected))
    except Exception:
        return False
    return judge_case(check, call, expected, got) is None


def failing_checks(module) -> list[str]:
    failed = []
    for number, check in CHECKS.items():
        for expected, call in zip(_EXPECTED_OUT[number], _CASES[number]):
            value, caught = run(module, check, call)
            if not passes(check, call, expected, value, caught):
                failed.append(number)
                break
    return failed


def _equal_values(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and np.array_equal(a, b)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal_values, a, b))
    return type(a) is type(b) and a == b


def _arg(call: Call, index: int, name: str):
    return call.args[index] if len(call.args) > index else call.kwargs[name]


# --- the rubric's shape ------------------------------------------------------------------


def test_rubric_metadata():
    assert RUBRIC.assignment == "softmax_loglik"
    assert RUBRIC.needs_tensorflow is False
    assert RUBRIC.functions == [
        "softmax", "log_softmax", "one_hot", "log_likelihood_loss", "categorical_cross_entropy",
        "sparse_categorical_cross_entropy", "softmax_cross_entropy_gradient", "multilabel_bce"]
    numbers = [c.number for c in RUBRIC.checks]
    assert len(set(numbers)) == len(numbers)
    assert len({c.seed for c in RUBRIC.checks}) == len(RUBRIC.checks), "seeds should differ"
    for check in RUBRIC.checks:
        assert check.name.startswith(check.function + ":"), check.name
        assert 0.5 <= check.points <= 1.5
        assert check.hint
        assert check.scenario == "call"
        # the spec's stability promises: softmax, log_softmax and the cross-entropies, not the gradient
        assert check.fail_on_warning == (check.number in LARGE - {"7.2"}), check.number
    for function in RUBRIC.functions:
        group = [c for c in RUBRIC.checks if c.function == function]
        assert any(not c.hidden for c in group), function
    assert any(c.hidden for c in RUBRIC.checks)
    assert 10 <= RUBRIC.max_score <= 14
    for name in ("keras.ops.softmax", "keras.ops.log_softmax", "keras.ops.logsumexp", "keras.ops.one_hot",
                 "keras.ops.*crossentropy", "keras.activations.*", "keras.losses.*", "tensorflow.nn.*",
                 "scipy.special.softmax", "scipy.special.log_softmax", "scipy.special.logsumexp",
                 "scipy.special.expit", "tensorflow.GradientTape"):
        assert name in RUBRIC.forbidden


@pytest.mark.parametrize("number", list(CHECKS))
def test_inputs_are_small_plain_arrays(number):
    for call in _CASES[number]:
        for value in list(call.args) + list(call.kwargs.values()):
            if isinstance(value, np.ndarray):
                assert value.dtype in (np.float64, np.int64, np.int32)
                assert value.ndim <= 4 and value.size <= 200
            else:
                assert isinstance(value, (int, float)) and not isinstance(value, bool)


@pytest.mark.parametrize("number", list(CHECKS))
def test_reference_passes_its_own_cases_without_warnings(number):
    check = CHECKS[number]
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        value, caught = run(REF, check, call)
        assert not isinstance(value, Exception), value
        assert not caught, [str(w.message) for w in caught]
        assert passes(check, call, expected, value, caught)
        assert np.issubdtype(expected.dtype, np.floating)
        assert np.all(np.isfinite(expected))


# --- isolation of behaviours -------------------------------------------------------------


def _logit_arrays(number):
    check = CHECKS[number]
    index = 0 if check.function in ("softmax", "log_softmax") else 1
    return [np.asarray(call.args[index]) for call in _CASES[number]]


@pytest.mark.parametrize("number", [n for n, c in CHECKS.items()
                                    if c.function not in ("one_hot", "log_likelihood_loss")])
def test_only_large_logit_checks_have_large_logits(number):
    biggest = max(float(np.max(np.abs(s))) for s in _logit_arrays(number))
    if number in LARGE:
        assert biggest >= 1000.0
        with np.errstate(over="ignore"):
            assert any(np.any(np.exp(np.abs(s)) == np.inf) for s in _logit_arrays(number))
    else:
        assert biggest < 60.0
        with np.errstate(all="raise"):  # the formula without the max shift is fine here
            for s in _logit_arrays(number):
                np.exp(s) / np.sum(np.exp(s))


def test_axis_only_in_axis_checks():
    for number, check in CHECKS.items():
        if check.function not in ("softmax", "log_softmax"):
            continue
        axes = [call.kwargs.get("axis", call.args[1] if len(call.args) > 1 else -1)
                for call in _CASES[number]]
        moved = [a for a, call in zip(axes, _CASES[number]) if a % np.asarray(call.args[0]).ndim
                 != np.asarray(call.args[0]).ndim - 1]
        assert bool(moved) == ("axis argument" in check.name), number


def test_large_batch_losses_use_one_sample_and_one_label():
    for number in ("5.2", "6.2", "7.2"):
        for call in _CASES[number]:
            assert np.asarray(call.args[1]).shape[0] == 1
    for call in _CASES["8.2"]:
        assert np.asarray(call.args[1]).shape[1] == 1
    for number in ("5.1", "5.3", "6.1", "6.3", "7.1", "7.3"):
        assert all(np.asarray(call.args[1]).shape[0] >= 2 for call in _CASES[number])
    for number in ("8.1", "8.3"):
        assert all(np.asarray(call.args[1]).shape[1] >= 2 for call in _CASES[number])


def test_one_hot_cases():
    for number in ("3.1", "3.3"):
        for call in _CASES[number]:
            labels, c = call.args
            assert set(labels.tolist()) == set(range(c)), "every class occurs"
    for call in _CASES["3.2"]:
        labels, c = call.args
        assert labels.max() + 1 < c
    assert {call.args[0].dtype for call in _CASES["3.3"]} == {np.dtype(np.int64), np.dtype(np.int32)}


def test_base_only_in_base_checks():
    for number in ("4.1", "4.2", "4.3"):
        bases = {_arg(call, 2, "base") if (len(call.args) > 2 or "base" in call.kwargs) else 2
                 for call in _CASES[number]}
        if number == "4.3":
            assert {math.e, 10} <= bases and 2 not in bases
        else:
            assert bases == {2}


# --- the lecture's numbers ---------------------------------------------------------------


def test_lecture_log_likelihood_numbers():
    first = _CASES["4.1"][0]
    assert np.array_equal(first.args[0], LECTURE_O) and np.array_equal(first.args[1], LECTURE_Y)
    assert tuple(np.round(_EXPECTED_OUT["4.1"][0], 4)) == LECTURE_E == (4.2990, 0.2584)
    assert not CHECKS["4.1"].hidden


def test_spec_stability_examples_are_public():
    assert not CHECKS["1.2"].hidden and not CHECKS["2.2"].hidden
    call = _CASES["1.2"][0]
    assert call.args[0].tolist() == [1000.0, 1000.0]
    assert _EXPECTED_OUT["1.2"][0].tolist() == [0.5, 0.5]
    call = _CASES["2.2"][0]
    assert call.args[0].tolist() == [1000.0, -1000.0]
    assert _EXPECTED_OUT["2.2"][0].tolist() == [0.0, -2000.0]


def test_multilabel_large_logits_expected_values():
    z = _CASES["8.2"][0].args[1][:, 0]
    y = _CASES["8.2"][0].args[0][:, 0]
    expected = _EXPECTED_OUT["8.2"][0]
    for zi, yi, ei in zip(z, y, expected):
        if abs(zi) >= 40:  # the wrong side of a large logit costs |z|, the right side ~0
            assert ei == pytest.approx(abs(zi) if (zi > 0) != (yi == 1) else 0.0, abs=1e-12)


# --- diagnoses ---------------------------------------------------------------------------

_DIAGNOSES = [(number, i) for number, check in CHECKS.items() for i in range(len(check.diagnoses))]


# --- fixtures ----------------------------------------------------------------------------


def test_expected_json_lists_every_fixture_and_known_checks():
    files = sorted(p.name for p in FIXTURES.glob("*.py"))
    assert sorted(EXPECTED) == files
    assert sum(1 for name in files if name.startswith("correct_")) >= 2
    assert sum(1 for name in files if not name.startswith("correct_")) >= 5
    for name, numbers in EXPECTED.items():
        assert set(numbers) <= set(CHECKS), name
        assert numbers == sorted(set(numbers), key=list(CHECKS).index), f"{name}: sorted, unique"
        assert bool(numbers) != name.startswith("correct_"), name

