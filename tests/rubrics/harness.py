"""The rubric tests' shared harness: an assignment's rubric, reference and mistake corpus,
graded in process through the engine's own stages (no sandbox, no re-implemented rule).

- the reference values are the engine's (``engine.reference.Reference``: the check's
  scenario on the solution, as plain arrays);
- a corpus file's case runs as the sandboxed child runs it (``sandbox.calls.run_case``: its
  NumPy warnings recorded, its result made plain against the reference's template), on a
  copy of the case's arguments (the child gets them fresh from the wire);
- the verdict and the feedback are ``grading.evaluate``'s, the hint ``compare.diagnose_all``'s.

The forbidden-API tripwires are not installed here (the sandbox's, tested in
tests/test_course.py); a corpus file whose only mistake is a forbidden API computes the
right values, so in process it passes (``Rules.sandbox_only``).

A corpus file's manifest is ``tests/submissions/<assignment>/expected.json``: file name ->
the numbers of the checks it must fail (hidden ones included); ``correct_*`` files fail none.
"""
from __future__ import annotations

import copy
import functools
import importlib.util
import json
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from autograder import exercises
from autograder.engine.result import Status
from autograder.engine.sandbox import classify
from autograder.engine import course, grading
from autograder.engine.compare import diagnose_all
from autograder.engine.reference import Reference
from autograder.engine.rubric import Call, Check
from autograder.engine.sandbox import calls

SUBMISSIONS = Path(__file__).resolve().parents[1] / "submissions"
ASSIGNMENTS = [a.name for a in course.ASSIGNMENTS]


def _describe_error(exc: BaseException) -> dict:
    """An exception described as the sandboxed child describes it (the engine's classifier)."""
    return classify.describe_error(exc, lambda e: "".join(traceback.format_exception(e)))


@dataclass(frozen=True)
class Rules:
    """What the common tests need to know of one assignment's corpus and checks."""

    # Right values from a forbidden API: only the sandbox's tripwires catch these files.
    sandbox_only: frozenset = frozenset()
    # Corpus file -> failing checks that no mistake model reproduces (the generic hint shows).
    undiagnosed: dict = field(default_factory=dict)
    # The least number of cases of every check.
    min_cases: int = 1
    # Mistake models that may raise ValueError on inputs they do not apply to (the engine
    # skips them there); elsewhere a mistake model must not raise.
    mistakes_may_not_apply: bool = False
    # Grade a mistake file in process only on the graded functions its manifest names (its
    # other classes are copies of a correct implementation; the sandboxed test grades all).
    by_function: bool = False
    # Files not graded in process: caught by the sandbox's tripwires, and in process their
    # values are not the reference's either (Keras' HeNormal draws a truncated normal).
    sandbox_graded_only: frozenset = frozenset()
    # Slow checks (training) that the reference's rerun, the correct variants and the
    # forbidden-API files skip in process; the sandboxed test (tests/test_course.py) runs them.
    slow: frozenset = frozenset()
    # Slow checks a mistake file skips in process unless its manifest names them.
    slow_for_mistakes: frozenset = frozenset()


_ACTIVATION_BACKWARD_FEEDS_DENSE = frozenset({"4.5", "4.6"})
_REGULARIZATION_FITS = frozenset({"1.6", "2.6", "3.4", "4.5"})  # seconds each
RULES = {
    "conv_padding": Rules(
        sandbox_only=frozenset({"uses_scipy_correlate2d.py"}), min_cases=2,
        mistakes_may_not_apply=True,
        # answers only the lecture's example: on random inputs its output is no known mistake
        undiagnosed={"memorised_lecture_answer.py": frozenset(
            {"2.1", "2.2", "2.3", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12"})}),
    "cross_entropy": Rules(sandbox_only=frozenset({"sigmoid_uses_scipy_expit.py"}), min_cases=4),
    "softmax_loglik": Rules(min_cases=3),
    "backprop": Rules(
        sandbox_only=frozenset({"uses_gradient_tape.py"}), min_cases=2,
        # dense_backward cannot tell which activation_backward mistake fed it (sigmoid's
        # missing derivative it does); no mistake model covers dW/db taken from da
        undiagnosed={"relu_backward_times_activation.py": _ACTIVATION_BACKWARD_FEEDS_DENSE,
                     "tanh_derivative_not_squared.py": _ACTIVATION_BACKWARD_FEEDS_DENSE,
                     "dense_backward_dW_db_from_da.py": frozenset({"4.6"})}),
    "optimizers": Rules(
        sandbox_only=frozenset({"adam_subclasses_keras_adam.py", "adam_delegates_to_keras_adam.py"}),
        undiagnosed={"adam_without_epsilon.py": frozenset({"5.3"})}, by_function=True,
        slow=frozenset({"2.8", "3.9", "4.8", "5.9"})),  # model.fit: 1.8 is rerun, not the others
    "initializers": Rules(sandbox_graded_only=frozenset({"he_subclasses_keras_henormal.py"}),
                          mistakes_may_not_apply=True),
    "regularization": Rules(sandbox_only=frozenset({"uses_keras_own_versions.py"}), by_function=True,
                            slow=_REGULARIZATION_FITS, slow_for_mistakes=_REGULARIZATION_FITS),
}


@dataclass
class Verdict:
    """One check graded in process: the engine's feedback (None: passed) and the failing cases."""

    number: str
    message: str | None
    failing: list  # (call, result dict as the child reports it) of each failing case
    results: list  # every case's result dict

    @property
    def passed(self) -> bool:
        return self.message is None

    @property
    def forbidden(self) -> bool:
        return any(r.get("forbidden") for _, r in self.failing)

    @property
    def mismatched(self) -> list:
        """``(call, plain value)`` of the failing cases that returned values: what the engine
        diagnoses when every failing case returned one."""
        return [(call, r["value"]) for call, r in self.failing if r.get("ok") and not r.get("forbidden")]

    @property
    def on_values_alone(self) -> bool:
        """Failed only by wrong finite values, without a warning: where feedback must come from
        a diagnosis (a crash, a warning or NaN/inf carries its own message)."""
        if self.passed or len(self.mismatched) != len(self.failing):
            return False
        if any(r.get("warnings") for _, r in self.failing):
            return False
        leaves = [leaf for _, value in self.mismatched for leaf in _leaves(value)]
        return all(np.all(np.isfinite(leaf)) for leaf in leaves if leaf.dtype.kind in "fc")


def _leaves(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _leaves(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)


def load_module(path: Path, name: str) -> ModuleType:
    """Import ``path`` as ``name`` (registered: Keras' serialisation looks classes up by module)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Assignment:
    """One assignment's rubric, reference, corpus and in-process grading, built once per session."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.spec = course.get(name)
        self.rubric = self.spec.rubric()
        self.checks: dict[str, Check] = {c.number: c for c in self.rubric.checks}
        self.reference = Reference(self.spec)
        self.ref = self.reference.module
        self.rules = RULES[name]
        self.corpus_dir = SUBMISSIONS / name
        self.manifest: dict[str, list[str]] = json.loads((self.corpus_dir / "expected.json").read_text())
        self._modules: dict[str, ModuleType] = {}
        self._verdicts: dict[tuple[str, str], Verdict] = {}

    # --- the reference -------------------------------------------------------------------

    def cases(self, number: str) -> list[Call]:
        return self.reference.expected(self.checks[number])[0]

    def expected(self, number: str) -> list:
        return self.reference.expected(self.checks[number])[1]

    # --- running a module ----------------------------------------------------------------

    def module(self, file: str) -> ModuleType:
        """The corpus file ``file``, imported once."""
        if file not in self._modules:
            self._modules[file] = load_module(self.corpus_dir / file, f"{self.name}_corpus_{file[:-3]}")
        return self._modules[file]

    def run_case(self, module: ModuleType, number: str, call: Call, template) -> dict:
        """One case as the sandboxed child reports it: ``{"ok", "value" | "error", "warnings", ...}``."""
        check = self.checks[number]
        args, kwargs = copy.deepcopy(call.args), copy.deepcopy(dict(call.kwargs))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # run_case records the RuntimeWarnings itself
            return calls.run_case(exercises.get(check.scenario), module, check.function,
                                  args, kwargs, template, _describe_error)

    def verdict(self, module: ModuleType, number: str) -> Verdict:
        """``module`` graded on check ``number`` by the engine's ``evaluate``."""
        check = self.checks[number]
        cases, expected = self.cases(number), self.expected(number)
        results = [self.run_case(module, number, call, exercises.template_of(want))
                   for call, want in zip(cases, expected)]
        outcome = {"results": results, "output": ""}
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            status, text = grading.evaluate(check, cases, expected, outcome, self.reference, {}, self.rubric)
            message = None if status is Status.PASSED else text
            failing = [(call, r) for call, want, r in zip(cases, expected, results)
                       if grading.failure_lines(check, call, want, r, self.reference, {}, self.rubric)]
        return Verdict(number, message, failing, results)

    def graded_on(self, file: str) -> list[str]:
        """The checks a corpus file is graded on in process (see ``Rules``)."""
        failing, rules = self.manifest[file], self.rules
        functions = set(self.rubric.functions)
        if failing and rules.by_function:
            functions = {self.checks[n].function for n in failing}
        if not failing or file in rules.sandbox_only:
            skip = rules.slow
        else:
            skip = rules.slow_for_mistakes - set(failing)
        return [n for n, c in self.checks.items() if c.function in functions and n not in skip]

    def grade(self, file: str) -> dict[str, Verdict]:
        """{check number: verdict} of a corpus file on the checks it is graded on, computed once."""
        module = self.module(file)
        out = {}
        for number in self.graded_on(file):
            if (file, number) not in self._verdicts:
                self._verdicts[(file, number)] = self.verdict(module, number)
            out[number] = self._verdicts[(file, number)]
        return out

    def diagnosis(self, verdict: Verdict) -> str | None:
        """The hint the engine names for a failure on values alone (``diagnose_all``)."""
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return diagnose_all(self.checks[verdict.number], verdict.mismatched, self.ref)


@functools.cache
def assignment(name: str) -> Assignment:
    return Assignment(name)


def failed(verdicts: dict[str, Verdict]) -> list[str]:
    """The checks failed on their values (a forbidden call is the sandbox's to judge)."""
    return [n for n, v in verdicts.items() if not v.passed and not v.forbidden]


def equal_values(a, b) -> bool:
    """Exactly equal nested case data (arrays: same dtype and values)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and np.array_equal(a, b)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(equal_values, a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(equal_values(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b
