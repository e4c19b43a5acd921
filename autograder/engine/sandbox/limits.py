"""Resource limits of a sandboxed child (set with ``setrlimit`` right after the fork).

Wall-clock time is enforced by the parent, which kills the child's whole session when a
check overruns; the limits here bound what one process can take from the machine.

Threads: ``RLIMIT_NPROC`` counts the processes and threads of the child's real uid; with the
uid of its own (``privilege.py``, grader run as root) that is exactly the child's threads
(seccomp refuses new processes), capped at ``threads`` or 8 per CPU if more (TensorFlow's
pools grow with the cores). Under a non-root grader the uid is shared with the grader, so
the thread cap is not applied (the sandbox is reported weak). Disk: ``disk_mb`` and
``files`` size the child's private tmpfs (``privilege.py``); ``file_mb`` bounds each file
in any case. ``RLIMIT_RTPRIO`` = 0 refuses real-time scheduling and ``RLIMIT_NICE`` = 0 any
raise of priority.
"""
from __future__ import annotations

import os
import resource
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 4096      # address space (RLIMIT_AS): a huge allocation -> MemoryError
    cpu_seconds: int = 300     # CPU time over the child's whole life (RLIMIT_CPU)
    file_mb: int = 64          # largest file the child may write (RLIMIT_FSIZE)
    open_files: int = 256      # descriptors (RLIMIT_NOFILE)
    threads: int = 512         # threads of the child's own uid (RLIMIT_NPROC), at least 8 per CPU
    disk_mb: int = 256         # size of the private tmpfs that is the child's work directory
    files: int = 4096          # inodes of that tmpfs (files and directories)

    @classmethod
    def from_env(cls) -> "Limits":
        """Defaults, overridable with DLGRADE_MEMORY_MB for unusually small machines."""
        memory = int(os.environ.get("DLGRADE_MEMORY_MB", cls.memory_mb))
        return cls(memory_mb=memory)

    def to_dict(self) -> dict:
        return asdict(self)


def _set(which: int, soft: int, hard: int | None = None) -> None:
    hard = soft if hard is None else hard
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(which, (soft, hard))


def apply(config: dict) -> None:
    limits = Limits(**config)
    mb = 1024 * 1024
    _set(resource.RLIMIT_AS, limits.memory_mb * mb)
    _set(resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 5)
    _set(resource.RLIMIT_FSIZE, limits.file_mb * mb)
    _set(resource.RLIMIT_NOFILE, limits.open_files)
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_RTPRIO, 0)
    _set(resource.RLIMIT_NICE, 0)
    from .privilege import CHILD_UID_BASE

    if os.getuid() >= CHILD_UID_BASE:  # a uid of its own: NPROC counts only this child
        _set(resource.RLIMIT_NPROC, max(limits.threads, 8 * (os.cpu_count() or 1)))
