"""Shared fixtures: one sandbox and one reference per assignment for the whole session."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Each `dlgrade check` a test runs starts and stops its own zygote: no warm zygote is left
# running after the suite (tests/sandbox/test_warm_zygote.py turns it on for its tests).
os.environ.setdefault("DLGRADE_KEEP_ZYGOTE", "0")

from autograder.engine import course, grading, submission  # noqa: E402
from autograder.engine.reference import Reference  # noqa: E402

TESTS = Path(__file__).resolve().parent
SUBMISSIONS = TESTS / "submissions"


def available_assignments() -> list[str]:
    return [a.name for a in course.ASSIGNMENTS if a.available]


def corpus() -> list[tuple[str, str, list[str]]]:
    """(assignment, fixture file, expected failing check numbers) for every fixture."""
    cases = []
    for name in available_assignments():
        manifest = SUBMISSIONS / name / "expected.json"
        if manifest.exists():
            for file, failing in sorted(json.loads(manifest.read_text()).items()):
                cases.append((name, file, failing))
    return cases


class Grader:
    """Grades files with a sandbox and reference kept for the whole test session: as `dlgrade
    grade` does (``channels/batch.py``), a submission that imports Keras/TensorFlow gets a
    zygote with TensorFlow preloaded (else each of its forked children imports it anew)."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, bool], tuple] = {}

    def __call__(self, assignment: str, path, hidden: bool = True) -> dict:
        loaded = submission.load(path)
        key = (assignment, loaded.uses_tensorflow)
        if key not in self._open:
            a = course.get(assignment)
            rubric = a.rubric()
            self._open[key] = (rubric, Reference(a), grading.make_sandbox(rubric, tensorflow=key[1]))
        rubric, reference, sandbox = self._open[key]
        # The result object as a dict (``Result.to_json``), what the contract and the rubric tests read.
        return grading.grade_submission(loaded, rubric, reference, sandbox, hidden=hidden).to_json()

    def close(self) -> None:
        for _, _, sandbox in self._open.values():
            sandbox.close()


@pytest.fixture(scope="session")
def grade():
    grader = Grader()
    yield grader
    grader.close()


def failed_numbers(result: dict) -> list[str]:
    return [t["number"] for t in result["tests"] if t["status"] != "passed"]
