"""Without Landlock or seccomp: the grader says so, refuses to grade a class, and still holds.

A kernel without Landlock/seccomp is simulated with the test-only switch
``DLGRADE_SIMULATE_MISSING`` (``autograder/engine/sandbox/layers.py``): a seccomp filter on the
zygote makes the Landlock syscalls answer ENOSYS and seccomp filters impossible, so the
children really run without them (shown below by a native write Landlock would stop).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.engine import course
from autograder.engine.grading import private_paths
from autograder.engine.rubric import Call
from autograder.engine.sandbox.client import Sandbox
from autograder.engine.sandbox.runner import SubmissionRun

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = course.get("conv_padding").solution_path
linux_root = pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                                reason="the simulation needs Linux (seccomp); the full sandbox needs root")


@pytest.fixture(scope="module")
def weak_sandbox():
    os.environ["DLGRADE_SIMULATE_MISSING"] = "landlock,seccomp"
    try:
        box = Sandbox(tensorflow=False, private=private_paths())
    finally:
        del os.environ["DLGRADE_SIMULATE_MISSING"]
    yield box
    box.close()


def run_function(sandbox, body: str):
    source = "\ndef f(x):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    run = SubmissionRun(sandbox, [{"label": "s", "filename": "/student/s.py", "source": source}], ["f"], "s.py")
    try:
        return run.load(), run.run("call", "f", [Call((np.ones(2),))], ["array"], 30)
    finally:
        run.close()


@linux_root
def test_the_simulated_kernel_really_lacks_landlock_and_seccomp(weak_sandbox):
    layers = weak_sandbox.layers
    assert not layers["landlock"] and not layers["seccomp"] and not layers["full"]
    assert layers["unprivileged_uid"] and layers["audit_hook"]
    target = f"/tmp/dlgrade_weak_probe_{os.getpid()}.db"
    try:  # sqlite writes natively: no audit event; only Landlock would have stopped it
        load, outcome = run_function(weak_sandbox, f"import sqlite3; sqlite3.connect({target!r}).execute('create table t (x)'); return x")
        assert not load["landlock"] and not load["seccomp"]
        assert outcome["results"][0]["ok"] and os.path.exists(target)
    finally:
        if os.path.exists(target):
            os.remove(target)


@linux_root
@pytest.mark.parametrize("body", [
    # read the solution relative to a descriptor of the course root
    f"import os; d = os.open({str(SOLUTION.parent.parent)!r}, os.O_RDONLY); "
    "return os.read(os.open('solutions/conv_padding.py', os.O_RDONLY, dir_fd=d), 100)",
    f"import os; d = os.open({str(SOLUTION.parent.parent)!r}, os.O_PATH | os.O_DIRECTORY); "
    "return os.read(os.open('solutions/conv_padding.py', os.O_RDONLY, dir_fd=d), 100)",
    # climb out of a work-dir subdirectory to the (private) run directory: the open event
    # carries no dir_fd, so resolving its path against the work dir would land elsewhere
    "import os; os.makedirs('a/b'); d = os.open('a/b', os.O_RDONLY); "
    "return os.read(os.open('../../../zygote.log', os.O_RDONLY, dir_fd=d), 100)",
])
def test_dir_fd_reads_outside_the_work_dir_are_refused(weak_sandbox, body):
    _, outcome = run_function(weak_sandbox, body)
    result = outcome["results"][0]
    assert not result["ok"] and "PermissionError: sandbox:" in result["error"]["message"], result


@linux_root
def test_dir_fd_writes_and_mode_changes_outside_the_work_dir_are_refused(weak_sandbox):
    outside = Path(tempfile.mkdtemp(prefix="dlgrade-weak-"))
    os.chmod(outside, 0o777)  # even a directory anyone may write into
    canary = outside / "canary.txt"
    canary.write_text("untouched")
    os.chmod(canary, 0o666)
    before = (os.stat(canary).st_mode, os.stat(canary).st_mtime_ns)
    try:
        for call in (f"os.chmod('canary.txt', 0o777, dir_fd=d)", "os.utime('canary.txt', (5, 5), dir_fd=d)",
                     "os.remove('canary.txt', dir_fd=d)", "os.mkdir('new', dir_fd=d)",
                     "os.close(os.open('new.txt', os.O_CREAT | os.O_WRONLY, dir_fd=d))",
                     f"os.chmod(os.open({str(canary)!r}, os.O_RDONLY), 0o777)"):
            body = f"import os; d = os.open({str(outside)!r}, os.O_RDONLY); {call}; return x"
            _, outcome = run_function(weak_sandbox, body)
            result = outcome["results"][0]
            assert not result["ok"] and "PermissionError: sandbox:" in result["error"]["message"], (call, result)
        assert sorted(os.listdir(outside)) == ["canary.txt"]
        assert (os.stat(canary).st_mode, os.stat(canary).st_mtime_ns) == before
    finally:
        shutil.rmtree(outside)


@linux_root
def test_ordinary_dir_fd_use_inside_the_work_dir_still_works(weak_sandbox):
    body = """
    import os
    os.mkdir('sub')
    d = os.open('sub', os.O_RDONLY)
    os.close(os.open('f.txt', os.O_CREAT | os.O_WRONLY, dir_fd=d))
    os.rename('f.txt', 'g.txt', src_dir_fd=d, dst_dir_fd=d)
    os.remove('g.txt', dir_fd=d)
    return x
    """
    _, outcome = run_function(weak_sandbox, body)
    assert outcome["results"][0]["ok"], outcome


# --- the command line -------------------------------------------------------------------

def dlgrade(*args, simulate: str | None = None):
    env = dict(os.environ)
    env.pop("DLGRADE_SIMULATE_MISSING", None)
    if simulate:
        env["DLGRADE_SIMULATE_MISSING"] = simulate
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@linux_root
def test_grade_refuses_a_weak_sandbox_unless_allowed_and_results_say_which_layers(tmp_path):
    student = tmp_path / "class" / "alice"
    student.mkdir(parents=True)
    shutil.copy(course.get("conv_padding").stub_path, student / "conv_padding.py")
    out = tmp_path / "out"
    refused = dlgrade("grade", str(tmp_path / "class"), "--out", str(out), "--assignment", "conv_padding",
                      "--jobs", "1", simulate="landlock")
    assert refused.returncode == 2, refused.stderr
    assert "weak sandbox" in refused.stderr and "--allow-weak-sandbox" in refused.stderr
    assert "Landlock" in refused.stderr.split("MISSING")[1]
    assert not (out / "alice").exists()

    allowed = dlgrade("grade", str(tmp_path / "class"), "--out", str(out), "--assignment", "conv_padding",
                      "--jobs", "1", "--allow-weak-sandbox", simulate="landlock")
    assert allowed.returncode == 0, allowed.stderr
    assert "weak sandbox" in allowed.stderr
    sandbox = json.loads((out / "alice" / "conv_padding.json").read_text())["extra_data"]["sandbox"]
    assert sandbox["landlock"] is False and sandbox["seccomp"] is True and sandbox["full"] is False


@linux_root
def test_check_reports_the_layers_in_every_result_and_warns_when_weak():
    full = dlgrade("check", "conv_padding", "--json")
    assert full.returncode == 0, full.stderr
    assert json.loads(full.stdout)["extra_data"]["sandbox"] == {
        "unprivileged_uid": True, "private_tmpfs": True, "landlock": True, "seccomp": True,
        "audit_hook": True, "full": True}
    assert "weak sandbox" not in full.stderr
    weak = dlgrade("check", "conv_padding", "--json", simulate="seccomp,uid")
    assert weak.returncode == 0, weak.stderr
    sandbox = json.loads(weak.stdout)["extra_data"]["sandbox"]
    assert not sandbox["seccomp"] and not sandbox["unprivileged_uid"] and sandbox["landlock"]
    assert "weak sandbox" in weak.stderr and "seccomp" in weak.stderr.split("MISSING")[1]
