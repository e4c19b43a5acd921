"""The result of grading one submission: the contract's result object, as types.

A :class:`Result` holds one :class:`CheckResult` per check. Each check has a
:class:`Status` (passed, failed, not implemented, error); in the JSON (Gradescope's
results.json schema, the grader contract) a check is ``"passed"`` or ``"failed"``, so
``from_json`` reads back passed/failed only. A Result is built by the grading pipeline
(``grading.grade_submission``) or, for a file that could not be read, by
:meth:`Result.unreadable`; the channels add ``extra_data`` and render it (``to_json``,
``to_gradescope`` here; the terminal table and markdown feedback in ``report.py``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import Enum

from .i18n import N_, _, rubric_text, translated_texts
from .safetext import visible

# The first words of the feedback for a file that could not be read (the class summary
# lists those students by this prefix).
UNGRADABLE = N_("Your file could not be graded: ")


def ungradable_reason(line: str) -> str | None:
    """Why the file could not be graded, if ``line`` of a result's feedback says it could
    not (in any language), else None."""
    for prefix in translated_texts(UNGRADABLE):
        if line.startswith(prefix):
            return line[len(prefix):]
    return None


class Status(Enum):
    PASSED = "passed"
    FAILED = "failed"  # a wrong value, a forbidden API, a numerical warning
    NOT_IMPLEMENTED = "not_implemented"  # the released stub, untouched
    ERROR = "error"  # the student's code raised, died or returned nothing; an unreadable file

    @property
    def json(self) -> str:
        """The contract's (Gradescope's) status: passed or failed."""
        return "passed" if self is Status.PASSED else "failed"


@dataclass(frozen=True)
class CheckResult:
    name: str
    number: str
    score: float
    max_score: float
    status: Status
    visibility: str
    output: str = ""

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @classmethod
    def of(cls, check, status: Status, output: str = "") -> "CheckResult":
        """A check's result: its points if passed, else 0 with ``output`` as the feedback."""
        passed = status is Status.PASSED
        return cls(check.name, check.number, check.points if passed else 0.0, check.points,
                   status, check.visibility, "" if passed else output)

    def to_json(self) -> dict:
        return {"name": self.name, "number": self.number, "score": self.score,
                "max_score": self.max_score, "status": self.status.json,
                "visibility": self.visibility, "output": self.output}

    @classmethod
    def from_json(cls, data: dict) -> "CheckResult":
        """A check read back from a results file (only its score must be there)."""
        return cls(name=str(data.get("name", "")), number=str(data.get("number", "")),
                   score=float(data["score"]), max_score=float(data.get("max_score", 0.0)),
                   status=Status.PASSED if data.get("status") == "passed" else Status.FAILED,
                   visibility=str(data.get("visibility", "visible")),
                   output=str(data.get("output", "")))


@dataclass(frozen=True)
class Result:
    assignment: str
    score: float
    max_score: float
    execution_time: float
    output: str
    tests: tuple[CheckResult, ...]
    extra_data: dict = field(default_factory=dict)

    @classmethod
    def of(cls, assignment: str, checks, tests, execution_time: float, output: str,
           extra_data: dict | None = None) -> "Result":
        """The result of grading ``checks`` (the selected checks, in order) into ``tests``."""
        return cls(assignment, round(sum(t.score for t in tests), 6),
                   round(sum(c.points for c in checks), 6), execution_time, output, tuple(tests),
                   dict(extra_data or {}))

    @classmethod
    def unreadable(cls, rubric, hidden: bool, reason: str) -> "Result":
        """The result for a file that could not be read: every check failed, reason given."""
        checks = rubric.select(hidden)
        text = f"{_(UNGRADABLE)}{reason}"
        return cls.of(rubric.assignment, checks, [CheckResult.of(c, Status.ERROR, text) for c in checks],
                      0.0, text)

    def with_note(self, note: str) -> "Result":
        """The result with ``note`` as the first line of the top-level feedback."""
        return replace(self, output="\n".join(filter(None, [note, self.output])))

    def with_extra(self, **extra) -> "Result":
        return replace(self, extra_data={**self.extra_data, **extra})

    @property
    def sandbox_layers(self) -> dict:
        """Which isolation layers every child had (``extra_data.sandbox``)."""
        return self.extra_data.get("sandbox", {})

    @property
    def student(self) -> str | None:
        """The student's own name, kept in the results by batch grading."""
        name = self.extra_data.get("student")
        return name if isinstance(name, str) and name else None

    def to_json(self) -> dict:
        data = {"assignment": self.assignment, "score": self.score, "max_score": self.max_score,
                "execution_time": self.execution_time, "output": self.output,
                "tests": [t.to_json() for t in self.tests]}
        if self.extra_data:
            data["extra_data"] = dict(self.extra_data)
        return data

    def dumps(self) -> str:
        """The JSON text (``dlgrade check --json``, the results files)."""
        return json.dumps(self.to_json(), indent=2, sort_keys=False)

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        """A result read back from a results file; ValueError/TypeError/KeyError/AttributeError
        for anything that is not one (its scores must be numbers, its tests a list)."""
        extra = data.get("extra_data")
        return cls(assignment=str(data.get("assignment", "")), score=float(data["score"]),
                   max_score=float(data["max_score"]),
                   execution_time=float(data.get("execution_time", 0.0)),
                   output=str(data.get("output", "")),
                   tests=tuple(CheckResult.from_json(t) for t in list(data["tests"])),
                   extra_data=dict(extra) if isinstance(extra, dict) else {})

    def to_gradescope(self) -> dict:
        """Gradescope's results.json; what a student's code printed or raised is shown with
        its control characters visible."""
        return {
            "score": self.score,
            "execution_time": self.execution_time,
            "output": visible(self.output),
            "stdout_visibility": "hidden",
            "tests": [{key: visible(rubric_text(value) if key == "name" else value)
                       if key in ("name", "output") else value
                       for key, value in test.to_json().items()} for test in self.tests],
            "extra_data": {"assignment": self.assignment, "max_score": self.max_score,
                           "sandbox": self.sandbox_layers},
        }
