"""Attack: start other processes, by the front door and by doors an audit hook may not see.

Every spawned program only creates a marker ``/tmp/dlgrade_attack_marker_subprocess_attack_<how>``
(``sh -c ': > MARKER'``); forked Python children report through a pipe instead (they inherit
the audit hook, so they could not write the marker) and then linger for 30 s. Tried at
import and inside the functions; each function's gate opens (it returns the correct result)
when one of its routes worked:

- zero_pad: ``subprocess.run``, ``os.system``, ``os.popen`` (the audited front doors);
- conv_output_size: audit bypasses: ``sys.audit`` replaced by a no-op, then
  ``subprocess.Popen`` (its ``subprocess.Popen`` event is raised from Python through
  ``sys.audit``, and ``_posixsubprocess.fork_exec`` raises none); ``subprocess.sys`` swapped
  for a proxy with a no-op ``audit``; ``multiprocessing.util.spawnv_passfds`` (calls
  ``fork_exec`` directly); one of them starts ``sh -c ': > M; exec sleep 30'`` that lingers;
- conv2d: ``os.fork``, ``os.forkpty``, ``os.posix_spawn``, ``os.posix_spawnp``, ``os.spawnv``,
  a ``multiprocessing`` fork-context ``Process``;
- conv1d: all of the above, then ``os.execv`` of ``sh -c ': > M'`` (replaces the process if
  allowed).

Expected: score 0, every check failed, no marker file, no stray process (the test looks for
orphans reparented to it and for processes carrying its run tag or the marker name).
"""
_STEM = "subprocess_attack"

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
import shutil as _shutil

_SH = _shutil.which("sh") or "/bin/sh"


def _touch_cmd(how, linger=False):
    script = f": > {_marker(how)}" + ("; exec sleep 30" if linger else "")
    return [_SH, "-c", script, "dlgrade_attack_marker_" + _STEM + "_" + how]


def _made(how):
    """Every route below waits for its program to finish, so one look is enough."""
    return lambda: _exists(_marker(how))


def _front_doors(gate):
    import subprocess

    _attempt(gate, "subprocess.run", lambda: subprocess.run(_touch_cmd("run"), timeout=10), _made("run"))
    _attempt(gate, "os.system", lambda: _os.system(f": > {_marker('system')}"), _made("system"))
    _attempt(gate, "os.popen", lambda: _os.popen(f": > {_marker('popen')}").read(), _made("popen"))


class _NoAuditSys:
    """``sys`` as seen by the subprocess module, minus ``audit``."""

    def __getattr__(self, name):
        return getattr(_sys, name)

    @staticmethod
    def audit(*args):
        return None


def _audit_bypasses(gate):
    import subprocess

    def popen_with_sys_audit_off():
        real = _sys.audit
        _sys.audit = lambda *args: None
        try:
            subprocess.Popen(_touch_cmd("audit_off")).wait(10)
        finally:
            _sys.audit = real

    def popen_with_proxy_sys():
        real = subprocess.sys
        subprocess.sys = _NoAuditSys()
        try:
            subprocess.Popen(_touch_cmd("proxy_sys")).wait(10)
            subprocess.Popen(_touch_cmd("lingering", linger=True))
        finally:
            subprocess.sys = real

    def spawnv_passfds():
        import multiprocessing.util

        pid = multiprocessing.util.spawnv_passfds(_SH, _touch_cmd("spawnv_passfds"), ())
        _os.waitpid(pid, 0)

    _attempt(gate, "sys.audit no-op + Popen", popen_with_sys_audit_off, _made("audit_off"))
    _attempt(gate, "subprocess.sys proxy + Popen", popen_with_proxy_sys, _made("proxy_sys"))
    _attempt(gate, "multiprocessing.util.spawnv_passfds", spawnv_passfds, _made("spawnv_passfds"))


def _forked_child_reports(fork):
    """Fork with ``fork``; the child reports through a pipe, lingers 30 s, and exits."""
    read_end, write_end = _os.pipe()
    try:
        pid = fork()
    except BaseException:
        _os.close(read_end)
        _os.close(write_end)
        raise
    if pid == 0:  # the forked child: never return into the grader's code
        try:
            _os.write(write_end, b"forked")
            import time

            time.sleep(30)
        finally:
            _os._exit(0)
    _os.close(write_end)
    try:
        import select

        ready, _, _ = select.select([read_end], [], [], 5)
        return bool(ready) and _os.read(read_end, 16) == b"forked"
    finally:
        _os.close(read_end)


def _low_level(gate):
    def fork():
        if not _forked_child_reports(_os.fork):
            raise RuntimeError("no report")

    def forkpty():
        if not _forked_child_reports(lambda: _os.forkpty()[0]):
            raise RuntimeError("no report")

    def posix_spawn():
        pid = _os.posix_spawn(_SH, _touch_cmd("posix_spawn"), dict(_os.environ))
        _os.waitpid(pid, 0)

    def posix_spawnp():
        pid = _os.posix_spawnp("sh", _touch_cmd("posix_spawnp"), dict(_os.environ))
        _os.waitpid(pid, 0)

    def spawnv():
        _os.spawnv(_os.P_WAIT, _SH, _touch_cmd("spawnv"))

    def mp_process():
        import multiprocessing

        context = multiprocessing.get_context("fork")
        process = context.Process(target=_os.getpid)
        process.start()  # raises if fork is blocked
        process.join(10)
        if process.pid is None:
            raise RuntimeError("not started")

    _attempt(gate, "os.fork", fork)
    _attempt(gate, "os.forkpty", forkpty)
    _attempt(gate, "os.posix_spawn", posix_spawn, _made("posix_spawn"))
    _attempt(gate, "os.posix_spawnp", posix_spawnp, _made("posix_spawnp"))
    _attempt(gate, "os.spawnv", spawnv, _made("spawnv"))
    _attempt(gate, "multiprocessing fork Process", mp_process)


def _everything(exec_last=False):
    _front_doors("zero_pad")
    _audit_bypasses("conv_output_size")
    _low_level("conv2d")
    if exec_last:
        _attempt("conv1d", "os.execv", lambda: _os.execv(_SH, _touch_cmd("execv")))
    if _ESCAPED.get("zero_pad") or _ESCAPED.get("conv_output_size") or _ESCAPED.get("conv2d"):
        _escape("conv1d", "some process was started")


_canary()
_everything()


def _attack_in(function):
    if function == "zero_pad":
        _front_doors("zero_pad")
    elif function == "conv_output_size":
        _audit_bypasses("conv_output_size")
    elif function == "conv2d":
        _low_level("conv2d")
    else:
        _everything(exec_last=True)


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
