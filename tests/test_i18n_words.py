"""Every word a student or instructor reads is Korean under `--lang ko`: the feedback of each
kind of failure, the bad-input errors, and a class regraded when its language changes."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.engine import i18n

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"
HANGUL = re.compile("[\uac00-\ud7a3]")

# --- the detector ----------------------------------------------------------------------------
#
# English prose is a run of three or more English words in a row, e.g. "the file is". What is
# not prose, and so removed before looking:
CODE_SPAN = re.compile(r"`[^`]*`")  # `code spans`
# A Python exception's own message ("ValueError: operands could not be broadcast ..."): the
# student's or the library's words, which the grader only shows, never translates.
EXCEPTION_MESSAGE = re.compile(r"\b\w*(?:Error|Exception|Warning|Exit):.*$", re.MULTILINE)
WORD = r"[A-Za-z]+(?:'[a-z]+)?"
# Three words separated only by spaces (a comma or a colon between them ends a run: "a, b, c"
# in a formula or an argument list is not prose).
PROSE = re.compile(rf"(?<![\w.=(\[]){WORD} {WORD} {WORD}(?![\w(\[])")
# Allowed on purpose, each with its reason (keep it short):
ALLOWED = (
    # json's own error for a notebook that is not JSON ("Expecting value: line 1 column 1"),
    # the library's words like an exception's message; the sentence around it is Korean.
    re.compile(r"JSON이 아님: [^)]*"),
)


def _without_tracebacks(text: str) -> str:
    """``text`` less every traceback block (indented lines after 'Traceback' or 'File ')."""
    kept, inside = [], False
    for line in text.splitlines():
        if line.startswith("Traceback (most recent call last)") or line.lstrip().startswith('File "'):
            inside = True
            continue
        if inside and (line.startswith(" ") or not line.strip()):
            continue
        inside = False
        kept.append(line)
    return "\n".join(kept)


def english_prose(text: str) -> list[str]:
    """The runs of English prose in ``text`` (empty: every human word is translated)."""
    text = _without_tracebacks(text)
    text = CODE_SPAN.sub(" ", text)
    text = EXCEPTION_MESSAGE.sub(" ", text)
    for allowed in ALLOWED:
        text = allowed.sub(" ", text)
    return PROSE.findall(text)


def test_the_detector_finds_english_prose_and_only_that():
    assert english_prose("the file is larger than 8 MB") == ["the file is"]
    assert english_prose("실패: 사례 1/5: zero_pad(array(shape=(3, 4, 7, 3)), 1)") == []
    assert english_prose("힌트: `np.pad(x, ((0, 0), (p, p)))`를 쓰세요") == []
    assert english_prose("코드에서 예외가 발생했습니다: ValueError: operands could not be broadcast") == []
    assert english_prose("zero_pad: returned None: did you forget") != []
    traceback = 'Traceback (most recent call last):\n  File "x.py", line 3, in f\n    return a + b\n다음'
    assert english_prose(traceback) == []


# --- the representative failures in Korean -------------------------------------------------------

def dlgrade(*args, env=None, cwd=ROOT):
    environ = {k: v for k, v in os.environ.items() if k not in i18n.ENVIRONMENT}
    environ.update(TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd,
                          capture_output=True, timeout=600, env=environ)


WRONG_SHAPE = "import numpy as np\n\ndef zero_pad(x, pad):\n    return np.zeros((1,))\n"
SYNTAX_ERROR = "def zero_pad(x, pad)\n    return x\n"
RETURNS_NONE = "def zero_pad(x, pad):\n    pass\n"


def _failures(tmp_path: Path):
    """(assignment, path) of each kind of failure."""
    for name, text in (("wrong_shape.py", WRONG_SHAPE), ("syntax_error.py", SYNTAX_ERROR),
                       ("returns_none.py", RETURNS_NONE)):
        (tmp_path / name).write_text(text)
    return [
        ("conv_padding", SUBMISSIONS / "conv_padding" / "flipped_kernel.py"),  # wrong values
        ("conv_padding", SUBMISSIONS / "conv_padding" / "square_kernels_only_ignores_bias.py"),  # raised
        ("conv_padding", ROOT / "assignments" / "conv_padding.py"),  # not implemented
        ("cross_entropy", SUBMISSIONS / "cross_entropy" / "naive_sigmoid_overflows.py"),  # warned
        ("cross_entropy", SUBMISSIONS / "cross_entropy" / "sigmoid_uses_scipy_expit.py"),  # forbidden
        ("conv_padding", SUBMISSIONS / "attacks" / "os_exit_at_import.py"),  # the child died
        ("conv_padding", SUBMISSIONS / "attacks" / "sys_exit_in_function.py"),  # exit called
        ("conv_padding", tmp_path / "wrong_shape.py"),
        ("conv_padding", tmp_path / "syntax_error.py"),
        ("conv_padding", tmp_path / "returns_none.py"),
    ]


def test_every_kind_of_failure_is_reported_in_korean(tmp_path):
    for assignment, path in _failures(tmp_path):
        run = dlgrade("check", assignment, path, "--lang", "ko", "--json")
        assert run.returncode == 0, (path, run.stderr.decode("utf-8", "replace")[-2000:])
        result = json.loads(run.stdout.decode("utf-8"))
        texts = [result["output"]] + [t["output"] for t in result["tests"]]
        assert any(t["status"] == "failed" for t in result["tests"]), path.name
        for text in texts:
            assert english_prose(text) == [], (path.name, text)
        assert any(HANGUL.search(text) for text in texts), path.name


# --- bad input ---------------------------------------------------------------------------------

def _bad_input(*args):
    run = dlgrade(*args, "--lang", "ko")
    message = run.stderr.decode("utf-8")
    assert run.returncode == 2 and "Traceback" not in message, message
    assert HANGUL.search(message) and english_prose(message) == [], message
    return message


def test_bad_input_errors_are_korean(tmp_path):
    _bad_input("check", "conv_padding", tmp_path / "missing.py")
    link = tmp_path / "link.py"
    link.symlink_to(ROOT / "examples" / "conv_padding_student.py")
    _bad_input("check", "conv_padding", link)
    _bad_input("check", "nonsense", ROOT / "examples" / "conv_padding_student.py")
    notebook = tmp_path / "broken.ipynb"
    notebook.write_text("{ this is not a notebook")
    _bad_input("check", "conv_padding", notebook)


def test_the_help_is_korean():
    run = dlgrade("check", "--help", "--lang", "ko")
    assert run.returncode == 0 and "비공개 검사도 실행합니다" in run.stdout.decode("utf-8")
    assert "also run the hidden checks" in dlgrade("check", "--help").stdout.decode("utf-8")


# --- the batch regrades when its language changes -------------------------------------------------

def test_a_class_is_regraded_when_the_language_changes(tmp_path):
    submissions, out = tmp_path / "class", tmp_path / "out"
    (submissions / "bob").mkdir(parents=True)
    (submissions / "bob" / "conv_padding.py").write_bytes(
        (SUBMISSIONS / "conv_padding" / "flipped_kernel.py").read_bytes())
    feedback, result = out / "bob" / "conv_padding.md", out / "bob" / "conv_padding.json"

    def grade(lang):
        run = dlgrade("grade", submissions, "--out", out, "--assignment", "conv_padding",
                      "--allow-weak-sandbox", "--jobs", "1", "--lang", lang)
        assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
        return json.loads(result.read_text(encoding="utf-8"))

    english = grade("en")
    assert not HANGUL.search(feedback.read_text(encoding="utf-8"))
    korean = grade("ko")  # the same file and rubric, another language: graded again
    assert HANGUL.search(feedback.read_text(encoding="utf-8"))
    assert korean["extra_data"]["lang"] == "ko" and english["extra_data"]["lang"] == "en"
    assert korean["score"] == english["score"]
    stored = result.stat()
    grade("ko")  # unchanged, same language: skipped, the result file is not rewritten
    assert (result.stat().st_ino, result.stat().st_mtime_ns) == (stored.st_ino, stored.st_mtime_ns)


# --- the Keras scenarios' own words (said in the sandboxed child, in its language) ----------------

# Each a submission that makes the scenario itself refuse what came back (not a wrong value).
NOT_AN_OPTIMIZER = "class SGD:\n    pass\n"
NOT_A_CLASS = "def L2WeightDecay(l2=0.01):\n    return None\n"
BN_WITHOUT_WEIGHTS = """
import keras
class BatchNormalization(keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
    def call(self, x, training=False):
        return x
"""
NUMPY_PENALTY = """
import keras, numpy as np
class L2WeightDecay(keras.regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = l2
    def __call__(self, w):
        return float(self.l2 * np.sum(np.square(keras.ops.convert_to_numpy(w))))
    def get_config(self):
        return [self.l2]
"""
VECTOR_PENALTY = """
import keras
class L2WeightDecay(keras.regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = l2
    def __call__(self, w):
        return self.l2 * keras.ops.square(w)
"""
DROPOUT_RETURNS_NONE = """
import keras
class Dropout(keras.layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
    def call(self, x, training=False):
        return None if training else x[:1]
"""


@pytest.fixture
def korean():
    i18n.use("ko")
    yield
    i18n.use(i18n.SOURCE_LANGUAGE)


def _refusal(source: str, scenario: str, name: str, args=(), kwargs=None) -> str:
    """What the scenario raises on the submission ``source`` (the message a student reads)."""
    import types

    from autograder.exercises import MissingName, ReturnValueError
    from autograder.exercises import get as scenario_of

    module = types.ModuleType("submission")
    exec(compile(source, "submission.py", "exec"), module.__dict__)
    with pytest.raises((ReturnValueError, MissingName)) as caught:
        scenario_of(scenario)(module, name, tuple(args), dict(kwargs or {}))
    return str(caught.value)


def test_the_keras_scenarios_refuse_in_korean(korean):
    import numpy as np

    w = np.ones((3, 2))
    messages = [
        _refusal(NOT_AN_OPTIMIZER, "optimizers:config_round_trip", "SGD", ([w], [w], None), {}),
        _refusal("", "regularization:l2_value", "L2WeightDecay", (w,), {"l2": 0.1}),
        _refusal(NOT_A_CLASS, "regularization:l2_value", "L2WeightDecay", (w,), {"l2": 0.1}),
        _refusal(BN_WITHOUT_WEIGHTS, "regularization:bn_weights", "BatchNormalization", ((4, 3), 0), {}),
        _refusal(NUMPY_PENALTY, "regularization:l2_gradient", "L2WeightDecay", (w,), {"l2": 0.1}),
        _refusal(NUMPY_PENALTY, "regularization:l2_config", "L2WeightDecay", (w,), {"l2": 0.1}),
        _refusal(VECTOR_PENALTY, "regularization:l2_value", "L2WeightDecay", (w,), {"l2": 0.1}),
        _refusal(DROPOUT_RETURNS_NONE, "regularization:dropout_zero_fraction", "Dropout", ((4, 5), 0),
                 {"rate": 0.5, "seed": 1}),
        _refusal(DROPOUT_RETURNS_NONE, "regularization:dropout_inference", "Dropout", ((4, 5), 0),
                 {"rate": 0.5, "seed": 1}),
    ]
    for message in messages:
        assert HANGUL.search(message) and english_prose(message) == [], message
