"""The backends' native start-up lines stay off the user's terminal (issue 13 section 3)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autograder.channels import quiet

ROOT = Path(__file__).resolve().parents[1]
CORRECT = ROOT / "tests" / "submissions" / "initializers" / "correct_keras_random.py"

STARTUP = [
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    b"I0000 00:00:1796640016.081361   27471 port.cc:153] oneDNN custom operations are on.",
    b"I0000 00:00:1796640016.081742   27471 cudart_stub.cc:31] Could not find cuda drivers on your machine.",
    b"W1207 10:41:02.123456  1234 cpu_feature_guard.cc:210] This TensorFlow binary is optimized.",
    b"To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow "
    b"with the appropriate compiler flags.",
]
KEPT = [
    b"E0000 00:00:1796640016.1   27471 cuda_dnn.cc:1] a native error stays visible",
    b"/tmp/mine.py:2: UserWarning: mine",
    b"Traceback (most recent call last):",
    b"I0000 is how my own message starts",
]


def test_start_up_lines_are_noise_and_others_are_not():
    assert all(quiet.is_noise(line) for line in STARTUP)
    assert not any(quiet.is_noise(line) for line in KEPT)


def test_the_filter_drops_only_start_up_lines_written_to_descriptor_2(tmp_path):
    lines = STARTUP[:2] + KEPT + STARTUP[2:]
    written = b"".join(line + b"\n" for line in lines)
    script = (
        "import os, sys\n"
        "from autograder.channels import quiet\n"
        "with quiet.native_logs_filtered():\n"
        f"    os.write(2, {written!r})\n"
        "    print('python stderr', file=sys.stderr)\n"
        "    os.system('echo child process line >&2')\n"  # children inherit the filtered descriptor
        "print('after', file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=120)
    assert result.returncode == 0
    assert result.stderr.splitlines() == KEPT + [b"python stderr", b"child process line", b"after"]


def test_check_of_a_keras_assignment_prints_no_start_up_lines():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-m", "autograder", "check", "initializers", str(CORRECT)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "initializers" in result.stdout
