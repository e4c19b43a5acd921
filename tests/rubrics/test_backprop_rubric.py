"""The backprop rubric itself, checked in process (no sandbox).

- every check's cases are reproducible from its seed, and the reference passes them under
  the check's own comparison (the engine's ``judge_case``), run through the check's scenario;
- the gradient_check cases are well conditioned (no tiny gradient entries, correct
  gradients far below 1e-7) and the training cases really lower the loss;
- every diagnosis reproduces a mistake that the check tells apart from the reference;
- every fixture in tests/submissions/backprop/ fails exactly the checks listed in
  expected.json (hidden checks included), correct variants none. The one fixture that
  fails only because it calls a forbidden API (``uses_gradient_tape.py``) computes correct
  values, so in process it passes everything; the sandboxed CLI test sees its failures.
"""
from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

from autograder import exercises as scenarios  # noqa: E402
from autograder.engine.compare import judge_case  # noqa: E402
from autograder.engine.rubric import Check  # noqa: E402
from autograder.rubrics.backprop import RUBRIC  # noqa: E402
from autograder.exercises import backprop as bp_scenarios  # noqa: E402

SOLUTION = ROOT / "solutions" / "backprop.py"
FIXTURES = ROOT / "tests" / "submissions" / "backprop"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
CHECKS = {check.number: check for check in RUBRIC.checks}
FORBIDDEN_ONLY = {"uses_gradient_tape.py"}
# Fixtures whose mistake no diagnosis models on these checks: they get the generic hint.
UNDIAGNOSED = {"dense_backward_dW_db_from_da.py": {"4.6"}}


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REF = load_module(SOLUTION, "backprop_solution_for_rubric_tests")
_CASES = {number: check.make_cases() for number, check in CHECKS.items()}


def run(module, check: Check, call):
    """The scenario's plain result for ``module`` on ``call``, or the exception it raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return scenarios.to_plain(
                    scenarios.get(check.scenario)(module, check.function, call.args, dict(call.kwargs)))
            except Exception as exc:  # a crash is a failed case
                return exc


_EXPECTED_OUT = {number: [run(REF, CHECKS[number], c) for c in cases] for number, cases in _CASES.items()}


def passes(check: Check, call, expected, got) -> bool:
    if isinstance(got, Exception):
        return False
    return judge_case(check, call, expected, got) is None


def failing_checks(module) -> list[str]:
    failed = []
    for number, check in CHECKS.items():
        for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
            if not passes(check, call, expected, run(module, check, call)):
                failed.append(number)
                break
    return failed


def _equal_values(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and np.array_equal(a, b)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal_values, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal_values(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


# --- the rubric's shape ------------------------------------------------------------------


def test_rubric_metadata():
    assert RUBRIC.assignment == "backprop"
    assert RUBRIC.needs_tensorflow is False
    assert RUBRIC.functions == ["activation_forward", "activation_backward", "dense_forward", "dense_backward",
                                "mlp_loss_and_grads", "gradient_check", "sgd_step"]
    numbers = [c.number for c in RUBRIC.checks]
    assert len(set(numbers)) == len(numbers)
    assert len({c.seed for c in RUBRIC.checks}) == len(RUBRIC.checks), "seeds should differ"
    for check in RUBRIC.checks:
        assert check.name.startswith(check.function + ":"), check.name
        assert 0.5 <= check.points <= 1.5
        assert check.hint
        if check.scenario not in ("call", "call_then_args"):
            module_name, _, function = check.scenario.partition(":")
            assert module_name == "backprop" and callable(getattr(bp_scenarios, function))
    assert any(c.hidden for c in RUBRIC.checks) and not all(c.hidden for c in RUBRIC.checks)
    assert 10 <= RUBRIC.max_score <= 16
    # one dedicated activation_backward check per activation
    names = [c.name for c in RUBRIC.checks if c.function == "activation_backward" and not c.hidden]
    for activation in ("sigmoid", "relu", "tanh", "linear"):
        assert sum(activation in n for n in names) == 1, activation


@pytest.mark.parametrize("number", list(CHECKS))
def test_reference_passes_its_own_cases(number):
    check = CHECKS[number]
    template = None
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        assert not isinstance(expected, Exception), expected
        again = run(REF, check, call)
        assert passes(check, call, expected, again)
        # one structure per check: the engine takes the template from the first case
        if template is None:
            template = scenarios.template_of(expected)
        assert scenarios.template_of(expected) == template


def test_float_outputs_are_finite_and_moderate():
    """Values of order 1: the default tolerance (1e-4 times max(1, max|expected|)) then
    separates the mistakes (factors of m, N, missing derivatives) from rounding."""

    def leaves(value):
        if isinstance(value, tuple):
            for v in value:
                yield from leaves(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from leaves(v)
        else:
            yield value

    for number, outputs in _EXPECTED_OUT.items():
        for out in outputs:
            for leaf in leaves(out):
                assert np.issubdtype(leaf.dtype, np.floating), number
                assert np.all(np.isfinite(leaf)), number
                if number != "5.5":  # large weights on purpose: a large, finite loss
                    assert np.max(np.abs(leaf), initial=0) < 50, number


# --- behaviour-specific properties of the cases ------------------------------------------


def test_backward_checks_isolate_their_behaviour():
    for number in ("4.1", "4.2", "4.3", "4.4"):
        for call in _CASES[number]:
            assert call.kwargs["activation"] == "linear"
    for call in _CASES["4.1"]:
        assert call.kwargs["a_prev"].shape[0] == 1  # a 1/m cannot show
    for number in ("4.2", "4.4"):
        for call in _CASES[number]:
            assert call.kwargs["a_prev"].shape[0] >= 3
    assert {c.kwargs["activation"] for c in _CASES["4.5"]} == {"sigmoid", "relu", "tanh"}
    assert any(c.kwargs["W"].shape[0] != c.kwargs["W"].shape[1] for c in _CASES["4.1"])
    assert any(c.kwargs["W"].shape[0] == c.kwargs["W"].shape[1] for c in _CASES["4.1"])


def test_mlp_cases_have_batches_and_all_classes():
    for number in ("5.1", "5.2", "5.3", "5.4"):
        for call in _CASES[number]:
            labels = call.kwargs["labels"]
            assert labels.shape[0] >= 2 and np.issubdtype(labels.dtype, np.integer)


def test_gradient_check_cases_are_well_conditioned():
    for number in ("6.1", "6.2", "6.3", "6.4"):
        for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
            f, params, grads = bp_scenarios.gradient_problem(call.kwargs)
            values = np.concatenate([np.ravel(g) for g in grads.values()])
            nonzero = np.abs(values[values != 0])
            assert nonzero.min() > 2e-3, (number, nonzero.min())
            if call.kwargs.get("planted") is None:
                assert float(expected) < 1e-8, (number, float(expected))
            else:
                assert float(expected) > 0.04
    # 6.3 has entries whose gradient is exactly zero; the others have none
    for call in _CASES["6.3"]:
        _, _, grads = bp_scenarios.gradient_problem(call.kwargs)
        assert any(np.all(g == 0) for g in grads.values())


def test_gradient_problems_are_right():
    """The scenario's analytic gradients agree with central differences (independently coded)."""
    for number in ("6.1", "6.3", "6.4"):
        for call in _CASES[number]:
            if call.kwargs.get("planted") is not None:
                continue
            f, params, grads = bp_scenarios.gradient_problem(call.kwargs)
            for key, theta in params.items():
                for index in np.ndindex(theta.shape):
                    plus = {k: v.copy() for k, v in params.items()}
                    minus = {k: v.copy() for k, v in params.items()}
                    plus[key][index] += 1e-6
                    minus[key][index] -= 1e-6
                    numeric = (f(plus) - f(minus)) / 2e-6
                    assert numeric == pytest.approx(grads[key][index], rel=1e-6, abs=1e-9)


def test_forward_difference_fails_only_where_it_should():
    """A forward difference exceeds 1e-7 on the curved functions (6.1, 6.4) but not on 6.3's
    linear one, so that mistake loses exactly the checks about central differences."""
    forward = CHECKS["6.1"].diagnoses[0].mistaken
    assert all(forward(REF, c) > 1e-6 for c in _CASES["6.1"])
    assert all(forward(REF, c) < 1e-8 for c in _CASES["6.3"])


def test_training_cases_lower_the_loss_smoothly():
    for curve in _EXPECTED_OUT["7.3"]:
        assert curve.shape == (51,)
        assert curve[-1] < 0.4 * curve[0]
        assert np.all(np.diff(curve) < 0), "a smooth descent: float32 and other orders follow it"


def test_scenarios_leave_case_inputs_alone():
    """The in-place fixture writes into what the scenario hands it, never into the case."""
    module = load_module(FIXTURES / "sgd_step_in_place.py", "backprop_fixture_in_place_check")
    check = CHECKS["7.2"]
    fresh = check.make_cases()
    for call, again in zip(_CASES["7.2"], fresh):
        run(module, check, call)
        assert _equal_values(call.kwargs, again.kwargs)


# --- diagnoses ---------------------------------------------------------------------------

_DIAGNOSES = [(number, i) for number, check in CHECKS.items() for i in range(len(check.diagnoses))]


# --- fixtures ----------------------------------------------------------------------------

