"""Landlock: the kernel-enforced filesystem allow-list of the sandboxed child.

The audit hook sees the paths Python reports, but not ``openat`` relative to a directory
descriptor, nor file access from native code (``tf.io.gfile``, sqlite, HDF5, ``mknod``).
Landlock (Linux >= 5.13) restricts the process itself: after ``restrict``, the child can

- read (and execute) only beneath the *readable roots*: the interpreter's prefixes and
  site-packages (and the targets of the links in it), the system directories (``/usr``, ``/lib``, ``/etc``, ``/sys``, ``/dev``...),
  its own ``/proc/<pid>`` and a few system-wide ``/proc`` files (never another process's
  entry), and the grader package — each root minus any private path inside it, which is
  never covered by a rule (Landlock rules only grant, so a private tree is excluded by
  granting its siblings one by one);
- write, create, remove, rename or link only beneath its own working directory
  (and write ``/dev/null``).

Landlock also keeps the child from ptrace-like access to processes outside its domain
(``/proc/<pid>/mem``). Where Landlock is missing (an old kernel, macOS),
``restrict`` returns False and the audit-hook policy stands alone; the zygote's probe
(``layers.py``) then reports the sandbox as weak. Where the probe showed that Landlock
works, ``REQUIRED`` is set and a failure to apply it raises (the child never runs).
Landlock does not cover ``chmod``/``chown``/``utime`` nor ``mknod`` of a FIFO: seccomp and
the child's own uid do (``seccomp.py``, ``privilege.py``).
"""
from __future__ import annotations

import ctypes
import os
import site
import struct
import sys
import sysconfig

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # same on x86-64 and aarch64
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FILE_RIGHTS_V1 = EXECUTE | WRITE_FILE | READ_FILE
_ALL_V1 = (1 << 13) - 1          # execute ... make_sym
_REFER, _TRUNCATE = 1 << 13, 1 << 14
READ = EXECUTE | READ_FILE | READ_DIR
REQUIRED = False  # set by the zygote (layers.require): a failure to restrict is then fatal

SYSTEM_ROOTS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/opt",
                "/sys", "/dev", "/run")
# Of /proc, only the child's own entry and system-wide facts: other processes' entries
# (the grader's environment, command line, descriptors) stay out of reach.
PROC_FILES = ("cpuinfo", "meminfo", "stat", "sys", "filesystems", "loadavg", "uptime", "version",
              "mounts", "zoneinfo", "vmstat")


def readable_roots(private: tuple[str, ...]) -> list[str]:
    """Where the child may read: Python's own trees and the system's, plus the grader."""
    paths = sysconfig.get_paths()
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             paths.get("stdlib"), paths.get("platstdlib"), paths.get("purelib"), paths.get("platlib"),
             os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))}  # autograder/
    roots.update(site.getsitepackages() if hasattr(site, "getsitepackages") else [])
    for folder in {paths.get("purelib"), paths.get("platlib")}:
        roots.update(_link_targets(folder))
    roots.update(SYSTEM_ROOTS)
    return sorted(os.path.realpath(r) for r in roots if r and os.path.exists(r))


def _link_targets(folder: str | None) -> list[str]:
    """Where the entries of ``folder`` (site-packages) that are symbolic links lead: Landlock
    checks the resolved path, so a package installed as a link (an environment assembled
    from links, as Nix, Spack or a shared package store do) is readable only through its
    target. The instructor's environment decides them; the child cannot write there."""
    try:
        with os.scandir(folder) as entries:
            return [os.path.realpath(e.path) for e in entries if e.is_symlink()]
    except (OSError, TypeError):
        return []


def _abi() -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    version = libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    return max(int(version), 0)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


class _Ruleset:
    def __init__(self, libc, abi: int) -> None:
        self.libc = libc
        self.handled = _ALL_V1 | (_REFER if abi >= 2 else 0) | (_TRUNCATE if abi >= 3 else 0)
        self.file_rights = _FILE_RIGHTS_V1 | (_TRUNCATE if abi >= 3 else 0)
        attr = struct.pack("=Q", self.handled)
        self.fd = libc.syscall(_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)), 0)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "landlock_create_ruleset")

    def allow(self, path: str, rights: int) -> None:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return  # vanished or unreadable: nothing to grant
        try:
            if not os.path.isdir(path):
                rights &= self.file_rights
            rule = struct.pack("=Qi", rights & self.handled, fd)
            if self.libc.syscall(_ADD_RULE, self.fd, _RULE_PATH_BENEATH, rule, 0) != 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule({path})")
        finally:
            os.close(fd)

    def allow_except(self, root: str, rights: int, private: tuple[str, ...]) -> None:
        """Grant ``rights`` beneath ``root`` but not beneath any private path."""
        if any(_inside(root, p) for p in private):
            return
        if not any(_inside(p, root) for p in private):
            self.allow(root, rights)
            return
        try:
            children = sorted(os.listdir(root))
        except OSError:
            return
        # Nothing is granted on ``root`` itself (that would cover the private path too);
        # its other entries are granted one by one. Walking a path needs no right.
        for child in children:
            self.allow_except(os.path.join(root, child), rights, private)


def restrict(workdir: str, private: tuple[str, ...]) -> bool:
    """Confine this process (and its future threads); False where Landlock is unavailable.

    Raises ``SetupError`` instead when ``REQUIRED`` (the zygote's probe showed it works)."""
    done = _restrict(workdir, private)
    if not done and REQUIRED:
        from .privilege import SetupError

        raise SetupError("Landlock worked in the probe but could not be applied")
    return done


def _restrict(workdir: str, private: tuple[str, ...]) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        abi = _abi()
        if abi < 1:
            return False
        private = tuple(os.path.realpath(p) for p in private)
        ruleset = _Ruleset(libc, abi)
        for root in readable_roots(private):
            ruleset.allow_except(root, READ, private)
        ruleset.allow(f"/proc/{os.getpid()}", READ)
        for name in PROC_FILES:
            ruleset.allow(f"/proc/{name}", READ)
        ruleset.allow(os.path.realpath(workdir), ruleset.handled)
        ruleset.allow("/dev/null", READ_FILE | WRITE_FILE)
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS, required by Landlock
            return False
        if libc.syscall(_RESTRICT_SELF, ruleset.fd, 0) != 0:
            return False
        os.close(ruleset.fd)
        return True
    except (OSError, AttributeError):
        return False
