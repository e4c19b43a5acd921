"""Which isolation layers this machine gives a sandboxed child, found by trying them.

``probe`` forks a throw-away child that applies the uid drop (with its private tmpfs),
Landlock and seccomp exactly as a real child does, and reports what took effect. The zygote
probes once at start and then *requires* each layer that worked: a child that fails to apply
one of them exits before running any student code (fail closed), so the report the zygote
gives the parent (and every result's ``extra_data.sandbox``) is what the children really
had, never something a child reported about itself.

The sandbox is *full* when Landlock, seccomp and an unprivileged uid of the child's own are
all active (Linux, grader run as root). Anything less is *weak*: ``dlgrade check`` says so
on stderr, ``dlgrade grade`` refuses to run without ``--allow-weak-sandbox``.

Test-only switch: ``DLGRADE_SIMULATE_MISSING=landlock,seccomp,uid`` (any subset) makes the
kernel answer ``ENOSYS`` to the Landlock syscalls and ``EINVAL``/``ENOSYS`` to installing a
seccomp filter (through a seccomp filter of its own, installed on the zygote and the probe),
and skips the uid drop. It can only remove layers, and a removed layer is reported and
refused exactly like one the machine really lacks.

``python -m autograder.engine.sandbox.layers`` prints the probe's report as JSON.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

from . import landlock, privilege, seccomp

FULL = ("landlock", "seccomp", "unprivileged_uid")
_NAMES = {"landlock": "Landlock", "seccomp": "seccomp", "unprivileged_uid": "unprivileged uid",
          "private_tmpfs": "private tmpfs"}
_BITS = {"unprivileged_uid": 1, "private_tmpfs": 2, "landlock": 4, "seccomp": 8}


def simulate_missing() -> None:
    """Apply ``DLGRADE_SIMULATE_MISSING`` to this process (and its future children)."""
    missing = privilege.simulated_missing()
    if "landlock" in missing or "seccomp" in missing:
        seccomp.install_simulation(landlock="landlock" in missing, seccomp_="seccomp" in missing)


def _apply_all(workdir: str) -> int:
    """In a forked child: apply the layers as a real child does; a bitmask of what worked."""
    report = privilege.drop(workdir, 16, 64, landlock.readable_roots(()))
    report["landlock"] = landlock.restrict(workdir, ())
    report["seccomp"] = seccomp.install()
    return sum(bit for name, bit in _BITS.items() if report.get(name))


def probe(scratch: str | None = None) -> dict:
    """Try every layer in a forked child; ``{"landlock": bool, ..., "full": bool}``."""
    report = {name: False for name in _BITS}
    if sys.platform.startswith("linux") and hasattr(os, "fork"):
        workdir = tempfile.mkdtemp(prefix="probe-", dir=scratch)
        try:
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    code = _apply_all(workdir)
                finally:
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            bits = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 0
            report = {name: bool(bits & bit) for name, bit in _BITS.items()}
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    report["audit_hook"] = True
    report["full"] = all(report[name] for name in FULL)
    return report


def require(report: dict) -> None:
    """In the zygote: every layer the probe showed working becomes mandatory for children."""
    privilege.REQUIRED = bool(report.get("unprivileged_uid"))
    privilege.REQUIRED_TMPFS = bool(report.get("private_tmpfs"))
    landlock.REQUIRED = bool(report.get("landlock"))
    seccomp.REQUIRED = bool(report.get("seccomp"))


def describe(report: dict | None) -> str:
    """One line for people: what is active and what is missing."""
    report = report or {}
    active = ["audit hook"] + [_NAMES[n] for n in _NAMES if report.get(n)]
    missing = [_NAMES[n] for n in FULL if not report.get(n)]
    text = "sandbox layers: " + ", ".join(active)
    if missing:
        text += f"; MISSING: {', '.join(missing)} (weak sandbox, see the README's isolation section)"
    return text


def main() -> int:
    simulate_missing()
    print(json.dumps(probe()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
