"""The initializers rubric itself, checked in process (no sandbox).

- the checks' metadata and cases are valid and reproducible from their seeds; the cases are
  plain data the wire can carry;
- every scenario runs on the reference, and the reference passes its own checks;
- the statistical comparisons are robust: the reference passes on 20 other seeds (its random
  numbers change, the verdict does not), and the known mistakes (He with fan_out, Xavier with
  fan_in + fan_out, Glorot without the 2, stddev as variance, uniform or truncated draws,
  ignored seed) fail on several seeds, with the hint that names them;
- every compute_fans diagnosis can be told apart from the reference on its check;
- every fixture in tests/submissions/initializers/ fails exactly the checks listed in
  expected.json (hidden checks included), correct variants none — except the fixture that
  uses a forbidden Keras class, which only the sandbox's tripwires catch (tests/test_course.py).
"""
from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("keras")

ROOT = Path(__file__).resolve().parents[2]

from autograder import exercises as scenarios  # noqa: E402
from autograder.engine.compare import judge_case  # noqa: E402
from autograder.exercises import initializers_compare as C  # noqa: E402
from autograder.engine.rubric import Call  # noqa: E402
from autograder.rubrics.initializers import RUBRIC  # noqa: E402
from autograder.exercises.initializers import ACTIVATIONS, fans  # noqa: E402

SOLUTION = ROOT / "solutions" / "initializers.py"
FIXTURES = ROOT / "tests" / "submissions" / "initializers"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
SANDBOX_ONLY = {"he_subclasses_keras_henormal.py"}  # forbidden API: tripwires live in the sandbox
CHECKS = {check.number: check for check in RUBRIC.checks}
CLASSES = ("ScaledNormal", "Xavier", "Glorot", "He")
SEEDS = range(1, 21)  # the reference must pass on each
MISTAKE_SEEDS = range(1, 8)  # each mistake must fail on each (far outside the tolerances: fewer suffice)


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


REF = load_module(SOLUTION, "initializers_solution_for_rubric_tests")
_CASES = {number: check.make_cases() for number, check in CHECKS.items()}


def run_scenario(module, check, call):
    scenario = scenarios.get(check.scenario)
    return scenario(module, check.function, call.args, dict(call.kwargs))


_EXPECTED_OUT = {number: [scenarios.to_plain(run_scenario(REF, CHECKS[number], call)) for call in cases]
                 for number, cases in _CASES.items()}


@functools.cache
def fixture_verdicts(name: str) -> dict:
    """{check number: None or the failure message} of a fixture, computed once."""
    module = load_module(FIXTURES / name, f"initializers_fixture_{name[:-3]}")
    return {number: verdict(module, number) for number in CHECKS}


def verdict(module, number: str):
    """None if ``module`` passes check ``number``, else the first failure's message."""
    check = CHECKS[number]
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        try:
            got = scenarios.to_plain(run_scenario(module, check, call), scenarios.template_of(expected))
        except Exception as exc:  # a crash is a failed case
            return repr(exc)
        message = judge_case(check, call, expected, got)
        if message:
            return message
    return None


def checks_with(scenario: str) -> list[str]:
    return [n for n, c in CHECKS.items() if c.scenario == f"initializers:{scenario}"]


def reseeded(call: Call, k: int) -> Call:
    """The same case with other random numbers: other initializer or input seeds."""
    kwargs = dict(call.kwargs)
    if "init" in kwargs:
        kwargs["init"] = dict(kwargs["init"], seed=kwargs["init"]["seed"] + 7919 * k)
    else:
        kwargs["seed"] = kwargs["seed"] + 7919 * k
    return Call(call.args, kwargs)


# --- the rubric's shape ------------------------------------------------------------------


def test_rubric_metadata():
    assert RUBRIC.assignment == "initializers"
    assert RUBRIC.needs_tensorflow is True
    assert RUBRIC.timeout >= 30
    assert RUBRIC.functions == ["compute_fans", *CLASSES, "activation_stats"]
    numbers = [c.number for c in RUBRIC.checks]
    assert len(set(numbers)) == len(numbers)
    assert len({c.seed for c in RUBRIC.checks}) == len(RUBRIC.checks), "seeds should differ"
    for check in RUBRIC.checks:
        assert check.name.startswith(check.function + ":"), check.name
        assert 1.0 <= check.points <= 3.0
        assert check.hint
        if check.function != "compute_fans":
            assert check.scenario.startswith("initializers:") and check.compare is not None
            scenarios.get(check.scenario)  # resolves
        else:
            assert check.scenario == "call" and check.exact
    for function in RUBRIC.functions:
        group = [c for c in RUBRIC.checks if c.function == function]
        assert any(not c.hidden for c in group) and any(c.hidden for c in group), function
    for name in ("keras.initializers.GlorotNormal", "keras.initializers.HeNormal",
                 "keras.initializers.VarianceScaling", "keras.initializers.RandomNormal",
                 "keras.initializers.get", "keras.src.initializers.random_initializers.compute_fans"):
        assert name in RUBRIC.forbidden
    assert "keras.initializers.Initializer" not in RUBRIC.forbidden


@pytest.mark.parametrize("number", list(CHECKS))
def test_cases_are_deterministic_plain_data(number):
    first, second = CHECKS[number].make_cases(), CHECKS[number].make_cases()
    assert first and repr(first) == repr(second)

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, tuple):
            return all(plain(v) for v in value)
        return isinstance(value, (int, float, str)) and not isinstance(value, bool)

    for call in first:
        assert plain(call.args) and plain(call.kwargs), call
        CHECKS[number].describe_case(call)


def test_stub_style_classes_raise_not_implemented():
    class Stub:
        def __call__(self, *args, **kwargs):
            raise NotImplementedError("not implemented yet")

    stub = type("stub", (), {name: Stub() for name in ("compute_fans", "activation_stats")})
    with pytest.raises(NotImplementedError):
        run_scenario(stub, CHECKS["6.1"], _CASES["6.1"][0])


# --- the cases discriminate the known mistakes --------------------------------------------


@pytest.mark.parametrize("number", checks_with("draw"))
def test_draw_cases_are_large_and_every_mistake_is_far_away(number):
    check = CHECKS[number]
    if "normally distributed" in check.name:
        for call in _CASES[number]:
            assert math.prod(call.kwargs["shape"]) >= 100_000
        return
    for call in _CASES[number]:
        n = math.prod(call.kwargs["shape"])
        assert n >= 90_000, call
        target, _ = C.target_std(check.function, call.kwargs)
        tol = C.std_tolerance(n)
        for label, alternative in C._alternatives(check.function, call.kwargs):
            if "receptive field" in label and len(call.kwargs["shape"]) < 3:
                continue
            if "default stddev" in label:
                continue
            assert abs(alternative / target - 1) > 4 * tol, (number, call, label)


def test_he_and_xavier_shapes_have_distinct_fans():
    for function in ("Xavier", "Glorot", "He"):
        for number, check in CHECKS.items():
            if check.function == function and check.scenario == "initializers:draw" \
                    and "normally" not in check.name:
                for call in _CASES[number]:
                    fan_in, fan_out = fans(call.kwargs["shape"])
                    assert max(fan_in, fan_out) / min(fan_in, fan_out) >= 1.5, (number, call)
                    if check.name.endswith("receptive field)"):
                        assert len(call.kwargs["shape"]) >= 3


# --- robustness on 20 seeds ---------------------------------------------------------------------

ROBUST = [n for n in CHECKS if CHECKS[n].function in CLASSES] + ["6.1", "6.2", "6.3", "6.4"]


@pytest.mark.parametrize("number", ROBUST)
def test_reference_passes_on_20_other_seeds(number):
    check = CHECKS[number]
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        for k in SEEDS:
            other = reseeded(call, k)
            got = scenarios.to_plain(run_scenario(REF, check, other), scenarios.template_of(expected))
            assert judge_case(check, other, expected, got) is None, (k, other)


def _normal_draws(shape, std, seed):
    return (std * np.random.default_rng(seed).standard_normal(shape)).astype(np.float32)


@pytest.mark.parametrize("number", [n for n in checks_with("draw") if "normally" not in CHECKS[n].name])
def test_every_scale_mistake_fails_on_several_seeds_with_its_hint(number):
    check = CHECKS[number]
    compare = check.compare
    for call in _CASES[number]:
        target, _ = C.target_std(check.function, call.kwargs)
        tol = C.std_tolerance(math.prod(call.kwargs["shape"]))
        for label, alternative in C._alternatives(check.function, call.kwargs):
            if abs(alternative / target - 1) <= 4 * tol:
                continue  # this shape does not tell that mistake apart (2-D: no receptive field)
            for k in MISTAKE_SEEDS:
                values = _normal_draws(call.kwargs["shape"], alternative, k)
                message = compare(None, values, call)
                assert message is not None, (label, call, k)
                if "default stddev" not in label:
                    assert label in message, (message, label)


@pytest.mark.parametrize("number", [n for n in checks_with("draw") if "normally" in CHECKS[n].name])
def test_uniform_and_truncated_draws_fail_normality_on_several_seeds(number):
    check = CHECKS[number]
    for call in _CASES[number]:
        shape = call.kwargs["shape"]
        for k in MISTAKE_SEEDS:
            rng = np.random.default_rng(k)
            uniform = rng.uniform(-1.0, 1.0, size=shape)
            assert "look uniform" in check.compare(None, uniform, call)
            truncated = rng.standard_normal(math.prod(shape) * 2)
            truncated = truncated[np.abs(truncated) < 2][:math.prod(shape)].reshape(shape) * 0.3
            assert "truncated normal" in check.compare(None, truncated, call)


@pytest.mark.parametrize("number", checks_with("seeding"))
def test_seeding_compare(number):
    check = CHECKS[number]
    for call in _CASES[number]:
        shape = call.kwargs["shape"]
        a, b, c = (_normal_draws(shape, 1.0, s) for s in (1, 1, 2))
        assert check.compare(None, (a, b, c), call) is None
        assert "different values" in check.compare(None, (a, _normal_draws(shape, 1.0, 3), c), call)
        assert "same values" in check.compare(None, (a, b, a.copy()), call)


@pytest.mark.parametrize("number", checks_with("config_round_trip"))
def test_config_compare(number):
    check = CHECKS[number]
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        missing = dict(expected, config_seed=np.array(np.nan))
        assert "no number under the key 'seed'" in check.compare(expected, missing, call)
        wrong = dict(expected, clone=expected["clone"] * 1.5)
        assert "other values" in check.compare(expected, wrong, call)
        # A submission that ignores its seed: judged by the distribution, not the values.
        shape = call.kwargs["shape"]
        std = float(expected["fresh"].std())
        random = dict(expected, clone=_normal_draws(shape, std, 1), fresh=_normal_draws(shape, std, 2),
                      again=_normal_draws(shape, std, 3))
        assert check.compare(expected, random, call) is None
        random["clone"] = _normal_draws(shape, std * 3, 4)
        assert "standard deviation" in check.compare(expected, random, call)


@pytest.mark.parametrize("number", checks_with("dtypes"))
def test_dtypes_compare(number):
    check = CHECKS[number]
    for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
        assert [v.dtype for v in expected] == [np.float32, np.float64, np.float32]
        wrong = (expected[1], expected[1], expected[2])
        assert "dtype=None" in check.compare(expected, wrong, call)
        wrong = (expected[0], expected[0], expected[2])
        assert "float64" in check.compare(expected, wrong, call)


# --- compute_fans -----------------------------------------------------------------------------


def test_compute_fans_expected_values():
    assert _EXPECTED_OUT["1.1"][0] == (np.array(784), np.array(100))
    conv = [tuple(map(int, v)) for v in _EXPECTED_OUT["1.2"][:4]]
    assert conv == [(80, 160), (27, 576), (216, 108), (64, 32)]
    assert [tuple(map(int, v)) for v in _EXPECTED_OUT["1.3"]][0] == (7, 7)
    assert (1, 1) in [tuple(map(int, v)) for v in _EXPECTED_OUT["1.3"]]


_DIAGNOSES = [(number, i) for number, check in CHECKS.items() for i in range(len(check.diagnoses))]


# --- activation_stats -------------------------------------------------------------------------


def test_lecture_cases_tell_the_four_situations_apart():
    """The reference's statistics on the visible cases show what the lecture says."""
    by_label = {}
    for number in ("6.2", "6.3"):
        for call, expected in zip(_CASES[number], _EXPECTED_OUT[number]):
            stats = C.layer_stats(expected["activations"], call.kwargs["activation"])
            by_label[(call.kwargs["activation"], call.kwargs["label"])] = stats
    saturated = by_label[("sigmoid", "stddev 1")]
    assert all(s["saturated"] > 0.4 for s in saturated)
    collapsed = by_label[("sigmoid", "stddev 0.01")]
    assert all(s["near_half"] > 0.95 and s["std"] < 0.03 for s in collapsed)
    xavier = by_label[("sigmoid", "Xavier")]
    assert all(s["std"] > 0.1 and s["saturated"] < 0.01 for s in xavier)
    he = by_label[("relu", "He")]
    assert all(0.7 < s["std"] / he[0]["std"] < 1.4 for s in he)
    vanishing = by_label[("relu", "stddev 0.01")]
    assert vanishing[-1]["std"] < 1e-4 * vanishing[0]["std"]


def test_stats_compare_tells_the_cases_apart():
    """Activations of one case judged against another case's reference fail."""
    calls, values = _CASES["6.2"], _EXPECTED_OUT["6.2"]
    for i, (call, expected) in enumerate(zip(calls, values)):
        for j, other in enumerate(values):
            message = CHECKS["6.2"].compare(expected, other, call)
            assert (message is None) == (i == j), (i, j)
            if message:
                assert "The lecture:" in message


def test_chain_compare_names_the_structural_mistakes():
    check, call = CHECKS["6.1"], _CASES["6.1"][0]
    expected = _EXPECTED_OUT["6.1"][0]
    acts = expected["activations"]
    weights = C._weights(call.kwargs)
    linear = acts.copy()
    linear[1] = acts[0] @ weights[1]
    assert "activation is missing" in check.compare(expected, dict(expected, activations=linear), call)
    transposed = acts.copy()
    transposed[1] = ACTIVATIONS["sigmoid"](acts[0] @ weights[1].T)
    assert "row convention" in check.compare(expected, dict(expected, activations=transposed), call)
    few_calls = dict(expected, calls=expected["calls"][:1])
    assert "called the initializer 1 times" in check.compare(expected, few_calls, call)
    wrong_shape = dict(expected, activations=np.swapaxes(acts, 1, 2).copy())
    assert "transpose" in check.compare(expected, wrong_shape, call)


def test_chain_compare_checks_the_inputs():
    """Uniform inputs (np.random.rand) instead of N(0, 1) are caught through layer 1."""
    check = CHECKS["6.1"]
    for call, expected in zip(_CASES["6.1"], _EXPECTED_OUT["6.1"]):
        kwargs = call.kwargs
        if kwargs["activation"] == "relu":
            continue
        n, m = kwargs["n_nodes"], kwargs["n_samples"]
        x = np.random.default_rng(5).random((m, n))
        g = ACTIVATIONS[kwargs["activation"]]
        acts, a = [], x
        for w in C._weights(kwargs):
            a = g(a @ w)
            acts.append(a)
        message = check.compare(expected, dict(expected, activations=np.stack(acts)), call)
        assert message is not None and "N(0, 1) inputs" in message


# --- fixtures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name,phrase", [
    ("he_uses_fan_out.py", "fan_out instead of fan_in"),
    ("xavier_uses_fan_in_plus_fan_out.py", "fan_in + fan_out"),
    ("glorot_missing_factor_2.py", "missing factor 2"),
    ("stddev_as_variance.py", "stddev used as the variance"),
    ("uniform_instead_of_normal.py", "look uniform"),
    ("ignores_seed.py", "the seed is not used"),
    ("compute_fans_ignores_receptive_field.py", "without the receptive field"),
    ("activation_stats_reuses_first_layer_input.py", "not the inputs x"),
    ("activation_stats_without_activation.py", "activation is missing"),
    ("dtype_ignored.py", "float32"),
    ("get_config_without_seed.py", "'seed'"),
])
def test_fixture_feedback_names_the_mistake(name, phrase):
    messages = [fixture_verdicts(name)[number] for number in EXPECTED[name]]
    assert any(m and phrase in m for m in messages), messages
