"""Resource limits of a sandboxed child (set with ``setrlimit`` right after the fork).

Wall-clock time is enforced by the parent, which kills the child's whole session when a
check overruns; the limits here bound what one process can take from the machine.
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
