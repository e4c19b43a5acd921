"""Sandbox round 2 (issue 10, sections 2-5): attacks on the parent's trust, on time, on hidden
checks, and on grader code in the child, each built for real and graded through the real CLI
(``python -m autograder check ... --json --hidden``) or the real grading pipeline.

- forged replies: a submission finds its own end of the grading socket (no frame needed:
  it is the one socket among its descriptors) and writes replies of its own: wrong types, a
  value of the wrong structure, a 256 MiB frame (the grading process's peak memory stays
  near an honest run's), a 40 MB message in the load report, a load report with a 200 kB
  message (cut), a reply with another request's id. Each is a failed check saying the reply
  was malformed, the CLI exits 0 with one small result object;
- time amplification: an import that sleeps just under the load limit and graded functions
  that call ``os._exit(0)``: after a few deaths the remaining checks are not run;
- hidden checks: a submission that records every argument it sees and prints all it has
  recorded in every call: no visible check's feedback holds a hidden check's argument;
- grader code in the child (``test_initializers_*``, with TensorFlow): the issue's attack
  (fake scenario functions at import) and frame walks from the student's callbacks score 0
  with initializer classes that only raise.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.engine import course
from autograder.engine.sandbox.replies import MALFORMED

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 600

FORGE = '''
import json, os, stat, struct, time

def _socket_fd():
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return fd
        except OSError:
            pass

def _frame(data):
    return struct.pack(">Q", len(data)) + data

def _send(header, frames=()):
    header = dict(header, n_arrays=len(frames))
    os.write(_socket_fd(), _frame(json.dumps(header).encode()) + b"".join(_frame(f) for f in frames))

def _huge():
    fd = _socket_fd()
    os.write(fd, _frame(b'{"results": [], "output": "", "id": 2, "n_arrays": 1}'))
    os.write(fd, struct.pack(">Q", 256 * 1024 * 1024))
    chunk = b"\\0" * (1 << 20)
    for _ in range(256):
        os.write(fd, chunk)

def _result(**fields):
    base = {"ok": True, "warnings": [], "forbidden": [], "seconds": 0.0, "blocked": []}
    base.update(fields)
    return base
'''

FORGERIES = {
    "wrong_types": '_send({"results": "all passed", "output": 5, "id": 2})',
    "wrong_structure": '_send({"results": [_result(value={"$seq": [1, 2]})], "output": "", "id": 2})',
    "string_array": '''
import io, numpy as np
buffer = io.BytesIO(); np.save(buffer, np.array(["a", "b"]))
_send({"results": [_result(value={"$a": 0})], "output": "", "id": 2}, [buffer.getvalue()])''',
    "huge_frame": "_huge()",
    "wrong_id": '_send({"results": [_result(value={"$a": 0})], "output": "", "id": 99}, [])',
}


def _functions(body: str) -> str:
    body = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    return "\n".join(f"def {name}(*args, **kwargs):\n{body}\n    os._exit(0)\n"
                     for name in ("zero_pad", "conv_output_size", "conv2d", "conv1d"))


def grade(path: Path, env: dict | None = None, assignment: str = "conv_padding") -> tuple[dict, int]:
    """The CLI's result and the peak resident memory (KiB) of its process tree."""
    wrapper = ("import resource, subprocess, sys\n"
               "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)\n"
               "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
               "sys.stdout.buffer.write(p.stdout); sys.exit(p.returncode)\n")
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "autograder", "check", assignment,
         str(path), "--json", "--hidden"],
        cwd=REPO, capture_output=True, timeout=TIMEOUT, env=dict(os.environ, **(env or {})))
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    assert len(proc.stdout) < 200_000
    return json.loads(proc.stdout), int(proc.stderr.decode().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def honest_peak(tmp_path_factory):
    path = tmp_path_factory.mktemp("honest") / "honest.py"
    path.write_text(course.get("conv_padding").solution_path.read_text())
    result, peak = grade(path)
    assert result["score"] == result["max_score"]
    return peak


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_forged_replies_are_malformed_checks(tmp_path, name, honest_peak):
    path = tmp_path / f"forge_{name}.py"
    path.write_text(FORGE + _functions(FORGERIES[name]))
    result, peak = grade(path)
    assert result["score"] == 0
    outputs = [t["output"] for t in result["tests"]]
    assert any(MALFORMED in o for o in outputs), outputs
    for output in outputs:  # malformed, or skipped after a few deaths: never a pass
        assert MALFORMED in output or "was not run" in output, output
    if name == "huge_frame":  # nothing like the 256 MiB was buffered
        assert peak - honest_peak < 128 * 1024, (peak, honest_peak)


def test_forged_load_reports_are_refused_or_cut(tmp_path):
    big = tmp_path / "big.py"
    big.write_text(FORGE + '''
_send({"cells": [{"label": "x", "error": {"kind": "exception", "message": "A" * 40_000_000},
                  "output": ""}], "defined": {}, "seccomp": True, "landlock": True, "id": 1})
os._exit(0)
''')
    result, _ = grade(big)
    assert result["score"] == 0 and MALFORMED in result["output"], result["output"][:500]
    assert len(json.dumps(result)) < 100_000

    cut = tmp_path / "cut.py"
    functions = ("zero_pad", "conv_output_size", "conv2d", "conv1d")
    cut.write_text(FORGE + f'''
_send({{"cells": [{{"label": "x", "error": {{"kind": "exception", "message": "B" * 100_000}},
                   "output": "C" * 100_000}}], "defined": {dict.fromkeys(functions, False)!r},
       "seccomp": True, "landlock": True, "id": 1}})
os._exit(0)
''')
    result, _ = grade(cut)
    assert "BBBB" in result["output"] and len(result["output"]) < 5000, len(result["output"])
    assert len(json.dumps(result)) < 100_000
    for forged in (big, cut):  # the terminal report renders (the 40 MB one never finished)
        shown = subprocess.run([sys.executable, "-m", "autograder", "check", "conv_padding",
                                str(forged)], cwd=REPO, capture_output=True, timeout=TIMEOUT)
        assert shown.returncode == 0 and len(shown.stdout) < 200_000, shown.stderr[-2000:]


def test_slow_import_and_exit_in_every_function_are_bounded(tmp_path):
    path = tmp_path / "amplify.py"
    path.write_text("import os, time\ntime.sleep(3.5)\n" + _functions("pass"))
    result, _ = grade(path, {"DLGRADE_LOAD_TIMEOUT": "5", "DLGRADE_MAX_DEATHS": "2",
                             "DLGRADE_SUBMISSION_BUDGET": "20"})
    outputs = [t["output"] for t in result["tests"]]
    died = [o for o in outputs if "exit status 0" in o]
    skipped = [o for o in outputs if "was not run" in o]
    assert result["score"] == 0 and len(died) + len(skipped) == len(outputs), outputs
    for prefix in ("1.", "2.", "3.", "4."):  # at most 2 deaths per graded function
        assert sum(1 for t in result["tests"] if t["number"].startswith(prefix)
                   and "exit status 0" in t["output"]) <= 2, outputs
    # 22 checks cannot all load in 20 s: the budget ends the run
    assert any("time budget of 20 s" in o for o in skipped), outputs
    # 22 checks, each re-loading for 3.5 s, took 77 s and more before the budget; now the
    # children's time is at most the budget of 20 s (plus forking and reaping).
    assert len(died) <= 20 / 3.5 + 1, outputs
    assert result["execution_time"] < 60, result["execution_time"]


RECORDER = '''
import hashlib, os
import numpy as np
SEEN = []

def _record(args):
    data = b"".join(np.ascontiguousarray(a).tobytes() for a in args if isinstance(a, np.ndarray))
    if data:
        SEEN.append(hashlib.sha1(data).hexdigest()[:12])
    with open("seen.txt", "a") as log:
        log.write(" ".join(SEEN[-1:]) + " ")
    with open("seen.txt") as log:
        print("SEEN", log.read(), " ".join(SEEN))
    raise ValueError("printed what I saw")
'''


def _fingerprint(args) -> str | None:
    data = b"".join(np.ascontiguousarray(a).tobytes() for a in args if isinstance(a, np.ndarray))
    return hashlib.sha1(data).hexdigest()[:12] if data else None


def test_hidden_arguments_never_reach_visible_feedback(tmp_path):
    path = tmp_path / "recorder.py"
    path.write_text(RECORDER + "".join(
        f"def {name}(*args, **kwargs):\n    _record(args)\n"
        for name in ("zero_pad", "conv_output_size", "conv2d", "conv1d")))
    assignment = course.get("conv_padding")
    rubric, reference = assignment.rubric(), assignment.reference()
    hidden = set()
    for check in rubric.checks:
        if check.hidden:
            cases, _ = reference.expected(check)
            hidden |= {_fingerprint(call.args) for call in cases} - {None}
    assert hidden
    result, _ = grade(path)
    visible = [t for t in result["tests"] if t["visibility"] == "visible"]
    printed = set()
    for test in visible:
        assert "SEEN" in test["output"]
        printed |= set(re.findall(r"\b[0-9a-f]{12}\b", test["output"]))
    assert printed and not printed & hidden
    # and the hidden checks did run, with their own output
    assert any("SEEN" in t["output"] for t in result["tests"] if t["visibility"] != "visible")


# --- grader code in the child (TensorFlow) --------------------------------------------

INITIALIZER_ATTACK = '''
import gc, inspect, logging, math, sys, traceback
import numpy as np
import keras

FOUND = []  # grader module globals reached, and how

def _fans(shape):
    shape = tuple(int(d) for d in shape)
    if len(shape) < 2:
        return (shape[0] if shape else 1), (shape[0] if shape else 1)
    field = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * field, shape[-1] * field

class _Fake:
    """Draws the target distribution directly: what the fakes hand the grader."""
    def __init__(self, name, stddev=0.01, seed=None):
        self.name, self.stddev, self.seed = name, stddev, seed
    def __call__(self, shape, dtype=None):
        fan_in, fan_out = _fans(shape)
        std = {"ScaledNormal": self.stddev, "Xavier": math.sqrt(1 / fan_in),
               "Glorot": math.sqrt(2 / (fan_in + fan_out)), "He": math.sqrt(2 / fan_in)}[self.name]
        values = std * np.random.default_rng(self.seed).standard_normal(tuple(shape))
        return values.astype(dtype or "float32")
    def get_config(self):
        return {"stddev": self.stddev, "seed": self.seed} if self.name == "ScaledNormal" else {"seed": self.seed}
    @classmethod
    def from_config(cls, config):
        raise NotImplementedError

def _fake_make(module, name, init):
    return _Fake(name, **init)

def _patch(namespace, how):
    if isinstance(namespace, dict) and str(namespace.get("__name__", "")).startswith("autograder"):
        namespace["_make"] = _fake_make
        FOUND.append(how)

def _walk(frame, how):
    while frame is not None:
        _patch(frame.f_globals, how)
        frame = frame.f_back

def _try(how, get):
    try:
        found = get()
    except BaseException as exc:
        print("refused:", how, type(exc).__name__)
        return
    if isinstance(found, dict):
        _patch(found, how)
    elif found is not None and hasattr(found, "f_back"):
        _walk(found, how)
    elif isinstance(found, list):
        for item in found:
            _patch(getattr(item, "__dict__", item), how)

def _gen():
    yield sys._getframe()

def _tb():
    try:
        raise ValueError
    except ValueError as exc:
        return exc.__traceback__.tb_frame

def _attack(where):
    _try(where + " sys.modules", lambda: vars(sys.modules["autograder.exercises.initializers"]))
    _try(where + " import", lambda: vars(__import__("autograder.exercises.initializers", fromlist=["x"])))
    _try(where + " gc", lambda: [o for o in gc.get_objects() if isinstance(o, dict)])
    _try(where + " _getframe", lambda: sys._getframe(1))
    _try(where + " currentframe", lambda: inspect.currentframe())
    _try(where + " stack", lambda: inspect.stack()[1].frame)
    _try(where + " traceback", _tb)
    _try(where + " generator", lambda: next(_gen()).f_back)
    _try(where + " running generator", lambda: (g := _gen()).gi_frame)
    _try(where + " current_frames", lambda: list(sys._current_frames().values())[0])
    _try(where + " logging", lambda: logging.currentframe())
    _try(where + " settrace", lambda: sys.settrace(lambda f, e, a: _walk(f, where + " trace")))
    import signal
    _try(where + " signal", lambda: signal.signal(signal.SIGUSR1, lambda s, f: _walk(f, where + " signal")))
    _try(where + " fresh _signal", lambda: (sys.modules.pop("_signal", None), __import__("_signal"))[1])
    print("FOUND", FOUND)

_attack("import")

def compute_fans(shape):
    raise NotImplementedError

class _Raises(keras.initializers.Initializer):
    def __init__(self, *args, **kwargs):
        _attack("init")
    def __call__(self, shape, dtype=None):
        _attack("call")
        raise NotImplementedError
    def get_config(self):
        raise NotImplementedError

class ScaledNormal(_Raises): pass
class Xavier(_Raises): pass
class Glorot(_Raises): pass
class He(_Raises): pass

def activation_stats(initializer, *args, **kwargs):
    _attack("activation_stats")
    # A grader object handed to student code leads to its module's globals:
    _try("GraderNormal __globals__", lambda: type(initializer).__call__.__globals__)
    print("FOUND", FOUND)
    raise NotImplementedError
'''


def test_initializers_grader_code_cannot_be_replaced_or_reached(tmp_path):
    path = tmp_path / "initializer_attack.py"
    path.write_text(INITIALIZER_ATTACK)
    result, _ = grade(path, assignment="initializers")
    assert result["score"] == 0, [(t["number"], t["output"][:300]) for t in result["tests"] if t["score"]]
    outputs = "\n".join([result["output"]] + [t["output"] for t in result["tests"]])
    # the attack ran, and only the __globals__ of a grader object handed to it got anywhere
    assert "refused: init _getframe PermissionError" in outputs
    assert "refused: init import" in outputs
    assert re.search(r"FOUND \[('GraderNormal __globals__'(, )?)+\]", outputs), outputs[-3000:]
    assert not re.search(r"FOUND \[[^\]]*'(import|init|call)", outputs)
