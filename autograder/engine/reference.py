"""The reference side: the solution module's outputs on each check's inputs (trusted).

The outputs are kept on disk (``cache.py``) under a key that hashes every score file and the
library versions: while they are current, a run reads them back and never imports the
solution (nor, for the Keras assignments, TensorFlow). The solution module is then imported
only if something asks for it (``Reference.module``: a diagnosis of a wrong value).
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from autograder import exercises as scenarios
from . import cache
from .errors import GraderFault
from .rubric import Call, Check


def load_solution(assignment) -> ModuleType:
    """Import ``solutions/<name>.py`` (``assignment.solution_path``, a ``course.Assignment``)
    under a private module name."""
    path = assignment.solution_path
    if not path.exists():
        raise GraderFault(f"the reference solution {path} is missing")
    name = f"dlgrade_reference_{assignment.name}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Keras serialisation looks classes up by module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise GraderFault(f"the reference solution {path.name} failed to import: {exc!r}") from exc
    return module


class Reference:
    """Expected outputs per check, computed once and reused for every submission (and, through
    the cache, every later run). ``computed`` counts the checks computed from the solution."""

    def __init__(self, assignment, store: cache.Store | None | bool = True) -> None:
        """``store``: the cache file (``True``: the assignment's own, if there is a cache
        folder; ``None`` or ``False``: no cache)."""
        if not assignment.solution_path.exists():
            raise GraderFault(f"the reference solution {assignment.solution_path} is missing")
        self.assignment = assignment
        self.store = cache.Store.for_assignment(assignment) if store is True else (store or None)
        self._stored = self.store.load() if self.store is not None else {}
        self._module: ModuleType | None = None
        self._cache: dict[str, tuple[list[Call], list]] = {}
        self.computed = 0

    @property
    def module(self) -> ModuleType:
        """The solution module, imported on first use."""
        if self._module is None:
            self._module = load_solution(self.assignment)
        return self._module

    def expected(self, check: Check) -> tuple[list[Call], list]:
        """(cases, expected plain values) for ``check``: from the cache when its entry is
        current (same key, same inputs), else computed from the solution. A computation fills
        the cache with every check of the rubric at once (one file written, hidden checks
        included), so that the next run computes nothing."""
        if check.number not in self._cache:
            cases = check.make_cases()
            values = self._stored_values(check, cases)
            if values is None:
                values = self._compute(check, cases)
                if self.store is not None:
                    self._stored[check.number] = (cache.cases_digest(cases), values)
                    self._complete_store()
            self._cache[check.number] = (cases, values)
        return self._cache[check.number]

    def _stored_values(self, check: Check, cases: list[Call]) -> list | None:
        stored = self._stored.get(check.number)
        if stored is None or len(stored[1]) != len(cases) or stored[0] != cache.cases_digest(cases):
            return None
        return stored[1]

    def _complete_store(self) -> None:
        """Compute whatever else the assignment's rubric needs, then write the file once."""
        for other in self.assignment.rubric().checks:
            if other.number not in self._cache and other.number not in self._stored:
                cases = other.make_cases()
                values = self._compute(other, cases)
                self._cache[other.number] = (cases, values)
                self._stored[other.number] = (cache.cases_digest(cases), values)
        self.store.save(self._stored)

    def _compute(self, check: Check, cases: list[Call]) -> list:
        self.computed += 1
        scenario = scenarios.get(check.scenario)
        values = []
        for call in cases:
            try:
                value = scenario(self.module, check.function, call.args, dict(call.kwargs))
                values.append(scenarios.to_plain(value))
            except Exception as exc:
                raise GraderFault(f"the reference fails check {check.number} "
                                  f"({check.name}) on {call.describe()}: {exc!r}") from exc
        return values
