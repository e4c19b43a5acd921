"""Every released assignment: the solution gets full marks, the stub zero, the mistake corpus
loses exactly the checks that name each mistake, and grading is deterministic."""
from __future__ import annotations

import pytest

from autograder.engine import course
from autograder.channels import release
from conftest import SUBMISSIONS, available_assignments, corpus, failed_numbers

ASSIGNMENTS = available_assignments()


def test_list_names_all_seven_assignments():
    assert [a.name for a in course.ASSIGNMENTS] == [
        "conv_padding", "cross_entropy", "softmax_loglik", "backprop",
        "optimizers", "initializers", "regularization"]
    assert "conv_padding" in ASSIGNMENTS


def test_release_is_up_to_date():
    assert release.release(check=True) == []


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_scores_full_marks(grade, name):
    result = grade(name, course.get(name).solution_path)
    assert failed_numbers(result) == [], [t["output"] for t in result["tests"] if t["output"]]
    assert result["score"] == result["max_score"] > 0


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_stub_scores_zero_with_not_implemented(grade, name):
    for path in (course.get(name).stub_path, course.get(name).notebook_path):
        result = grade(name, path)
        assert result["score"] == 0
        assert all(t["status"] == "failed" for t in result["tests"])
        assert all("not implemented yet" in t["output"] for t in result["tests"])
        assert "Traceback" not in str(result)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_hidden_checks_are_marked_and_only_run_on_request(grade, name):
    rubric = course.get(name).rubric()
    assert any(c.hidden for c in rubric.checks), "each assignment has hidden checks"
    public = grade(name, course.get(name).solution_path, hidden=False)
    assert {t["visibility"] for t in public["tests"]} == {"visible"}
    full = grade(name, course.get(name).solution_path, hidden=True)
    assert "after_published" in {t["visibility"] for t in full["tests"]}
    assert len(full["tests"]) == len(rubric.checks)


@pytest.mark.parametrize("name,file,failing", corpus(), ids=[f"{a}/{f}" for a, f, _ in corpus()])
def test_mistake_corpus_loses_exactly_the_named_checks(grade, name, file, failing):
    result = grade(name, SUBMISSIONS / name / file)
    assert failed_numbers(result) == sorted(failing, key=_number_key), _failures(result)
    for test in result["tests"]:
        if test["status"] == "failed":
            assert test["output"].strip(), f"check {test['number']} failed without feedback"


def test_each_assignment_with_a_corpus_has_mistakes_and_correct_variants():
    by_assignment: dict[str, list] = {}
    for name, _, failing in corpus():
        by_assignment.setdefault(name, []).append(failing)
    for name, expectations in by_assignment.items():
        assert sum(1 for f in expectations if f) >= 5, f"{name}: at least five mistakes"
        assert sum(1 for f in expectations if not f) >= 2, f"{name}: at least two correct variants"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_same_submission_twice_gives_identical_results(grade, name):
    path = course.get(name).stub_path
    mistakes = [f for a, f, failing in corpus() if a == name and failing]
    if mistakes:
        path = SUBMISSIONS / name / mistakes[0]
    first, second = grade(name, path), grade(name, path)
    first.pop("execution_time"), second.pop("execution_time")
    assert first == second


def _number_key(number: str):
    return tuple(int(part) for part in number.split("."))


def _failures(result: dict) -> str:
    return "\n\n".join(f"{t['number']} {t['name']}\n{t['output']}" for t in result["tests"]
                       if t["status"] != "passed")
