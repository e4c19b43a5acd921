"""The audit-hook policy of the sandboxed child (PEP 578).

Installed once, after the submission's process is set up and before any student code runs;
audit hooks cannot be removed. It denies, by raising ``PermissionError``:

- reading or importing grader-private data: ``solutions/``, ``autograder/rubrics/``, the
  reference cache, other children's directories, other processes' ``/proc`` entries;
- writing, renaming, removing, linking or changing anything outside the child's own
  temporary directory, also relative to a directory descriptor (``dir_fd``) or through a
  descriptor (``os.chmod(fd)``): the descriptor's target is looked up in ``/proc/self/fd``;
- ``os.open`` of a directory (or with ``O_PATH``) outside the work directory, so no
  descriptor exists that a ``dir_fd``-relative call could start from outside it (the
  ``open`` audit event does not carry ``dir_fd``), and ``os.open`` of a relative path with
  ``..`` (which could climb out of a work-dir subdirectory the event cannot see);
- sockets, subprocesses, ``fork``/``exec``/``spawn``/``system``, signals to other processes,
  ``ctypes``, and walking the garbage collector (which is how one would find this hook).

The hook is written to survive a hostile process: it uses no module globals, only default
arguments bound at definition time (builtins and ``os`` functions could otherwise be
monkeypatched), and rewriting its ``__code__``/``__defaults__`` is itself an audited event it
denies. It is a first line of defence; the verdict never depends on the child's honesty, it
is computed in the parent from the returned values.
"""
from __future__ import annotations

import os
import pathlib
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

# Events that are always refused.
_DENY = frozenset({
    "os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn", "os.system",
    "os.startfile", "subprocess.Popen", "pty.spawn", "os.chdir", "os.chroot", "os.symlink",
    "os.link", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "setopencodehook",
    "sys.remote_exec", "os.setxattr", "os.removexattr",
})
# Events whose first argument(s) is a path that must lie inside the child's own directory.
_WRITE_EVENTS = frozenset({
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate",
    "os.utime", "shutil.rmtree", "shutil.move", "shutil.copytree", "shutil.copyfile",
})
_TWO_PATH_EVENTS = frozenset({"os.rename", "shutil.move", "shutil.copytree", "shutil.copyfile"})
# Where a write event's dir_fd arguments are (path i is relative to the descriptor at DIR_FD[i]).
_DIR_FD_ARGS = {"os.mkdir": (2,), "os.chmod": (2,), "os.chown": (3,), "os.utime": (3,),
                "os.remove": (1,), "os.rmdir": (1,), "os.rename": (2, 3), "shutil.rmtree": (1,)}
_DIRECTORY_FLAGS = getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_PATH", 0)
_READ_EVENTS = frozenset({"os.listdir", "os.scandir", "glob.glob", "os.walk"})
_WATCHED = (_DENY | _WRITE_EVENTS | _READ_EVENTS
            | {"open", "import", "os.kill", "os.killpg", "object.__setattr__"})

HOOK_NAME = "_dlgrade_sandbox_audit_hook"


def install(workdir: str, private: tuple[str, ...], violations: list) -> None:
    """Install the policy for a child whose own directory (and cwd) is ``workdir``.

    ``private`` are absolute paths the child may neither read nor list; ``violations``
    collects a description of each refused action (for feedback only).
    """
    workdir = os.path.realpath(workdir)
    hook = _make_hook(workdir, tuple(os.path.realpath(p) for p in private), os.getpid(), violations)
    sys.addaudithook(hook)


def _make_hook(workdir, private, pid, violations):
    # Everything the hook needs is bound as a default so that patching builtins, ``os`` or
    # ``posixpath`` from student code cannot change what it decides.
    def _dlgrade_sandbox_audit_hook(
        event, args, *, _watched=_WATCHED, _deny=_DENY, _writes=_WRITE_EVENTS,
        _two=_TWO_PATH_EVENTS, _reads=_READ_EVENTS, _workdir=workdir, _private=private,
        _pid=pid, _violations=violations, _flags=_WRITE_FLAGS, _isinstance=isinstance,
        _str=str, _bytes=bytes, _int=int, _type=type, _fsdecode=os.fsdecode,
        _realpath=os.path.realpath, _pathtypes=(pathlib.PurePosixPath, pathlib.PosixPath),
        _function=type(install), _len=len, _PermissionError=PermissionError, _name=HOOK_NAME,
        _dir_fd_args=_DIR_FD_ARGS, _dir_flags=_DIRECTORY_FLAGS, _readlink=os.readlink,
        _isdir=os.path.isdir, _OSError=OSError,
    ):
        if event not in _watched and not event.startswith(("socket.", "ctypes.")):
            return

        def refuse(what):
            _violations.append(what)
            raise _PermissionError(f"sandbox: {what} is not allowed while grading")

        def as_path(path):
            # -> normalised absolute path string, or None for a file descriptor
            if _isinstance(path, _int):
                return None
            if _type(path) is _str:
                text = path
            elif _type(path) is _bytes:
                text = _fsdecode(path)
            elif _type(path) in _pathtypes:
                text = _str(path)
            else:
                refuse(f"opening a {_type(path).__name__} path object (use a str)")
            if not text.startswith("/"):
                text = _workdir + "/" + text
            parts = []
            for part in text.split("/"):
                if part in ("", "."):
                    continue
                if part == "..":
                    if parts:
                        parts.pop()
                else:
                    parts.append(part)
            return "/" + "/".join(parts)

        def inside(path, root):
            return path == root or path.startswith(root + "/")

        def is_private(path):
            if inside(path, _workdir):
                return False
            for candidate in (path, _realpath(path)):
                if inside(candidate, _workdir):
                    continue
                for root in _private:
                    if inside(candidate, root):
                        return True
                if candidate.startswith("/proc/"):
                    segments = candidate.split("/")  # ['', 'proc', entry, ...]
                    entry = segments[2] if _len(segments) > 2 else ""
                    if entry.isdigit() and entry != _str(_pid):
                        return True  # another process: its memory, environment, fds
                    if _len(segments) > 3 and segments[3] in ("root", "cwd", "map_files"):
                        return True  # ways around the path checks
            return False

        def fd_target(fd):
            # the absolute path a descriptor of this process refers to, or refuse
            try:
                target = _readlink(f"/proc/self/fd/{fd}")
            except _OSError:
                target = ""
            if not target.startswith("/"):
                refuse(f"changing what descriptor {fd} refers to")
            return target

        def check_write(path_arg, dir_fd=None):
            if _isinstance(path_arg, _int):  # os.chmod(fd), os.truncate(fd), ...
                path = fd_target(path_arg)
            elif _isinstance(dir_fd, _int) and dir_fd >= 0:  # (AT_FDCWD, -100, when not given)
                base = fd_target(dir_fd)
                path = as_path(path_arg)  # relative to the work dir: check the descriptor too
                if not inside(base, _workdir):
                    refuse(f"writing relative to {base}")
                text = _fsdecode(path_arg) if _type(path_arg) is _bytes else _str(path_arg)
                if not text.startswith("/"):
                    path = as_path(base + "/" + text)
            else:
                path = as_path(path_arg)
            if path is None:
                return
            if not (inside(path, _workdir) and inside(_realpath(path), _workdir)):
                refuse(f"writing to {path}")

        if event.startswith("socket."):
            refuse("network access")
        if event.startswith("ctypes."):
            refuse("ctypes")
        if event in _deny:
            refuse(f"{event}()")
        if event == "open":
            path = as_path(args[0])
            if path is None:
                return
            mode, flags = args[1], args[2]
            if mode is None and _type(args[0]) in (_str, _bytes):  # os.open: may be dir_fd-relative
                text = _fsdecode(args[0]) if _type(args[0]) is _bytes else args[0]
                if not text.startswith("/") and ".." in text.split("/"):
                    refuse(f"os.open of a relative path with '..' ({text})")
                outside = not (inside(path, _workdir) and inside(_realpath(path), _workdir))
                if outside and ((_type(flags) is _int and flags & _dir_flags) or _isdir(path)):
                    refuse(f"opening the directory {path} (a descriptor outside the work directory)")
            writing = (_type(mode) is _str and (
                "w" in mode or "a" in mode or "x" in mode or "+" in mode)) or (
                _type(flags) is _int and flags & _flags)
            if writing:
                check_write(args[0])
            elif is_private(path):
                refuse(f"reading {path}")
        elif event == "import":
            name = args[0]
            if _isinstance(name, _str) and (
                    name == "solutions" or name.startswith(("solutions.", "autograder.rubrics"))):
                refuse(f"importing {name}")
        elif event in _writes:
            fds = [args[i] if i < _len(args) else None for i in _dir_fd_args.get(event, ())]
            check_write(args[0], fds[0] if fds else None)
            if event in _two:
                check_write(args[1], fds[1] if _len(fds) > 1 else None)
        elif event in _reads:
            path = as_path(args[0]) if args and args[0] is not None else None
            if path is not None and is_private(path):
                refuse(f"listing {path}")
        elif event in ("os.kill", "os.killpg"):
            if args[0] not in (_pid, 0):
                refuse(f"sending a signal to process {args[0]}")
        elif event == "object.__setattr__":
            if _type(args[0]) is _function and args[0].__name__ == _name and args[1] in (
                    "__code__", "__defaults__", "__kwdefaults__"):
                refuse("tampering with the sandbox")

    return _dlgrade_sandbox_audit_hook
