"""The regularization rubric itself, checked in process (no sandbox).

- the rubric's shape: numbers, names, points, hidden checks, forbidden names that exist;
- every check's cases are reproducible from its seed and travel as plain data, and every
  case can be described;
- the scenarios run on the reference, which passes its own checks; the statistical Dropout
  checks and the functional fit checks also pass for the reference on other seeds (they are
  not fragile);
- the mistake models behind the hints (``bn_cycle``, ``simulate``) reproduce the reference when
  no mistake is switched on, and every diagnosis differs from the reference on its check;
- each mistake fixture, where it fails a check that has diagnoses, is recognised by one of them
  (the sandboxed grading of the whole corpus is tests/test_course.py's).
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

keras = pytest.importorskip("keras")

from autograder import exercises as scenario_registry  # noqa: E402
from autograder.engine.compare import judge_case  # noqa: E402
from autograder.engine.rubric import Call  # noqa: E402
from autograder.rubrics.regularization import RUBRIC, bn_cycle, simulate  # noqa: E402
from autograder.exercises import to_plain  # noqa: E402

FIXTURES = ROOT / "tests" / "submissions" / "regularization"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
CHECKS = {check.number: check for check in RUBRIC.checks}


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Keras' deserialization looks classes up by module
    spec.loader.exec_module(module)
    return module


REF = load_module(ROOT / "solutions" / "regularization.py", "regularization_solution_for_rubric_tests")


def run(module, check, call):
    scenario = scenario_registry.get(check.scenario)
    return scenario(module, check.function, call.args, dict(call.kwargs))


_CASES = {number: check.make_cases() for number, check in CHECKS.items()}
_EXPECTED_OUT = {number: [to_plain(run(REF, CHECKS[number], call)) for call in cases]
                 for number, cases in _CASES.items()}


def _plain_data(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biuf" and value.size <= 5000
    if isinstance(value, tuple):
        return all(_plain_data(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_data(v) for k, v in value.items())
    return value is None or isinstance(value, (bool, int, float, str))


def _equal(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and np.array_equal(a, b)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


# --- the rubric's shape ------------------------------------------------------------------


def test_rubric_metadata():
    assert RUBRIC.assignment == "regularization"
    assert RUBRIC.needs_tensorflow is True
    assert 30 <= RUBRIC.timeout <= 120
    assert RUBRIC.functions == ["Dropout", "BatchNormalization", "L2WeightDecay", "EarlyStopping"]
    assert len({c.seed for c in RUBRIC.checks}) == len(RUBRIC.checks), "seeds should differ"
    for check in RUBRIC.checks:
        assert check.name.startswith(check.function + ":"), check.name
        assert check.number.split(".")[0] == str(RUBRIC.functions.index(check.function) + 1)
        assert 0.5 <= check.points <= 1.0
        assert check.hint
        assert check.scenario.startswith("regularization:")
        assert check.describe is not None
    for function in RUBRIC.functions:
        group = [c for c in RUBRIC.checks if c.function == function]
        assert any(c.hidden for c in group) and any(not c.hidden for c in group), function
    assert RUBRIC.max_score == 19.5


def test_forbidden_names_exist():
    import tensorflow as tf

    roots = {"keras": keras, "tensorflow": tf}
    for name in RUBRIC.forbidden:
        owner = roots[name.split(".")[0]]
        for part in name.split(".")[1:]:
            owner = getattr(owner, part)
        assert callable(owner), name
    for name in ("keras.layers.Dropout", "keras.layers.BatchNormalization", "keras.random.dropout",
                 "keras.ops.batch_normalization", "keras.ops.moments", "keras.regularizers.L2",
                 "keras.regularizers.L1L2", "keras.callbacks.EarlyStopping"):
        assert name in RUBRIC.forbidden
    assert "keras.regularizers.Regularizer" not in RUBRIC.forbidden
    assert not any(name.endswith((".Layer", ".Callback")) for name in RUBRIC.forbidden)


@pytest.mark.parametrize("number", list(CHECKS))
def test_cases_are_deterministic_plain_and_described(number):
    check = CHECKS[number]
    first, second = check.make_cases(), check.make_cases()
    assert len(first) == len(second) >= 1
    for a, b in zip(first, second):
        assert _equal(a.args, b.args) and _equal(a.kwargs, b.kwargs)
        assert _plain_data(a.args) and _plain_data(a.kwargs)
        text = check.describe_case(a)
        assert text.startswith(("Dropout(", "BatchNormalization(", "L2WeightDecay(", "Dense(",
                                "EarlyStopping(", "one EarlyStopping(", "model.fit(")), text


# --- the reference passes, robustly ------------------------------------------------------


def _reseeded(call: Call, k: int) -> Call:
    shape, data_seed = call.args
    seed = call.kwargs.get("seed")
    return Call((shape, data_seed + 1000 * k), {**call.kwargs, "seed": None if seed is None else seed + k})


@pytest.mark.parametrize("number", ["1.1", "1.3", "1.7"])
def test_statistical_dropout_checks_pass_the_reference_on_other_seeds(number):
    check = CHECKS[number]
    for k in range(1, 9):
        for call in _CASES[number]:
            other = _reseeded(call, k)
            assert judge_case(check, other, None, to_plain(run(REF, check, other))) is None


def test_statistical_tolerances_reject_the_mistakes_they_name():
    check = CHECKS["1.1"]
    for call in _CASES["1.1"]:
        rate = call.kwargs["rate"]
        if rate != 0.5:
            assert "probability 1 - rate" in check.compare(None, {"zero_fraction": np.asarray(1 - rate)}, call)
        assert check.compare(None, {"zero_fraction": np.asarray(0.0)}, call) is not None
    check = CHECKS["1.3"]
    for call in _CASES["1.3"]:
        assert "same units" in check.compare(None, {"disagreement": np.asarray(0.0)}, call)


@pytest.mark.parametrize("number,k", [("1.6", 1), ("1.6", 2), ("2.6", 1), ("2.6", 2)])
def test_fit_checks_pass_the_reference_on_other_seeds(number, k):
    check = CHECKS[number]
    for call in _CASES[number]:
        if number == "1.6":
            other = _reseeded(call, k)
        else:
            other = Call((call.args[0] + 7 * k,), dict(call.kwargs))
        assert judge_case(check, other, None, to_plain(run(REF, check, other))) is None


def test_lecture_scale_of_inverted_dropout_and_weight_decay():
    for call, out in zip(_CASES["1.2"], _EXPECTED_OUT["1.2"]):
        scale = 1 / (1 - call.kwargs["rate"])
        assert float(out["smallest"]) == pytest.approx(scale, rel=1e-6)
        assert float(out["largest"]) == pytest.approx(scale, rel=1e-6)
    for call, out in zip(_CASES["3.4"], _EXPECTED_OUT["3.4"]):
        w, lr, steps = call.args
        factor = (1 - lr * call.kwargs["l2"]) ** steps
        assert np.allclose(out["kernel_after_fit"], np.asarray(w, dtype=np.float32) * factor, atol=1e-6)


# --- mistake models and diagnoses --------------------------------------------------------


@pytest.mark.parametrize("number", ["2.2", "2.3", "2.4", "2.5", "2.7"])
def test_numpy_batch_norm_model_equals_the_reference(number):
    for call in _CASES[number]:
        ours = to_plain(bn_cycle(call))
        theirs = to_plain(run(REF, CHECKS["2.7"], call))
        assert judge_case(CHECKS["2.7"], call, theirs, ours) is None


@pytest.mark.parametrize("number", ["4.1", "4.2", "4.3"])
def test_early_stopping_model_equals_the_reference(number):
    for call, out in zip(_CASES[number], _EXPECTED_OUT[number]):
        epochs, best = simulate(call.args[0], call.kwargs.get("patience", 2))
        if "epochs_run" in out:
            assert int(out["epochs_run"]) == epochs
        else:
            assert int(out["weights_of_epoch"]) == best


def test_early_stopping_cases_tell_the_mistakes_apart():
    """The weight checks' best epoch survives stopping an epoch early or late; the first case of
    4.2 tells a late stop from a tie counted as an improvement."""
    for call in _CASES["4.3"]:
        val, patience = call.args[0], call.kwargs.get("patience", 2)
        best = simulate(val, patience)[1]
        assert simulate(val, patience, extra=1)[1] == best == simulate(val, patience, extra=-1)[1]
        assert simulate(val, patience)[0] - 1 != best  # not restoring shows
    first = _CASES["4.2"][0]
    results = {simulate(first.args[0], 2), simulate(first.args[0], 2, extra=1),
               simulate(first.args[0], 2, ties_improve=True)}
    assert len(results) == 3
    for call in _CASES["4.3"] + _CASES["4.4"]:
        assert simulate(call.args[0], call.kwargs.get("patience", 2))[0] < len(call.args[0]), \
            "sequences of the weight checks stop early (restoring when not stopped is Keras-version dependent)"


_DIAGNOSES = [(number, i) for number, check in CHECKS.items() for i in range(len(check.diagnoses))]

