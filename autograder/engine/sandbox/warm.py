"""The warm zygote: one kept running between ``dlgrade check`` runs, per user and per key.

A ``dlgrade check`` of a Keras assignment spends most of its time importing TensorFlow in
the zygote. So ``grading.grade_file`` asks for a *kept* zygote (``Sandbox(keep=True)``): the
first check starts it as a daemon that outlives the check and listens on a Unix socket; the
next checks of the same key connect to it and fork their children at once. It leaves by
itself after ``DLGRADE_ZYGOTE_IDLE`` seconds (default 600) without a check.
``DLGRADE_KEEP_ZYGOTE=0`` turns it off (every check starts and stops a private zygote, as
``dlgrade grade`` always does, one per run).

- Where: ``$XDG_RUNTIME_DIR/dlgrade``, else ``<tmp>/dlgrade-<uid>``: a folder of the user's
  own with mode 0700 (``folder``); one that exists with another owner or a wider mode, or
  cannot be made, means no warm zygote (the check starts a private one). It holds, per key,
  the socket ``zygote-KEY.sock`` (0600), a lock file and the daemon's log. The folder is one
  of the children's private paths (``client.Sandbox``).
- Key (``key``): a hash of everything the zygote's state depends on: the package's code,
  the Python executable and version, the uid, what it preloads (Keras or not, the forbidden
  list its tripwires wrap), the environment it is started with (backend, thread and memory
  variables, the test-only ``DLGRADE_SIMULATE_MISSING``), the installed numeric libraries
  (their folders' modification times) and the working directory (``python -m`` puts it on
  the zygote's ``sys.path``). A zygote is never used for another key: each key has
  its own socket.
- One check at a time (``Lease``): a check holds the key's lock file (``flock``) for as long
  as it uses the zygote; a second check that finds it held starts a private zygote of its
  own, so concurrent checks both run. Only the lock's holder starts a daemon or removes a
  socket; the daemon takes the lock before it leaves when idle, so it never leaves under a
  check.
- A dead or stale daemon (the socket refuses, the daemon does not answer within
  ``ATTACH_TIMEOUT``, or it answers something else than ready) is stopped and replaced by a
  fresh one, transparently; a daemon that dies during a check is replaced like a private
  zygote that died (``client.Sandbox.restart``).
- What it keeps between checks: only what a private zygote has, the imports, the probed
  layers and the tripwires; never a solution, a reference output or student code (it runs
  none, and no op: it forks, ``zygote.py``). Each check's children get the limits and the
  private paths the check sends with every spawn, and the layers the daemon made mandatory at
  its start. The daemon serves one connection at a time and accepts one only from a process
  of its own uid that is not one of its children's sessions (``SO_PEERCRED``); when the
  connection closes it kills that check's children, as a private zygote does.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import importlib.util
import json
import os
import signal
import socket
import stat
import struct
import sys
import tempfile
from pathlib import Path

SWITCH = "DLGRADE_KEEP_ZYGOTE"
IDLE_VARIABLE = "DLGRADE_ZYGOTE_IDLE"
IDLE_S = 600.0
ATTACH_TIMEOUT = 30.0  # an idle daemon answers a connection at once
LIBRARIES = ("numpy", "keras", "tensorflow", "jax", "jaxlib", "torch")
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes


def enabled() -> bool:
    """Whether checks keep a warm zygote (``DLGRADE_KEEP_ZYGOTE``, on unless 0/no/off/false)."""
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "no", "off", "false")


def idle_seconds() -> float:
    try:
        return max(float(os.environ.get(IDLE_VARIABLE, IDLE_S)), 1.0)
    except ValueError:
        return IDLE_S


def folder() -> Path | None:
    """The user's 0700 folder for warm zygotes, created if needed; None if it is not safe."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    path = Path(runtime, "dlgrade") if runtime else Path(tempfile.gettempdir(), f"dlgrade-{os.getuid()}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if (not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid()
            or stat.S_IMODE(info.st_mode) & 0o077 or len(str(path)) > _MAX_SOCKET_PATH - 40):
        return None
    return path


def _package_digest() -> str:
    root = Path(__file__).resolve().parent.parent.parent  # autograder/
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _libraries() -> dict[str, str]:
    """Each numeric library's folder and its modification time (changes when reinstalled)."""
    found = {}
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
            where = os.path.dirname(spec.origin) if spec and spec.origin else None
            found[name] = f"{where}@{os.stat(where).st_mtime_ns}" if where else "-"
        except (ImportError, ValueError, OSError):
            found[name] = "-"
    return found


def key(config: dict, env: dict) -> str:
    """The key of a zygote preloading ``config`` (``tensorflow``, ``forbidden``), started with ``env``."""
    parts = {"format": 1, "code": _package_digest(), "python": sys.executable,
             "version": sys.version, "uid": os.getuid(), "config": config, "env": env,
             "libraries": _libraries(), "cwd": os.getcwd()}  # cwd: the zygote's sys.path[0]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def peer(sock: socket.socket) -> tuple[int, int]:
    """(pid, uid) of the process at the other end of a Unix socket."""
    pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                         struct.calcsize("3i")))
    return pid, uid


class Lease:
    """This process's exclusive use of the warm zygote of one key (its lock file held)."""

    def __init__(self, base: Path, name: str, lock_fd: int) -> None:
        self.socket_path = str(base / f"{name}.sock")
        self.lock_path = str(base / f"{name}.lock")
        self.log_path = str(base / f"{name}.log")
        self.folder = str(base)
        self.lock_fd = lock_fd
        self.daemon_pid: int | None = None

    @classmethod
    def take(cls, zygote_key: str) -> "Lease | None":
        """The lease of ``zygote_key``; None when warm zygotes are off, unsafe here, or in use."""
        base = folder() if enabled() else None
        if base is None:
            return None
        name = f"zygote-{zygote_key}"
        try:
            fd = os.open(base / f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another check is using it: that one keeps it
            os.close(fd)
            return None
        return cls(base, name, fd)

    def connect(self) -> socket.socket | None:
        """A connection to the running daemon of this key, or None if there is none."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(self.socket_path)
            pid, uid = peer(sock)
        except OSError:
            sock.close()
            return None
        if uid != os.getuid():
            sock.close()
            return None
        self.daemon_pid = pid
        return sock

    def bind(self) -> socket.socket:
        """A fresh socket bound to this key's path, for a new daemon: handed over, it calls
        ``listen`` itself, so that ``SO_PEERCRED`` names the daemon to those who connect."""
        self.discard()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            listener.bind(self.socket_path)
        finally:
            os.umask(old)
        return listener

    def discard(self) -> None:
        """Stop the daemon last connected to (if any) and remove the socket: it is stale."""
        if self.daemon_pid:
            try:
                os.killpg(self.daemon_pid, signal.SIGKILL)  # a session of its own, with its children
            except OSError:
                pass
            self.daemon_pid = None
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass

    def release(self) -> None:
        if self.lock_fd >= 0:
            os.close(self.lock_fd)
            self.lock_fd = -1


# --- the daemon's side (in the zygote process) ---------------------------------------------

def may_leave(config: dict) -> bool:
    """In an idle daemon: take the key's lock (kept until exit) and remove the socket, unless a
    check holds the lock (then it stays: that check is about to connect)."""
    try:
        fd = os.open(config["lock"], os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return True  # the folder is gone: nobody can reach this daemon any more
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        return exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN)
    try:
        os.unlink(config["socket"])
    except OSError:
        pass
    return True  # the descriptor stays open, the lock held, until the process exits


def trusted(conn: socket.socket, sessions: set[int]) -> bool:
    """Whether a connecting process may use the daemon: its uid, and not one of its children."""
    try:
        pid, uid = peer(conn)
        sid = os.getsid(pid)
    except OSError:
        return False
    return uid == os.getuid() and pid not in sessions and sid not in sessions
