"""The child holds no privilege: each attack of issue 10 section 1 made for real.

Every test builds its own canary (a file outside the sandbox, owned by the grader's user) or
victim (a process this test starts), lets student code attack it, and checks the canary and
the victim afterwards, from outside. Two levels:

- through a real zygote and forked child (``Sandbox``/``SubmissionRun``): all layers at once,
  the audit hook included, as a submission meets them;
- a layer on its own: a fresh interpreter forks a child that applies only the uid drop and
  limits (``privilege.py``, ``limits.py``) and/or the seccomp filter, *without* the audit hook
  or Landlock, so each kernel-side layer is shown to hold by itself.

Needs Linux and a grader run as root (the uid drop); tests of a layer the machine lacks skip.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.engine.grading import private_paths
from autograder.engine.rubric import Call
from autograder.engine.sandbox.client import Sandbox
from autograder.engine.sandbox.limits import Limits
from autograder.engine.sandbox.runner import SubmissionRun

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                                reason="the uid drop needs Linux and a grader run as root")


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox(tensorflow=False, private=private_paths())
    assert box.layers["unprivileged_uid"], box.layers
    yield box
    box.close()


@pytest.fixture
def canary():
    """A world-readable directory outside the sandbox holding a file, like a grader's files
    in a Gradescope-like root; yields (dir, file, fingerprint before)."""
    directory = Path(tempfile.mkdtemp(prefix="dlgrade-canary-"))
    os.chmod(directory, 0o755)
    path = directory / "canary.txt"
    path.write_text("untouched")
    os.chmod(path, 0o644)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    try:
        yield directory, path, _fingerprint(path)
    finally:
        shutil.rmtree(directory)


def _fingerprint(path) -> tuple:
    info = os.lstat(path)
    return (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid, info.st_mtime_ns, path.read_text())


@pytest.fixture
def victim():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def _scheduling(pid: int) -> tuple:
    return (os.getpriority(os.PRIO_PROCESS, pid), os.sched_getscheduler(pid),
            sorted(os.sched_getaffinity(pid)), resource.prlimit(pid, resource.RLIMIT_NOFILE))


def run_function(sandbox, body: str, *, prelude: str = "", timeout: float = 60.0):
    source = prelude + "\ndef f(x):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    run = SubmissionRun(sandbox, [{"label": "s", "filename": "/student/s.py", "source": source}], ["f"], "s.py")
    try:
        return run.load(), run.run("call", "f", [Call((np.ones(2),))], ["array"], timeout)
    finally:
        run.close()


def attempts(loaded_and_outcome) -> dict:
    """The attack's own record of each attempt: {"name": "ok" | "ErrorType: message"}."""
    _, outcome = loaded_and_outcome
    result = outcome["results"][0]
    assert result["ok"], result
    return json.loads(outcome["output"].strip().splitlines()[-1])


ATTEMPT = """
import json, os
tried = {}
def attempt(name, action):
    try:
        action()
        tried[name] = "ok"
    except BaseException as exc:
        tried[name] = f"{type(exc).__name__}: {exc}"
"""


# --- through the real sandbox -----------------------------------------------------------

def test_the_child_runs_under_its_own_uid_without_capabilities(sandbox):
    body = """
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    print(json.dumps({k: status[k].split() for k in ("Uid", "Gid", "Groups", "CapInh", "CapPrm",
                                                      "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")}))
    return x
    """
    found = attempts(run_function(sandbox, body, prelude="import json"))
    uids = {int(u) for u in found["Uid"]}
    assert len(uids) == 1 and uids.pop() not in (0, os.getuid()), found
    assert {int(g) for g in found["Gid"]} != {0} and found["Groups"] == []
    assert all(int(found[k][0], 16) == 0 for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))
    assert found["NoNewPrivs"] == ["1"]


def test_mode_owner_and_times_of_outside_files_cannot_change(sandbox, canary):
    directory, path, before = canary
    body = f"""
    for flags in (os.O_PATH, os.O_RDONLY):
        def via_dir_fd(call, flags=flags):
            fd = os.open({str(directory)!r}, flags)
            call(fd)
        attempt(f"chmod dir_fd {{flags}}", lambda: via_dir_fd(lambda d: os.chmod("canary.txt", 0o777, dir_fd=d)))
        attempt(f"chown dir_fd {{flags}}", lambda: via_dir_fd(lambda d: os.chown("canary.txt", 12345, 12345, dir_fd=d)))
        attempt(f"utime dir_fd {{flags}}", lambda: via_dir_fd(lambda d: os.utime("canary.txt", (5, 5), dir_fd=d)))
    attempt("chmod path", lambda: os.chmod({str(path)!r}, 0o777))
    attempt("fchmod", lambda: os.chmod(os.open({str(path)!r}, os.O_RDONLY), 0o777))
    attempt("utime path", lambda: os.utime({str(path)!r}, (5, 5)))
    print(json.dumps(tried))
    tried.clear()
    return x
    """
    tried = attempts(run_function(sandbox, body, prelude=ATTEMPT))
    assert tried and all(v != "ok" for v in tried.values()), tried
    assert _fingerprint(path) == before


def test_scheduling_priority_and_limits_of_other_processes_cannot_change(sandbox, victim):
    zygote = sandbox.process.pid
    before = {pid: _scheduling(pid) for pid in (victim, zygote)}
    body = f"""
    import resource
    for pid in ({victim}, os.getppid()):
        attempt(f"setpriority {{pid}}", lambda: os.setpriority(os.PRIO_PROCESS, pid, 19))
        attempt(f"setpriority -20 {{pid}}", lambda: os.setpriority(os.PRIO_PROCESS, pid, -20))
        attempt(f"fifo {{pid}}", lambda: os.sched_setscheduler(pid, os.SCHED_FIFO, os.sched_param(99)))
        attempt(f"idle {{pid}}", lambda: os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0)))
        attempt(f"affinity {{pid}}", lambda: os.sched_setaffinity(pid, {{0}}))
        attempt(f"prlimit {{pid}}", lambda: resource.prlimit(pid, resource.RLIMIT_NOFILE, (3, 3)))
    if os.getuid() != 0:  # (as root, a broken sandbox would renice every root process)
        attempt("setpriority user", lambda: os.setpriority(os.PRIO_USER, 0, 19))
    attempt("own fifo", lambda: os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(99)))
    attempt("own nice -5", lambda: os.setpriority(os.PRIO_PROCESS, 0, -5))
    print(json.dumps(tried))
    tried.clear()
    return x
    """
    tried = attempts(run_function(sandbox, body, prelude=ATTEMPT))
    assert tried and all(v != "ok" for v in tried.values()), tried
    assert {pid: _scheduling(pid) for pid in (victim, zygote)} == before


def test_device_and_fifo_nodes_cannot_be_made_in_the_work_dir(sandbox):
    body = f"""
    import stat
    attempt("mknod null", lambda: os.mknod("null", stat.S_IFCHR | 0o666, os.makedev(1, 3)))
    attempt("mknod disk", lambda: os.mknod("sda", stat.S_IFBLK | 0o666, os.makedev(8, 0)))
    attempt("mkfifo", lambda: os.mkfifo("fifo"))
    tried["left"] = sorted(os.listdir("."))
    print(json.dumps(tried))
    tried.clear()
    return x
    """
    tried = attempts(run_function(sandbox, body, prelude=ATTEMPT))
    left = tried.pop("left")
    assert all(v != "ok" for v in tried.values()), tried
    assert not {"null", "sda", "fifo"} & set(left)


def test_a_thread_bomb_is_capped_and_the_child_still_answers(sandbox):
    body = """
    import threading
    stop = threading.Event()
    started = []
    try:
        for _ in range(20000):
            thread = threading.Thread(target=stop.wait)
            thread.start()
            started.append(thread)
    except RuntimeError:
        pass
    stop.set()
    for thread in started:
        thread.join()
    print(len(started))
    return x * 2
    """
    _, outcome = run_function(sandbox, body)
    count = int(outcome["output"].split()[-1])
    cap = max(Limits().threads, 8 * (os.cpu_count() or 1))
    assert 0 < count < cap, count
    np.testing.assert_array_equal(outcome["results"][0]["value"], [2.0, 2.0])


def test_disk_written_at_load_time_is_bounded_and_never_reaches_the_machine(sandbox):
    prelude = textwrap.dedent("""
        import os
        written = files = 0
        chunk = b"x" * (1 << 20)
        try:
            for n in range(10_000):  # 10 GB if nothing stopped it
                with open(f"big{n}", "wb") as out:
                    for _ in range(32):
                        out.write(chunk)
                        written += len(chunk)
        except OSError:
            pass
        try:
            for n in range(100_000):
                open(f"small{n}", "w").close()
                files += 1
        except OSError:
            pass
    """)
    run = SubmissionRun(sandbox, [{"label": "s", "filename": "/student/s.py",
                                   "source": prelude + "\ndef f(x):\n    return [float(written), float(files)]\n"}],
                        ["f"], "s.py")
    try:
        load = run.load()
        assert "fatal" not in load, load
        # meanwhile, on the machine: the zygote's view of the run directory holds nothing
        on_disk = sum(os.path.getsize(os.path.join(root, name))
                      for root, _, names in os.walk(sandbox.run_root) for name in names)
        assert on_disk < 1 << 20
        outcome = run.run("call", "f", [Call((np.ones(2),))], ["array"], 60)
    finally:
        run.close()
    assert outcome["results"][0]["ok"], outcome  # a full disk does not stop the child answering
    written, files = outcome["results"][0]["value"]
    limits = Limits()
    assert written <= limits.disk_mb << 20
    assert 0 < files <= limits.files


# --- one layer at a time: no audit hook, no Landlock --------------------------------------

LAYER_SCRIPT = r"""
import json, os, sys, tempfile
from autograder.engine.sandbox import landlock, limits, privilege, seccomp
use_uid, use_seccomp, target, victim = sys.argv[1] == "1", sys.argv[2] == "1", sys.argv[3], int(sys.argv[4])
workdir = tempfile.mkdtemp(dir=sys.argv[5])
os.chmod(sys.argv[5], 0o711)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    tried = {}
    try:
        if use_uid:
            tried["drop"] = privilege.drop(workdir, 16, 64, landlock.readable_roots(()))
            limits.apply(limits.Limits().to_dict())
        if use_seccomp:
            tried["seccomp"] = seccomp.install()
        os.chdir(workdir)
        def attempt(name, action):
            try:
                action()
                tried[name] = "ok"
            except OSError as exc:
                tried[name] = exc.errno
        d = os.open(os.path.dirname(target), os.O_PATH)
        base = os.path.basename(target)
        attempt("chmod", lambda: os.chmod(base, 0o777, dir_fd=d))
        attempt("chown", lambda: os.chown(base, 4242, 4242, dir_fd=d))
        attempt("utime", lambda: os.utime(base, (5, 5), dir_fd=d))
        attempt("fchmod", lambda: os.fchmod(os.open(target, os.O_RDONLY), 0o777))
        attempt("mknod", lambda: os.mknod("null", 0o20666, os.makedev(1, 3)))
        attempt("setpriority", lambda: os.setpriority(os.PRIO_PROCESS, victim, 19))
        attempt("fifo", lambda: os.sched_setscheduler(victim, os.SCHED_FIFO, os.sched_param(99)))
        attempt("affinity", lambda: os.sched_setaffinity(victim, {0}))
        attempt("own_nice", lambda: os.setpriority(os.PRIO_PROCESS, 0, min(os.getpriority(os.PRIO_PROCESS, 0) + 1, 19)))
    finally:
        os.write(w, json.dumps(tried).encode())
        os._exit(0)
os.close(w)
data = b""
while chunk := os.read(r, 65536):
    data += chunk
os.waitpid(pid, 0)
print(data.decode())
"""


@pytest.mark.parametrize("uid,seccomp_on", [(True, False), (False, True)], ids=["uid-only", "seccomp-only"])
def test_each_kernel_layer_holds_on_its_own(canary, victim, uid, seccomp_on):
    probe = subprocess.run([sys.executable, "-m", "autograder.engine.sandbox.layers"], capture_output=True, text=True)
    if seccomp_on and not json.loads(probe.stdout)["seccomp"]:
        pytest.skip("seccomp is not available here")
    _, path, before = canary
    scheduling = _scheduling(victim)
    scratch = tempfile.mkdtemp(prefix="dlgrade-layer-")  # like the run directory: under /tmp
    try:
        done = subprocess.run([sys.executable, "-c", LAYER_SCRIPT, "1" if uid else "0", "1" if seccomp_on else "0",
                               str(path), str(victim), scratch],
                              capture_output=True, text=True, timeout=120, cwd=os.getcwd())
    finally:
        shutil.rmtree(scratch)
    tried = json.loads(done.stdout.strip().splitlines()[-1])
    assert "chmod" in tried, (tried, done.stderr)
    if uid:
        assert tried["drop"]["unprivileged_uid"], tried
    if seccomp_on:
        assert tried["seccomp"] is True
    attacks = ("chmod", "chown", "utime", "fchmod", "mknod", "setpriority", "fifo", "affinity")
    assert all(tried[name] != "ok" for name in attacks), tried
    assert tried["own_nice"] == "ok"  # lowering its own priority is still allowed
    assert _fingerprint(path) == before
    assert _scheduling(victim) == scheduling


def test_a_child_that_cannot_apply_a_layer_the_probe_found_exits_before_student_code():
    # the probe mounts a small tmpfs; a child asked for an impossible one (size=-1m) must not
    # fall back to the plain directory: it exits, and the submission is reported unloadable
    box = Sandbox(tensorflow=False, private=private_paths(), limits=Limits(disk_mb=-1))
    try:
        assert box.layers["private_tmpfs"]
        run = SubmissionRun(box, [{"label": "s", "filename": "/student/s.py", "source": "print('ran')\n"}],
                            ["f"], "s.py")
        try:
            load = run.load()
        finally:
            run.close()
        assert "fatal" in load and "load" in load["fatal"], load
    finally:
        box.close()
