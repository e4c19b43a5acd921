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
  ``ctypes``, and walking the garbage collector (which is how one would find this hook);
- importing grader modules (``autograder``, ``autograder.*``; the child removed them from
  ``sys.modules`` before the student's code ran) and re-importing ``_signal``/``signal``;
- getting hold of a frame object (see "Frames" below), and trace or profile functions
  (``sys.settrace``/``sys.setprofile``, which are handed frames).

Frames. A frame leads to every frame below it (``f_back``) and to their globals and locals
(``f_globals``, ``f_locals``), which CPython 3.11 does not audit; from the frame of grader
code running in the child one reaches the sandbox loop, its socket, the bound scenarios.
So the policy closes the ways of *getting* a frame that CPython audits, measured on 3.11:
``sys._getframe``, ``sys._current_frames``, and the ``object.__getattr__`` event for
``tb_frame`` (tracebacks), ``gi_frame``, ``cr_frame``, ``ag_frame`` (generators,
coroutines). They are refused whoever calls them (student code may call them through any
library function, e.g. ``inspect.currentframe``), in every thread, except when the code
object that asks is one of ``frame_callers``: functions that use the frame only to read a
name or a file name and never hand it out (the tripwires, ``collections.namedtuple``,
``typing._caller``, the functional ``Enum`` API, absl's ``findCaller``, the child's own
traceback walker), and ``sys._getframe`` called by library code (see ``install``). The other way to be handed a frame, a Python signal handler, is closed by
the child (it replaces ``signal.signal`` before student code runs; the import of a fresh
``_signal`` is refused here).

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
import threading

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

# Events that are always refused.
_DENY = frozenset({
    "os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn", "os.system",
    "os.startfile", "subprocess.Popen", "pty.spawn", "os.chdir", "os.chroot", "os.symlink",
    "os.link", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "setopencodehook",
    "sys.remote_exec", "os.setxattr", "os.removexattr", "sys._current_frames", "sys.settrace",
    "sys.setprofile",
})
# ``object.__getattr__`` of these attributes hands out a frame.
_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
# Modules student code may not import (a fresh copy of ``_signal`` would bring back the
# original ``signal.signal``).
_REFUSED_IMPORTS = ("solutions", "autograder", "_signal", "signal")
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
            | {"open", "import", "os.kill", "os.killpg", "object.__setattr__", "sys._getframe",
               "object.__getattr__"})

HOOK_NAME = "_dlgrade_sandbox_audit_hook"


def install(workdir: str, private: tuple[str, ...], violations: list,
            frame_callers: tuple = (), relays: tuple = (), library_roots: tuple = (),
            frame_handers: tuple = ()) -> None:
    """Install the policy for a child whose own directory (and cwd) is ``workdir``.

    ``private`` are absolute paths the child may neither read nor list; ``violations``
    collects a description of each refused action (for feedback only); ``frame_callers``
    are the code objects that may still get frames (see "Frames" above); ``relays`` pairs
    ``(relay, callers)``: the code ``relay`` (e.g. ``inspect.currentframe``) may get a frame
    when its caller's code is one of ``callers``. ``sys._getframe`` is also allowed to code
    from a file under ``library_roots`` (the standard library, site-packages: libraries
    lazily imported by the submission read module names from frames in many places) unless
    it is one of ``frame_handers`` (library functions known to hand the frame to their
    caller, e.g. ``inspect.currentframe``). A submission that compiles its own code under a
    library's file name passes for library code here (see the threat model in ground.py).
    """
    workdir = os.path.realpath(workdir)
    hook = _make_hook(workdir, tuple(os.path.realpath(p) for p in private), os.getpid(),
                      violations, tuple(frame_callers), tuple(relays),
                      tuple(r.rstrip("/") + "/" for r in library_roots), tuple(frame_handers))
    sys.addaudithook(hook)


def _make_hook(workdir, private, pid, violations, frame_callers=(), relays=(), roots=(),
               handers=()):
    # By identity: code objects compare equal by value, whatever their globals.
    caller_ids = frozenset(id(code) for code in frame_callers)
    relay_ids = {id(relay): frozenset(id(code) for code in callers) for relay, callers in relays}
    hander_ids = frozenset(id(code) for code in handers)
    keep = (tuple(frame_callers), tuple(relays), tuple(handers))
    busy = set()  # threads inside the hook: its own _getframe and f_code events pass
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
        _frame_attributes=_FRAME_ATTRIBUTES, _frame_callers=caller_ids, _keep=keep,
        _busy=busy, _relays=relay_ids, _empty=frozenset(), _roots=roots, _handers=hander_ids,
        _get_ident=threading.get_ident, _getframe=sys._getframe, _refused=_REFUSED_IMPORTS,
    ):
        if event not in _watched and not event.startswith(("socket.", "ctypes.")):
            return
        if event == "object.__getattr__":
            if args[1] not in _frame_attributes:
                return
        if event == "sys._getframe" or event == "object.__getattr__":
            ident = _get_ident()
            if ident in _busy:
                return  # the hook's own look at its caller
            _busy.add(ident)
            try:
                caller = _getframe(1)
                code = id(caller.f_code)
                outer = caller.f_back
                allowed = code in _frame_callers or (
                    outer is not None and id(outer.f_code) in _relays.get(code, _empty))
                if not allowed and event == "sys._getframe" and _roots:
                    if code not in _handers:  # library code that keeps the frame
                        allowed = caller.f_code.co_filename.startswith(_roots)
                    elif outer is not None and id(outer.f_code) not in _handers:
                        # a frame handed out (inspect.currentframe) to library code
                        allowed = outer.f_code.co_filename.startswith(_roots)
            finally:
                _busy.discard(ident)
            if allowed:
                return
            _violations.append("getting a frame object")
            raise _PermissionError("sandbox: frame introspection is not allowed while grading")

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
                    name in _refused or name.startswith(tuple(r + "." for r in _refused))):
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
