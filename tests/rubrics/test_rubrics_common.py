"""What every assignment's rubric must satisfy, checked in process through the engine's own
stages (``harness``); tests/rubrics/test_<assignment>_rubric.py hold what is specific.

- the rubric's shape: unique numbers and seeds, numbered by graded function, named after it,
  a hint on every check, resolvable scenarios, visible and hidden checks, forbidden names that
  exist in the installed libraries;
- every check's cases are reproducible from its seed (the same inputs twice), travel over the
  wire and can be described; the reference passes every check, without a NumPy warning;
- every diagnosis gives a different output from the reference on its check, and the engine
  names a diagnosis for that output (the hint is reproducible);
- every corpus file in tests/submissions/<assignment>/ fails exactly the checks its manifest
  (expected.json) names, losing exactly their points, correct variants none; where a
  mistake fails on values alone, the feedback names a diagnosis (``Rules.undiagnosed`` lists
  the exceptions, exactly). The sandboxed grading of the whole corpus is tests/test_course.py's.
"""
from __future__ import annotations

import fnmatch
import importlib
import json
import warnings

import numpy as np
import pytest

import harness
from autograder import exercises
from autograder.engine import course
from autograder.engine.compare import diagnose_all, judge_case
from autograder.engine.sandbox import wire

RUBRICS = {name: course.get(name).rubric() for name in harness.ASSIGNMENTS}
MANIFESTS = {name: json.loads((harness.SUBMISSIONS / name / "expected.json").read_text())
             for name in harness.ASSIGNMENTS}
CHECKS = [(name, c.number) for name, rubric in RUBRICS.items() for c in rubric.checks]
DIAGNOSES = [(name, c.number, i) for name, rubric in RUBRICS.items() for c in rubric.checks
             for i in range(len(c.diagnoses))]
# Diagnoses whose hint the engine can never show: true division gives a fraction, and an
# exact check refuses a fraction ("expected whole numbers") before any diagnosis is tried.
NEVER_NAMED = {("conv_padding", "2.2", 1), ("conv_padding", "2.3", 2)}
CORPUS = [(name, file) for name, manifest in MANIFESTS.items() for file in sorted(manifest)
          if file not in harness.RULES[name].sandbox_graded_only]
MISTAKES = [(name, file) for name, file in CORPUS
            if MANIFESTS[name][file] and file not in harness.RULES[name].sandbox_only]


def _ids(params):
    return ["/".join(map(str, p)) for p in params]


def get(name: str) -> harness.Assignment:
    if RUBRICS[name].needs_tensorflow:
        pytest.importorskip("keras")
    return harness.assignment(name)


# --- the rubric's shape ------------------------------------------------------------------


@pytest.mark.parametrize("name", harness.ASSIGNMENTS)
def test_rubric_shape(name):
    rubric = RUBRICS[name]
    assert rubric.assignment == name
    numbers = [c.number for c in rubric.checks]
    assert len(set(numbers)) == len(numbers)
    assert len({c.seed for c in rubric.checks}) == len(rubric.checks), "seeds should differ"
    for check in rubric.checks:
        assert check.name.startswith(check.function + ":"), check.name
        assert check.number.split(".")[0] == str(rubric.functions.index(check.function) + 1), check.number
        assert check.points > 0 and check.hint, check.number
        assert callable(exercises.get(check.scenario)), check.scenario
    for function in rubric.functions:
        assert any(not c.hidden for c in rubric.checks if c.function == function), function
    assert any(c.hidden for c in rubric.checks)


def _resolve(dotted: str):
    """The object a forbidden pattern names (its module's attribute for ``module.*``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            owner = getattr(owner, part) if "*" not in part else owner
        return owner
    raise ImportError(dotted)


@pytest.mark.parametrize("name", harness.ASSIGNMENTS)
def test_forbidden_names_exist_in_the_installed_libraries(name):
    rubric = RUBRICS[name]
    assert rubric.forbidden
    for pattern in rubric.forbidden:
        owner = _resolve(pattern)
        last = pattern.rpartition(".")[2]
        if "*" in last:
            assert any(fnmatch.fnmatchcase(n, last) for n in dir(owner)), pattern
        else:
            assert callable(owner), pattern


# --- cases and the reference -------------------------------------------------------------


@pytest.mark.parametrize("name,number", CHECKS, ids=_ids(CHECKS))
def test_cases_are_deterministic_plain_and_described(name, number):
    check = {c.number: c for c in RUBRICS[name].checks}[number]
    first, second = check.make_cases(), check.make_cases()
    assert len(first) == len(second) >= harness.RULES[name].min_cases
    for a, b in zip(first, second):
        assert harness.equal_values(a.args, b.args)
        assert a.kwargs.keys() == b.kwargs.keys()
        assert all(harness.equal_values(a.kwargs[k], b.kwargs[k]) for k in a.kwargs)
        wire.encode_value((a.args, a.kwargs), [])  # travels to the sandbox
        assert check.describe_case(a)


@pytest.mark.parametrize("name,number", CHECKS, ids=_ids(CHECKS))
def test_reference_passes_its_own_check(name, number):
    """The reference, run again as a submission, passes without a NumPy warning (a slow
    training check is judged on the reference's own values; the sandboxed test reruns it)."""
    a = get(name)
    expected = a.expected(number)
    if number in a.rules.slow:
        for call, want in zip(a.cases(number), expected):
            assert judge_case(a.checks[number], call, want, want) is None
        return
    verdict = a.verdict(a.ref, number)
    assert verdict.passed, verdict.message
    assert not any(r["warnings"] for r in verdict.results), [r["warnings"] for r in verdict.results]


# --- diagnoses ---------------------------------------------------------------------------


@pytest.mark.parametrize("name,number,index", [
    pytest.param(*p, marks=pytest.mark.xfail(strict=True, reason="never named (NEVER_NAMED)"))
    if p in NEVER_NAMED else p for p in DIAGNOSES], ids=_ids(DIAGNOSES))
def test_diagnosis_is_distinguishable_and_named(name, number, index):
    a = get(name)
    check = a.checks[number]
    diagnosis = check.diagnoses[index]
    assert diagnosis.hint
    differing = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for call, want in zip(a.cases(number), a.expected(number)):
            try:
                mistaken = diagnosis.mistaken(a.ref, call)
            except ValueError:
                if a.rules.mistakes_may_not_apply:
                    continue  # the mistake cannot be computed for this input: the engine skips it
                raise
            mistaken = exercises.to_plain(mistaken, exercises.template_of(want))  # same structure
            if judge_case(check, call, want, mistaken) is not None:
                differing.append((call, mistaken))
        assert differing, f"diagnosis {index} of check {number} equals the reference on every case"
        hint = diagnose_all(check, differing, a.ref)
    assert hint is not None, f"the engine names no diagnosis for diagnosis {index}'s own output"
    named = [i for i, d in enumerate(check.diagnoses) if d.hint == hint][0]
    assert named <= index  # this one, or an earlier one that gives the same output here


# --- the corpus --------------------------------------------------------------------------


@pytest.mark.parametrize("name", harness.ASSIGNMENTS)
def test_manifest_lists_every_corpus_file_and_known_checks(name):
    manifest, numbers = MANIFESTS[name], [c.number for c in RUBRICS[name].checks]
    files = sorted(p.name for p in (harness.SUBMISSIONS / name).glob("*.py"))
    assert sorted(manifest) == files
    assert sum(1 for f in files if f.startswith("correct_")) >= 2
    assert sum(1 for f in files if not f.startswith("correct_")) >= 5
    for file, failing in manifest.items():
        assert set(failing) <= set(numbers), file
        assert failing == sorted(set(failing), key=numbers.index), f"{file}: sorted, unique"
        assert bool(failing) != file.startswith("correct_"), file
    rules = harness.RULES[name]
    assert rules.sandbox_only | rules.sandbox_graded_only | set(rules.undiagnosed) <= set(manifest)


@pytest.mark.parametrize("name,file", CORPUS, ids=_ids(CORPUS))
def test_corpus_file_loses_exactly_the_points_of_its_checks(name, file):
    """In process, on the checks ``graded_on`` picks; a file whose only mistake is a forbidden
    API passes them (its values are right: only the sandbox catches it)."""
    a = get(name)
    verdicts = a.grade(file)
    want = [] if file in a.rules.sandbox_only else [n for n in a.manifest[file] if n in verdicts]
    assert want or not a.manifest[file] or file in a.rules.sandbox_only
    assert harness.failed(verdicts) == want, {n: v.message for n, v in verdicts.items() if not v.passed}
    lost = sum(a.checks[n].points for n, v in verdicts.items() if not v.passed)
    assert lost == pytest.approx(sum(a.checks[n].points for n in want))
    assert all(v.message.strip() for v in verdicts.values() if not v.passed)


@pytest.mark.parametrize("name,file", MISTAKES, ids=_ids(MISTAKES))
def test_corpus_mistakes_on_values_are_diagnosed(name, file):
    """Where a mistake fails a check that has diagnoses on wrong finite values alone, the
    engine's ``diagnose_all`` recognises its output on every failing case and the feedback
    shows that hint; a crash, a NumPy warning or NaN/inf carries its own message."""
    a = get(name)
    undiagnosed = set()
    for number, verdict in a.grade(file).items():
        if not verdict.on_values_alone or not a.checks[number].diagnoses:
            continue
        hint = a.diagnosis(verdict)
        if hint is None:
            undiagnosed.add(number)
        else:
            assert f"Hint: {hint}" in verdict.message, verdict.message
    assert undiagnosed == set(a.rules.undiagnosed.get(file, ())), undiagnosed
