"""The public fixtures of a student bundle, read back: the bundle's rubric and reference.

``channels/fixtures.py`` writes them in the course repository (``dlgrade bundle``): each
visible check's metadata, inputs, the reference's plain outputs, descriptions (one per
language, shown in the language in use) and the mistaken outputs of its diagnoses, as
``<assignment>.json`` plus ``<assignment>.npz``.
``load`` turns those files back into a :class:`~autograder.engine.rubric.Rubric` of the
visible checks and a :class:`FixtureReference` with the same interface as
``reference.Reference``, so ``grading.grade_submission`` and ``compare.diagnose`` run
unchanged in a bundle (``source.BundleSource`` is the only user). Arrays are read with
``allow_pickle=False``; values are decoded as in the wire protocol (``sandbox/wire.py``).
"""
from __future__ import annotations

import functools
import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import i18n
from .errors import GraderFault
from .rubric import Call, Check, Diagnosis, Rubric
from .sandbox import wire

FORMAT = 2  # 2: each case's description in every language ("descriptions")


@dataclass(frozen=True)
class StoredCall(Call):
    """A case read from the fixture, with its descriptions and the mistakes' outputs on it."""

    descriptions: dict = field(default_factory=dict)  # language -> the case in its words
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
def load(name: str, folder: Path) -> PublicAssignment:
    """Read ``<name>.json``/``.npz`` from ``folder`` (a bundle's ``autograder/public``)."""
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
                                _descriptions(case["descriptions"]), mistakes))
        values.append(wire.decode_value(case["expected"], arrays))
    diagnoses = tuple(Diagnosis(hint, functools.partial(_stored_mistake, index))
                      for index, hint in enumerate(entry["diagnoses"]))
    check = Check(
        entry["number"], entry["name"], entry["function"], entry["points"],
        cases=functools.partial(_stored_cases, tuple(cases)), seed=0, hidden=False,
        hint=entry["hint"], diagnoses=diagnoses, rtol=entry["rtol"], atol=entry["atol"],
        exact=entry["exact"], compare=comparison(entry["compare"]), scenario=entry["scenario"],
        describe=_stored_description, fail_on_warning=entry["fail_on_warning"],
        figure=comparison(entry.get("figure")))
    return check, cases, values


def _stored_cases(cases: tuple, rng) -> list:
    return list(cases)


def _descriptions(stored) -> dict[str, str]:
    """A case's descriptions, checked: a text for the source language, texts only."""
    if not isinstance(stored, dict) or not isinstance(stored.get(i18n.SOURCE_LANGUAGE), str) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in stored.items()):
        raise ValueError("a case's descriptions are not texts by language")
    return dict(stored)


def _stored_description(call: StoredCall) -> str:
    """The case in the language in use (English where the bundle has no text in it)."""
    return call.descriptions.get(i18n.current(), call.descriptions[i18n.SOURCE_LANGUAGE])


def _stored_mistake(index: int, module, call: StoredCall):
    value = call.mistakes[index]
    if value is NOT_APPLICABLE:
        raise LookupError("this mistake does not apply to these inputs")
    return value


def resolve(dotted: str):
    module, _, name = dotted.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def comparison(spec: dict | None):
    if spec is None:
        return None
    function = resolve(spec["function"])
    if function is None:
        raise ValueError(f"the comparison {spec['function']} is missing from this bundle")
    if spec["args"] or spec["kwargs"]:
        return functools.partial(function, *spec["args"], **spec["kwargs"])
    return function
