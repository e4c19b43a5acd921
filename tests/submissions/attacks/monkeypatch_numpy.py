"""Attack: make every comparison say "equal" and hand in wrong values.

At import (and again in every call) it replaces, in ``numpy``, ``numpy.testing``, ``math``
and every loaded module that imported them by name (the grader's own child-side modules
included), ``allclose``, ``isclose``, ``array_equal``, ``array_equiv``, the
``assert_*`` helpers, ``abs``/``absolute``, ``max``/``amax``, ``all``/``any``,
``isnan``/``isfinite``, ``linalg.norm`` and ``math.isclose`` with versions that always
report a match. The returned values are wrong but dressed up to fool a comparison that runs
where we can reach it:

- arrays are an ``ndarray`` subclass of the *right shape* whose ``__eq__``, ``__sub__``,
  ``__abs__``, ``__array_ufunc__`` and ``__array_function__`` claim equality / zero error;
- ``conv_output_size`` returns an ``int`` subclass equal to everything.

The verdict is computed in the trusted parent on plain arrays, so none of this may matter.
Expected: score 0, every check failed.
"""
_STEM = "monkeypatch_numpy"

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
import math as _math


def _true(*args, **kwargs):
    return True


def _none(*args, **kwargs):
    return None


def _zero(*args, **kwargs):
    return 0.0


def _all_true(a, *args, **kwargs):
    return np.ones(np.shape(a), dtype=bool) if np.ndim(a) else True


def _all_false(a, *args, **kwargs):
    return np.zeros(np.shape(a), dtype=bool) if np.ndim(a) else False


def _zeros_like(a, *args, **kwargs):
    return np.zeros(np.shape(a)) if np.ndim(a) else 0.0


_FAKES = {
    "allclose": _true,
    "isclose": _all_true,
    "array_equal": _true,
    "array_equiv": _true,
    "abs": _zeros_like,
    "absolute": _zeros_like,
    "fabs": _zeros_like,
    "max": _zero,
    "amax": _zero,
    "nanmax": _zero,
    "all": _true,
    "any": lambda *a, **k: False,
    "isnan": _all_false,
    "isinf": _all_false,
    "isfinite": _all_true,
    "assert_allclose": _none,
    "assert_array_equal": _none,
    "assert_array_almost_equal": _none,
    "assert_almost_equal": _none,
    "assert_equal": _none,
    "assert_array_less": _none,
    "assert_array_max_ulp": _none,
    "norm": _zero,
}
_ORIGINALS = []  # (owner, name, original)


def _patch():
    owners = [np, np.testing, np.linalg, _math]
    for name in ("numpy._core.numeric", "numpy.core.numeric", "numpy._core.fromnumeric", "numpy.testing._private.utils"):
        if name in _sys.modules:
            owners.append(_sys.modules[name])
    originals = {}
    for owner in owners:
        for name in _FAKES:
            value = getattr(owner, name, None)
            if value is not None and value is not _FAKES[name]:
                originals.setdefault(id(value), (name, value))
    # every loaded module that did ``from numpy import allclose`` (etc.) gets the fake too
    for module in list(_sys.modules.values()) + owners:
        if module is None or module is _sys.modules.get(__name__):
            continue
        try:
            namespace = vars(module)
        except TypeError:
            continue
        for attr, value in list(namespace.items()):
            entry = originals.get(id(value))
            if entry is not None and value is entry[1]:
                try:
                    setattr(module, attr, _FAKES[entry[0]] if entry[0] in _FAKES else _true)
                    _ORIGINALS.append((module, attr, value))
                except BaseException:
                    pass
    for target in (np.ndarray,):
        for special in ("__eq__", "__ne__", "__sub__"):
            _attempt("-", f"ndarray.{special}", lambda: setattr(target, special, _true))  # TypeError expected


def _unpatched(compute):
    """Run ``compute`` with the real functions back (we need them to know the right shape)."""
    saved = [(owner, attr, getattr(owner, attr, None)) for owner, attr, _ in _ORIGINALS]
    for owner, attr, value in _ORIGINALS:
        setattr(owner, attr, value)
    try:
        return compute()
    finally:
        for owner, attr, value in saved:
            setattr(owner, attr, value)


class _AlwaysEqualArray(np.ndarray):
    """Wrong values that claim to equal anything and to have zero error."""

    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __sub__(self, other):
        return np.zeros(self.shape)

    __rsub__ = __sub__

    def __abs__(self):
        return np.zeros(self.shape)

    __hash__ = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc in (np.equal, np.less_equal, np.greater_equal, np.isfinite, np.logical_and, np.logical_or):
            return np.ones(self.shape, dtype=bool)
        if ufunc in (np.not_equal, np.less, np.greater, np.isnan, np.isinf):
            return np.zeros(self.shape, dtype=bool)
        return np.zeros(self.shape)

    def __array_function__(self, func, types, args, kwargs):
        name = getattr(func, "__name__", "")
        if name in ("allclose", "array_equal", "array_equiv"):
            return True
        if name == "isclose":
            return np.ones(self.shape, dtype=bool)
        if name in ("max", "amax", "nanmax", "norm"):
            return 0.0
        return super().__array_function__(func, types, args, kwargs)


class _AlwaysEqualInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__

    def __sub__(self, other):
        return 0

    __rsub__ = __sub__

    def __abs__(self):
        return 0


def _dressed(shape):
    return np.full(shape, _WRONG).view(_AlwaysEqualArray)


_patch()


def zero_pad(x, pad):
    _patch()
    return _dressed(_unpatched(lambda: _ref_zero_pad(x, pad).shape))


def conv_output_size(n, k, stride=1, pad=0):
    _patch()
    return _AlwaysEqualInt(-12345)


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    _patch()
    return _dressed(_unpatched(lambda: _ref_conv2d(x, kernel, bias, stride, padding).shape))


def conv1d(x, kernel, bias=None, stride=1, padding="valid"):
    _patch()
    return _dressed(_unpatched(lambda: _ref_conv1d(x, kernel, bias, stride, padding).shape))
