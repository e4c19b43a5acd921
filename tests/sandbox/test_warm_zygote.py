"""The warm zygote kept between `dlgrade check` runs (``autograder/engine/sandbox/warm.py``).

Every test gets its own runtime folder (``XDG_RUNTIME_DIR``), so its daemons are its own;
they are killed at the end of the test. Which zygote served a check is observable: the ready
message's pid (``Sandbox.zygote_pid``), the session count, and the daemon's log.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.engine import course, grading
from autograder.engine.grading import private_paths
from autograder.engine.rubric import Call
from autograder.engine.sandbox import warm
from autograder.engine.sandbox.client import Sandbox
from autograder.engine.sandbox.runner import SubmissionRun

ROOT = Path(__file__).resolve().parents[2]
CORRECT = ROOT / "tests" / "submissions" / "conv_padding" / "correct_float32_stride_tricks.py"
WRONG = ROOT / "tests" / "submissions" / "conv_padding" / "ignores_stride.py"
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_PEERCRED, flock: Linux")


@pytest.fixture
def runtime(monkeypatch):
    base = Path(tempfile.mkdtemp(prefix="dlgw-"))  # short: a socket path has at most 108 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
    monkeypatch.setenv(warm.SWITCH, "1")
    monkeypatch.setenv(warm.IDLE_VARIABLE, "120")
    yield base / "dlgrade"
    for pid in daemons(base / "dlgrade"):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(base, ignore_errors=True)


def daemons(folder: Path) -> list[int]:
    """The pids of every daemon started in ``folder`` (from their logs)."""
    pids = []
    for log in folder.glob("*.log") if folder.is_dir() else ():
        pids += [int(p) for p in re.findall(r"zygote (\d+) ready", log.read_text(errors="replace"))]
    return pids


FORBIDDEN = course.get("conv_padding").rubric().forbidden  # what grade_file's zygote wraps


def sandbox(forbidden=FORBIDDEN, **options) -> Sandbox:
    return Sandbox(tensorflow=False, forbidden=forbidden, private=private_paths(), keep=True, **options)


def run_function(box: Sandbox, body: str, argument=None):
    source = "import os\n\ndef f(x):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    run = SubmissionRun(box, [{"label": "s", "filename": "/student/s.py", "source": source}], ["f"], "s.py")
    try:
        run.load()
        return run.run("call", "f", [Call((np.ones(2) if argument is None else argument,))], ["array"], 30)
    finally:
        run.close()


def dead(pid: int) -> bool:
    """Whether ``pid`` is gone (or a zombie: a daemon this test process started), waiting up to 10 s."""
    for _ in range(200):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def full_marks(result) -> bool:
    data = result.to_json()
    return data["score"] == data["max_score"] > 0


@linux
def test_a_second_check_reuses_the_first_checks_zygote(runtime):
    first = grading.grade_file("conv_padding", CORRECT)
    second = grading.grade_file("conv_padding", WRONG)
    assert full_marks(first) and not full_marks(second)
    assert len(daemons(runtime)) == 1  # one daemon started ...
    log = next(runtime.glob("*.log")).read_text()
    assert "session 1" in log and "session 2" in log  # ... served both checks
    with sandbox() as one:
        pid = one.zygote_pid
        assert one.session == 3 and pid == daemons(runtime)[0]
    with sandbox() as two:
        assert two.zygote_pid == pid and two.session == 4
        assert run_function(two, "return x * 2")["results"][0]["ok"]


@linux
def test_the_switch_turns_the_warm_zygote_off(runtime, monkeypatch):
    monkeypatch.setenv(warm.SWITCH, "0")
    with sandbox() as one:
        first = one.zygote_pid
    with sandbox() as two:
        assert two.zygote_pid != first and two.lease is None
    assert dead(first)  # a private zygote leaves with its check
    assert daemons(runtime) == []


@linux
def test_a_killed_daemon_is_replaced_and_the_check_still_grades(runtime):
    with sandbox() as one:
        old = one.zygote_pid
    os.killpg(old, signal.SIGKILL)  # its socket file stays behind: stale
    assert dead(old)
    assert full_marks(grading.grade_file("conv_padding", CORRECT))
    with sandbox() as box:
        assert box.zygote_pid != old and box.session == 2
        assert run_function(box, "return x + 1")["results"][0]["ok"]


@linux
def test_a_daemon_that_does_not_answer_is_stopped_and_replaced(runtime, monkeypatch):
    monkeypatch.setattr(warm, "ATTACH_TIMEOUT", 2.0)
    with sandbox() as one:
        old = one.zygote_pid
    os.kill(old, signal.SIGSTOP)  # alive, its socket accepts, but it never answers
    try:
        with sandbox() as box:
            assert box.zygote_pid != old and box.session == 1
            assert run_function(box, "return x - 1")["results"][0]["ok"]
        assert dead(old)
    finally:
        try:
            os.killpg(old, signal.SIGKILL)
        except OSError:
            pass


@linux
def test_a_daemon_that_dies_during_a_check_is_replaced(runtime):
    with sandbox() as box:
        old = box.zygote_pid
        os.killpg(old, signal.SIGKILL)
        assert dead(old)
        # The next spawn finds the connection broken, starts a fresh daemon and says so once.
        with pytest.raises(Exception, match="restarted"):
            run_function(box, "return x")
        assert box.zygote_pid != old
        assert run_function(box, "return x * 3")["results"][0]["ok"]


@linux
def test_a_different_key_does_not_reuse(runtime, monkeypatch):
    start = os.getcwd()
    with sandbox() as plain:
        plain_pid = plain.zygote_pid
    with sandbox(forbidden=("numpy.convolve",) + tuple(FORBIDDEN)) as other:
        assert other.zygote_pid != plain_pid  # another forbidden list: its own tripwires
        blocked = run_function(other, "import numpy\nreturn numpy.convolve(x, x)")
        assert blocked["results"][0].get("forbidden")
    monkeypatch.setenv("DLGRADE_MEMORY_MB", "3000")  # another environment: another zygote
    with sandbox() as third:
        assert third.zygote_pid not in (plain_pid, other.zygote_pid)
    monkeypatch.delenv("DLGRADE_MEMORY_MB")
    monkeypatch.chdir(runtime)  # another working directory: another sys.path[0]
    with sandbox() as fourth:
        assert fourth.zygote_pid not in (plain_pid, other.zygote_pid, third.zygote_pid)
    monkeypatch.chdir(start)
    with sandbox() as again:  # the first key's daemon is still there
        assert again.zygote_pid == plain_pid
    assert len(set(daemons(runtime))) == 4


@linux
def test_concurrent_checks_both_grade_correctly(runtime):
    with sandbox() as holder:
        with sandbox() as second:  # the warm one is in use: a private zygote of its own
            assert second.lease is None and second.zygote_pid != holder.zygote_pid
            assert run_function(second, "return x * 5")["results"][0]["ok"]
            assert run_function(holder, "return x * 7")["results"][0]["ok"]
    results: list = []
    threads = [threading.Thread(target=lambda path=path: results.append((path, grading.grade_file("conv_padding", path))))
               for path in (CORRECT, WRONG, CORRECT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((str(p), full_marks(r)) for p, r in results) == sorted(
        [(str(CORRECT), True), (str(CORRECT), True), (str(WRONG), False)])


@linux
def test_an_idle_daemon_leaves_by_itself_and_removes_its_socket(runtime, monkeypatch):
    monkeypatch.setenv(warm.IDLE_VARIABLE, "1")
    with sandbox() as box:
        pid = box.zygote_pid
        time.sleep(1.5)  # idle time passes while a check holds it: it stays for that check
        assert run_function(box, "return x")["results"][0]["ok"]
    assert dead(pid)
    assert not list(runtime.glob("*.sock"))


@linux
def test_a_folder_open_to_others_is_not_used(runtime):
    runtime.mkdir(mode=0o755)
    os.chmod(runtime, 0o755)
    with sandbox() as box:
        assert box.lease is None
        assert run_function(box, "return x")["results"][0]["ok"]
    assert list(runtime.iterdir()) == []


@linux
def test_children_of_the_warm_zygote_cannot_reach_its_folder(runtime):
    with sandbox() as box:
        folder = str(runtime)
        listed = run_function(box, f"os.listdir({folder!r})\nreturn x")["results"][0]
        assert not listed["ok"]
        if box.layers.get("seccomp"):
            import socket as _socket  # noqa: F401 - the child's own import is what is refused
            dialed = run_function(box, textwrap.dedent(f"""\
                import socket
                s = socket.socket(socket.AF_UNIX)
                s.connect({str(next(runtime.glob('*.sock')))!r})
                return x"""))["results"][0]
            assert not dialed["ok"]


@linux
def test_dlgrade_check_of_a_keras_assignment_reuses_the_zygote(runtime):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    path = ROOT / "tests" / "submissions" / "initializers" / "correct_numpy.py"
    command = [sys.executable, "-m", "autograder", "check", "initializers", str(path), "--json"]
    for _ in range(2):
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
        assert '"score": ' in run.stdout
        import json

        result = json.loads(run.stdout)
        assert result["score"] == result["max_score"]
    assert len(daemons(runtime)) == 1
    assert "session 2" in next(runtime.glob("*.log")).read_text()


@linux
def test_the_daemon_trusts_only_its_users_processes_outside_its_childrens_sessions():
    import socket

    mine, theirs = socket.socketpair()
    with mine, theirs:
        assert warm.trusted(mine, set())  # this process: the user's, no child of the daemon's
        assert not warm.trusted(mine, {os.getsid(0)})  # a process in one of its children's sessions
        assert not warm.trusted(mine, {os.getpid()})  # one of its children itself
