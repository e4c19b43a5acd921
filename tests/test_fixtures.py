"""Public fixtures: grading from them gives the same results as grading against the solution,
they hold nothing of the hidden checks, and a comparison a bundle cannot ship is refused."""
from __future__ import annotations

import contextlib
import functools
import json

import numpy as np
import pytest

from autograder.engine import course, grading, i18n, submission
from autograder.channels import fixtures
from autograder.engine import public_fixtures
from autograder.exercises import backprop as backprop_exercises
from autograder.exercises import softmax_loglik as softmax_comparisons
from autograder.engine.errors import GraderFault
from autograder.engine.reference import Reference
from autograder.engine.rubric import Call, Check, Description
from autograder.exercises import to_plain
from conftest import SUBMISSIONS, available_assignments


@pytest.fixture(scope="module")
def public_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("public")


@pytest.fixture(scope="module")
def public(public_folder):
    """{assignment: (PublicAssignment, exported JSON)} for every assignment that can be bundled."""
    folder = public_folder
    loaded, refused = {}, {}
    for name in available_assignments():
        try:
            data, arrays = fixtures.export(course.get(name))
        except fixtures.NotBundleable as exc:
            refused[name] = str(exc)
            continue
        fixtures.write(data, arrays, folder)
        loaded[name] = (public_fixtures.load(name, folder), json.loads((folder / f"{name}.json").read_text()))
    return loaded, refused


@contextlib.contextmanager
def speaking(lang: str):
    previous = i18n._current
    i18n.use(lang)
    try:
        yield
    finally:
        i18n._current = previous


def public_assignment(public, name):
    loaded, refused = public
    if name in refused:
        pytest.skip(f"not bundleable yet: {refused[name]}")
    return loaded[name]


@pytest.mark.parametrize("name", [a.name for a in course.ASSIGNMENTS])
def test_every_assignment_can_be_bundled(public, name):
    assert name in public[0], public[1].get(name)


def comparison(compare):
    """A check's comparison as (function, args, keywords): a rebuilt partial is a new object."""
    if isinstance(compare, functools.partial):
        return compare.func, compare.args, compare.keywords
    return compare, (), {}


def same(a, b) -> bool:
    """Equal values as the sandbox sees them (lists and tuples alike, arrays by value and dtype)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (tuple, list)):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("name", available_assignments())
def test_fixture_holds_the_references_inputs_outputs_descriptions_and_mistakes(public, name):
    loaded, _ = public_assignment(public, name)
    a = course.get(name)
    reference = Reference(a)
    for original, stored in zip(a.rubric().select(hidden=False), loaded.rubric.checks):
        cases, values = reference.expected(original)
        stored_cases, stored_values = loaded.reference.expected(stored)
        assert len(stored_cases) == len(cases) > 0
        assert comparison(stored.compare) == comparison(original.compare)  # the same public function
        assert comparison(stored.figure) == comparison(original.figure)
        for call, value, stored_call, stored_value in zip(cases, values, stored_cases, stored_values):
            assert same(stored_call.args, call.args) and same(stored_call.kwargs, call.kwargs)
            assert same(stored_value, value), original.number
            assert stored.describe_case(stored_call) == original.describe_case(call)
            for lang in i18n.LANGUAGES:  # each language's words, picked by the language in use
                with speaking(lang):
                    assert stored.describe_case(stored_call) == original.describe_case(call, lang)
            for diagnosis, stored_diagnosis in zip(original.diagnoses, stored.diagnoses):
                try:
                    mistaken = to_plain(diagnosis.mistaken(reference.module, call))
                except Exception:
                    with pytest.raises(LookupError):
                        stored_diagnosis.mistaken(None, stored_call)
                    continue
                assert same(stored_diagnosis.mistaken(None, stored_call), mistaken), original.number


def sample(name: str) -> list:
    """The solution, the stub notebook and the first mistakes of the corpus."""
    a = course.get(name)
    manifest = SUBMISSIONS / name / "expected.json"
    mistakes = sorted(f for f, failing in json.loads(manifest.read_text()).items() if failing) \
        if manifest.exists() else []
    return [a.solution_path, a.notebook_path] + [SUBMISSIONS / name / f for f in mistakes[:3]]


@pytest.mark.parametrize("name", available_assignments())
def test_fixture_grading_equals_the_full_course(public, grade, name):
    """End to end in the sandbox: same score, statuses and feedback, word for word."""
    loaded, _ = public_assignment(public, name)
    rubric = course.get(name).rubric()
    with grading.make_sandbox(loaded.rubric) as sandbox:
        assert sandbox.forbidden == tuple(rubric.forbidden) and sandbox.tensorflow == rubric.needs_tensorflow
        for path in sample(name):
            full = grade(name, path, hidden=False)
            from_fixture = grading.grade_submission(submission.load(path), loaded.rubric, loaded.reference,
                                                    sandbox, hidden=False).to_json()
            for result in (full, from_fixture):
                result.pop("execution_time")
            assert from_fixture == full, path.name


@pytest.mark.parametrize("name", available_assignments())
def test_fixture_holds_the_visible_checks_and_nothing_of_the_hidden_ones(public, name):
    loaded, data = public_assignment(public, name)
    rubric = course.get(name).rubric()
    visible = rubric.select(hidden=False)
    hidden = [c for c in rubric.checks if c.hidden]
    assert [c.number for c in loaded.rubric.checks] == [c.number for c in visible]
    assert (loaded.hidden_checks, loaded.hidden_points) == (len(hidden), sum(c.points for c in hidden))
    text = json.dumps(data)
    described = {t for entry in data["checks"] for case in entry["cases"] for t in case["descriptions"].values()}
    for check in hidden:
        assert check.name not in text
        assert f'"number": "{check.number}"' not in text
        if isinstance(check.describe, Description):  # its cases, in no language
            assert not {check.describe_case(call, lang) for call in check.make_cases()
                        for lang in i18n.LANGUAGES} & described
    for original, stored in zip(visible, loaded.rubric.checks):
        assert (stored.name, stored.function, stored.points, stored.scenario, stored.exact) == \
               (original.name, original.function, original.points, original.scenario, original.exact)
        assert [d.hint for d in stored.diagnoses] == [d.hint for d in original.diagnoses]


def test_the_stored_mistakes_name_the_mistake(public, grade):
    """A diagnosis works from the stored mistaken outputs: the flipped kernel is recognised."""
    loaded, _ = public_assignment(public, "conv_padding")
    flipped = SUBMISSIONS / "conv_padding" / "flipped_kernel.py"
    with grading.make_sandbox(loaded.rubric) as sandbox:
        result = grading.grade_submission(submission.load(flipped), loaded.rubric, loaded.reference, sandbox)
    by_number = {t.number: t.output for t in result.tests}
    assert "kernel flipped" in by_number["3.3"]


# --- comparisons -------------------------------------------------------------------------------

def _check(compare, hidden=False) -> Check:
    return Check("1.1", "f: a toy check", "f", 1.0, lambda rng: [Call((np.arange(3.0),))], seed=1,
                 hidden=hidden, compare=compare)


def _rubric_local_compare(expected, got, call):
    return None


_rubric_local_compare.__module__ = "autograder.rubrics.toy"


def _engine_compare(expected, got, call):
    return None


_engine_compare.__module__ = "autograder.engine.toy"  # grader code, but not the public exercises


@pytest.mark.parametrize("compare, words", [
    (_rubric_local_compare, "lives in autograder.rubrics.toy, which a student bundle does not ship"),
    (_engine_compare, "lives in autograder.engine.toy, which a student bundle does not ship"),
    (lambda expected, got, call: None, "<lambda>"),
    (functools.partial(softmax_comparisons.compare_ignoring_integer_dtype, object()), "not plain JSON"),
])
def test_a_comparison_the_bundle_cannot_ship_is_refused_with_its_reason(compare, words):
    with pytest.raises(fixtures.NotBundleable, match="toy check 1.1: ") as refused:
        fixtures.comparison_spec("toy", _check(compare))
    assert words in str(refused.value)
    assert "autograder/exercises/toy.py" in str(refused.value) or "JSON" in words


def test_a_public_comparison_and_a_partial_of_one_round_trip():
    plain = fixtures.comparison_spec("softmax_loglik", _check(softmax_comparisons.compare_ignoring_integer_dtype))
    assert plain["function"] == "autograder.exercises.softmax_loglik:compare_ignoring_integer_dtype"
    assert public_fixtures.comparison(plain) is softmax_comparisons.compare_ignoring_integer_dtype
    partial = functools.partial(backprop_exercises.compare_gradient_error, np.float64(0.5).item())
    spec = fixtures.comparison_spec("backprop", _check(partial))
    rebuilt = public_fixtures.comparison(json.loads(json.dumps(spec)))
    assert rebuilt.func is backprop_exercises.compare_gradient_error and rebuilt.args == (0.5,)


def test_damaged_fixtures_are_a_grader_fault(tmp_path):
    (tmp_path / "toy.json").write_text("{not json")
    with pytest.raises(GraderFault, match="public fixtures of toy .* missing or damaged.*reinstall"):
        public_fixtures.load("toy", tmp_path)


@pytest.mark.parametrize("descriptions", ["Dropout(0.3)", {"ko": "형상"}, {"en": "Dropout(0.3)", "ko": 3}])
def test_a_case_without_its_descriptions_by_language_is_a_damaged_fixture(public, public_folder, tmp_path,
                                                                         descriptions):
    """Each stored case needs a text for the source language, and texts only."""
    _, data = public_assignment(public, "regularization")
    damaged = json.loads(json.dumps(data))
    damaged["checks"][0]["cases"][0]["descriptions"] = descriptions
    (tmp_path / "regularization.json").write_text(json.dumps(damaged))
    (tmp_path / "regularization.npz").write_bytes((public_folder / "regularization.npz").read_bytes())
    with pytest.raises(GraderFault, match="descriptions are not texts by language"):
        public_fixtures.load("regularization", tmp_path)
