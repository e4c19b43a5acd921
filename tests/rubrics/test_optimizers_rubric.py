"""The optimizers rubric itself, checked in process (no sandbox).

- the checks' metadata are valid (names, numbers, seeds, scenarios), every concrete optimizer
  of the installed ``keras.optimizers`` is forbidden, and the cases are reproducible and
  plain data;
- every scenario runs on the reference, and the reference passes its own checks; the lecture
  path checks reproduce the spec's end points; the training cases lower the loss;
- the rubric's NumPy model of each optimizer (the base of the diagnoses) equals the reference,
  each diagnosis differs from the reference on its check, and the checks isolate what they
  claim (ε only in the large-ε checks' steps, schedules only in the schedule checks);
- every fixture in tests/submissions/optimizers/ fails exactly the checks listed in
  expected.json, evaluated on the groups it names (a fixture's other classes are copies of a
  correct implementation; the sandboxed test in tests/test_course.py grades every check),
  with the hint naming the mistake; the correct variants pass every check (in process all but
  four of the five model.fit checks, to keep this file fast). The fixtures that
  subclasses keras.optimizers.Adam and the one that delegates to a Keras Adam are correct in
  process: only the sandbox's tripwires catch them.
"""
from __future__ import annotations

import functools
import importlib.util
import inspect
import json
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

ROOT = Path(__file__).resolve().parents[2]

from autograder import exercises as scenarios  # noqa: E402
from autograder.engine.compare import judge_case  # noqa: E402
from autograder.engine.rubric import Check  # noqa: E402
from autograder.rubrics import optimizers as R  # noqa: E402
from autograder.rubrics.optimizers import RUBRIC  # noqa: E402
from autograder.rubrics import optimizers_diagnoses as RD  # noqa: E402
from autograder.exercises import lecture  # noqa: E402
from autograder.exercises import optimizers as S  # noqa: E402

SOLUTION = ROOT / "solutions" / "optimizers.py"
FIXTURES = ROOT / "tests" / "submissions" / "optimizers"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
SANDBOX_ONLY = {"adam_subclasses_keras_adam.py", "adam_delegates_to_keras_adam.py"}
# Fixtures whose failing check no mistake model reproduces: no diagnosis, the generic hint.
UNDIAGNOSED = {"adam_without_epsilon.py": ("5.3",)}
CHECKS = {check.number: check for check in RUBRIC.checks}
GROUPS = {str(i): kind for i, kind in enumerate(R.CLASSES + ("minimize_2d",), start=1)}


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Keras' serialization looks classes up by module
    spec.loader.exec_module(module)
    return module


REF = load_module(SOLUTION, "optimizers_solution_for_rubric_tests")


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


@functools.lru_cache(maxsize=None)
def cases(number: str):
    return CHECKS[number].make_cases()


@functools.lru_cache(maxsize=None)
def expected(number: str):
    return [run(REF, CHECKS[number], call) for call in cases(number)]


def passes(check: Check, call, want, got) -> bool:
    return not isinstance(got, Exception) and judge_case(check, call, want, got) is None


def failing_checks(module, numbers) -> list[str]:
    failed = []
    for number in numbers:
        check = CHECKS[number]
        for call, want in zip(cases(number), expected(number)):
            if not passes(check, call, want, run(module, check, call)):
                failed.append(number)
                break
    return failed


def _equal(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and np.array_equal(a, b)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


# --- the rubric's shape ----------------------------------------------------------------------


def test_rubric_metadata():
    assert RUBRIC.assignment == "optimizers"
    assert RUBRIC.needs_tensorflow is True
    assert 30 <= RUBRIC.timeout <= 120
    assert RUBRIC.functions == list(R.CLASSES) + ["minimize_2d"]
    assert len({c.seed for c in RUBRIC.checks}) == len(RUBRIC.checks), "seeds should differ"
    for check in RUBRIC.checks:
        group = check.number.split(".")[0]
        assert check.function == GROUPS[group], check.number
        assert check.name.startswith(check.function + ":")
        assert 0.5 <= check.points <= 1.0 and check.hint
        module_name, _, function = check.scenario.partition(":")
        assert module_name == "optimizers" and callable(getattr(S, function)), check.scenario
    for kind in R.CLASSES + ("minimize_2d",):
        mine = [c for c in RUBRIC.checks if c.function == kind]
        assert any(c.hidden for c in mine) and not all(c.hidden for c in mine), kind
    assert RUBRIC.max_score == 30.0


def test_every_concrete_keras_optimizer_is_forbidden():
    concrete = {f"keras.optimizers.{name}" for name in dir(keras.optimizers)
                if inspect.isclass(getattr(keras.optimizers, name))
                and issubclass(getattr(keras.optimizers, name), keras.optimizers.Optimizer)
                and getattr(keras.optimizers, name) is not keras.optimizers.Optimizer}
    assert concrete <= set(RUBRIC.forbidden), concrete - set(RUBRIC.forbidden)
    assert "keras.optimizers.Optimizer" not in RUBRIC.forbidden
    for pattern in RUBRIC.forbidden:
        module_name, _, attribute = pattern.rpartition(".")
        assert callable(getattr(__import__(module_name, fromlist=["_"]), attribute)), pattern


FIT_CHECKS = [n for n, c in CHECKS.items() if c.scenario == "optimizers:fit_digits"]


def test_lecture_paths_reproduce_the_spec():
    for number, check in CHECKS.items():
        if check.scenario == "optimizers:lecture_path":
            call = cases(number)[0]
            assert call.args == (lecture.PATH_START, lecture.PATH_STEPS) == ((-7.0, 2.0), 30)
            assert call.kwargs == {"learning_rate": R.LECTURE_RATES[check.function]}
            path = expected(number)[0]
            assert path.shape == (31, 2)
            np.testing.assert_allclose(path[-1], lecture.PATH_END_POINTS[check.function], atol=1e-6)
    sgd = expected("6.1")[0]
    assert sgd.shape == (31, 2)
    np.testing.assert_allclose(sgd[-1], lecture.PATH_END_POINTS["SGD"], atol=1e-6)


def test_training_cases_lower_the_loss():
    for number, check in CHECKS.items():
        if check.scenario == "optimizers:fit_digits":
            loss = expected(number)[0]["loss"]
            assert loss.shape == (3,) and np.all(np.diff(loss) < 0), (number, loss)
            assert loss[-1] < 0.9 * loss[0], (number, loss)


def test_schedules_change_the_rate_every_step():
    for spec in R.SCHEDULES:
        rates = S.schedule_values(spec, 5)
        assert len(set(np.round(rates, 8))) >= 3


# --- the NumPy model of the optimizers and the diagnoses ---------------------------------------

_MODEL_SCENARIOS = {"one_step", "steps", "steps_float32", "steps_with_schedule", "several_variables", "lecture_path"}


@pytest.mark.parametrize("number", [n for n, c in CHECKS.items() if c.scenario.split(":")[1] in _MODEL_SCENARIOS])
def test_numpy_model_equals_the_reference(number):
    check = CHECKS[number]
    model = RD.mistake_model(check.function, check.scenario.split(":")[1], None)
    for call, want in zip(cases(number), expected(number)):
        assert judge_case(check, call, want, scenarios.to_plain(model(REF, call))) is None


_DIAGNOSES = [(n, i) for n, c in CHECKS.items() for i in range(len(c.diagnoses))]


def _visible_step_checks(kind):
    return [n for n, c in CHECKS.items() if c.function == kind and not c.hidden
            and c.scenario.split(":")[1] in _MODEL_SCENARIOS and "epsilon" not in c.name]


@pytest.mark.parametrize("kind,mistake", [("AdaGrad", "eps_inside"), ("RMSProp", "eps_inside"),
                                          ("Adam", "paper_eps")])
def test_epsilon_placement_shows_only_in_the_large_epsilon_checks(kind, mistake):
    for number in _visible_step_checks(kind):
        check = CHECKS[number]
        model = RD.mistake_model(kind, check.scenario.split(":")[1], mistake)
        for call, want in zip(cases(number), expected(number)):
            assert judge_case(check, call, want, scenarios.to_plain(model(REF, call))) is None, number
    eps_check = next(c for c in CHECKS.values() if c.function == kind and "epsilon" in c.name)
    model = RD.mistake_model(kind, "steps", mistake)
    assert any(judge_case(eps_check, call, want, scenarios.to_plain(model(REF, call))) is not None
               for call, want in zip(cases(eps_check.number), expected(eps_check.number)))


@pytest.mark.parametrize("kind,mistake", [("SGD", "constant_rate"), ("Momentum", "pytorch")])
def test_schedule_mistakes_show_only_in_the_schedule_checks(kind, mistake):
    for number in _visible_step_checks(kind):
        check = CHECKS[number]
        scenario = check.scenario.split(":")[1]
        if scenario == "steps_with_schedule":
            model = RD.mistake_model(kind, scenario, mistake)
            assert all(judge_case(check, c, w, scenarios.to_plain(model(REF, c))) is not None
                       for c, w in zip(cases(number), expected(number)))
        elif mistake != "constant_rate":
            model = RD.mistake_model(kind, scenario, mistake)
            for call, want in zip(cases(number), expected(number)):
                assert judge_case(check, call, want, scenarios.to_plain(model(REF, call))) is None, number


def test_config_comparison_names_the_missing_hyperparameter():
    check = CHECKS["5.7"]
    call, want = cases("5.7")[0], expected("5.7")[0]
    got = dict(want, present=np.array([1.0, 0.0, 1.0, 1.0]))
    message = judge_case(check, call, want, got)
    assert message and "'beta_2'" in message
    got = dict(want, from_config=np.float64(0.3))
    assert "from_config" in judge_case(check, call, want, got)


# --- fixtures ---------------------------------------------------------------------------------------


def test_expected_json_lists_every_fixture_and_known_checks():
    files = sorted(p.name for p in FIXTURES.glob("*.py"))
    assert sorted(EXPECTED) == files
    assert sum(1 for n in EXPECTED if n.startswith("correct_")) >= 2
    assert sum(1 for n in EXPECTED if not n.startswith("correct_")) >= 5
    for name, numbers in EXPECTED.items():
        assert set(numbers) <= set(CHECKS), name
        assert numbers == sorted(set(numbers), key=list(CHECKS).index), f"{name}: sorted, unique"
        assert bool(numbers) != name.startswith("correct_"), name
    for required in ("momentum_wrong_sign.py", "adagrad_eps_inside_sqrt.py", "adam_without_bias_correction.py",
                     "adam_betas_swapped.py", "rmsprop_rho_swapped.py", "sgd_ignores_schedule.py",
                     "get_config_missing_hyperparameters.py", "correct_numpy_style.py",
                     "correct_alternative_state.py"):
        assert required in EXPECTED, required


def test_a_short_path_is_told_by_which_end_it_lacks():
    """compare_path names the missing point only where it is that one: a path without its start
    and a path without its last point are both one row short."""
    from autograder.exercises.optimizers import compare_path

    for name, says in (("minimize_2d_without_start.py", "lacks the starting point"),
                       ("minimize_2d_without_last_point.py", "lacks the point after the last step")):
        module = load_module(FIXTURES / name, f"optimizers_fixture_path_{name[:-3]}")
        check = CHECKS["6.1"]
        for call, want in zip(cases("6.1"), expected("6.1")):
            message = compare_path(want, run(module, check, call), call)
            assert says in message, message
            assert "starting point" not in message or name.endswith("without_start.py"), message
