"""The cross_entropy rubric itself, checked in process (no sandbox).

- every check's cases are reproducible from its seed, and the reference passes them without
  a NumPy warning;
- the lecture checks use the lecture's numbers, and the cases isolate behaviours as the
  rubric's docstring promises (p = 0 only in the p = 0 checks, o = 0 / 1 only in the clipping
  check, saturated neurons only in the hidden gradient checks);
- numerical_gradient's tolerance tells a forward difference from a central one robustly, on
  many seeds: the forward difference fails every seed by a wide margin, correct central
  differences (also with another step or in another loop order) pass by a wide margin;
- every diagnosis reproduces a mistake that can be told apart from the reference on its check;
- every fixture in tests/submissions/cross_entropy/ fails exactly the checks listed in
  expected.json (hidden checks included), correct variants none.

Results are computed through the check's scenario and judged with the engine's own comparison
(``autograder.engine.compare.judge_case``); a ``fail_on_warning`` check fails on a RuntimeWarning, as
in the sandbox. Arguments are copied for every call, so a fixture that writes into its inputs
cannot change the cases.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

from autograder import exercises as scenarios  # noqa: E402
from autograder.engine.compare import judge_case  # noqa: E402
from autograder.engine.rubric import Call, Check  # noqa: E402
from autograder.rubrics import cross_entropy as rubric_module  # noqa: E402
from autograder.rubrics.cross_entropy import COIN, FAIR_DIE, LOADED_DIE, RUBRIC, YUT  # noqa: E402
from autograder.exercises.cross_entropy import curved_function  # noqa: E402

SOLUTION = ROOT / "solutions" / "cross_entropy.py"
FIXTURES = ROOT / "tests" / "submissions" / "cross_entropy"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
CHECKS = {check.number: check for check in RUBRIC.checks}
NUMGRAD = [n for n, c in CHECKS.items() if c.function == "numerical_gradient" and c.compare is None]


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REF = load_module(SOLUTION, "cross_entropy_solution_for_rubric_tests")
_CASES = {number: check.make_cases() for number, check in CHECKS.items()}


def run(module, check: Check, call: Call):
    """(result or exception, RuntimeWarnings raised) of the check's scenario on ``call``."""
    scenario = scenarios.get(check.scenario)
    args, kwargs = copy.deepcopy(call.args), copy.deepcopy(dict(call.kwargs))
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn",
                                                                      invalid="warn"):
        warnings.simplefilter("always")
        try:
            value = scenario(module, check.function, args, kwargs)
        except Exception as exc:  # a crash is a failed case
            return exc, []
    return value, [w for w in caught if issubclass(w.category, RuntimeWarning)]


_EXPECTED_OUT = {
    number: [scenarios.to_plain(run(REF, CHECKS[number], call)[0]) for call in cases]
    for number, cases in _CASES.items()
}


def passes(check: Check, call: Call, expected, value, runtime_warnings) -> bool:
    if isinstance(value, Exception):
        return False
    if check.fail_on_warning and runtime_warnings:
        return False
    try:
        got = scenarios.to_plain(value, scenarios.template_of(expected))
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


def _arrays(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _arrays(v)


# --- the rubric's shape ------------------------------------------------------------------


def test_rubric_metadata():
    assert RUBRIC.assignment == "cross_entropy"
    assert RUBRIC.needs_tensorflow is False
    assert RUBRIC.functions == [
        "self_information", "entropy", "cross_entropy", "kl_divergence", "sigmoid",
        "binary_cross_entropy", "mse_gradients", "bce_gradients", "numerical_gradient",
        "gaussian_pdf", "log_likelihood"]
    numbers = [c.number for c in RUBRIC.checks]
    assert len(set(numbers)) == len(numbers)
    assert len({c.seed for c in RUBRIC.checks}) == len(RUBRIC.checks), "seeds should differ"
    for check in RUBRIC.checks:
        assert check.name.startswith(check.function + ":"), check.name
        assert check.number.split(".")[0] == str(RUBRIC.functions.index(check.function) + 1)
        assert 0.5 <= check.points <= 1.5
        assert check.hint
        assert not check.exact
        if check.function == "numerical_gradient":
            assert check.scenario.startswith("cross_entropy:")
            scenarios.get(check.scenario)  # resolvable
        else:
            assert check.scenario == "call"
    for function in RUBRIC.functions:
        assert any(not c.hidden for c in RUBRIC.checks if c.function == function), function
    assert any(c.hidden for c in RUBRIC.checks)
    assert 10 <= RUBRIC.max_score <= 15
    warned = {n for n, c in CHECKS.items() if c.fail_on_warning}
    assert warned == {"5.2", "5.3", "6.3"}  # the spec's stability promises only
    for name in ("scipy.stats.entropy", "scipy.special.expit", "scipy.special.xlogy",
                 "scipy.special.rel_entr", "scipy.special.kl_div", "keras.losses.*",
                 "keras.ops.sigmoid", "keras.ops.binary_crossentropy", "tensorflow.nn.*",
                 "tensorflow.GradientTape"):
        assert name in RUBRIC.forbidden


@pytest.mark.parametrize("number", list(CHECKS))
def test_inputs_are_small_plain_values(number):
    for call in _CASES[number]:
        values = list(call.args) + list(call.kwargs.values())
        for value in values:
            assert isinstance(value, (np.ndarray, int, float, str, tuple)) and not isinstance(value, bool)
        for array in (a for v in values for a in _arrays(v)):
            assert array.dtype in (np.float64, np.float32)
            assert array.size <= 2000


@pytest.mark.parametrize("number", list(CHECKS))
def test_reference_passes_its_own_cases_without_warnings(number):
    check = CHECKS[number]
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        value, caught = run(REF, check, call)
        assert not isinstance(value, Exception), value
        assert not caught, [str(w.message) for w in caught]
        assert passes(check, call, expected, value, caught)
        for array in (expected if isinstance(expected, tuple) else (expected,)):
            assert np.issubdtype(array.dtype, np.floating)
            assert np.all(np.isfinite(array))


# --- the lecture's numbers -----------------------------------------------------------------


def test_lecture_distributions():
    assert YUT.sum() == pytest.approx(1) and LOADED_DIE.sum() == pytest.approx(1)
    np.testing.assert_allclose(YUT, [4 / 16, 6 / 16, 4 / 16, 1 / 16, 1 / 16])
    np.testing.assert_allclose(LOADED_DIE, [1 / 12] * 3 + [1 / 4] * 3)


@pytest.mark.parametrize("number,shown", [
    ("2.1", ["2.0306", "2.585", "0.693", "1.79", "2.0306"]),
    ("3.1", ["2.7925", "2.7925", "2.585", None]),
    ("4.1", ["0.2075", "0.2075", "0.0", "0.0"]),
    ("6.1", ["0.0291", "13.2877", None, "0.0291"]),
    ("10.1", ["0.108", "0.7979", None, None]),
])
def test_lecture_checks_reproduce_the_lecture_numbers(number, shown):
    assert not CHECKS[number].hidden
    for text, expected in zip(shown, _EXPECTED_OUT[number]):
        if text is not None:
            decimals = len(text.split(".")[1])
            assert f"{abs(float(expected)):.{decimals}f}" == text
    if number == "6.1":
        np.testing.assert_allclose(_EXPECTED_OUT[number][2], [0.0291, 13.2877], atol=5e-5)
    if number == "10.1":
        np.testing.assert_allclose(_EXPECTED_OUT[number][2], [0.108, 0.7979], atol=5e-4)
    assert _CASES["2.1"][2].args[0] is COIN and _CASES["3.1"][0].args == (FAIR_DIE, LOADED_DIE)


# --- isolation of behaviours -------------------------------------------------------------


def _distributions_of(number):
    return [np.asarray(call.args[0]) for call in _CASES[number]]


def test_zero_probabilities_only_in_the_zero_checks():
    for number, check in CHECKS.items():
        if check.function not in ("entropy", "cross_entropy", "kl_divergence", "self_information"):
            continue
        has_zero = any(np.any(p == 0) for p in _distributions_of(number))
        if check.function == "cross_entropy" and number == "3.2":
            continue  # one-hot targets: 0 * log q is harmless, no log(0) is needed
        assert has_zero == (number in ("2.3", "4.3")), number
    for number in ("3.1", "3.2", "4.1", "4.2", "4.3"):
        assert all(np.all(np.asarray(call.args[1]) > 0) for call in _CASES[number])
    for number in ("2.3", "4.3"):
        with np.errstate(divide="ignore", invalid="ignore"):
            naive = [np.sum(p * np.log(p), axis=-1) for p in _distributions_of(number)]
        assert any(np.any(np.isnan(v)) for v in naive)


def test_distributions_sum_to_one():
    for number, check in CHECKS.items():
        if check.function in ("entropy", "cross_entropy", "kl_divergence"):
            for call in _CASES[number]:
                for p in call.args[:2]:
                    np.testing.assert_allclose(np.sum(p, axis=-1), 1.0)


def test_bases_and_axes_are_exercised():
    for number in ("2.2", "3.2", "4.2"):
        calls = _CASES[number]
        assert any(np.asarray(c.args[0]).ndim >= 2 for c in calls)
        shapes = [np.asarray(c.args[0]).shape for c in calls]
        assert any(len(s) == 2 and s[0] != s[1] for s in shapes)
    for number in ("1.1", "2.1", "2.4", "3.2", "4.2", "6.4"):
        bases = {c.kwargs.get("base", "default") for c in _CASES[number]}
        assert len(bases) >= 2, number


def test_sigmoid_large_values_only_where_warnings_fail():
    for number in ("5.1", "5.2", "5.3"):
        biggest = max(float(np.max(np.abs(c.args[0]))) for c in _CASES[number])
        if number == "5.1":
            assert biggest < 30
        else:
            assert biggest >= 100
            with np.errstate(over="ignore"):
                assert any(np.any(np.isinf(np.exp(-np.asarray(c.args[0])))) for c in _CASES[number])
    assert any(np.asarray(c.args[0]).dtype == np.float32 for c in _CASES["5.3"])
    assert any(np.array_equal(np.asarray(c.args[0]), [1000.0, -1000.0]) for c in _CASES["5.2"])


def test_exact_zero_and_one_predictions_only_in_the_clipping_check():
    for number, check in CHECKS.items():
        if check.function != "binary_cross_entropy":
            continue
        extreme = any(np.any((np.asarray(c.args[1]) == 0) | (np.asarray(c.args[1]) == 1))
                      for c in _CASES[number])
        assert extreme == (number == "6.3"), number
    eps_values = {c.kwargs.get("eps", 1e-7) for c in _CASES["6.3"]}
    assert len(eps_values) >= 3


def test_saturated_neurons_only_in_the_hidden_gradient_checks():
    for number in ("7.1", "7.2", "8.1", "8.2"):
        z = [np.asarray(c.args[2]) * np.asarray(c.args[0]) + np.asarray(c.args[3]) for c in _CASES[number]]
        biggest = max(float(np.max(np.abs(v))) for v in z)
        if CHECKS[number].hidden:
            assert biggest > 20
        else:
            assert biggest < 15


# --- numerical_gradient: forward vs central differences ---------------------------------


def _quotients(call: Call, kind: str) -> np.ndarray:
    _, w, params = call.args
    f, h = curved_function(params), call.kwargs.get("h", 1e-4)
    w = np.array(w, dtype=np.float64)
    grad = np.zeros_like(w)
    indices = list(np.ndindex(w.shape))
    if kind == "central_reversed":
        indices.reverse()
    for index in indices:
        step = np.zeros_like(w)
        step[index] = h
        if kind == "forward":
            grad[index] = (f(w + step) - f(w)) / h
        elif kind == "central_half_step":
            grad[index] = (f(w + step / 2) - f(w - step / 2)) / h
        else:
            grad[index] = (f(w + step) - f(w - step)) / (2 * h)
    return grad


def _worst_ratio(check: Check, expected: np.ndarray, got: np.ndarray) -> float:
    """max |got - expected| / allowed, with the engine's tolerance rule."""
    scale = max(1.0, float(np.max(np.abs(expected))))
    allowed = check.atol * scale + check.rtol * np.abs(expected)
    return float(np.max(np.abs(got - expected) / allowed))


@pytest.mark.parametrize("number", NUMGRAD)
def test_forward_differences_fail_robustly_and_central_ones_pass(number):
    check = CHECKS[number]
    for seed in range(40):
        calls = list(check.cases(np.random.default_rng(seed)))
        references = [REF.numerical_gradient(curved_function(c.args[2]), c.args[1], **c.kwargs) for c in calls]
        forward = max(_worst_ratio(check, r, _quotients(c, "forward")) for c, r in zip(calls, references))
        assert forward > 10, (number, seed, forward)
        for kind in ("central_reversed", "central_half_step"):
            central = max(_worst_ratio(check, r, _quotients(c, kind)) for c, r in zip(calls, references))
            assert central < 0.2, (number, seed, kind, central)


def test_reference_gradient_is_close_to_the_exact_one():
    """The curved functions' exact gradients, by hand: the reference is within 1e-6 of them."""
    for number in NUMGRAD:
        for call, got in zip(_CASES[number], _EXPECTED_OUT[number]):
            _, w, params = call.args
            p = dict(params)
            exact = 3 * p["a"] * w ** 2 + p["b"] * p["c"] * np.exp(p["c"] * w)
            if "A" in p:
                x = w.reshape(-1)
                cross = p["A"] @ x + 3 * p["d"] * float(p["u"] @ x) ** 2 * p["u"]
                exact = exact + cross.reshape(w.shape)
            assert _worst_ratio(CHECKS[number], exact, got) < 0.5


def test_unchanged_check_compare():
    check = CHECKS["9.3"]
    call = _CASES["9.3"][0]
    grad, w = _EXPECTED_OUT["9.3"][0]
    assert check.compare((grad, w), (grad.copy(), w.copy()), call) is None
    assert check.compare((grad, w), (grad * 1.001, w.copy()), call) is None  # 0.1% off is fine here
    assert "gradient" in check.compare((grad, w), (grad * 1.1, w.copy()), call)
    moved = w.copy()
    moved[0] -= 1e-4
    assert "w was modified" in check.compare((grad, w), (grad.copy(), moved), call)
    assert check.compare((grad, w), (grad.copy(), w + 1e-16 * np.abs(w)), call) is None  # an ulp


# --- diagnoses ---------------------------------------------------------------------------

_DIAGNOSES = [(number, i) for number, check in CHECKS.items() for i in range(len(check.diagnoses))]


# --- fixtures ----------------------------------------------------------------------------


def _fixture_module(name):
    if name == "correct_keras_ops.py":
        pytest.importorskip("keras")
    return load_module(FIXTURES / name, f"cross_entropy_fixture_{name[:-3]}")


def test_rubric_module_documents_its_checks():
    doc = rubric_module.__doc__
    for word in ("p = 0", "forward difference", "o = 0", "saturated"):
        assert word in doc
    assert math.isclose(rubric_module.LOADED_DIE[-1], 0.25)
