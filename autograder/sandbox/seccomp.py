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
  ``unshare``, ``setns``, ``mount``, ``chroot``).

Syscalls of another ABI (x86's 32-bit and x32 entry points) kill the process. The filter
is installed with ``PR_SET_NO_NEW_PRIVS`` through ``prctl`` (via ctypes, before the audit
hook forbids ctypes) and cannot be lifted. Supported on x86-64 and aarch64 Linux; elsewhere
``install`` returns False and the audit-hook policy stands alone.
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

_ARCHES = {
    "x86_64": {
        "audit_arch": 0xC000003E,
        "deny": {"fork": 57, "vfork": 58, "execve": 59, "execveat": 322, "socket": 41,
                 "socketpair": 53, "connect": 42, "bind": 49, "tkill": 200, "ptrace": 101,
                 "process_vm_readv": 310, "process_vm_writev": 311, "rt_sigqueueinfo": 129,
                 "rt_tgsigqueueinfo": 297, "pidfd_send_signal": 424, "pidfd_getfd": 438,
                 "unshare": 272, "setns": 308, "mount": 165, "chroot": 161},
        "clone": 56, "clone3": 435, "kill": 62, "tgkill": 234,
    },
    "aarch64": {
        "audit_arch": 0xC00000B7,
        "deny": {"execve": 221, "execveat": 281, "socket": 198, "socketpair": 199,
                 "connect": 203, "bind": 200, "tkill": 130, "ptrace": 117,
                 "process_vm_readv": 270, "process_vm_writev": 271, "rt_sigqueueinfo": 138,
                 "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424, "pidfd_getfd": 438,
                 "unshare": 97, "setns": 268, "mount": 40, "chroot": 51},
        "clone": 220, "clone3": 435, "kill": 129, "tgkill": 131,
    },
}


def _stmt(code: int, k: int) -> tuple:
    return (code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> tuple:
    return (code, jt, jf, k)


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
    program.append(_stmt(_RET_K, _RET_ALLOW))
    return program


def install() -> bool:
    """Install the filter on this (single-threaded) process; False where unsupported."""
    arch = platform.machine()
    if arch not in _ARCHES or not os.path.exists("/proc/self"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    program = build_program(arch, os.getpid())
    raw = b"".join(struct.pack("=HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(raw, len(raw))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.addressof(buffer))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return False
    return True
