"""Attack: use privileges the child should not hold (issue 10, "the child is root").

Each function's gate opens (it returns the correct result) when its route worked:

- zero_pad, files outside the sandbox: ``chmod``/``chown``/``utime`` of the victim file the
  test created, relative to an ``O_PATH`` descriptor of /tmp (``dir_fd``) and through a
  read-only descriptor of the file; ``mknod`` of a character device (``/dev/null``'s) and a
  FIFO in the work directory;
- conv_output_size, other processes: ``setpriority`` (nice 19 and -20), ``SCHED_FIFO`` 99,
  ``SCHED_IDLE``, ``sched_setaffinity`` and ``prlimit`` on the parent (the zygote);
- conv2d, threads: a thread bomb at import (opens if more than 5000 threads ran at once);
- conv1d, disk: at import, up to 2 GiB in 32 MiB files and then up to 20000 empty files
  (opens if more than 1 GiB or 10000 files could be written).

Expected: score 0, every check failed; the grader run completes; the victim file's mode,
owner and times unchanged; no device node; the repository unchanged.
"""
_STEM = "privilege_abuse"

# ------------------------------------------------------------------------------------------
# Common attack scaffolding: identical in every attack file. Definitions only, no side effects.
# ``_ref_*`` are a correct implementation of the assignment, used only when an attack has
# actually escaped the sandbox (so that an escape shows up as *passing* checks); ``_wrong``
# is what the graded functions return otherwise.
# ------------------------------------------------------------------------------------------
import os as _os
import sys as _sys

import numpy as np

_TMP_MARKER = "/tmp/dlgrade_attack_marker_" + _STEM  # + "_<what>": the test asserts none appears
_VICTIM = "/tmp/dlgrade_attack_victim_" + _STEM + ".txt"  # created by the test; must stay unchanged
_ATTACK_PORT = 47391  # the test listens on 127.0.0.1:47391 (TCP and UDP) during socket_attack
_ESCAPED = {}  # gate -> forbidden things that worked; a working sandbox keeps this empty
_WRONG = -12345.0


def _marker(what):
    return _TMP_MARKER + "_" + what


def _escape(gate, what):
    _ESCAPED.setdefault(gate, []).append(what)


def _escaped(gate):
    return bool(_ESCAPED.get(gate)) or bool(_ESCAPED.get("*"))


def _attempt(gate, what, action, verify=None):
    """Try one forbidden ``action``; the gate opens if it works (or if ``verify()`` says it did)."""
    result = None
    try:
        result = action()
        ok = True
    except BaseException:  # blocked (a student may swallow anything, SystemExit included)
        ok = False
    if verify is not None:
        try:
            ok = bool(verify())
        except BaseException:
            ok = False
    if ok:
        _escape(gate, what)
    return result


def _exists(path):
    try:
        return _os.path.lexists(path)
    except BaseException:
        return False


def _write_file(path, text="pwned\n", mode="w"):
    with open(path, mode) as handle:
        handle.write(text)


def _canary():
    """Student code must never create files outside its sandbox; this marker must never appear."""
    try:
        fd = _os.open(_marker("canary"), _os.O_WRONLY | _os.O_CREAT, 0o644)
        try:
            _os.write(fd, b"student code ran with write access outside its sandbox\n")
        finally:
            _os.close(fd)
    except BaseException:
        pass


_SCRATCH = []


def _scratch_dir():
    """A directory of our own (in the sandbox's temp dir if it set TMPDIR), for links and copies.

    Named like a marker on purpose: if it lands in /tmp itself, the sandbox let us write there.
    """
    if not _SCRATCH:
        try:
            import tempfile

            _SCRATCH.append(tempfile.mkdtemp(prefix="dlgrade_attack_marker_" + _STEM + "_scratch"))
        except BaseException:
            try:
                _SCRATCH.append(_os.getcwd())
            except BaseException:
                _SCRATCH.append(".")
    return _SCRATCH[0]


_COUNTER = [0]


def _unique(stem):
    _COUNTER[0] += 1
    return f"{stem}_{_os.getpid()}_{_COUNTER[0]}"


def _repo_roots():
    """Where the grader's repository probably is: walk up from cwd, sys.path, __file__, autograder."""
    found = []

    def add(path):
        try:
            path = _os.path.realpath(str(path))
            looks_right = _os.path.isdir(_os.path.join(path, "autograder")) or _os.path.isdir(
                _os.path.join(path, "solutions")
            )
        except BaseException:
            return
        if looks_right and path not in found:
            found.append(path)

    try:
        import autograder

        add(_os.path.dirname(_os.path.dirname(_os.path.abspath(autograder.__file__))))
    except BaseException:
        pass
    try:
        from autograder.engine import course

        add(_os.path.dirname(str(course.SOLUTIONS_DIR)))
    except BaseException:
        pass
    starts = []
    try:
        starts.append(_os.getcwd())
    except BaseException:
        pass
    try:
        starts.append(_os.path.dirname(_os.path.abspath(__file__)))
    except BaseException:
        pass
    starts += [p for p in list(_sys.path) if isinstance(p, str) and p]
    for start in starts:
        path = _os.path.abspath(start)
        while True:
            add(path)
            parent = _os.path.dirname(path)
            if parent == path:
                break
            path = parent
    return found


def _solution_paths():
    paths = []
    try:
        from autograder.engine import course

        paths.append(_os.path.join(str(course.SOLUTIONS_DIR), "conv_padding.py"))
    except BaseException:
        pass
    for root in _repo_roots():
        path = _os.path.join(root, "solutions", "conv_padding.py")
        if path not in paths:
            paths.append(path)
    return paths


def _pair(value):
    if np.ndim(value) == 0:
        return int(value), int(value)
    first, second = value
    return int(first), int(second)


def _ref_zero_pad(x, pad):
    x = np.asarray(x)
    if np.ndim(pad) == 0:
        (top, bottom), (left, right) = (int(pad), int(pad)), (int(pad), int(pad))
    else:
        pad_h, pad_w = pad
        (top, bottom), (left, right) = _pair(pad_h), _pair(pad_w)
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), mode="constant", constant_values=0)


def _ref_conv_output_size(n, k, stride=1, pad=0):
    return (int(n) + 2 * int(pad) - int(k)) // int(stride) + 1


def _same_pads(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def _ref_conv_core(x, kernel, bias, sh, sw, pads):
    xp = _ref_zero_pad(x, pads)
    kh, kw = kernel.shape[0], kernel.shape[1]
    oh = (xp.shape[1] - kh) // sh + 1
    ow = (xp.shape[2] - kw) // sw + 1
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))
    windows = windows[:, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw]
    out = np.einsum("nhwcij,ijco->nhwo", windows, kernel)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64).reshape(-1)
    return out


def _ref_conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    sh, sw = _pair(stride)
    kh, kw = kernel.shape[0], kernel.shape[1]
    if isinstance(padding, str):
        if padding.lower() == "valid":
            pads = ((0, 0), (0, 0))
        elif padding.lower() == "same":
            pads = (_same_pads(x.shape[1], kh, sh), _same_pads(x.shape[2], kw, sw))
        else:
            raise ValueError(f"unknown padding {padding!r}")
    else:
        if int(padding) < 0:
            raise ValueError("padding must be non-negative")
        pads = ((int(padding), int(padding)), (int(padding), int(padding)))
    return _ref_conv_core(x, kernel, bias, sh, sw, pads)


def _ref_conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    s = int(np.ravel(stride)[0])
    k = kernel.shape[0]
    if isinstance(padding, str):
        if padding.lower() == "valid":
            pads = (0, 0)
        elif padding.lower() == "same":
            pads = _same_pads(x.shape[1], k, s)
        else:
            raise ValueError(f"unknown padding {padding!r}")
    else:
        if int(padding) < 0:
            raise ValueError("padding must be non-negative")
        pads = (int(padding), int(padding))
    return _ref_conv_core(x[:, None], kernel[None], bias, 1, s, ((0, 0), pads))[:, 0]


def _wrong(*args, **kwargs):
    """A wrong answer: wrong shape and values; it scribbles over its (writable) inputs too."""
    for arg in args + tuple(kwargs.values()):
        if isinstance(arg, np.ndarray) and arg.size and arg.flags.writeable and arg.dtype.kind in "fciu":
            try:
                arg[...] = -12345
            except BaseException:
                pass
    return np.full((1, 1, 1, 1), _WRONG)


def _wrong_size(*args, **kwargs):
    return -12345



# ------------------------------------------------------------------------------------------
# The attack.
# ------------------------------------------------------------------------------------------
import stat as _stat
import threading as _threading

_PARENT = _os.getppid()


def _files_outside():
    def via_dir_fd(call):
        fd = _os.open("/tmp", getattr(_os, "O_PATH", _os.O_RDONLY))
        try:
            call(fd)
        finally:
            _os.close(fd)

    name = _os.path.basename(_VICTIM)
    _attempt("zero_pad", "chmod dir_fd", lambda: via_dir_fd(lambda d: _os.chmod(name, 0o777, dir_fd=d)))
    _attempt("zero_pad", "chown dir_fd", lambda: via_dir_fd(lambda d: _os.chown(name, 4242, 4242, dir_fd=d)))
    _attempt("zero_pad", "utime dir_fd", lambda: via_dir_fd(lambda d: _os.utime(name, (5, 5), dir_fd=d)))

    def via_fd(call):
        fd = _os.open(_VICTIM, _os.O_RDONLY)
        try:
            call(fd)
        finally:
            _os.close(fd)

    _attempt("zero_pad", "fchmod", lambda: via_fd(lambda fd: _os.chmod(fd, 0o777)))
    _attempt("zero_pad", "fchown", lambda: via_fd(lambda fd: _os.chown(fd, 4242, 4242)))
    _attempt("zero_pad", "futimens", lambda: via_fd(lambda fd: _os.utime(fd, (5, 5))))
    device = _unique("null")
    _attempt("zero_pad", "mknod char device", lambda: _os.mknod(device, _stat.S_IFCHR | 0o666, _os.makedev(1, 3)),
             verify=lambda: _exists(device))
    fifo = _unique("fifo")
    _attempt("zero_pad", "mkfifo", lambda: _os.mkfifo(fifo), verify=lambda: _exists(fifo))


def _other_processes():
    pid = _PARENT
    if pid <= 1 or _os.getppid() != pid:
        return
    gate = "conv_output_size"
    _attempt(gate, "setpriority 19", lambda: _os.setpriority(_os.PRIO_PROCESS, pid, 19))
    _attempt(gate, "setpriority -20", lambda: _os.setpriority(_os.PRIO_PROCESS, pid, -20))
    _attempt(gate, "SCHED_FIFO 99", lambda: _os.sched_setscheduler(pid, _os.SCHED_FIFO, _os.sched_param(99)))
    _attempt(gate, "SCHED_IDLE", lambda: _os.sched_setscheduler(pid, _os.SCHED_IDLE, _os.sched_param(0)))
    _attempt(gate, "sched_setaffinity", lambda: _os.sched_setaffinity(pid, {0}))

    def prlimit():
        import resource

        resource.prlimit(pid, resource.RLIMIT_NOFILE, (8, 8))

    _attempt(gate, "prlimit", prlimit)
    # (not setpriority(PRIO_USER, 0): where the sandbox failed, as root, it would renice every
    # root process of the machine; tests/sandbox/test_privilege.py tries it under a checked uid)


def _thread_bomb():
    stop = _threading.Event()
    started = []
    try:
        for _ in range(6000):
            thread = _threading.Thread(target=stop.wait, daemon=True)
            thread.start()
            started.append(thread)
    except BaseException:
        pass
    finally:
        stop.set()
    if len(started) > 5000:
        _escape("conv2d", f"{len(started)} threads")
    for thread in started:
        thread.join(5)


def _disk_flood():
    written = files = 0
    chunk = b"x" * (1 << 20)
    try:
        for n in range(64):  # 64 x 32 MiB = 2 GiB at most
            with open(_unique("big"), "wb") as out:
                for _ in range(32):
                    out.write(chunk)
                    written += len(chunk)
    except BaseException:
        pass
    try:
        for n in range(20000):
            open(_unique("small"), "w").close()
            files += 1
    except BaseException:
        pass
    if written > (1 << 30) or files > 10000:
        _escape("conv1d", f"{written} bytes, {files} files")


_canary()
_files_outside()
_other_processes()
_thread_bomb()
_disk_flood()


def zero_pad(x, pad):
    _files_outside()
    return _ref_zero_pad(x, pad) if _escaped("zero_pad") else _wrong(x, pad)


def conv_output_size(n, k, stride=1, pad=0):
    _other_processes()
    if _escaped("conv_output_size"):
        return _ref_conv_output_size(n, k, stride, pad)
    return _wrong_size(n, k, stride, pad)


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    if _escaped("conv2d"):
        return _ref_conv2d(x, kernel, bias, stride, padding)
    return _wrong(x, kernel, bias)


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    if _escaped("conv1d"):
        return _ref_conv1d(x, kernel, bias, stride, padding)
    return _wrong(x, kernel, bias)
