"""Public check fixtures: how a student bundle grades the visible checks without the solutions.

``export`` runs the reference solution once, for the *visible* checks of one assignment
only, and keeps everything grading needs: each check's metadata (number, name, function,
points, hint, scenario, tolerances, comparison), its inputs, the reference's plain outputs,
each input's description for the feedback, and, for each diagnosis (a known mistake), the
mistaken output on each input, so that the hints still name the mistake. ``write`` stores
that as ``<assignment>.json`` plus ``<assignment>.npz`` (arrays, read back with
``allow_pickle=False``); values are encoded as in the wire protocol (``sandbox/wire.py``).

``load`` turns the files back into a :class:`~autograder.engine.rubric.Rubric` of the visible checks
and a :class:`FixtureReference` with the same interface as ``reference.Reference``, so
``grading.grade_submission`` and ``compare.diagnose`` run unchanged in a bundle.

Custom comparisons are code, not data: a visible check's ``compare`` must be a function (or a
``functools.partial`` of one with plain arguments) in a public module such as
``autograder/exercises/<assignment>.py``; the rubric modules never leave the course.
"""
from __future__ import annotations

import functools
import importlib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.engine import course
from autograder.engine.errors import BadInput, GraderFault
from autograder.engine.rubric import Call, Check, Diagnosis, Rubric
from autograder.engine.sandbox import wire
from autograder.exercises import to_plain

FORMAT = 1


class NotBundleable(BadInput):
    """A visible check that a student bundle could not grade (its comparison is private)."""


# --- export (in the course repository) ------------------------------------------------------

def export(assignment: course.Assignment) -> tuple[dict, list[np.ndarray]]:
    """The public fixture of one assignment: (JSON-able metadata, arrays)."""
    from autograder.engine.reference import Reference

    rubric = assignment.rubric()
    visible = rubric.select(hidden=False)
    specs = {check.number: comparison_spec(assignment.name, check) for check in visible}
    figures = {check.number: comparison_spec(assignment.name, check, check.figure)
               for check in visible if check.figure is not None}
    reference = Reference(assignment)
    arrays: list[np.ndarray] = []
    hidden = [c for c in rubric.checks if c.hidden]
    return {
        "format": FORMAT,
        "assignment": assignment.name,
        "forbidden": list(rubric.forbidden),
        "forbidden_hint": rubric.forbidden_hint,
        "needs_tensorflow": rubric.needs_tensorflow,
        "timeout": rubric.timeout,
        "hidden_checks": len(hidden),
        "hidden_points": float(sum(c.points for c in hidden)),
        "checks": [_export_check(check, specs[check.number], reference, arrays, figures.get(check.number)) for check in visible],
    }, arrays


def comparison_spec(assignment: str, check: Check, function=None) -> dict | None:
    """How a bundle finds the check's comparison (or ``function``, e.g. its figure):
    ``{"function": "module:name", "args", "kwargs"}``."""
    function, args, kwargs = function or check.compare, [], {}
    if function is None:
        return None
    if isinstance(function, functools.partial):
        function, args, kwargs = function.func, list(function.args), dict(function.keywords)
    module = getattr(function, "__module__", None) or ""
    name = getattr(function, "__qualname__", repr(function))
    public = module.startswith("autograder.exercises.")
    spec = {"function": f"{module}:{name}", "args": args, "kwargs": kwargs}
    if not public or "." in name or "<" in name or _resolve(spec["function"]) is not function:
        raise NotBundleable(
            f"{assignment} check {check.number}: its comparison {name} lives in {module or '?'}, "
            f"which a student bundle does not ship; move it to autograder/exercises/{assignment}.py "
            "(a module-level function, or a functools.partial of one) and import it in the rubric")
    try:
        json.dumps([args, kwargs], allow_nan=False)
    except (TypeError, ValueError):
        raise NotBundleable(f"{assignment} check {check.number}: the arguments of its comparison "
                            f"{name} are not plain JSON values") from None
    return spec


def _export_check(check: Check, spec: dict | None, reference, arrays: list, figure: dict | None) -> dict:
    cases, values = reference.expected(check)
    stored = []
    for call, value in zip(cases, values):
        stored.append({
            "args": wire.encode_value(call.args, arrays),
            "kwargs": wire.encode_value(call.kwargs, arrays),
            "description": check.describe_case(call),
            "expected": wire.encode_value(value, arrays),
            "mistakes": [_mistaken(d, reference.module, call, arrays) for d in check.diagnoses],
        })
    return {
        "number": check.number, "name": check.name, "function": check.function,
        "points": check.points, "hint": check.hint, "scenario": check.scenario,
        "rtol": check.rtol, "atol": check.atol, "exact": check.exact,
        "fail_on_warning": check.fail_on_warning, "compare": spec,
        "figure": figure,
        "diagnoses": [d.hint for d in check.diagnoses], "cases": stored,
    }


def _mistaken(diagnosis: Diagnosis, module, call: Call, arrays: list) -> dict | None:
    """The mistake's plain output on ``call``, or None where it does not apply (it raised):
    exactly the cases that ``compare.diagnose`` skips."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = to_plain(diagnosis.mistaken(module, call))
        return {"value": wire.encode_value(value, arrays)}
    except Exception:
        return None


def write(data: dict, arrays: list[np.ndarray], folder: Path) -> list[Path]:
    """Store one exported fixture as ``folder/<assignment>.json`` and ``.npz``."""
    folder.mkdir(parents=True, exist_ok=True)
    name = data["assignment"]
    npz = folder / f"{name}.npz"
    with open(npz, "wb") as handle:
        np.savez_compressed(handle, **{f"a{i}": np.asarray(a) for i, a in enumerate(arrays)})
    meta = folder / f"{name}.json"
    meta.write_text(json.dumps(dict(data, n_arrays=len(arrays)), indent=1) + "\n", encoding="utf-8")
    return [meta, npz]


# --- load (in a student bundle) ---------------------------------------------------------------

@dataclass(frozen=True)
class StoredCall(Call):
    """A case read from the fixture, with its description and the mistakes' outputs on it."""

    description: str = ""
    mistakes: tuple = ()  # per diagnosis: the mistaken plain output, or NOT_APPLICABLE


NOT_APPLICABLE = object()


class FixtureReference:
    """``reference.Reference``'s interface, answered from the fixture instead of the solution."""

    module = None  # diagnoses read the mistaken outputs from the StoredCall, not from a module

    def __init__(self, expected: dict[str, tuple[list, list]]) -> None:
        self._expected = expected

    def expected(self, check: Check) -> tuple[list, list]:
        try:
            return self._expected[check.number]
        except KeyError:
            raise GraderFault(f"check {check.number} is not in the public fixtures") from None


@dataclass(frozen=True)
class PublicAssignment:
    rubric: Rubric
    reference: FixtureReference
    hidden_checks: int
    hidden_points: float


@functools.lru_cache(maxsize=None)
def load(name: str, folder: Path | None = None) -> PublicAssignment:
    """Read ``<name>.json``/``.npz`` from ``folder`` (default: the bundle's ``autograder/public``)."""
    folder = folder or course.PUBLIC_DIR
    try:
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{name}.npz", allow_pickle=False) as npz:
            arrays = [npz[f"a{i}"] for i in range(data["n_arrays"])]
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        checks, expected = [], {}
        for entry in data["checks"]:
            check, cases, values = _load_check(entry, arrays)
            checks.append(check)
            expected[check.number] = (cases, values)
        rubric = Rubric(assignment=name, checks=tuple(checks), forbidden=tuple(data["forbidden"]),
                        forbidden_hint=data["forbidden_hint"], needs_tensorflow=data["needs_tensorflow"],
                        timeout=data["timeout"])
    except (OSError, ValueError, KeyError, TypeError, wire.ProtocolError) as exc:
        raise GraderFault(f"the public fixtures of {name} in {folder} are missing or damaged "
                          f"({type(exc).__name__}: {exc}); reinstall the bundle") from None
    return PublicAssignment(rubric, FixtureReference(expected), data["hidden_checks"], data["hidden_points"])


def _load_check(entry: dict, arrays: list) -> tuple[Check, list, list]:
    cases, values = [], []
    for case in entry["cases"]:
        mistakes = tuple(NOT_APPLICABLE if m is None else wire.decode_value(m["value"], arrays)
                         for m in case["mistakes"])
        cases.append(StoredCall(wire.decode_value(case["args"], arrays),
                                wire.decode_value(case["kwargs"], arrays),
                                case["description"], mistakes))
        values.append(wire.decode_value(case["expected"], arrays))
    diagnoses = tuple(Diagnosis(hint, functools.partial(_stored_mistake, index))
                      for index, hint in enumerate(entry["diagnoses"]))
    check = Check(
        entry["number"], entry["name"], entry["function"], entry["points"],
        cases=functools.partial(_stored_cases, tuple(cases)), seed=0, hidden=False,
        hint=entry["hint"], diagnoses=diagnoses, rtol=entry["rtol"], atol=entry["atol"],
        exact=entry["exact"], compare=_comparison(entry["compare"]), scenario=entry["scenario"],
        describe=_stored_description, fail_on_warning=entry["fail_on_warning"],
        figure=_comparison(entry.get("figure")))
    return check, cases, values


def _stored_cases(cases: tuple, rng) -> list:
    return list(cases)


def _stored_description(call: StoredCall) -> str:
    return call.description


def _stored_mistake(index: int, module, call: StoredCall):
    value = call.mistakes[index]
    if value is NOT_APPLICABLE:
        raise LookupError("this mistake does not apply to these inputs")
    return value


def _resolve(dotted: str):
    module, _, name = dotted.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _comparison(spec: dict | None):
    if spec is None:
        return None
    function = _resolve(spec["function"])
    if function is None:
        raise ValueError(f"the comparison {spec['function']} is missing from this bundle")
    if spec["args"] or spec["kwargs"]:
        return functools.partial(function, *spec["args"], **spec["kwargs"])
    return function
