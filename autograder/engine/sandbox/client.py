"""The parent's side of the sandbox: start a zygote, fork children, talk to them, kill them.

``Sandbox`` owns one zygote process (one per assignment in a run) and a private run
directory under which every child gets its own working directory. ``SubmissionRun`` grades
one submission (``runner.py``): it forks a child, loads the submission into it, sends one
request per check, and when the child dies (crash, ``os._exit``, timeout, memory, a
malformed reply) it reports the failure for that check and starts a fresh child for the
next one. ``ChildProcess.request`` reads a reply within the caller's size bounds only.

``Sandbox(keep=True)`` (what ``dlgrade check`` asks for) uses the user's warm zygote of the
same key instead (``warm.py``): connecting to it, or starting it when there is none, as a
daemon that stays for the next check; closing the sandbox then closes the connection only.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

from autograder.engine import backends
from autograder.engine.errors import GraderFault
from autograder.engine import i18n
from autograder.engine.i18n import N_, _
from . import warm, wire
from .limits import Limits
from .replies import MALFORMED

ZYGOTE_START_TIMEOUT = 180.0
LOAD_TIMEOUT = 60.0

_SIGNAL_MEANING = {  # the parent's words for a signal the parent saw (translated where used)
    "SIGKILL": N_("it was killed (out of memory, or the time limit)"),
    "SIGSEGV": N_("it crashed (segmentation fault: very deep recursion or a native crash)"),
    "SIGABRT": N_("it aborted (often a native library running out of memory)"),
    "SIGXCPU": N_("it used up its CPU-time limit"),
    "SIGBUS": N_("it crashed (bus error)"),
    "SIGFPE": N_("it crashed (floating-point exception)"),
}


def describe_death(status: dict) -> str:
    if "signal" in status:
        name = status["signal"]
        meaning = (_(_SIGNAL_MEANING[name]) if name in _SIGNAL_MEANING
                   else _("killed by {signal}").format(signal=name))
        return _("the grading process ended: {meaning}").format(meaning=meaning)
    code = status.get("exit_code")
    return _("the grading process ended with exit status {code}: "
             "did your code call os._exit() or exit the interpreter?").format(code=code)


# What the zygote (and so every child) inherits from the grader's environment: nothing
# else, so no token or password of the instructor's shell is ever within a student's reach.
INHERITED_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONPATH", "VIRTUAL_ENV",
                       "KERAS_BACKEND", "CUDA_VISIBLE_DEVICES", "TF_ENABLE_ONEDNN_OPTS",
                       "OMP_NUM_THREADS", "XLA_FLAGS", "JAX_PLATFORMS", "DLGRADE_MEMORY_MB",
                       "DLGRADE_SIMULATE_MISSING")  # test-only: can only weaken, and says so


def zygote_environment() -> dict[str, str]:
    env = {k: os.environ[k] for k in INHERITED_VARIABLES if k in os.environ}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", PYTHONDONTWRITEBYTECODE="1", HOME=tempfile.gettempdir())
    # The zygote's HOME is not the instructor's, so it cannot read ~/.keras/keras.json: it is
    # told the backend the grader resolved (backends.py), the one the reference runs on.
    env["KERAS_BACKEND"] = backends.selected()
    env["DLGRADE_LANG"] = i18n.current()  # the child words its own messages (data to us) in it
    return env


class Sandbox:
    """A zygote process plus the directory its children live in: its own, or with ``keep``
    the user's warm zygote of the same key (``warm.py``), shared with later checks."""

    # ``tensorflow``: this assignment (or submission) needs Keras, on whichever backend is
    # selected (backends.py); the name predates the other backends and is kept for callers.
    def __init__(self, *, tensorflow: bool, forbidden: tuple[str, ...] = (),
                 private: tuple[str, ...] = (), limits: Limits | None = None,
                 keep: bool = False) -> None:
        self.tensorflow = tensorflow
        self.forbidden = tuple(forbidden)
        self.limits = limits or Limits.from_env()
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self._buffer = b""
        self.zygote_pid: int | None = None
        self.session = 0
        self.lease = (warm.Lease.take(warm.key(self._preloads(), zygote_environment()))
                      if keep and warm.enabled() else None)
        if self.lease is None:
            self.run_root = _new_run_root()
            self._log_path = os.path.join(self.run_root, "zygote.log")
            self._private = tuple(private) + (self.run_root,)
        else:  # the warm zygote's run directory is its own (its ready message names it)
            self.run_root = None
            self._log_path = self.lease.log_path
            self._private = tuple(private) + (self.lease.folder,)
        self.private = self._private
        try:
            self.start()
        except BaseException:
            self.close()
            raise

    # --- zygote lifecycle -----------------------------------------------------------

    def _preloads(self) -> dict:
        return {"tensorflow": self.tensorflow, "forbidden": self.forbidden}

    def _launch(self, control_fd: int, config: dict, log_mode: str) -> subprocess.Popen:
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_APPEND if log_mode == "ab" else os.O_TRUNC)
        with open(os.open(self._log_path, flags, 0o600), log_mode) as log:
            return subprocess.Popen(
                [sys.executable, "-m", "autograder.engine.sandbox.zygote",
                 str(control_fd), json.dumps(config)],
                pass_fds=[control_fd], stdin=subprocess.DEVNULL,
                stdout=log, stderr=log, env=zygote_environment(), start_new_session=True)

    def start(self) -> None:
        self._buffer = b""
        if self.lease is not None:
            ready = self._attach()
        else:
            parent_end, zygote_end = socket.socketpair()
            self.process = self._launch(zygote_end.fileno(),
                                        dict(self._preloads(), run_root=self.run_root), "ab")
            zygote_end.close()
            self.control = parent_end
            ready = self._read_reply(ZYGOTE_START_TIMEOUT)
        if not ready.get("ready"):
            raise GraderFault(f"the sandbox did not start: {self._log_tail()}")
        self.layers = dict(ready.get("layers") or {})  # what every child has (layers.py)
        self.zygote_pid = ready.get("pid")
        self.session = ready.get("session", 1)  # the how-manieth check a warm zygote serves

    def _attach(self) -> dict:
        """Connect to the warm zygote of this key, or start one (``warm.py``); its ready message."""
        self.control = self.lease.connect()
        if self.control is not None:
            try:
                ready = self._read_reply(warm.ATTACH_TIMEOUT)
                run_root = ready.get("run_root")
                if ready.get("ready") and isinstance(run_root, str) and os.path.isabs(run_root):
                    self.private = self._private + (run_root,)
                    return ready
            except (GraderFault, ValueError, AttributeError):
                pass
            self.control.close()  # stale: it did not answer, or not as a zygote of ours
            self.control = None
        run_root = _new_run_root()
        listener = self.lease.bind()  # also stops a stale daemon and removes its socket
        try:
            config = dict(self._preloads(), run_root=run_root, listen=True, idle_s=warm.idle_seconds(),
                          socket=self.lease.socket_path, lock=self.lease.lock_path)
            self.process = self._launch(listener.fileno(), config, "wb")
        finally:
            listener.close()
        deadline = time.monotonic() + ZYGOTE_START_TIMEOUT
        while self.control is None:  # until the new daemon listens
            self.control = self.lease.connect()
            if self.control is None and (self.process.poll() is not None or time.monotonic() > deadline):
                _kill_session(self.process.pid)
                shutil.rmtree(run_root, ignore_errors=True)
                raise GraderFault(f"the sandbox did not start: {self._log_tail()}")
            if self.control is None:
                time.sleep(0.01)
        if self.lease.daemon_pid != self.process.pid:
            _kill_session(self.process.pid)
            raise GraderFault("the sandbox did not start: another process answered on its socket")
        self.private = self._private + (run_root,)
        return self._read_reply(ZYGOTE_START_TIMEOUT)

    def alive(self) -> bool:
        if self.lease is not None:  # the daemon is not ours to poll; a failed request tells
            return self.control is not None
        return self.process is not None and self.process.poll() is None

    def _log_tail(self) -> str:
        try:
            with open(self._log_path, "rb") as log:
                return log.read()[-2000:].decode("utf-8", "replace").strip() or "(no output)"
        except OSError:
            return "(no log)"

    def _read_reply(self, timeout: float) -> dict:
        self.control.settimeout(timeout)
        try:
            while b"\n" not in self._buffer:
                data = self.control.recv(65536)
                if not data:
                    raise GraderFault(f"the sandbox's zygote exited: {self._log_tail()}")
                self._buffer += data
        except socket.timeout:
            raise GraderFault("the sandbox's zygote did not answer") from None
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def _request(self, message: dict, fds: list[int] = ()) -> dict:
        with self.lock:
            if not self.alive():
                self.restart()
            data = json.dumps(message).encode() + b"\n"
            try:
                if fds:
                    socket.send_fds(self.control, [data], list(fds))
                else:
                    self.control.sendall(data)
                return self._read_reply(60.0)
            except (OSError, GraderFault):
                # The zygote died (it never runs student code, so this is rare): start anew.
                self.restart()
                raise GraderFault("the sandbox's zygote stopped; it was restarted") from None

    def restart(self) -> None:
        self._stop_zygote()
        self.start()

    def _stop_zygote(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.lease is not None:  # the warm zygote stays; it kills this check's children
            self.process = None
            return
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.process = None

    def close(self) -> None:
        self._stop_zygote()
        if self.lease is not None:
            self.lease.release()
        elif self.run_root:
            shutil.rmtree(self.run_root, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- children -------------------------------------------------------------------

    def spawn(self) -> "ChildProcess":
        parent_end, child_end = socket.socketpair()
        config = {"limits": self.limits.to_dict(), "private": self.private}
        try:
            reply = self._request({"op": "spawn", "config": config}, [child_end.fileno()])
        finally:
            child_end.close()
        if "pid" not in reply:
            raise GraderFault(f"the sandbox could not start a child: {reply}")
        return ChildProcess(self, reply["pid"], parent_end)

    def reap(self, pid: int) -> dict:
        return self._request({"op": "wait", "pid": pid})


class ChildDied(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ChildProcess:
    sandbox: Sandbox
    pid: int
    sock: socket.socket
    next_id: int = 0
    finished: bool = field(default=False)

    def request(self, header: dict, arrays: list, timeout: float,
                bounds: dict | None = None) -> tuple[dict, list]:
        """Send a request and wait for its reply; ``ChildDied`` if the child does not answer
        in time or answers with anything but one well-formed reply of at most ``bounds``
        (``wire.read_message`` keywords) carrying this request's id."""
        self.next_id += 1
        header = dict(header, id=self.next_id)
        try:
            self.sock.settimeout(timeout)
            wire.send_message(self.sock.fileno(), header, arrays)
            started = time.monotonic()
            reply, out = wire.read_message(_deadline_reader(self.sock, started + timeout),
                                           **(bounds or {}))
        except (socket.timeout, TimeoutError):
            self.kill()
            raise ChildDied(_("it did not finish within {seconds} s "
                              "(an endless loop, or far too slow) and was stopped").format(
                                  seconds=f"{timeout:g}")) from None
        except (wire.PeerClosed, BrokenPipeError, ConnectionResetError):
            raise ChildDied(describe_death(self.kill())) from None
        except (wire.ProtocolError, OSError) as exc:
            self.kill()  # the rest of an oversized frame is never read
            raise ChildDied(f"{_(MALFORMED)} ({str(exc)[:200]})") from None
        if type(reply.get("id")) is not int or reply["id"] != header["id"]:
            self.kill()
            raise ChildDied(_("{malformed} (a reply to another request)").format(malformed=_(MALFORMED)))
        return reply, out

    def kill(self) -> dict:
        """Kill the child's whole session and reap it; returns its exit status."""
        if self.finished:
            return {}
        self.finished = True
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.sock.close()
        try:
            return self.sandbox.reap(self.pid)
        except GraderFault:
            return {}


def _new_run_root() -> str:
    """A fresh run directory for a zygote's children, the grader's alone (0700)."""
    run_root = tempfile.mkdtemp(prefix="dlgrade-")
    os.chmod(run_root, 0o700)
    return run_root


def _kill_session(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _deadline_reader(sock: socket.socket, deadline: float):
    def read(n: int) -> bytes:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout()
        sock.settimeout(remaining)
        return sock.recv(n)

    return read
