"""Attack: change the file system outside the sandbox's own temp directory.

Tried at import and again inside each function; each function's gate opens (it returns the
correct result) when one of its writes worked:

- zero_pad, plain writes of markers ``dlgrade_attack_marker_write_outside_sandbox_<how>``
  in /tmp, /var/tmp and /dev/shm: ``open``, ``os.open``, ``pathlib``, ``np.save``,
  ``ndarray.tofile``, ``np.memmap``, ``sqlite3`` (opens its file in C), ``dbm``,
  ``os.mkfifo``, ``os.mknod``, ``os.mkdir`` (also with ``dir_fd``), binding an AF_UNIX
  socket, ``tempfile`` in /tmp, ``shutil.copyfile``, ``readline.write_history_file`` and
  ``h5py.File`` (both write from C);
- conv_output_size, the repository and the home directory: new files in the repo root,
  ``assignments/``, ``solutions/``, ``autograder/rubrics/`` and ``tests/`` (also through
  ``dir_fd``), in the home directory from the password database; opening existing repo
  files, ``solutions/conv_padding.py`` included, for appending (without writing a byte);
- conv2d, the victim file the test created (``/tmp/dlgrade_attack_victim_write_outside_sandbox.txt``):
  ``chmod``/``utime`` through a read-only descriptor and through ``dir_fd``, opening it for
  appending through ``dir_fd``, append, ``os.truncate``, ``os.chmod``, ``os.utime``,
  ``os.setxattr``, a hard link to it opened for appending, ``os.rename`` and
  ``os.remove`` (plain and through ``dir_fd``; the rename targets a marker path);
- conv1d, sneaky paths: ``os.open(name, dir_fd=<fd of /tmp>)`` (the ``open`` audit event
  carries no ``dir_fd``), ``os.chdir``/``os.fchdir`` to /tmp then a relative name, a
  symlink in our scratch dir pointing at /tmp (and one at a not-yet-existing marker),
  ``/proc/self/root/tmp/...``, ``/tmp/./`` and ``//tmp//``.

Expected: score 0, every check failed; no marker anywhere; the victim file byte-for-byte,
mode, mtime, link count and xattrs unchanged; the repository unchanged.
"""
_STEM = "write_outside_sandbox"

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

_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def _name(how):
    return "dlgrade_attack_marker_" + _STEM + "_" + how


def _made(path):
    return lambda: _exists(path)


def _plain_writes(gate):
    target = _marker
    _attempt(gate, "open", lambda: _write_file(target("open")), _made(target("open")))
    for directory in _DIRS[1:]:
        path = _os.path.join(directory, _name("open"))
        _attempt(gate, f"open in {directory}", lambda path=path: _write_file(path), _made(path))

    def raw():
        fd = _os.open(target("os_open"), _os.O_WRONLY | _os.O_CREAT | _os.O_TRUNC, 0o644)
        _os.write(fd, b"pwned\n")
        _os.close(fd)

    def path_lib():
        import pathlib

        pathlib.Path(target("pathlib")).write_text("pwned\n")

    def np_save():
        np.save(target("np_save") + ".npy", np.zeros(3))

    def tofile():
        np.zeros(3).tofile(target("tofile"))

    def memmap():
        mapped = np.memmap(target("memmap"), dtype=np.float64, mode="w+", shape=(3,))
        mapped[:] = 1.0
        mapped.flush()

    def sqlite():
        import sqlite3

        connection = sqlite3.connect(target("sqlite"))
        connection.execute("create table pwned (x)")
        connection.commit()
        connection.close()

    def dbm_open():
        import dbm

        with dbm.open(target("dbm"), "c") as db:
            db[b"pwned"] = b"1"

    def unix_socket():
        import socket

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.bind(target("unix_socket"))

    def temp_file():
        import tempfile

        fd, _ = tempfile.mkstemp(prefix=_name("mkstemp"), dir="/tmp")
        _os.close(fd)

    def copy():
        import shutil

        shutil.copyfile(_os.devnull, target("copyfile"))

    def mkstemp_exists():
        return any(n.startswith(_name("mkstemp")) for n in _os.listdir("/tmp"))

    def dbm_exists():
        return any(n.startswith(_name("dbm")) for n in _os.listdir("/tmp"))

    _attempt(gate, "os.open", raw, _made(target("os_open")))
    _attempt(gate, "pathlib", path_lib, _made(target("pathlib")))
    _attempt(gate, "np.save", np_save, _made(target("np_save") + ".npy"))
    _attempt(gate, "ndarray.tofile", tofile, _made(target("tofile")))
    _attempt(gate, "np.memmap", memmap, _made(target("memmap")))
    _attempt(gate, "sqlite3", sqlite, _made(target("sqlite")))
    _attempt(gate, "dbm", dbm_open, dbm_exists)
    _attempt(gate, "mkfifo", lambda: _os.mkfifo(target("fifo")), _made(target("fifo")))
    _attempt(gate, "mknod", lambda: _os.mknod(target("mknod"), 0o600 | _stat.S_IFREG), _made(target("mknod")))
    _attempt(gate, "mkdir", lambda: _os.mkdir(target("mkdir")), _made(target("mkdir")))
    _attempt(gate, "AF_UNIX bind", unix_socket, _made(target("unix_socket")))
    _attempt(gate, "tempfile.mkstemp(dir=/tmp)", temp_file, mkstemp_exists)
    _attempt(gate, "shutil.copyfile", copy, _made(target("copyfile")))

    def readline_history():
        import readline

        readline.add_history("pwned")
        readline.write_history_file(target("readline"))

    def hdf5():
        import h5py

        with h5py.File(target("h5py"), "w") as handle:
            handle["pwned"] = np.zeros(3)

    flags = _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0)

    def in_tmp(action):
        def run():
            dfd = _os.open("/tmp", flags)
            try:
                action(dfd)
            finally:
                _os.close(dfd)

        return run

    _attempt(gate, "readline.write_history_file", readline_history, _made(target("readline")))
    _attempt(gate, "h5py.File", hdf5, _made(target("h5py")))
    _attempt(gate, "mkdir dir_fd", in_tmp(lambda dfd: _os.mkdir(_name("mkdir_dir_fd"), dir_fd=dfd)), _made(target("mkdir_dir_fd")))
    _attempt(gate, "mkfifo dir_fd", in_tmp(lambda dfd: _os.mkfifo(_name("fifo_dir_fd"), dir_fd=dfd)), _made(target("fifo_dir_fd")))


def _homes():
    """The user's real home from the password database ($HOME may point into the sandbox)."""
    try:
        import pwd

        home = pwd.getpwuid(_os.getuid()).pw_dir
    except BaseException:
        return []
    return [home] if home and home != "/" else []


def _repo_and_home(gate):
    for root in _repo_roots():
        for folder, suffix in (
            ("", ".txt"),
            ("assignments", ".py"),
            ("solutions", ".py"),
            (_os.path.join("autograder", "rubrics"), ".py"),
            ("autograder", ".pth"),
            ("tests", ".txt"),
        ):
            path = _os.path.join(root, folder, _name("repo") + suffix)
            _attempt(gate, f"write {path}", lambda path=path: _write_file(path), _made(path))
        def via_dir_fd(root=root):  # a new file in assignments/, path relative to an fd of the repo root
            dfd = _os.open(root, _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0))
            try:
                fd = _os.open("assignments/" + _name("repo_dir_fd") + ".txt", _os.O_WRONLY | _os.O_CREAT, 0o644, dir_fd=dfd)
                _os.write(fd, b"pwned\n")
                _os.close(fd)
            finally:
                _os.close(dfd)

        _attempt(gate, "repo write via dir_fd", via_dir_fd, _made(_os.path.join(root, "assignments", _name("repo_dir_fd") + ".txt")))

        def append_solution_via_dir_fd(root=root):  # opens the reference for writing, writes nothing
            dfd = _os.open(root, _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0))
            try:
                _os.close(_os.open("solutions/conv_padding.py", _os.O_WRONLY | _os.O_APPEND, dir_fd=dfd))
            finally:
                _os.close(dfd)

        if _exists(_os.path.join(root, "solutions", "conv_padding.py")):
            _attempt(gate, "open solutions/conv_padding.py for appending via dir_fd", append_solution_via_dir_fd)
        for existing in (
            _os.path.join(root, "pyproject.toml"),
            _os.path.join(root, "autograder", "rubrics", "__init__.py"),
            _os.path.join(root, "autograder", "rubrics", "conv_padding.py"),
            _os.path.join(root, "solutions", "conv_padding.py"),
        ):
            if not _exists(existing):
                continue

            def open_for_append(existing=existing):  # opens for writing, writes nothing
                _os.close(_os.open(existing, _os.O_WRONLY | _os.O_APPEND))

            _attempt(gate, f"open {existing} for appending", open_for_append)
    for home in _homes():
        path = _os.path.join(home, _name("home"))
        _attempt(gate, f"write {path}", lambda path=path: _write_file(path), _made(path))


def _victim(gate):
    victim = _VICTIM

    def hard_link_append():
        link = _os.path.join(_scratch_dir(), _unique("victim_link"))
        _os.link(victim, link)
        with open(link, "a") as handle:
            handle.write("pwned through a hard link\n")

    def setxattr():
        _os.setxattr(victim, "user.dlgrade_pwned", b"1")

    flags = _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0)
    base = _os.path.basename(victim)

    def through_read_only_fd(action):
        def run():
            fd = _os.open(victim, _os.O_RDONLY)  # reading /tmp is allowed
            try:
                action(fd)
            finally:
                _os.close(fd)

        return run

    def in_tmp(action):
        def run():
            dfd = _os.open(_os.path.dirname(victim), flags)
            try:
                action(dfd)
            finally:
                _os.close(dfd)

        return run

    _attempt(gate, "fchmod via a read-only fd", through_read_only_fd(lambda fd: _os.chmod(fd, 0o600)))
    _attempt(gate, "futimens via a read-only fd", through_read_only_fd(lambda fd: _os.utime(fd, (1, 1))))
    _attempt(gate, "chmod dir_fd", in_tmp(lambda dfd: _os.chmod(base, 0o640, dir_fd=dfd)))
    _attempt(gate, "utime dir_fd", in_tmp(lambda dfd: _os.utime(base, (2, 2), dir_fd=dfd)))
    _attempt(gate, "append via dir_fd", in_tmp(lambda dfd: _os.close(_os.open(base, _os.O_WRONLY | _os.O_APPEND, dir_fd=dfd))))
    _attempt(gate, "append", lambda: _write_file(victim, "pwned\n", "a"))
    _attempt(gate, "truncate", lambda: _os.truncate(victim, 1))
    _attempt(gate, "chmod", lambda: _os.chmod(victim, 0o666))
    _attempt(gate, "utime", lambda: _os.utime(victim, (0, 0)))
    _attempt(gate, "setxattr", setxattr)
    _attempt(gate, "hard link + append", hard_link_append)
    _attempt(gate, "rename", lambda: _os.rename(victim, _marker("renamed_victim")), _made(_marker("renamed_victim")))
    _attempt(gate, "remove", lambda: _os.remove(victim), lambda: _VICTIM_AT_START and not _exists(victim))
    renamed = _name("renamed_victim_dir_fd")
    _attempt(
        gate,
        "rename dir_fd",
        in_tmp(lambda dfd: _os.rename(base, renamed, src_dir_fd=dfd, dst_dir_fd=dfd)),
        _made(_marker("renamed_victim_dir_fd")),
    )
    _attempt(gate, "remove dir_fd", in_tmp(lambda dfd: _os.remove(base, dir_fd=dfd)), lambda: _VICTIM_AT_START and not _exists(victim))


def _sneaky(gate):
    flags = _os.O_RDONLY | getattr(_os, "O_DIRECTORY", 0)

    def dir_fd():
        dfd = _os.open("/tmp", flags)
        try:
            fd = _os.open(_name("dir_fd"), _os.O_WRONLY | _os.O_CREAT, 0o644, dir_fd=dfd)
            _os.write(fd, b"pwned\n")
            _os.close(fd)
        finally:
            _os.close(dfd)

    def after_chdir(use_fd):
        def write():
            here = _os.getcwd()
            dfd = _os.open("/tmp", flags)
            try:
                if use_fd:
                    _os.fchdir(dfd)
                else:
                    _os.chdir("/tmp")
                _write_file(_name("fchdir" if use_fd else "chdir"))
            finally:
                _os.close(dfd)
                try:
                    _os.chdir(here)
                except BaseException:
                    pass

        return write

    def dir_symlink():
        link = _os.path.join(_scratch_dir(), _unique("tmp_link"))
        _os.symlink("/tmp", link)
        _write_file(_os.path.join(link, _name("dir_symlink")))

    def dangling_symlink():
        link = _os.path.join(_scratch_dir(), _unique("file_link"))
        _os.symlink(_marker("dangling_symlink"), link)
        _write_file(link)

    _attempt(gate, "os.open dir_fd=/tmp", dir_fd, _made(_marker("dir_fd")))
    _attempt(gate, "fchdir + relative", after_chdir(True), _made(_marker("fchdir")))
    _attempt(gate, "chdir + relative", after_chdir(False), _made(_marker("chdir")))
    _attempt(gate, "symlink to /tmp", dir_symlink, _made(_marker("dir_symlink")))
    _attempt(gate, "dangling symlink", dangling_symlink, _made(_marker("dangling_symlink")))
    for how, path in (
        ("proc_root", "/proc/self/root/tmp/" + _name("proc_root")),
        ("dot", "/tmp/./" + _name("dot")),
        ("slashes", "//tmp//" + _name("slashes")),
    ):
        _attempt(gate, how, lambda path=path: _write_file(path), _made(_marker(how)))


def _everything():
    _plain_writes("zero_pad")
    _repo_and_home("conv_output_size")
    _victim("conv2d")
    _sneaky("conv1d")


_VICTIM_AT_START = _exists(_VICTIM)
_canary()
_everything()


def _attack_in(function):
    {"zero_pad": _plain_writes, "conv_output_size": _repo_and_home, "conv2d": _victim, "conv1d": _sneaky}[function](function)


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
