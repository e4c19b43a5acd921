"""The reference side: the solution module's outputs on each check's inputs (trusted)."""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from autograder import exercises as scenarios
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
    """Expected outputs per check, computed once and reused for every submission."""

    def __init__(self, assignment) -> None:
        self.assignment = assignment
        self.module = load_solution(assignment)
        self._cache: dict[str, tuple[list[Call], list]] = {}

    def expected(self, check: Check) -> tuple[list[Call], list]:
        """(cases, expected plain values) for ``check``."""
        if check.number not in self._cache:
            cases = check.make_cases()
            scenario = scenarios.get(check.scenario)
            values = []
            for call in cases:
                try:
                    value = scenario(self.module, check.function, call.args, dict(call.kwargs))
                    values.append(scenarios.to_plain(value))
                except Exception as exc:
                    raise GraderFault(f"the reference fails check {check.number} "
                                      f"({check.name}) on {call.describe()}: {exc!r}") from exc
            self._cache[check.number] = (cases, values)
        return self._cache[check.number]
