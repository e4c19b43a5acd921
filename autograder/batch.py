"""Grade a whole class: many students, many assignments, in parallel, resumable.

One sandbox (zygote) per assignment is started for the run, and each assignment's reference
outputs are computed once, before any student is graded. Submissions then run in parallel
(``jobs`` threads, each driving one sandboxed child at a time). Every result is written
atomically the moment it is ready, so an interrupted run loses nothing already written, and
a re-run skips submissions whose file and rubric are unchanged (``force`` regrades).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__, course, grading, report, submission
from .discover import Item
from .errors import BadInput, GraderFault
from .reference import Reference
from .sandbox.client import Sandbox

SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"


def rubric_version(name: str, hidden: bool) -> str:
    """Changes whenever anything that decides this assignment's scores changes."""
    digest = hashlib.sha256(f"{__version__}|hidden={hidden}".encode())
    assignment = course.get(name)
    for path in (course.RUBRICS_DIR / f"{name}.py", assignment.solution_path,
                 SCENARIOS_DIR / f"{name}.py", SCENARIOS_DIR / "__init__.py",
                 Path(grading.__file__), Path(grading.__file__).with_name("compare.py")):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


@dataclass
class Outcome:
    item: Item
    result: dict | None = None  # None when skipped or on a grader fault
    skipped: bool = False
    fault: str | None = None


@dataclass
class BatchGrader:
    out: Path
    jobs: int = 1
    hidden: bool = False
    force: bool = False
    extra_private: tuple[str, ...] = ()
    _sandboxes: dict[str, Sandbox] = field(default_factory=dict)
    _references: dict[str, Reference] = field(default_factory=dict)
    _versions: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def result_path(self, item: Item, suffix: str = ".json") -> Path:
        return self.out / item.student / f"{item.assignment}{suffix}"

    def is_current(self, item: Item, sha256: str) -> bool:
        try:
            previous = json.loads(self.result_path(item).read_text())
            extra = previous.get("extra_data", {})
        except (OSError, ValueError, AttributeError):
            return False
        return extra.get("sha256") == sha256 and extra.get("rubric_version") == self._versions[item.assignment]

    def prepare(self, items: list[Item]) -> None:
        """Reference outputs and sandboxes for every assignment in ``items`` (once per run)."""
        for name in sorted({i.assignment for i in items}):
            if name in self._references:
                continue
            rubric = course.get(name).rubric()
            reference = Reference(course.get(name))
            for check in rubric.select(self.hidden):
                reference.expected(check)
            self._references[name] = reference
            self._versions[name] = rubric_version(name, self.hidden)

    def sandbox(self, name: str) -> Sandbox:
        with self._lock:
            if name not in self._sandboxes:
                self._sandboxes[name] = grading.make_sandbox(course.get(name).rubric(), self.extra_private)
            return self._sandboxes[name]

    def grade_one(self, item: Item) -> Outcome:
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            return Outcome(item, fault=f"cannot read {item.path}: {exc}")
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.force and self.is_current(item, sha256):
            return Outcome(item, skipped=True)
        rubric = course.get(item.assignment).rubric()
        try:
            try:
                loaded = submission.load(item.path)
            except BadInput as exc:
                result = unreadable_result(rubric, self.hidden, str(exc))
            else:
                result = grading.grade_submission(loaded, rubric, self._references[item.assignment],
                                                  self.sandbox(item.assignment), hidden=self.hidden)
        except GraderFault as exc:
            return Outcome(item, fault=str(exc))
        except Exception as exc:  # a bug of ours: report it with the student, go on
            return Outcome(item, fault=f"{type(exc).__name__}: {exc}")
        result["extra_data"] = {"student": item.student, "sha256": sha256,
                                "rubric_version": self._versions[item.assignment]}
        write_atomic(self.result_path(item, ".md"), report.to_markdown(result))
        write_atomic(self.result_path(item), report.to_json(result))
        return Outcome(item, result=result)

    def run(self, items: list[Item], on_done: Callable[[Outcome], None]) -> list[Outcome]:
        self.prepare(items)
        outcomes = []
        with ThreadPoolExecutor(max_workers=max(1, self.jobs)) as pool:
            futures = [pool.submit(self.grade_one, item) for item in items]
            try:
                for future in as_completed(futures):
                    outcome = future.result()
                    outcomes.append(outcome)
                    on_done(outcome)
            except BaseException:
                for future in futures:
                    future.cancel()
                self.close()  # kills the zygotes and with them any running child
                raise
        return outcomes

    def close(self) -> None:
        with self._lock:
            for sandbox in self._sandboxes.values():
                sandbox.close()
            self._sandboxes.clear()


def unreadable_result(rubric, hidden: bool, reason: str) -> dict:
    """The result object for a file that could not be read: every check failed, reason given."""
    checks = rubric.select(hidden)
    return {
        "assignment": rubric.assignment, "score": 0.0,
        "max_score": round(sum(c.points for c in checks), 6), "execution_time": 0.0,
        "output": f"Your file could not be graded: {reason}",
        "tests": [{"name": c.name, "number": c.number, "score": 0.0, "max_score": c.points,
                   "status": "failed", "visibility": c.visibility,
                   "output": f"Your file could not be graded: {reason}"} for c in checks],
    }


@dataclass
class ClassRun:
    """What a ``dlgrade grade`` run did, for the final report."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped_inputs: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def faults(self) -> list[str]:
        return [f"{o.item.student}/{o.item.assignment}: {o.fault}" for o in self.outcomes if o.fault]


def grade_class(submissions: Path, out: Path, *, assignments: list[str], jobs: int, hidden: bool,
                force: bool, on_start: Callable[[int], None], on_done: Callable[[Outcome], None]) -> ClassRun:
    """Discover, grade, and write the gradebook and summary (also after Ctrl-C)."""
    from . import discover, gradebook

    out.mkdir(parents=True, exist_ok=True)
    run = ClassRun()
    with tempfile.TemporaryDirectory(prefix="dlgrade-unzip-") as workdir:
        found = discover.discover(submissions, assignments, Path(workdir))
        run.skipped_inputs = found.skipped
        private = (str(Path(submissions).resolve()), str(out.resolve()), workdir)
        grader = BatchGrader(out, jobs=jobs, hidden=hidden, force=force, extra_private=private)
        on_start(len(found.items))

        def record(outcome: Outcome) -> None:
            run.outcomes.append(outcome)
            on_done(outcome)

        try:
            grader.run(found.items, record)
        except KeyboardInterrupt:
            run.interrupted = True
        finally:
            grader.close()
            results = gradebook.collect(out)
            write_atomic(out / "gradebook.csv", gradebook.gradebook_csv(results))
            write_atomic(out / "summary.md",
                         gradebook.summary_markdown(results, run.skipped_inputs, run.faults))
    return run
