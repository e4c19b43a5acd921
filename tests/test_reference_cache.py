"""The reference cache (engine/cache.py): the solution's outputs per check, kept on disk.

A second run computes nothing; a changed score file, another library version or a damaged
file makes it compute again; what comes back from the cache is exactly what the solution
computes, and grading against it gives the same results; a grader whose references are
cached never imports TensorFlow; the sandbox can neither read nor write the cache.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.engine import cache, course, grading, submission
from autograder.engine.reference import Reference

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DLGRADE_CACHE", str(folder))
    return folder


@dataclasses.dataclass(frozen=True)
class Edited(course.Assignment):
    """A real assignment with one more score file, one the test may change."""

    extra: Path = Path("/nonexistent")

    def score_files(self):
        return super().score_files() + (self.extra,)


def compute_all(assignment) -> Reference:
    reference = Reference(assignment)
    for check in assignment.rubric().checks:
        reference.expected(check)
    return reference


def assert_same(a, b):
    assert type(a) is type(b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    elif isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    else:
        assert a == b


def test_second_run_computes_nothing(cache_dir):
    assignment = course.get("cross_entropy")
    checks = assignment.rubric().checks
    first = Reference(assignment)
    first.expected(checks[0])
    assert first.computed == len(checks)  # one computation fills the file with every check
    assert len(list(cache_dir.glob("cross_entropy-*.references"))) == 1
    second = compute_all(assignment)
    assert second.computed == 0
    for check in checks:
        for x, y in zip(first.expected(check)[1], second.expected(check)[1]):
            assert_same(x, y)


@pytest.fixture
def extra_score_file():
    """A file inside the course (score files are named relative to it), removed afterwards."""
    path = course.ROOT / "tests" / f".score_file_{os.getpid()}.py"
    yield path
    path.unlink(missing_ok=True)


def test_a_changed_score_file_or_library_invalidates(cache_dir, extra_score_file, monkeypatch):
    extra = extra_score_file
    extra.write_text("A = 1\n")
    assignment = Edited("cross_entropy", "Cross-entropy", extra=extra)
    assert compute_all(assignment).computed > 0
    assert compute_all(assignment).computed == 0
    extra.write_text("A = 2\n")
    assert compute_all(assignment).computed > 0
    assert compute_all(assignment).computed == 0
    assert len(list(cache_dir.glob("cross_entropy-*.references"))) == 1  # the outdated one removed
    monkeypatch.setenv("KERAS_BACKEND", "jax")  # another backend: other outputs
    assert compute_all(assignment).computed > 0


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "forged_digest", "other_key"])
def test_a_damaged_file_is_recomputed(cache_dir, damage):
    assignment = course.get("cross_entropy")
    expected = compute_all(assignment)
    [path] = cache_dir.glob("cross_entropy-*.references")
    data = path.read_bytes()
    header, _, payload = data.partition(b"\n")
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    elif damage == "garbage":
        path.write_bytes(b"\0" * 1000)
    elif damage == "forged_digest":  # the payload's digest no longer matches
        path.write_bytes(header[:-4] + b"0000\n" + payload)
    else:  # a valid file of another key, renamed to this key's name
        other = cache.Store(path, "cross_entropy", "another")
        other.save({check.number: ("x", [np.zeros(1)]) for check in assignment.rubric().checks})
    again = compute_all(assignment)
    assert again.computed == len(assignment.rubric().checks)
    for check in assignment.rubric().checks:
        for x, y in zip(expected.expected(check)[1], again.expected(check)[1]):
            assert_same(x, y)
    assert compute_all(assignment).computed == 0  # rewritten whole


def test_no_cache_folder_means_no_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGRADE_CACHE", "")
    assert cache.folder() is None
    assert Reference(course.get("cross_entropy")).store is None
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("DLGRADE_CACHE", str(blocker / "sub"))  # cannot be created
    assert cache.folder() is None


def test_the_sandbox_cannot_reach_the_cache(cache_dir):
    assert str(cache_dir.resolve()) in grading.private_paths()


def test_cached_keras_references_are_exact_and_tensorflow_stays_out(cache_dir):
    """initializers: the cached values equal the solution's bit for bit, and a grader process
    that finds them current imports neither the solution nor TensorFlow/Keras."""
    assignment = course.get("initializers")
    computed = Reference(assignment, store=None)
    compute_all(assignment)
    probe = (
        "import sys\n"
        "from autograder.engine import course, grading\n"
        "from autograder.engine.reference import Reference\n"
        "a = course.get('initializers'); r = Reference(a)\n"
        "for c in a.rubric().checks: r.expected(c)\n"
        "print(r.computed, sorted(m for m in ('tensorflow', 'keras', 'dlgrade_reference_initializers') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "0 []", out.stdout + out.stderr
    cached = Reference(assignment)
    assert cached.computed == 0
    for check in assignment.rubric().checks:
        cases, values = computed.expected(check)
        assert cache.cases_digest(cases) == cache.cases_digest(cached.expected(check)[0])
        for x, y in zip(values, cached.expected(check)[1]):
            assert_same(x, y)


def test_verdicts_with_and_without_cache_are_identical(cache_dir):
    """The initializers corpus, graded in one sandbox against the solution computed now and
    against the cached outputs: the same result for every file (feedback included)."""
    assignment = course.get("initializers")
    rubric = assignment.rubric()
    fresh = compute_all(assignment)
    assert fresh.computed > 0
    cached = compute_all(assignment)
    assert cached.computed == 0
    manifest = json.loads((SUBMISSIONS / "initializers" / "expected.json").read_text())
    with grading.make_sandbox(rubric, tensorflow=True) as sandbox:
        for name in sorted(manifest):
            loaded = submission.load(SUBMISSIONS / "initializers" / name)
            results = []
            for reference in (fresh, cached):
                result = grading.grade_submission(loaded, rubric, reference, sandbox, hidden=True)
                data = json.loads(result.dumps())
                data.pop("execution_time")
                results.append(data)
            assert results[0] == results[1], name
            failed = sorted(t["number"] for t in results[0]["tests"] if t["score"] < t["max_score"])
            assert failed == sorted(manifest[name]), name
