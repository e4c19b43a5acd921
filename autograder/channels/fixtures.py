"""Public check fixtures: how a student bundle grades the visible checks without the solutions.

``export`` runs the reference solution once, for the *visible* checks of one assignment
only, and keeps everything grading needs: each check's metadata (number, name, function,
points, hint, scenario, tolerances, comparison), its inputs, the reference's plain outputs,
each input's description for the feedback (written out in every language: a bundle has no
rubric to render it from), and, for each diagnosis (a known mistake), the
mistaken output on each input, so that the hints still name the mistake. ``write`` stores
that as ``<assignment>.json`` plus ``<assignment>.npz`` (arrays, read back with
``allow_pickle=False``); values are encoded as in the wire protocol (``sandbox/wire.py``).

The engine reads them back in a bundle (``autograder/engine/public_fixtures.py``, through
``source.BundleSource``); this module is the writer.

Custom comparisons are code, not data: a visible check's ``compare`` must be a function (or a
``functools.partial`` of one with plain arguments) in a public module such as
``autograder/exercises/<assignment>.py``; the rubric modules never leave the course.
"""
from __future__ import annotations

import functools
import json
import warnings
from pathlib import Path

import numpy as np

from autograder.engine import course, i18n
from autograder.engine.errors import BadInput
from autograder.engine.rubric import Call, Check, Diagnosis
from autograder.engine.public_fixtures import FORMAT, resolve
from autograder.engine.sandbox import wire
from autograder.exercises import to_plain


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
    if not public or "." in name or "<" in name or resolve(spec["function"]) is not function:
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
            "descriptions": {lang: check.describe_case(call, lang) for lang in i18n.LANGUAGES},
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
