"""Red-team tests: hostile conv_padding submissions against the real ``dlgrade check`` CLI.

Each file in ``tests/submissions/attacks/`` is a complete student submission that attacks
the sandbox (its module docstring says how, and what a passing check of each function would
mean). Each is graded once, through the real command line::

    python -m autograder check conv_padding <attack.py> --json --hidden

and the run must honour GRADER_CONTRACT.md's guarantees:

- the grader exits 0 and prints exactly one valid result object on stdout;
- the score is what an honest evaluation gives: attacks that only return wrong values score
  0 (an attack that *escapes* returns correct values, so an escape shows up as passing
  checks); for attacks where one function runs away (exit, hang, memory, crash), that
  function's checks fail with a clear message, zero_pad's checks pass, and the other correct
  functions are graded exactly as in a control run of the same honest code;
- the list of tests (numbers, names, points, visibility) is the same as the control run's;
- nothing outside the sandbox changed: no marker file (``dlgrade_attack_marker_<attack>_*``
  in /tmp, /var/tmp, /dev/shm, the home directory or the repository), the victim file the
  test creates is untouched, no file in the repository changed or appeared (changes that do
  not look like an attack's, i.e. someone editing the repository meanwhile, are only
  reported unless ``DLGRADE_ATTACK_STRICT_REPO=1``);
- no process is left behind: the CLI runs under a small supervisor that makes itself a
  child subreaper, so every orphan of the run is reparented to it and counted; processes
  carrying the run's environment tag or the marker name are looked for too;
- for ``socket_attack``, the test's listener on 127.0.0.1:47391 got no connection/datagram.

Also here: a control run (an honest file written by this test: every function correct),
the honest reference solution (must score full marks), and a static check that every attack
file is a syntactically valid submission defining the four graded functions.

The end-to-end tests skip until the grading engine (``autograder/channels/cli.py``) and the
conv_padding solution and rubric exist. ``DLGRADE_ATTACK_TIMEOUT`` (seconds, default 300)
bounds each CLI run.
"""
from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ATTACKS_DIR = REPO / "tests" / "submissions" / "attacks"
SOLUTION = REPO / "solutions" / "conv_padding.py"
CLI_TIMEOUT = float(os.environ.get("DLGRADE_ATTACK_TIMEOUT", "300"))
STRAY_GRACE = 5.0  # seconds the run's leftovers get to exit after the CLI returned
MAX_STDOUT = 1_000_000  # bytes; student output must be truncated well below this
ATTACK_PORT = 47391  # socket_attack connects here
MARKER = "dlgrade_attack_marker_"
FUNCTIONS = ("zero_pad", "conv_output_size", "conv2d", "conv1d")
MARKER_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
SKIP_DIRS = {
    ".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache",
    ".ruff_cache", "build", "dist", "grades", ".whl", ".ipynb_checkpoints", "node_modules",
}


# --------------------------------------------------------------------------------------
# What each attack must come to
# --------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Expect:
    """``all_wrong``: score 0, every check failed with a message.
    ``runaway``: checks of ``broken`` functions fail (one of their messages matches
    ``message``), zero_pad's pass, the rest match the control run.
    ``hardcoded``: every function has at least one failed check; score below the maximum."""

    kind: str
    broken: tuple[str, ...] = ()
    message: str = ""  # regex (case-insensitive) at least one failed check's output must match
    max_stdout: int | None = None
    listener: bool = False


CRASH = r"crash|signal|segment|sigsegv|abort|died|killed|terminated|core|exit"
ATTACKS: dict[str, Expect] = {
    "import_solution": Expect("all_wrong"),
    "read_solution_file": Expect("all_wrong"),
    "read_rubric": Expect("all_wrong"),
    "monkeypatch_numpy": Expect("all_wrong"),
    "os_exit_at_import": Expect("all_wrong", message=r"exit|import|died|crash|terminated|load"),
    "sys_exit_in_function": Expect("runaway", broken=("conv2d",), message=r"exit"),
    "infinite_loop_ignores_sigterm": Expect(
        "runaway", broken=("conv2d",),
        message=r"time|limit|second|\d\s*s\b|too long|slow|hang|endless|loop|finish|stopped|killed",
    ),
    "memory_bomb": Expect("runaway", broken=("conv2d",), message=r"memory|limit|killed|oom"),
    "recursion_bomb": Expect("runaway", broken=("conv2d",), message=r"recursion|stack|" + CRASH),
    "crash_in_function": Expect("runaway", broken=("conv2d", "conv1d"), message=CRASH),
    "fd_abuse": Expect("runaway", broken=("conv2d",)),
    "subprocess_attack": Expect("all_wrong"),
    "socket_attack": Expect("all_wrong", listener=True),
    "write_outside_sandbox": Expect("all_wrong"),
    "kill_parent": Expect("all_wrong"),
    "fake_json_output": Expect("all_wrong", max_stdout=MAX_STDOUT),
    "ctypes_attack": Expect("all_wrong"),
    "proc_mem_read": Expect("all_wrong"),
    "hardcoded_only_public": Expect("hardcoded"),
    "tamper_harness": Expect("all_wrong"),
    "thread_escape": Expect("all_wrong"),
    "pickle_payload": Expect("all_wrong"),
    "hostile_return_values": Expect("all_wrong", max_stdout=MAX_STDOUT),
    "memory_scavenge": Expect("all_wrong"),
    "tensorflow_io": Expect("all_wrong"),
    "privilege_abuse": Expect("all_wrong"),
}




# --------------------------------------------------------------------------------------
# Running the CLI under a supervisor that catches every leftover process
# --------------------------------------------------------------------------------------

# Runs in its own session (so a killpg from a broken sandbox can only reach it and the CLI),
# makes itself a child subreaper (every orphan of the run is reparented to it), runs the
# CLI, then reaps and reports (and SIGKILLs) whatever is still alive after a grace period.
SUPERVISOR = r'''
import ctypes, json, os, signal, subprocess, sys, time
spec = json.loads(sys.argv[1])
subreaper = False
try:
    subreaper = ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
except Exception:
    pass

def children():
    me, found = os.getpid(), []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == me and fields[0] != b"Z":
            found.append(int(name))
    return found

def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return

def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"

env = dict(os.environ)
env.update(spec["env"])
with open(spec["stdout"], "wb") as out, open(spec["stderr"], "wb") as err:
    start = time.monotonic()
    proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    try:
        rc, timed_out = proc.wait(timeout=spec["timeout"]), False
    except subprocess.TimeoutExpired:
        proc.kill()
        rc, timed_out = proc.wait(), True
    elapsed = time.monotonic() - start
strays = {}
deadline = time.monotonic() + spec["grace"]
while True:
    reap()
    kids = children()
    if not kids:
        break
    if time.monotonic() < deadline:
        time.sleep(0.05)
        continue
    for pid in kids:  # still here after the grace period: a stray; kill it (and its orphans next round)
        strays.setdefault(str(pid), cmdline(pid))
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if time.monotonic() > deadline + 15:
        break
    time.sleep(0.2)
reap()
with open(spec["result"], "w") as handle:
    json.dump({"rc": rc, "timed_out": timed_out, "elapsed": elapsed, "subreaper": subreaper, "strays": strays}, handle)
'''


@dataclasses.dataclass
class Run:
    label: str
    rc: int | None
    timed_out: bool
    elapsed: float
    stdout: bytes
    stderr: bytes
    strays: dict
    problems: list  # things that went wrong with the run itself (supervisor killed, ...)


def _own_ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            data = Path(f"/proc/{pid}/stat").read_bytes()
            pid = int(data[data.rfind(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


def _tagged_processes(tag: str, needles: list[str]) -> tuple[dict, dict]:
    """Processes whose environment carries ``tag`` (certainly from our run), and processes
    whose command line contains one of ``needles`` (probably from it)."""
    tagged, named = {}, {}
    skip = _own_ancestors()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in skip:
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            environ = b""
        if tag.encode() in environ:
            tagged[int(entry)] = cmd
        elif any(needle in cmd for needle in needles):
            named[int(entry)] = cmd
    return tagged, named


def run_cli(submission: Path, workdir: Path, label: str) -> Run:
    workdir.mkdir(parents=True, exist_ok=True)
    tag = f"dlgrade-attack-run-{label}-{uuid.uuid4().hex}"
    spec = {
        "cmd": [sys.executable, "-m", "autograder", "check", "conv_padding", str(submission), "--json", "--hidden"],
        "cwd": str(REPO),
        # A private zygote per run (no warm one kept for the next check): every process
        # the run started must be gone when it ends (tests/sandbox/test_warm_zygote.py
        # covers the kept zygote).
        "env": {"DLGRADE_ATTACK_RUN_TAG": tag, "DLGRADE_KEEP_ZYGOTE": "0"},
        "timeout": CLI_TIMEOUT,
        "grace": STRAY_GRACE,
        "stdout": str(workdir / "stdout"),
        "stderr": str(workdir / "stderr"),
        "result": str(workdir / "supervisor.json"),
    }
    problems = []
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, json.dumps(spec)],
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, supervisor_err = supervisor.communicate(timeout=CLI_TIMEOUT + STRAY_GRACE + 60)
    except subprocess.TimeoutExpired:
        problems.append("the supervisor hung (was it stopped by SIGSTOP?); killed its process group")
        try:
            os.killpg(supervisor.pid, signal.SIGKILL)
        except OSError:
            pass
        _, supervisor_err = supervisor.communicate()
    result = {}
    try:
        result = json.loads((workdir / "supervisor.json").read_text())
    except (OSError, ValueError):
        problems.append(
            f"the supervisor died before reporting (exit {supervisor.returncode}): the attack killed "
            f"the grader's process group or the test's supervisor. stderr: {supervisor_err[-2000:]!r}"
        )

    def read(name: str) -> bytes:
        try:
            return (workdir / name).read_bytes()
        except OSError:
            return b""

    tagged, named = _tagged_processes(tag, [str(submission), MARKER + label + "_"])
    strays = dict(result.get("strays", {}))
    for pid, cmd in tagged.items():  # started by our run for sure: report and kill
        strays[str(pid)] = cmd + " (carries the run's environment tag)"
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid, cmd in named.items():  # probably ours, but not provably: report only
        strays[str(pid)] = cmd + " (names the attack; not killed by the test)"
    return Run(
        label=label,
        rc=result.get("rc"),
        timed_out=bool(result.get("timed_out")),
        elapsed=float(result.get("elapsed", 0.0)),
        stdout=read("stdout"),
        stderr=read("stderr"),
        strays=strays,
        problems=problems,
    )


# --------------------------------------------------------------------------------------
# Checking a result object
# --------------------------------------------------------------------------------------

def function_of(test: dict) -> str:
    return str(test.get("name", "")).split(":", 1)[0].strip()


def parse_result(run: Run, problems: list[str]) -> dict | None:
    """The run's result object, after checking the contract's shape; problems go to ``problems``."""
    problems.extend(run.problems)
    if run.timed_out:
        problems.append(f"the CLI did not finish within {CLI_TIMEOUT:.0f} s (killed by the test)")
    if run.rc != 0:
        problems.append(f"the CLI exited with {run.rc!r}, expected 0. stderr tail: {run.stderr[-3000:]!r}")
    try:
        text = run.stdout.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"stdout is not valid UTF-8 ({error}); head: {run.stdout[:300]!r}")
        return None
    try:
        result = json.loads(text)  # json.loads rejects trailing data: exactly one document
    except ValueError as error:
        problems.append(f"stdout is not exactly one JSON document ({error}); head: {text[:300]!r}, tail: {text[-300:]!r}")
        return None
    if not isinstance(result, dict):
        problems.append(f"the JSON document is not an object: {type(result).__name__}")
        return None
    for key, kind in (("assignment", str), ("score", (int, float)), ("max_score", (int, float)),
                      ("execution_time", (int, float)), ("tests", list)):
        if not isinstance(result.get(key), kind) or isinstance(result.get(key), bool):
            problems.append(f"result[{key!r}] missing or of the wrong type: {result.get(key)!r}")
    if problems and not isinstance(result.get("tests"), list):
        return None
    if result.get("assignment") != "conv_padding":
        problems.append(f"result['assignment'] is {result.get('assignment')!r}")
    tests = result.get("tests", [])
    total = 0.0
    for test in tests:
        if not isinstance(test, dict):
            problems.append(f"a test entry is not an object: {test!r}"[:300])
            continue
        for key, kind in (("name", str), ("number", str), ("score", (int, float)), ("max_score", (int, float)),
                          ("status", str), ("visibility", str), ("output", str)):
            if not isinstance(test.get(key), kind) or isinstance(test.get(key), bool):
                problems.append(f"test {test.get('number')!r} {key!r} missing or of the wrong type: {test.get(key)!r}"[:300])
        if test.get("status") not in ("passed", "failed"):
            problems.append(f"test {test.get('number')!r} has status {test.get('status')!r}")
        if test.get("visibility") not in ("visible", "after_published"):
            problems.append(f"test {test.get('number')!r} has visibility {test.get('visibility')!r}")
        if function_of(test) not in FUNCTIONS:
            problems.append(f"test {test.get('number')!r} name {test.get('name')!r} does not start with a graded function")
        score, top = test.get("score"), test.get("max_score")
        if isinstance(score, (int, float)) and isinstance(top, (int, float)):
            total += score
            if test.get("status") == "passed" and score != top:
                problems.append(f"test {test.get('number')!r} passed but scored {score} of {top}")
            if test.get("status") == "failed" and score != 0:
                problems.append(f"test {test.get('number')!r} failed but scored {score} (checks are all-or-nothing)")
        if test.get("status") == "failed" and not str(test.get("output", "")).strip():
            problems.append(f"test {test.get('number')!r} ({test.get('name')!r}) failed with an empty output message")
    if isinstance(result.get("score"), (int, float)) and abs(result["score"] - total) > 1e-6:
        problems.append(f"result['score'] {result['score']} is not the sum of the tests' scores {total}")
    if isinstance(result.get("max_score"), (int, float)):
        top_total = sum(t.get("max_score", 0) for t in tests if isinstance(t, dict) and isinstance(t.get("max_score"), (int, float)))
        if abs(result["max_score"] - top_total) > 1e-6:
            problems.append(f"result['max_score'] {result['max_score']} is not the sum of the tests' max_score {top_total}")
    return result


def listing_of(result: dict) -> list[tuple]:
    return sorted(
        (str(t.get("number")), str(t.get("name")), float(t.get("max_score", 0)), str(t.get("visibility")))
        for t in result.get("tests", []) if isinstance(t, dict)
    )


def describe(test: dict) -> str:
    return f"{test.get('number')} {test.get('name')!r}: {test.get('status')} ({str(test.get('output', ''))[:200]!r})"


# --------------------------------------------------------------------------------------
# The outside world: markers, the victim file, the repository, the listener
# --------------------------------------------------------------------------------------

def marker_dirs() -> list[Path]:
    dirs = [Path(d) for d in MARKER_DIRS]
    try:
        import pwd

        dirs.append(Path(pwd.getpwuid(os.getuid()).pw_dir))
    except (ImportError, KeyError):
        pass
    dirs.append(Path.home())
    return [d for i, d in enumerate(dirs) if d not in dirs[:i] and d.is_dir()]


def find_markers(label: str) -> list[Path]:
    prefix = MARKER + label + "_"
    found = []
    for directory in marker_dirs():
        try:
            found += [directory / n for n in os.listdir(directory) if n.startswith(prefix)]
        except OSError:
            pass
    for dirpath, dirnames, filenames in os.walk(REPO):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS or d == "__pycache__"]
        found += [Path(dirpath) / n for n in filenames + dirnames if n.startswith(MARKER)]
    return sorted(set(found))


def remove_path(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


VICTIM_TEXT = b"victim file of the dlgrade attack tests: it must stay exactly like this\n"
VICTIM_MTIME_NS = 1_000_000_000 * 10**9


def victim_path(label: str) -> Path:
    return Path("/tmp") / f"dlgrade_attack_victim_{label}.txt"


def victim_state(path: Path) -> dict | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    try:
        xattrs = sorted(os.listxattr(path, follow_symlinks=False))
    except OSError:
        xattrs = []
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else b"<not a regular file>"
    return {"content": content, "mode": oct(info.st_mode), "mtime_ns": info.st_mtime_ns, "ino": info.st_ino,
            "nlink": info.st_nlink, "xattrs": xattrs}


def make_victim(label: str) -> dict:
    path = victim_path(label)
    remove_path(path)
    path.write_bytes(VICTIM_TEXT)
    os.chmod(path, 0o644)
    os.utime(path, ns=(VICTIM_MTIME_NS, VICTIM_MTIME_NS))
    return victim_state(path)


def snapshot_repo() -> dict[str, str]:
    """Every file and directory of the repository (caches and virtualenvs aside) with its content hash."""
    import hashlib

    entries = {}
    for dirpath, dirnames, filenames in os.walk(REPO):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        rel_dir = os.path.relpath(dirpath, REPO)
        entries[rel_dir + "/"] = "dir"
        for name in filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, REPO)
            try:
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode):
                    entries[rel] = "symlink->" + os.readlink(path)
                elif stat.S_ISREG(info.st_mode):
                    with open(path, "rb") as handle:
                        entries[rel] = hashlib.sha256(handle.read()).hexdigest() + f" {oct(info.st_mode)}"
                else:
                    entries[rel] = f"special {oct(info.st_mode)}"
            except OSError as error:
                entries[rel] = f"unreadable {error}"
    return entries


def diff_snapshots(before: dict, after: dict) -> list[str]:
    changes = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            changes.append(f"removed: {key}")
        elif key not in before:
            changes.append(f"new: {key}")
        elif before[key] != after[key]:
            changes.append(f"changed: {key}")
    return changes


STRICT_REPO = os.environ.get("DLGRADE_ATTACK_STRICT_REPO", "") not in ("", "0")
_ARTIFACT_NAME = re.compile(r"dlgrade_attack|(^|/)core(\.\d+)?$")
_OWN_DIRS = ("tests/sandbox/", "tests/submissions/attacks/")  # contain the attack strings themselves


def looks_like_attack(change: str) -> bool:
    """Whether a repository change is the attacks' doing: a marker name, a core dump, or
    content the attacks write (``pwned``). Other changes are probably someone editing the
    repository while the tests run; they fail the test only with DLGRADE_ATTACK_STRICT_REPO=1."""
    kind, _, rel = change.partition(": ")
    rel = rel.rstrip("/")
    if _ARTIFACT_NAME.search(rel):
        return True
    if kind == "removed" or rel.startswith(_OWN_DIRS):
        return False
    try:
        with open(REPO / rel, "rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return False
    return head.startswith(b"\x7fELF") or b"pwned" in head


class Listener:
    """TCP and UDP sockets on 127.0.0.1:ATTACK_PORT that must stay untouched."""

    def __init__(self) -> None:
        self.tcp = self.udp = None
        self.reason = ""
        try:
            self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.tcp.bind(("127.0.0.1", ATTACK_PORT))
            self.tcp.listen(16)
            self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.udp.bind(("127.0.0.1", ATTACK_PORT))
        except OSError as error:
            self.reason = f"port {ATTACK_PORT} unavailable ({error}); the listener check was skipped"
            self.close()

    def contacts(self) -> list[str]:
        found = []
        if self.tcp is not None:
            self.tcp.setblocking(False)
            while True:
                try:
                    connection, address = self.tcp.accept()
                except (BlockingIOError, OSError):
                    break
                connection.settimeout(0.5)
                try:
                    data = connection.recv(200)
                except OSError:
                    data = b""
                connection.close()
                found.append(f"TCP connection from {address}: {data!r}")
        if self.udp is not None:
            self.udp.setblocking(False)
            while True:
                try:
                    data, address = self.udp.recvfrom(2000)
                except (BlockingIOError, OSError):
                    break
                found.append(f"UDP datagram from {address}: {data[:200]!r}")
        return found

    def close(self) -> None:
        for sock in (self.tcp, self.udp):
            if sock is not None:
                sock.close()
        self.tcp = self.udp = None


# --------------------------------------------------------------------------------------
# The control submission: an honest file with every function correct (same code as the
# attacks' ``_ref_*`` helpers), graded once per session.
# --------------------------------------------------------------------------------------

CONTROL_SOURCE = textwrap.dedent(
    '''
    """Control submission for the attack tests: every function correct, nothing else."""
    import numpy as np


    def _pair(value):
        if np.ndim(value) == 0:
            return int(value), int(value)
        first, second = value
        return int(first), int(second)


    def zero_pad(x, pad):
        x = np.asarray(x)
        if np.ndim(pad) == 0:
            (top, bottom), (left, right) = (int(pad), int(pad)), (int(pad), int(pad))
        else:
            pad_h, pad_w = pad
            (top, bottom), (left, right) = _pair(pad_h), _pair(pad_w)
        return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), mode="constant", constant_values=0)


    def conv_output_size(n, k, stride=1, pad=0):
        return (int(n) + 2 * int(pad) - int(k)) // int(stride) + 1


    def _same_pads(n, k, s):
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        return total // 2, total - total // 2


    def _conv_core(x, kernel, bias, sh, sw, pads):
        xp = zero_pad(x, pads)
        kh, kw = kernel.shape[0], kernel.shape[1]
        oh = (xp.shape[1] - kh) // sh + 1
        ow = (xp.shape[2] - kw) // sw + 1
        windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))
        windows = windows[:, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw]
        out = np.einsum("nhwcij,ijco->nhwo", windows, kernel)
        if bias is not None:
            out = out + np.asarray(bias, dtype=np.float64).reshape(-1)
        return out


    def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
        x = np.asarray(x, dtype=np.float64)
        kernel = np.asarray(kernel, dtype=np.float64)
        sh, sw = _pair(stride)
        kh, kw = kernel.shape[0], kernel.shape[1]
        if isinstance(padding, str):
            if padding.lower() == "valid":
                pads = ((0, 0), (0, 0))
            elif padding.lower() == "same":
                pads = (_same_pads(x.shape[1], kh, sh), _same_pads(x.shape[2], kw, sw))
            else:
                raise ValueError(f"unknown padding {padding!r}")
        else:
            if int(padding) < 0:
                raise ValueError("padding must be non-negative")
            pads = ((int(padding), int(padding)), (int(padding), int(padding)))
        return _conv_core(x, kernel, bias, sh, sw, pads)


    def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
        x = np.asarray(x, dtype=np.float64)
        kernel = np.asarray(kernel, dtype=np.float64)
        s = int(np.ravel(stride)[0])
        k = kernel.shape[0]
        if isinstance(padding, str):
            if padding.lower() == "valid":
                pads = (0, 0)
            elif padding.lower() == "same":
                pads = _same_pads(x.shape[1], k, s)
            else:
                raise ValueError(f"unknown padding {padding!r}")
        else:
            if int(padding) < 0:
                raise ValueError("padding must be non-negative")
            pads = (int(padding), int(padding))
        return _conv_core(x[:, None], kernel[None], bias, 1, s, ((0, 0), pads))[:, 0]
    '''
).lstrip()


@pytest.fixture(scope="module")
def control(tmp_path_factory) -> tuple[dict | None, list[str]]:
    """The control run's result object (or None) and the problems seen in it."""
    workdir = tmp_path_factory.mktemp("control")
    submission = workdir / "conv_padding.py"
    submission.write_text(CONTROL_SOURCE)
    problems: list[str] = []
    run = run_cli(submission, workdir / "run", "control")
    result = parse_result(run, problems)
    if run.strays:
        problems.append(f"processes left behind: {run.strays}")
    return result, problems


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------

def _attack_files() -> list[str]:
    return sorted(p.stem for p in ATTACKS_DIR.glob("*.py"))


def test_every_attack_file_has_expectations():
    files = set(_attack_files())
    assert files == set(ATTACKS), (
        f"attack files without an entry in ATTACKS: {sorted(files - set(ATTACKS))}; "
        f"entries without a file: {sorted(set(ATTACKS) - files)}"
    )
    assert not list(ATTACKS_DIR.glob("__init__.py")), "no __init__.py in tests/ (rootdir-relative imports)"


@pytest.mark.parametrize("label", _attack_files())
def test_attack_file_is_a_valid_submission(label):
    """Static only (nothing is executed): compiles, has a docstring, defines the four functions."""
    path = ATTACKS_DIR / f"{label}.py"
    source = path.read_text()
    tree = ast.parse(source, filename=str(path))
    compile(tree, str(path), "exec")
    docstring = ast.get_docstring(tree)
    assert docstring and len(docstring) > 40, f"{label}: module docstring must say what the attack tries"
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    for name in FUNCTIONS:
        assert name in defined, f"{label}: does not define {name}()"
    assert [a.arg for a in defined["zero_pad"].args.args] == ["x", "pad"]
    assert [a.arg for a in defined["conv_output_size"].args.args] == ["n", "k", "stride", "pad"]
    for name in ("conv2d", "conv1d"):
        assert [a.arg for a in defined[name].args.args] == ["x", "kernel", "bias", "stride", "padding"], label
    assert f'_STEM = "{label}"' in source, f"{label}: _STEM must name the file (markers are per attack)"
    assert "os.kill(-1" not in source and "killpg(0" not in source, f"{label}: never signal everything"


def test_control_submission_is_graded_normally(control):
    result, problems = control
    assert result is not None, "the control run produced no result:\n" + "\n".join(problems)
    zero_pad_tests = [t for t in result["tests"] if function_of(t) == "zero_pad"]
    assert zero_pad_tests, "the rubric has no zero_pad checks"
    wrong = [describe(t) for t in zero_pad_tests if t.get("status") != "passed"]
    if wrong:
        problems.append("the control's zero_pad (the same code as the attacks') fails checks: " + "; ".join(wrong))
    assert not problems, "\n".join(problems)


def test_honest_solution_scores_full_marks(tmp_path, control):
    if not SOLUTION.exists():
        pytest.skip("solutions/conv_padding.py does not exist yet")
    problems: list[str] = []
    run = run_cli(SOLUTION, tmp_path / "run", "honest_solution")
    result = parse_result(run, problems)
    if result is not None:
        if result.get("score") != result.get("max_score"):
            failed = [describe(t) for t in result.get("tests", []) if t.get("status") != "passed"]
            problems.append(f"the reference solution scored {result.get('score')} of {result.get('max_score')}: {failed}")
        control_result = control[0]
        if control_result is not None and listing_of(result) != listing_of(control_result):
            problems.append("the reference solution's test list differs from the control run's")
    if run.strays:
        problems.append(f"processes left behind: {run.strays}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("label", sorted(ATTACKS))
def test_attack_is_contained(label, tmp_path, control):
    expect = ATTACKS[label]
    submission = ATTACKS_DIR / f"{label}.py"
    assert submission.exists(), f"missing attack file {submission}"

    for leftover in find_markers(label):  # from an earlier, failed run
        remove_path(leftover)
    victim_before = make_victim(label)
    repo_before = snapshot_repo()
    listener = Listener() if expect.listener else None
    try:
        run = run_cli(submission, tmp_path / "run", label)
        contacts = listener.contacts() if listener is not None else []
    finally:
        if listener is not None:
            listener.close()
    time.sleep(0.2)
    markers = find_markers(label)
    victim_after = victim_state(victim_path(label))
    repo_after = snapshot_repo()
    for path in markers:
        remove_path(path)
    remove_path(victim_path(label))
    for leftover in Path("/tmp").glob(f"dlgrade_attack_victim_{label}.txt*"):
        remove_path(leftover)

    problems: list[str] = [f"attack {label}: see {submission.relative_to(REPO)} for what each function's checks passing means"]
    baseline = len(problems)

    # --- the outside world ---
    if markers:
        problems.append("marker files appeared (student code wrote outside its sandbox, or student code ran "
                        "outside it): " + ", ".join(str(p) for p in markers))
    if victim_after != victim_before:
        changed = [k for k in victim_before if victim_after is None or victim_after.get(k) != victim_before[k]]
        problems.append(f"the victim file {victim_path(label)} was {'removed' if victim_after is None else 'changed'}: {changed}")
    repo_changes = diff_snapshots(repo_before, repo_after)
    suspicious = [c for c in repo_changes if STRICT_REPO or looks_like_attack(c)]
    if suspicious:
        problems.append("the repository changed: " + "; ".join(suspicious[:30]))
    elif repo_changes:
        print(f"note: {len(repo_changes)} repository change(s) during the run that do not look like the "
              f"attack's (concurrent edits?); set DLGRADE_ATTACK_STRICT_REPO=1 to fail on them: {repo_changes[:10]}")
    if contacts:
        problems.append("the listener on 127.0.0.1:%d was contacted: %s" % (ATTACK_PORT, contacts))
    if listener is not None and listener.reason:
        print(listener.reason)
    if run.strays:
        problems.append(f"processes left behind after the grader exited: {run.strays}")

    # --- the result ---
    result = parse_result(run, problems)
    control_result, control_problems = control
    if control_result is None:
        problems.append("the control run is unusable, so per-check comparisons were skipped: " + " | ".join(control_problems))
    if expect.max_stdout is not None and len(run.stdout) > expect.max_stdout:
        problems.append(f"stdout is {len(run.stdout)} bytes (> {expect.max_stdout}): student output was not truncated")

    if result is not None:
        tests = [t for t in result.get("tests", []) if isinstance(t, dict)]
        if control_result is not None and listing_of(result) != listing_of(control_result):
            problems.append(
                "the test list differs from the control run's (tests added, dropped or renamed): "
                f"extra {sorted(set(listing_of(result)) - set(listing_of(control_result)))[:10]}, "
                f"missing {sorted(set(listing_of(control_result)) - set(listing_of(result)))[:10]}"
            )
        if control_result is not None and result.get("max_score") != control_result.get("max_score"):
            problems.append(f"max_score {result.get('max_score')} differs from the control's {control_result.get('max_score')}")
        if any("FAKE-PERFECT-SCORE" in str(t.get("name", "")) for t in tests):
            problems.append("a forged test made it into the result")
        control_status = {}
        if control_result is not None:
            control_status = {str(t.get("number")): t.get("status") for t in control_result.get("tests", []) if isinstance(t, dict)}

        if expect.kind == "all_wrong":
            if result.get("score") != 0:
                problems.append(f"score is {result.get('score')}, expected 0 (every function returns wrong values "
                                "unless an attack succeeded)")
            passed = [describe(t) for t in tests if t.get("status") != "failed"]
            if passed:
                problems.append("checks that should have failed (each means a route in the attack worked): " + "; ".join(passed))
        elif expect.kind == "runaway":
            for test in tests:
                function = function_of(test)
                if function in expect.broken:
                    if test.get("status") != "failed":
                        problems.append(f"{function} misbehaves but this check passed: {describe(test)}")
                elif function == "zero_pad":
                    if test.get("status") != "passed":
                        problems.append(f"zero_pad is correct but this check did not pass (a runaway function "
                                        f"took the others down?): {describe(test)}")
                elif control_status and test.get("status") != control_status.get(str(test.get("number"))):
                    problems.append(f"{function} is the same code as in the control run, where this check "
                                    f"{control_status.get(str(test.get('number')))}: {describe(test)}")
        elif expect.kind == "hardcoded":
            if not (isinstance(result.get("score"), (int, float)) and result.get("score") < result.get("max_score", 0)):
                problems.append(f"hard-coded lecture answers scored {result.get('score')} of {result.get('max_score')}")
            for function in FUNCTIONS:
                mine = [t for t in tests if function_of(t) == function]
                if mine and all(t.get("status") == "passed" for t in mine):
                    problems.append(f"every {function} check passed with hard-coded answers: the inputs are the public examples alone")
        else:  # pragma: no cover - a typo in ATTACKS
            problems.append(f"unknown expectation kind {expect.kind!r}")

        if expect.message:
            relevant = [t for t in tests if t.get("status") == "failed"
                        and (not expect.broken or function_of(t) in expect.broken)]
            pattern = re.compile(expect.message, re.IGNORECASE)
            if relevant and not any(pattern.search(str(t.get("output", ""))) for t in relevant):
                problems.append(f"no failure message says what happened (expected one matching /{expect.message}/i); "
                                f"first: {describe(relevant[0])}")

    assert len(problems) == baseline, "\n".join(problems)
