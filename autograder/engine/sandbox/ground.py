"""Keeping the grader's own code in the child out of the student's reach.

The scenarios (``autograder/exercises``) and the request loop run in the same interpreter
as the student's module. What this module does, before any student code runs:

- ``GraderModules.bind``: the scenarios a submission's checks use are looked up once and
  kept; the child calls these function objects, never ``module.attribute`` at request time;
- ``GraderModules.hide``: every ``autograder`` module is removed from ``sys.modules`` (and
  the policy refuses importing them), so student code cannot name them;
- ``GraderModules.restore``: before each request the grader modules' globals are put back as
  they were at bind time (a grader object handed to student code, e.g. the ``GraderNormal``
  initializer, leads to its module's globals through ``__globals__``, which CPython does not
  audit: whatever a check patched there is gone by the next check);
- ``frame_callers``: the code objects the audit policy still lets get a frame;
- ``close_signal_handlers``: ``signal.signal`` refuses (a Python signal handler is handed
  the interrupted frame, which would lead to the grader's frames below it);
- ``walk_traceback``: the child's only way into a traceback, which runs no code of the
  student's (no ``__traceback__`` property, no loader's ``get_source``).

With the audit policy (``policy.py``: no grader imports, no frames, no garbage-collector
walks) and the parent's side (``grading.py`` runs each graded function's checks, visible
and hidden apart, in a fresh child; ``replies.py`` checks every reply), this is the threat
model for grader code in the child, against a student using pure Python without ctypes
(ctypes, and native code in general, is the seccomp/Landlock layers' business):

What holds.
- Replacing grader functions gains nothing: the child calls the scenario objects it bound
  before the submission's first line ran; ``autograder.*`` is not in ``sys.modules`` and
  cannot be imported; ``gc.get_objects``/``get_referrers``/``get_referents`` are refused.
- Student code gets no frame, so it cannot walk to the scenario's or the request loop's
  frames, locals or globals: every way of getting one that CPython 3.11 audits is refused in
  every thread (measured: ``sys._getframe``, ``sys._current_frames``, ``tb_frame``,
  ``gi_frame``, ``cr_frame``, ``ag_frame``; ``f_back``, ``f_globals``, ``f_locals`` and a
  function's ``__globals__`` are *not* audited, which is why getting the frame is what is
  refused), and the two unaudited ways of being handed one are closed: trace/profile
  functions (``sys.settrace``/``setprofile`` refused) and signal handlers (``signal.signal``
  replaced, a fresh ``_signal`` not importable). Library code that needs a frame only for a
  name or a file name is allowed by the identity of its code object (a student cannot
  forge that; see ``frame_callers``); besides, ``sys._getframe`` stays allowed to code from a
  file of the standard library or site-packages (libraries the submission imports lazily
  read module names from frames in many places), except to the library functions known to
  hand the frame to their caller (``inspect.currentframe``/``stack``/``trace``,
  ``traceback.walk_stack``/``walk_tb``, ``bdb``'s ``set_trace``), which may hand it only to
  library code.
- Nothing a submission sees in a hidden check reaches visible feedback, and nothing it does
  to grader objects during one function's checks changes another function's checks: both run
  in different children.
- Whatever happens in the child, the parent gives points only for values it checks: the
  reply's structure and size are checked, values are judged against the reference, and
  checks that run grader code on the student's output in the child (``activation_stats``
  with the grader's initializer) are recomputed exactly in the parent.

What does not hold (known, not closed).
- A grader object handed to student code leads to its module's globals through a
  function's ``__globals__`` (not audited): e.g. ``activation_stats`` receives the grader's
  ``GraderNormal``, whose methods' globals are ``exercises.initializers``. Patches there are
  undone before the next request (``restore``), but a student thread can re-apply them
  between the restore and their use, and a grader *class*'s attributes can be replaced (type
  attribute assignment is not audited). Both are limited to the checks of the same graded
  function, in the same child, and the parent's exact recomputation of those checks.
- The forbidden-API tripwires' wrappers (e.g. ``numpy.convolve``) lead to the tripwire
  module's globals the same way; the tripwires are a guard against honest shortcuts, not a
  security boundary.
- Libraries the scenarios use in the child (Keras, NumPy) can be patched by the student's
  code at will; within one check a student can therefore make the grader's Keras calls
  return whatever its own code could compute. That buys nothing a correct implementation
  would not, except where the parent's verification is statistical (initializer draws are
  judged by their statistics, so any code drawing the target distribution passes them).
- The library-file rule is decided by the code's file name. A submission cannot give its
  own code a library's file name: the tripwire's code-origin guard (``tripwire._code_guard``,
  installed by the zygote) refuses ``compile`` under a library file name unless it compiles
  that file's exact bytes, ``code.replace``/``CodeType`` to such a name from student code,
  AST compiles and ``marshal.loads`` while student code is on the stack (the import system
  reading a real ``.pyc`` excepted). A library function this module does not list that
  hands a frame it got from ``sys._getframe`` to its caller would still hand it to student
  code.
- Python itself: a frame source CPython does not audit and this list misses (a new one in a
  later Python, or a C extension that hands out frames) would reopen the frame walk; the
  parent's checks above still bound what it can buy.
"""
from __future__ import annotations

import collections
import enum
import importlib
import inspect
import logging
import pkgutil
import signal
import sys
import typing

from autograder import exercises as scenarios

_TRACEBACK = BaseException.__dict__["__traceback__"]  # the C descriptor, not a subclass's


def import_all_scenarios() -> None:
    """Import every scenario module now (in the zygote), so binding needs no import later."""
    for info in pkgutil.iter_modules(scenarios.__path__):
        importlib.import_module(f"{scenarios.__name__}.{info.name}")


def walk_traceback(exc: BaseException, limit: int = 200) -> list[tuple[str, int, str, str]]:
    """``(filename, line number, name, qualified name)`` of each frame of ``exc``'s traceback."""
    out = []
    tb = _TRACEBACK.__get__(exc)
    while tb is not None and len(out) < limit:
        code = tb.tb_frame.f_code
        out.append((code.co_filename, tb.tb_lineno, code.co_name, code.co_qualname))
        tb = tb.tb_next
    return out


class GraderModules:
    def __init__(self) -> None:
        self.bound: dict[str, object] = {}
        self.snapshot: dict[object, dict] = {}
        self.by_name: dict[str, dict] = {}  # module name -> its globals as saved by hide()

    def get(self, name: str):
        """A scenario bound before student code ran, or found in the saved globals."""
        if name in self.bound:
            return self.bound[name]
        if name in scenarios._BUILTIN:
            return scenarios._BUILTIN[name]
        module_name, _, function = name.partition(":")
        saved = self.by_name.get(f"{scenarios.__name__}.{module_name}", {})
        if function.startswith("_") or function not in saved:
            raise KeyError(f"no scenario {name}")
        return saved[function]

    def bind(self, names: list[str]) -> None:
        for name in names:
            if type(name) is str and name not in self.bound:
                self.bound[name] = scenarios.get(name)

    def hide(self) -> None:
        for name, module in list(sys.modules.items()):
            if name == "autograder" or name.startswith("autograder."):
                self.snapshot[module] = self.by_name[name] = dict(module.__dict__)
                del sys.modules[name]

    def restore(self) -> None:
        for module, saved in self.snapshot.items():
            namespace = module.__dict__  # no comparison: it could run student __eq__
            namespace.clear()
            namespace.update(saved)


def _refuse_signal_handler(*args, **kwargs):
    raise PermissionError("sandbox: installing a signal handler is not allowed while grading")


def close_signal_handlers() -> None:
    import _signal

    _signal.signal = _refuse_signal_handler
    signal.signal = _refuse_signal_handler


def quiet_library_frames() -> None:
    """Library code that asks for frames only for its logs: it gets none (and copes)."""
    logging.currentframe = lambda: None
    # Keras and TensorFlow rewrite an exception's traceback (reading its frames) on the way
    # out of their functions; that would be refused, so they are told not to.
    for module_name, path in (("keras", "config"), ("tensorflow", "debugging")):
        module = sys.modules.get(module_name)
        try:
            getattr(getattr(module, path), "disable_traceback_filtering")()
        except Exception:
            pass


# Library functions that ask for a frame only to read a name or a file name: directly
# (``sys._getframe``), or through ``inspect.currentframe`` / ``traceback.extract_stack``.
_DIRECT = {
    "absl.logging": ["ABSLLogger.findCaller"],
    "typing_extensions": ["_caller"],
}
_THROUGH_CURRENTFRAME = {
    "tensorflow.python.util.deprecation": ["_call_location"],
    "tensorflow.python.util.tf_decorator": ["make_decorator"],
    "tensorflow.python.util.tf_stack": ["CurrentModuleFilter.__init__"],
    "tensorflow.python.framework.traceable_stack": [
        "TraceableObject.set_filename_and_line_from_caller"],
}
_THROUGH_EXTRACT_STACK = {
    "tensorflow.python.framework.registry": ["Registry.register"],
}


def _codes(table: dict) -> list:
    codes = []
    for module_name, names in table.items():
        for dotted in names:
            target = sys.modules.get(module_name)
            for part in dotted.split("."):
                target = getattr(target, part, None)
            code = getattr(target, "__code__", None)
            if code is not None:
                codes.append(code)
    return codes


def library_roots() -> tuple[str, ...]:
    """The standard library and site-packages (not the grader, not the submission)."""
    import os
    import sysconfig

    paths = sysconfig.get_paths()
    roots = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(os.path.dirname(os.__file__))
    return tuple(sorted(os.path.realpath(r) for r in roots if r))


# Library functions that get a frame and hand it (or frames below it) to their caller.
_FRAME_HANDERS = {
    "inspect": ["currentframe", "stack", "getouterframes", "getinnerframes", "trace"],
    "traceback": ["walk_stack", "walk_tb"],
    "bdb": ["Bdb.set_trace"],
    "tensorflow.python.util.tf_inspect": ["currentframe", "stack"],
}


def frame_handers() -> tuple:
    import bdb  # noqa: F401 - so that its code is known before the submission can load it
    import traceback  # noqa: F401

    return tuple(_codes(_FRAME_HANDERS))


def frame_callers(extra: tuple = ()) -> tuple[tuple, tuple]:
    """``(frame_callers, relays)`` for ``policy.install`` (see its docstring)."""
    import traceback

    direct = [walk_traceback.__code__, collections.namedtuple.__code__,
              typing._caller.__code__, enum.EnumType._create_.__code__, *extra,
              *_codes(_DIRECT)]
    relays = ((inspect.currentframe.__code__, tuple(_codes(_THROUGH_CURRENTFRAME))),
              (traceback.extract_stack.__code__, tuple(_codes(_THROUGH_EXTRACT_STACK))))
    return tuple(direct), relays
