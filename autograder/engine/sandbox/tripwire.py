"""Tripwires on the library functions an exercise forbids (``np.convolve`` in conv2d, ...).

Each forbidden name (``numpy.convolve``, ``scipy.signal.*``, ``keras.layers.Conv2D``) is
replaced, in the module that exports it and in every module of the same package that holds
the same object, by a wrapper. While a graded call is running, a wrapper *called directly by
student code* (its caller's frame lies outside the standard library, site-packages and the
grader) records the use and raises :class:`ForbiddenAPIError`; otherwise it just calls the
original, so library internals (``keras.ops.add`` using ``tf.nn.bias_add``) and grader
scenarios are unaffected. For a class, its ``__init__`` is wrapped and trips when a student
instantiates it or a student's class inherits from it ("as parents").

Modules imported later (``import scipy.signal`` inside a student's function) are patched as
soon as they are loaded, through a meta-path finder. This is a guard for honest mistakes,
not a security boundary: the verdict itself never trusts the child.

What "student code" means, and why a submission cannot pass for a library: a frame is
library code when its code object's file name lies in the standard library, site-packages
or the grader. File names are what code objects carry, so the ways of making a code
object with a chosen file name are closed by an audit hook (``install_code_guard``,
installed by the zygote, so in every sandboxed child): ``compile`` under a library's file name must compile
exactly that file's bytes (what the import system does; ``compile(src,
".../numpy/core/numeric.py", "exec")`` is refused), a file name starting with
``<frozen`` is never compiled, an AST is not compiled while student code is on the stack
(its audit event does not carry the file name), ``code.replace``/``CodeType`` called from
student code cannot give a library file name (library code may: ``types.coroutine``), and ``marshal.loads`` while student code is on the stack is allowed only
for the import system's own read of a ``.pyc``, whose bytes must equal the file's.
A class named in the patterns has its ``__init__`` and the methods defined in its own body
wrapped, so a delegate (``self._inner = keras.optimizers.Adam()`` created at load time, when
the tripwires are not armed) trips when the student's code calls its ``update_step``.

The limits, precisely: the tripwire looks at the *immediate* caller. A library function that
calls what it is given (``np.vectorize(np.convolve)``, ``ThreadPoolExecutor.submit``,
``functools.reduce`` of a Python helper) calls the forbidden function from a library frame
and is not caught; nor is a delegate's method inherited from a base class the patterns do
not name (``Optimizer.apply`` of a delegate ``Adam``), called by the student directly.
Such uses still have to produce the reference's values to score, which the forbidden
function alone usually does, so a course that must enforce "no library" needs a review.
"""
from __future__ import annotations

import fnmatch
import importlib.abc
import inspect
import os
import sys
import sysconfig
import types


class ForbiddenAPIError(BaseException):
    """Raised when graded code calls a forbidden library function (not an ``Exception``,
    so a bare ``except Exception`` in student code does not swallow it)."""


class _State:
    def __init__(self) -> None:
        self.active = False
        self.guarded = False
        self.used: list[str] = []
        paths = sysconfig.get_paths()
        roots = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
        roots.add(os.path.dirname(os.__file__))
        roots.add(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # autograder/
        self.trusted = tuple(sorted(r for r in roots if r))


STATE = _State()


def is_student_code(frame) -> bool:
    """Whether ``frame`` runs code from outside the standard library, site-packages and the grader."""
    filename = frame.f_code.co_filename
    return not filename.startswith(STATE.trusted) and not filename.startswith("<frozen ")


def _trip(name: str) -> None:
    STATE.used.append(name)
    raise ForbiddenAPIError(f"{name} is not allowed in this exercise")


def _wrap_function(name: str, original, cls: type | None = None):
    def tripwire(*args, **kwargs):
        if STATE.active:
            if is_student_code(sys._getframe(1)):
                _trip(name)
            if cls is not None and args and type(args[0]) is not cls and any(
                    is_student_class(k) for k in _below(type(args[0]), cls)):
                _trip(name)  # a student's subclass, built by grader or library code
        return original(*args, **kwargs)

    for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(tripwire, attribute, getattr(original, attribute))
        except (AttributeError, TypeError):
            pass
    try:  # libraries introspect signatures (Keras binds a layer's __init__ arguments)
        tripwire.__signature__ = inspect.signature(original)
    except (TypeError, ValueError):
        pass
    tripwire._dlgrade_tripwire = name
    return tripwire


def _below(klass: type, cls: type) -> tuple:
    """The classes of ``klass``'s MRO that derive from ``cls`` (a student's subclass is one of
    them; ``cls``'s own bases, ``object`` included, are not). PyTorch's Keras builds its own
    subclass of ``keras.optimizers.SGD`` when the grader asks for one."""
    mro = klass.__mro__
    return mro[:mro.index(cls)] if cls in mro else mro


def is_student_class(klass: type) -> bool:
    module = sys.modules.get(getattr(klass, "__module__", ""), None)
    return klass.__module__ == "submission" or (
        module is not None and not str(getattr(module, "__file__", "") or "").startswith(STATE.trusted))


def _wrap_class(name: str, cls: type) -> None:
    if getattr(cls.__init__, "_dlgrade_tripwire", None):
        return
    cls.__init__ = _wrap_function(name, cls.__init__, cls)
    for attribute, value in list(vars(cls).items()):  # its own methods: catches delegates
        if (attribute.startswith("_") or not isinstance(value, types.FunctionType)
                or getattr(value, "_dlgrade_tripwire", None)):
            continue
        try:
            setattr(cls, attribute, _wrap_function(f"{name}.{attribute}", value))
        except (AttributeError, TypeError):
            pass


def _resolve(pattern: str):
    """Yield (dotted name, owner object, attribute, value) for a pattern that can be resolved now."""
    parts = pattern.split(".")
    root = parts[0]
    if root not in sys.modules:
        return
    owner = sys.modules[root]
    for part in parts[1:-1]:
        owner = getattr(owner, part, None)
        if owner is None:
            return
    last = parts[-1]
    if any(ch in last for ch in "*?["):
        names = [n for n in dir(owner) if not n.startswith("_") and fnmatch.fnmatchcase(n, last)]
    else:
        names = [last]
    for attribute in names:
        value = getattr(owner, attribute, None)
        if value is None or isinstance(value, types.ModuleType):
            continue
        if "*" in last and isinstance(value, type):
            continue  # globs wrap functions; name classes explicitly
        if callable(value):
            yield ".".join(parts[:-1] + [attribute]), owner, attribute, value


def _patch(pattern: str) -> None:
    replacements = {}  # id(original) -> (original, wrapper), replaced in one pass below
    for name, owner, attribute, value in list(_resolve(pattern)):
        if isinstance(value, type):
            _wrap_class(name, value)
            continue
        if getattr(value, "_dlgrade_tripwire", None):
            continue
        wrapper = _wrap_function(name, value)
        replacements[id(value)] = (value, wrapper)
        try:
            setattr(owner, attribute, wrapper)
        except (AttributeError, TypeError):
            pass
    if replacements:
        _replace_everywhere(pattern.split(".")[0], replacements)


def _replace_everywhere(package: str, replacements: dict) -> None:
    """Replace each original by its wrapper in every loaded module of ``package`` (one pass
    over the modules for all of a pattern's functions: ``scipy.signal.*`` has hundreds)."""
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == package or module_name.startswith(package + ".")):
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for key, value in list(namespace.items()):
            found = replacements.get(id(value))
            if found is not None and found[0] is value:
                namespace[key] = found[1]


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Applies pending patterns once the module that provides them has been executed."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        self.roots = {p.split(".")[0] for p in patterns}

    def find_spec(self, fullname, path, target=None):
        if fullname not in self.roots:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original_exec = loader.exec_module
        patterns = [p for p in self.patterns if p.split(".")[0] == fullname]

        def exec_module(module):
            original_exec(module)
            for pattern in patterns:
                _patch(pattern)

        loader.exec_module = exec_module
        return spec


def _student_on_stack(frame) -> bool:
    while frame is not None:
        if is_student_code(frame):
            return True
        frame = frame.f_back
    return False


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _is_library_name(filename) -> bool:
    return isinstance(filename, str) and (filename.startswith(STATE.trusted) or filename.startswith("<frozen"))


def _code_guard(event: str, args: tuple) -> None:
    """Audit hook: no code object gets a library's file name unless it is that library's code."""
    if event == "compile":
        source, filename = args[0], args[1]
        if not isinstance(source, bytes):  # an AST: the event does not say which file name
            if _student_on_stack(sys._getframe(1)):
                raise PermissionError("sandbox: compiling an AST from student code is not allowed")
        elif _is_library_name(filename) and (filename.startswith("<") or source != _read(filename)):
            raise PermissionError(f"sandbox: compiling code under the library file name {filename}")
    elif event == "code.__new__":  # code.replace / CodeType; library code (types.coroutine) may
        if _is_library_name(args[1]) and is_student_code(sys._getframe(2)):
            raise PermissionError(f"sandbox: giving code the library file name {args[1]}")
    elif event == "marshal.loads":
        caller = sys._getframe(2)  # 0: here, 1: the hook, 2: who called marshal.loads
        if not _student_on_stack(caller):
            return
        if caller.f_code.co_name == "_compile_bytecode" and caller.f_code.co_filename.startswith("<frozen importlib"):
            path = caller.f_locals.get("bytecode_path")
            on_disk = _read(path) if isinstance(path, str) else None
            if on_disk is not None and on_disk[16:] == args[0]:
                return  # the import system reading a real .pyc
        raise PermissionError("sandbox: loading code with marshal from student code is not allowed")


_CODE_EVENTS = frozenset({"compile", "code.__new__", "marshal.loads"})


def install_code_guard() -> None:
    """Add the code-origin audit hook (once; audit hooks cannot be removed)."""
    if STATE.guarded:
        return
    STATE.guarded = True

    def _dlgrade_tripwire_code_guard(event, args, _events=_CODE_EVENTS, _guard=_code_guard):
        if event in _events:
            _guard(event, args)

    sys.addaudithook(_dlgrade_tripwire_code_guard)


def install(patterns: tuple[str, ...]) -> None:
    """Patch what is importable now and arrange for the rest to be patched on import.

    (The code guard is installed separately, by the zygote only: in a student's own Jupyter
    kernel, where ``autograder.channels.inline`` installs the tripwires, it would guard nothing and
    get in the way of tools that compile ASTs, such as pytest's assertion rewriting.)"""
    for pattern in patterns:
        _patch(pattern)
    if patterns:
        sys.meta_path.insert(0, _PatchOnImport(tuple(patterns)))
