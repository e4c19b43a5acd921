"""Least privilege for the sandboxed child: its own uid, no capabilities, a private disk.

Called first thing in the freshly forked child (single-threaded, still the zygote's user),
before anything else of the child is set up. When the grader runs as root (Gradescope, a
container) the child:

1. gets a private mount namespace whose mounts never propagate back, and a size-limited
   ``tmpfs`` (``nodev,nosuid,noexec``, ``disk_mb`` bytes, ``files`` inodes) mounted over its
   work directory: bytes and files written are bounded, and the zygote's view of the
   directory stays empty (the tmpfs vanishes with the child);
2. drops every supplementary group, switches gid and uid to ``CHILD_UID_BASE + pid`` (a uid
   of its own: no other process and no file of the machine has it), which clears its
   permitted, effective and ambient capabilities; the bounding set is emptied first, and
   ``no_new_privs`` is set, so nothing can give a capability back.

As its own uid the child cannot signal, renice, re-schedule or re-pin any other process, nor
chmod/chown/utime anyone else's file, and ``RLIMIT_NPROC`` (see ``limits.py``) counts
exactly its own threads. When the grader is not root, none of this is possible: the child
keeps the grader's uid (``drop`` reports it and the grader calls the sandbox weak).

``DLGRADE_SIMULATE_MISSING`` (test-only, see ``layers.py``) containing ``uid`` makes ``drop``
behave as for a non-root grader: it can only weaken the sandbox, and the weakening is
reported and refused by ``dlgrade grade`` like a real one.
"""
from __future__ import annotations

import ctypes
import os
import stat
import sys

CHILD_UID_BASE = 1_800_000_000  # + the child's pid (at most 2**22): never a real account

_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 2, 4, 8
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 1 << 14, 1 << 18
_PR_SET_DUMPABLE = 4
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_PR_SET_NO_NEW_PRIVS = 38

REQUIRED = False  # set by the zygote when the probe showed the drop works: then failing is fatal
REQUIRED_TMPFS = False  # likewise for the private tmpfs


class SetupError(Exception):
    """A sandbox layer that works on this machine could not be applied: the child must not run."""


def simulated_missing() -> frozenset[str]:
    """Layers a test asked to pretend the kernel or the user lacks (test-only switch)."""
    return frozenset(p.strip() for p in os.environ.get("DLGRADE_SIMULATE_MISSING", "").split(",") if p.strip())


def child_uid(pid: int) -> int:
    return CHILD_UID_BASE + pid


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mount_private_tmpfs(libc, workdir: str, uid: int, disk_mb: int, files: int,
                         roots: list[str]) -> None:
    if libc.unshare(_CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    if libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "making / private")
    _expose_readable_roots(libc, roots, workdir)
    options = f"size={disk_mb}m,nr_inodes={files},mode=0700,uid={uid},gid={uid}".encode()
    if libc.mount(b"tmpfs", os.fsencode(workdir), b"tmpfs",
                  _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, options) != 0:
        raise OSError(ctypes.get_errno(), f"mounting a tmpfs on {workdir}")


def _blocked_ancestor(path: str) -> str | None:
    """The outermost directory above ``path`` that other users cannot traverse, if any."""
    parts = path.strip("/").split("/")
    for depth in range(1, len(parts)):
        directory = "/" + "/".join(parts[:depth])
        try:
            if not os.stat(directory).st_mode & stat.S_IXOTH:
                return directory
        except OSError:
            return None
    return None


def _expose_readable_roots(libc, roots: list[str], workdir: str) -> None:
    """Make the readable roots reachable by the child's uid, in its own mount namespace.

    A Python installed under ``/root`` (mode 0700) cannot be read by any other uid. For each
    such ancestor, a small empty tmpfs (mode 0755) is mounted over it and only the readable
    roots beneath it are bind-mounted back at their own paths: everything else under it
    (``/root``'s other files) stays out of sight, and nothing changes outside the namespace.
    """
    outermost = [r for r in roots if not any(r != o and r.startswith(o.rstrip("/") + "/") for o in roots)]
    groups: dict[str, list[str]] = {}
    for root in outermost:
        blocked = _blocked_ancestor(root)
        if blocked is not None:
            groups.setdefault(blocked, []).append(root)
    for blocked, members in groups.items():
        fds = [(root, os.open(root, os.O_PATH | os.O_CLOEXEC)) for root in members]
        try:
            if libc.mount(b"tmpfs", os.fsencode(blocked), b"tmpfs", _MS_NOSUID | _MS_NODEV,
                          b"size=1m,nr_inodes=1024,mode=0755") != 0:
                raise OSError(ctypes.get_errno(), f"covering {blocked}")
            for root, fd in fds:
                os.makedirs(root, 0o755, exist_ok=True)
                if libc.mount(os.fsencode(f"/proc/self/fd/{fd}"), os.fsencode(root), None,
                              _MS_BIND | _MS_REC, None) != 0:
                    raise OSError(ctypes.get_errno(), f"bind-mounting {root}")
            if workdir.startswith(blocked.rstrip("/") + "/"):
                os.makedirs(workdir, 0o700, exist_ok=True)
        finally:
            for _, fd in fds:
                os.close(fd)


def capabilities() -> dict[str, int]:
    """This process's capability sets as /proc reports them (Linux), e.g. {"CapEff": 0}."""
    sets = {}
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
                sets[key] = int(value.strip(), 16)
    return sets


def drop(workdir: str, disk_mb: int, files: int, roots: list[str]) -> dict:
    """Apply what this machine allows; returns {"unprivileged_uid": bool, "private_tmpfs": bool}.

    ``roots`` are the directories the child must be able to read (``landlock.readable_roots``).

    Raises ``SetupError`` when ``REQUIRED`` and the uid drop failed (fail closed)."""
    report = {"unprivileged_uid": False, "private_tmpfs": False}
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or "uid" in simulated_missing():
        if REQUIRED:
            raise SetupError("the uid drop worked in the probe but is not possible now")
        return report
    uid = child_uid(os.getpid())
    try:
        libc = _libc()
        try:
            _mount_private_tmpfs(libc, workdir, uid, disk_mb, files, roots)
            report["private_tmpfs"] = True
        except OSError:
            if REQUIRED_TMPFS:
                raise
            os.chown(workdir, uid, uid)  # no mount namespace: the plain directory, made its own
            if any(_blocked_ancestor(root) for root in roots):
                raise OSError(0, "the Python installation is not readable by other users")
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        for cap in range(64):
            if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                break  # EINVAL past the kernel's last capability
        libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
        os.setresuid(uid, uid, uid)  # leaving uid 0 clears permitted and effective capabilities
        libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # /proc/self stays its own (no other process has its uid)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        for root in roots:
            os.stat(root)  # still reachable (PermissionError if an ancestor is closed to it)
        held = capabilities()
        if os.getresuid() != (uid, uid, uid) or os.getgroups() or any(held.values()):
            raise OSError(0, f"privileges remain: uids {os.getresuid()}, caps {held}")
        report["unprivileged_uid"] = True
    except OSError as exc:
        if REQUIRED:
            raise SetupError(f"could not drop privileges: {exc}") from None
    return report
