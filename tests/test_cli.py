"""The command line as a user meets it: real subprocesses, exit codes, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dlgrade(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_list_names_all_seven_with_points():
    out = dlgrade("list")
    assert out.returncode == 0
    for name in ("conv_padding", "cross_entropy", "softmax_loglik", "backprop",
                 "optimizers", "initializers", "regularization"):
        assert name in out.stdout


def test_check_json_prints_only_the_result_object():
    out = dlgrade("check", "conv_padding", "examples/conv_padding_student.py", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) >= {"assignment", "score", "max_score", "execution_time", "tests"}
    assert 0 < result["score"] < result["max_score"]
    for test in result["tests"]:
        assert set(test) >= {"name", "number", "score", "max_score", "status", "visibility", "output"}
        assert test["name"].split(":")[0] in ("zero_pad", "conv_output_size", "conv2d", "conv1d")


def test_check_default_path_is_the_stub_and_table_is_readable():
    out = dlgrade("check", "conv_padding")
    assert out.returncode == 0, out.stderr
    assert "not implemented yet" in out.stdout and "Score: 0 /" in out.stdout


def test_check_shows_feedback_with_hint_for_a_mistake():
    out = dlgrade("check", "conv_padding", "examples/conv_padding_student.py")
    assert out.returncode == 0
    assert "max abs error" in out.stdout and "Hint:" in out.stdout
    assert "bottom/right" in out.stdout  # the diagnosis of the 'same'-padding mistake


@pytest.mark.parametrize("args,message", [
    (["check", "conv_padding", "does/not/exist.py"], "no such file"),
    (["check", "conv_padding", "README.md"], ".py or .ipynb"),
    (["check", "nonsense", "examples/conv_padding_student.py"], "unknown assignment 'nonsense'"),
])
def test_bad_input_is_one_clear_line_and_nonzero_exit(args, message):
    out = dlgrade(*args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_notebook_that_is_not_json_is_bad_input(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{this is not json")
    out = dlgrade("check", "conv_padding", str(bad))
    assert out.returncode == 2 and "not JSON" in out.stderr and "Traceback" not in out.stderr


def test_usage_error_exits_nonzero():
    assert dlgrade("check").returncode == 2
    assert dlgrade("frobnicate").returncode == 2


def test_release_check_reports_up_to_date():
    out = dlgrade("release", "--check")
    assert out.returncode == 0, out.stdout + out.stderr
