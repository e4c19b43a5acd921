"""The Keras backends (issue 14): which backend is selected, each backend's forbidden names,
and the Keras assignments graded under JAX giving the same verdicts as under TensorFlow.

The JAX runs happen in a subprocess (this process's Keras is already on TensorFlow) with
``KERAS_BACKEND=jax``; they are skipped when JAX is not installed (``.[test]`` installs it).
PyTorch is not in ``.[test]`` (its wheels pull several GB of CUDA libraries); the PyTorch
runs are skipped unless ``torch`` is importable.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.engine import backends
from conftest import SUBMISSIONS

ROOT = Path(__file__).resolve().parents[1]

# Grades files in one process on the backend in KERAS_BACKEND; prints {file: [failed checks]}.
_GRADE = """
import json, sys
from autograder.engine import course, grading, submission
out = {}
for assignment, files in json.loads(sys.argv[1]).items():
    a = course.get(assignment)
    rubric = a.rubric()
    reference = a.reference()
    with grading.make_sandbox(rubric) as sandbox:
        for path in files:
            result = grading.grade_submission(submission.load(path), rubric, reference, sandbox,
                                              hidden=True).to_json()
            out[path] = {"score": result["score"], "max": result["max_score"],
                         "failed": sorted(t["number"] for t in result["tests"]
                                          if t["score"] < t["max_score"])}
print("RESULT " + json.dumps(out))
"""


def _grade_on(backend: str, files: dict[str, list[str]], python: str = sys.executable) -> dict:
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=str(ROOT))
    done = subprocess.run([python, "-c", _GRADE, json.dumps(files)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=3600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


def _expected(assignment: str) -> dict[str, list[str]]:
    return json.loads((SUBMISSIONS / assignment / "expected.json").read_text())


needs_jax = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="PyTorch is not installed (pip install -e '.[torch]')")


# --- which backend ------------------------------------------------------------------------


def _selected(env: dict, home: Path) -> str:
    code = "from autograder.engine import backends; print(backends.selected())"
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "KERAS_HOME")} | env
    env |= {"HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_backend_comes_from_the_variable_then_keras_json_then_tensorflow(tmp_path):
    assert _selected({}, tmp_path) == "tensorflow"
    (tmp_path / ".keras").mkdir()
    (tmp_path / ".keras" / "keras.json").write_text(json.dumps({"backend": "jax"}))
    assert _selected({}, tmp_path) == "jax"
    assert _selected({"KERAS_BACKEND": "torch"}, tmp_path) == "torch"


def test_the_zygote_is_told_the_backend_the_grader_uses(monkeypatch):
    from autograder.engine.sandbox import client

    monkeypatch.setenv("KERAS_BACKEND", "jax")  # Keras is imported here: its backend wins
    import keras

    assert client.zygote_environment()["KERAS_BACKEND"] == keras.backend.backend()


# --- forbidden names ----------------------------------------------------------------------


def test_each_backend_shortcut_is_forbidden_where_tensorflows_is():
    from autograder.engine import course

    extended = {a.name: backends.forbidden(a.rubric().forbidden) for a in course.ASSIGNMENTS
                if a.available}
    for name in ("backprop", "cross_entropy", "softmax_loglik"):
        assert {"jax.grad", "jax.value_and_grad", "torch.autograd.grad",
                "torch.Tensor.backward"} <= set(extended[name])
    assert {"torch.nn.functional.conv*", "jax.lax.conv_general_dilated",
            "jax.numpy.convolve", "jax.scipy.signal.*"} <= set(extended["conv_padding"])
    assert {"jax.nn.softmax", "torch.nn.functional.softmax", "jax.nn.logsumexp",
            "torch.nn.functional.one_hot"} <= set(extended["softmax_loglik"])
    assert {"jax.nn.sigmoid", "torch.sigmoid", "jax.scipy.special.xlogy"} <= set(extended["cross_entropy"])
    assert {"torch.optim.Adam", "torch.optim.SGD"} <= set(extended["optimizers"])
    assert {"torch.nn.functional.dropout", "torch.nn.functional.batch_norm"} <= set(extended["regularization"])
    for patterns in extended.values():
        assert len(patterns) == len(set(patterns))


def test_a_forbidden_jax_function_trips_in_the_sandbox(grade, tmp_path):
    pytest.importorskip("jax")
    source = (ROOT / "assignments" / "softmax_loglik.py").read_text() + (
        "\n\nimport jax\n\n\ndef softmax(s, axis=-1):\n"
        "    return np.asarray(jax.nn.softmax(np.asarray(s), axis=axis))\n")
    path = tmp_path / "softmax_loglik.py"
    path.write_text(source)
    result = grade("softmax_loglik", path)
    softmax = [t for t in result["tests"] if t["name"].startswith("softmax:")]
    assert softmax and all(t["score"] == 0 for t in softmax)
    assert any("jax.nn.softmax" in t["output"] for t in softmax)


# --- the Keras assignments' corpus under JAX (and PyTorch where installed) ------------------

# The three Keras assignments' corpus (tests/submissions/<A>/expected.json, verdicts under
# TensorFlow), the solutions and the stubs, graded with the hidden checks on another backend:
# exactly the same checks must fail, apart from the differences a corpus folder's
# expected_by_backend.json names, each with its reason (a submission whose own code does not
# run on that backend, e.g. NumPy gradients handed to PyTorch's optimizers). One subprocess
# per part, two at a time. Each sandboxed child compiles JAX's programs anew (README): a
# file of the optimizers' corpus costs about 30 s under JAX here (all 27 checks, six children),
# the whole corpus about 10 minutes, too much for CI's 90 minutes next to the rest. So CI
# grades the initializers' and regularization's whole corpora under JAX and, of the optimizers',
# one typical mistake per graded class plus the file with the named JAX difference
# (OPTIMIZERS_ON_JAX_IN_CI); DLGRADE_SLOW_BACKEND_TESTS=1 grades the whole corpus (run by hand:
# README).
SLOW = os.environ.get("DLGRADE_SLOW_BACKEND_TESTS") == "1"
KERAS_ASSIGNMENTS = ("initializers", "optimizers", "regularization")
OPTIMIZERS_ON_JAX_IN_CI = ("sgd_ignores_schedule.py", "momentum_wrong_sign.py", "adagrad_eps_inside_sqrt.py",
                           "rmsprop_rho_swapped.py", "adam_without_bias_correction.py",
                           "minimize_2d_without_start.py", "correct_alternative_state.py")
SAMPLED_WHEN_NOT_SLOW = {"jax": {"optimizers": OPTIMIZERS_ON_JAX_IN_CI}}


def _parts(name: str, backend: str) -> list[list[str]]:
    """The files of ``name`` to grade on ``backend``: the solution and the stub, then the corpus
    (its CI sample unless SLOW)."""
    ends = [str(ROOT / "solutions" / f"{name}.py"), str(ROOT / "assignments" / f"{name}.py")]
    files = sorted(_expected(name))
    sample = SAMPLED_WHEN_NOT_SLOW.get(backend, {}).get(name)
    if sample is not None and not SLOW:
        assert set(sample) <= set(files), sorted(set(sample) - set(files))
        files = sorted(sample)
    return [ends, [str(SUBMISSIONS / name / f) for f in files]]


def _known_differences(name: str) -> dict:
    """expected_by_backend.json of ``name``'s corpus: backend -> file name or "*" -> entry."""
    known = SUBMISSIONS / name / "expected_by_backend.json"
    return json.loads(known.read_text()) if known.exists() else {}


def _matches(pattern: str, entry: dict, file: Path) -> bool:
    return pattern == file.name or (pattern == "*" and entry["when_source_contains"] in file.read_text())


def _backend_difference(name: str, backend: str, file: Path) -> set[str]:
    """The checks ``file`` also fails on ``backend`` (expected_by_backend.json)."""
    return {number for pattern, entry in _known_differences(name).get(backend, {}).items()
            if _matches(pattern, entry, file) for number in entry["also_failed"]}


def _assert_same_verdicts(backend: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    parts = [(name, files) for name in KERAS_ASSIGNMENTS for files in _parts(name, backend)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(_grade_on, backend, {name: files}) for name, files in parts]
        graded = [run.result() for run in runs]
    differing = {}
    for (name, files), results in zip(parts, graded):
        expected = _expected(name)
        for file in map(Path, files):
            got = results[str(file)]
            if file.name == f"{name}.py":  # the solution (full marks) or the stub (zero)
                full = file.parent.name == "solutions"
                assert got["max"] > 0 and got["score"] == (got["max"] if full else 0), (backend, str(file), got)
                assert not full or got["failed"] == [], (backend, str(file), got)
                continue
            want = sorted(set(expected[file.name]) | _backend_difference(name, backend, file))
            if got["failed"] != want:
                differing[f"{name}/{file.name}"] = {"tensorflow": want, backend: got["failed"]}
    assert not differing, "\n" + json.dumps(differing, indent=1)


def test_a_backend_difference_needs_its_reason_and_a_real_file():
    for name in KERAS_ASSIGNMENTS:
        for backend, entries in _known_differences(name).items():
            if backend in backends.BACKENDS:
                for pattern, entry in entries.items():
                    assert entry["because"] and entry["also_failed"], (name, backend, pattern)
                    assert [f for f in _expected(name) if _matches(pattern, entry, SUBMISSIONS / name / f)], (
                        name, backend, pattern)


@needs_jax
def test_keras_corpus_under_jax_matches_tensorflow():
    _assert_same_verdicts("jax")


@needs_torch
def test_keras_corpus_under_pytorch_matches_tensorflow():
    _assert_same_verdicts("torch")


# --- an environment without TensorFlow ------------------------------------------------------


def _venv_without_tensorflow(folder: Path) -> Path:
    """A real venv that sees every package this one has except TensorFlow (and its own
    Keras 2 / TensorBoard): each other entry of site-packages linked in. Its Python."""
    import sysconfig
    import venv

    venv.create(folder, with_pip=False)
    ours = Path(sysconfig.get_paths()["purelib"])
    theirs = next((folder / "lib").glob("python3*/site-packages"))
    for entry in ours.iterdir():
        if not entry.name.lower().startswith(("tensorflow", "_tensorflow", "tf_keras", "tensorboard")):
            (theirs / entry.name).symlink_to(entry)
    python = folder / "bin" / "python"
    missing = subprocess.run([str(python), "-c", "import tensorflow"], capture_output=True, text=True)
    assert missing.returncode != 0 and "No module named 'tensorflow'" in missing.stderr
    return python


@pytest.mark.parametrize("backend", [pytest.param("jax", marks=needs_jax), pytest.param("torch", marks=needs_torch)])
def test_the_optimizers_solution_gets_full_marks_without_tensorflow(backend, tmp_path):
    """Issue 14's "done when", in CI: the packages linked in from this venv are found through
    links, so this also tests that the sandbox lets the child read a linked package (Landlock
    checks the link's target: landlock.py)."""
    python = _venv_without_tensorflow(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "XLA_FLAGS")}
    env |= {"KERAS_BACKEND": backend, "DLGRADE_CACHE": "", "HOME": str(tmp_path)}
    done = subprocess.run([str(python), "-m", "autograder", "check", "optimizers",
                           str(ROOT / "solutions" / "optimizers.py"), "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["max_score"] > 0 and result["score"] == result["max_score"], [
        (t["number"], t["output"][:300]) for t in result["tests"] if t["status"] != "passed"]
