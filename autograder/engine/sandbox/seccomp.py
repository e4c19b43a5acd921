"""A seccomp-BPF filter for the sandboxed child: the OS-level layer under the audit hook.

Audit hooks see only what Python reports; ``_posixsubprocess.fork_exec`` or native code can
start a process without an audit event. This filter makes the kernel refuse, with ``EPERM``:

- new processes: ``fork``, ``vfork``, ``clone`` without ``CLONE_THREAD`` (threads stay
  allowed; ``clone3`` answers ``ENOSYS`` so the C library falls back to ``clone``), and
  ``execve``/``execveat``;
- sockets (``socket``, ``socketpair``, ``connect``, ``bind``);
- signals to other processes (``kill``/``tgkill`` are allowed for the child's own pid only;
  ``tkill``, ``rt_sigqueueinfo``, ``pidfd_send_signal`` never);
- reaching into other processes or namespaces (``ptrace``, ``process_vm_readv``/``writev``,
  ``unshare``, ``setns``, ``mount``, ``chroot``);
- scheduling, priority and limits of any process but itself: ``setpriority`` only with
  ``PRIO_PROCESS`` and pid 0 or its own pid, ``ioprio_set`` likewise with
  ``IOPRIO_WHO_PROCESS``; ``sched_setscheduler``, ``sched_setparam``, ``sched_setattr``,
  ``sched_setaffinity`` and ``prlimit64`` only on pid 0 or its own pid (so not even on its own
  other threads by their tid: the filter sees numbers, and the child's thread ids are not
  known when it is installed). Real-time policies are refused by ``RLIMIT_RTPRIO`` = 0 and
  raising priority by ``RLIMIT_NICE`` = 0 (``limits.py``);
- device and FIFO nodes (``mknod``, ``mknodat``), and every change of a file's mode, owner or
  times, its own files included (``chmod``, ``fchmod``, ``fchmodat``, ``fchmodat2``,
  ``chown``, ``fchown``, ``lchown``, ``fchownat``, ``utime``, ``utimes``, ``futimesat``,
  ``utimensat``): the filter cannot see which file a path or descriptor names, and Landlock
  does not cover these calls, so they are refused outright (nothing graded needs them).

Syscalls of another ABI (x86's 32-bit and x32 entry points) kill the process. The filter
is installed with ``PR_SET_NO_NEW_PRIVS`` through ``prctl`` (via ctypes, before the audit
hook forbids ctypes) and cannot be lifted. Supported on x86-64 and aarch64 Linux; elsewhere
``install`` returns False and the audit-hook policy stands alone; the zygote's probe
(``layers.py``) then reports the sandbox as weak. Where the probe showed that the filter
works, ``REQUIRED`` is set and a failure to install it raises (the child never runs).
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

# BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000

_OFFSET_NR, _OFFSET_ARCH, _OFFSET_ARG0 = 0, 4, 16
_CLONE_THREAD = 0x00010000
_X32_SYSCALL_BIT = 0x40000000

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

REQUIRED = False  # set by the zygote (layers.require): a failed install is then fatal

_ARCHES = {
    "x86_64": {
        "audit_arch": 0xC000003E,
        "deny": {"fork": 57, "vfork": 58, "execve": 59, "execveat": 322, "socket": 41,
                 "socketpair": 53, "connect": 42, "bind": 49, "tkill": 200, "ptrace": 101,
                 "process_vm_readv": 310, "process_vm_writev": 311, "rt_sigqueueinfo": 129,
                 "rt_tgsigqueueinfo": 297, "pidfd_send_signal": 424, "pidfd_getfd": 438,
                 "unshare": 272, "setns": 308, "mount": 165, "chroot": 161,
                 "mknod": 133, "mknodat": 259, "chmod": 90, "fchmod": 91, "fchmodat": 268,
                 "fchmodat2": 452, "chown": 92, "fchown": 93, "lchown": 94, "fchownat": 260,
                 "utime": 132, "utimes": 235, "futimesat": 261, "utimensat": 280},
        "clone": 56, "clone3": 435, "kill": 62, "tgkill": 234,
        "setpriority": 141, "ioprio_set": 251, "sched_setparam": 142,
        "sched_setscheduler": 144, "sched_setaffinity": 203, "sched_setattr": 314,
        "prlimit64": 302, "prctl": 157, "seccomp": 317,
    },
    "aarch64": {
        "audit_arch": 0xC00000B7,
        "deny": {"execve": 221, "execveat": 281, "socket": 198, "socketpair": 199,
                 "connect": 203, "bind": 200, "tkill": 130, "ptrace": 117,
                 "process_vm_readv": 270, "process_vm_writev": 271, "rt_sigqueueinfo": 138,
                 "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424, "pidfd_getfd": 438,
                 "unshare": 97, "setns": 268, "mount": 40, "chroot": 51,
                 "mknodat": 33, "fchmod": 52, "fchmodat": 53, "fchmodat2": 452, "fchownat": 54,
                 "fchown": 55, "utimensat": 88},
        "clone": 220, "clone3": 435, "kill": 129, "tgkill": 131,
        "setpriority": 140, "ioprio_set": 30, "sched_setparam": 118,
        "sched_setscheduler": 119, "sched_setaffinity": 122, "sched_setattr": 274,
        "prlimit64": 261, "prctl": 167, "seccomp": 277,
    },
}


def _stmt(code: int, k: int) -> tuple:
    return (code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> tuple:
    return (code, jt, jf, k)


def _only_when(number: int, tests: list[tuple[int, tuple[int, ...]]], deny: int) -> list[tuple]:
    """For syscall ``number``: allow it when, for each (argument index, allowed values), the
    argument's low 32 bits are one of the values; otherwise ``deny``. Other syscalls fall
    through with the syscall number still in the accumulator."""
    body: list[tuple] = []
    for index, values in tests:
        body.append(_stmt(_LD_W_ABS, _OFFSET_ARG0 + 8 * index))
        for position, value in enumerate(values):
            body.append(_jump(_JEQ_K, value, len(values) - position, 0))  # -> the next test
        body.append(_stmt(_RET_K, deny))
    body.append(_stmt(_RET_K, _RET_ALLOW))
    return [_jump(_JEQ_K, number, 0, len(body))] + body


_PRIO_PROCESS, _IOPRIO_WHO_PROCESS = 0, 1


def build_program(arch: str, pid: int) -> list[tuple]:
    """The filter as a list of (code, jt, jf, k) instructions."""
    table = _ARCHES[arch]
    deny = _RET_ERRNO | errno.EPERM
    program = [
        _stmt(_LD_W_ABS, _OFFSET_ARCH),
        _jump(_JEQ_K, table["audit_arch"], 1, 0),
        _stmt(_RET_K, _RET_KILL_PROCESS),
        _stmt(_LD_W_ABS, _OFFSET_NR),
    ]
    if arch == "x86_64":
        program += [_jump(_JGE_K, _X32_SYSCALL_BIT, 0, 1), _stmt(_RET_K, _RET_KILL_PROCESS)]
    for number in table["deny"].values():
        program += [_jump(_JEQ_K, number, 0, 1), _stmt(_RET_K, deny)]
    program += [_jump(_JEQ_K, table["clone3"], 0, 1), _stmt(_RET_K, _RET_ERRNO | errno.ENOSYS)]
    # clone: threads only
    program += [
        _jump(_JEQ_K, table["clone"], 0, 4),
        _stmt(_LD_W_ABS, _OFFSET_ARG0),
        _jump(_JSET_K, _CLONE_THREAD, 0, 1),
        _stmt(_RET_K, _RET_ALLOW),
        _stmt(_RET_K, deny),
    ]
    # kill / tgkill: only to this process (kill(0, ...) is this session's group: itself)
    for name in ("kill", "tgkill"):
        program += [
            _jump(_JEQ_K, table[name], 0, 5),
            _stmt(_LD_W_ABS, _OFFSET_ARG0),
            _jump(_JEQ_K, pid, 2, 0),
            _jump(_JEQ_K, 0, 1, 0),
            _stmt(_RET_K, deny),
            _stmt(_RET_K, _RET_ALLOW),
        ]
    # scheduling, priority, affinity and limits: this process only
    own = (0, pid)
    program += _only_when(table["setpriority"], [(0, (_PRIO_PROCESS,)), (1, own)], deny)
    program += _only_when(table["ioprio_set"], [(0, (_IOPRIO_WHO_PROCESS,)), (1, own)], deny)
    for name in ("sched_setparam", "sched_setscheduler", "sched_setaffinity", "sched_setattr",
                 "prlimit64"):
        program += _only_when(table[name], [(0, own)], deny)
    program.append(_stmt(_RET_K, _RET_ALLOW))
    return program


def _load(program: list[tuple]) -> bool:
    """Set no_new_privs and install ``program`` on this thread; False if the kernel refuses."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    raw = b"".join(struct.pack("=HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(raw, len(raw))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.addressof(buffer))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def install() -> bool:
    """Install the filter on this (single-threaded) process; False where unsupported.

    Raises ``SetupError`` instead when ``REQUIRED`` (the zygote's probe showed it works)."""
    arch = platform.machine()
    ok = arch in _ARCHES and os.path.exists("/proc/self") and _load(build_program(arch, os.getpid()))
    if not ok and REQUIRED:
        from .privilege import SetupError

        raise SetupError("the seccomp filter worked in the probe but could not be installed")
    return ok


def install_simulation(*, landlock: bool, seccomp_: bool) -> bool:
    """TEST-ONLY (``DLGRADE_SIMULATE_MISSING``): make this process and its children see a
    kernel without Landlock (its syscalls answer ``ENOSYS``) and/or without seccomp filters
    (``seccomp()`` answers ``ENOSYS``, ``prctl(PR_SET_SECCOMP)`` ``EINVAL``). It only removes
    layers; the probe then reports them missing and the grader calls the sandbox weak."""
    arch = platform.machine()
    if arch not in _ARCHES:
        return False
    table = _ARCHES[arch]
    program = [_stmt(_LD_W_ABS, _OFFSET_NR)]
    if landlock:
        for number in (444, 445, 446):  # landlock_create_ruleset, _add_rule, _restrict_self
            program += [_jump(_JEQ_K, number, 0, 1), _stmt(_RET_K, _RET_ERRNO | errno.ENOSYS)]
    if seccomp_:
        program += [_jump(_JEQ_K, table["seccomp"], 0, 1), _stmt(_RET_K, _RET_ERRNO | errno.ENOSYS)]
        program += [_jump(_JEQ_K, table["prctl"], 0, 4), _stmt(_LD_W_ABS, _OFFSET_ARG0),
                    _jump(_JEQ_K, _PR_SET_SECCOMP, 0, 1), _stmt(_RET_K, _RET_ERRNO | errno.EINVAL),
                    _stmt(_RET_K, _RET_ALLOW)]
    program.append(_stmt(_RET_K, _RET_ALLOW))
    return _load(program)
