"""Grade a whole class: many students, many assignments, in parallel, resumable.

One sandbox (zygote) per assignment is started for the run, and each assignment's reference
outputs are computed once, before any student is graded. Submissions then run in parallel
(``jobs`` threads, each driving one sandboxed child at a time). Every result is written
atomically the moment it is ready, so an interrupted run loses nothing already written, and
a re-run skips submissions whose file and rubric are unchanged (``force`` regrades).
"""
from __future__ import annotations

import hashlib
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autograder.engine import course, grading, i18n, report, submission
from autograder.engine.i18n import _
from autograder.engine.errors import BadInput, GraderFault
from autograder.engine.reference import Reference
from autograder.engine.result import Result
from autograder.engine.sandbox.client import Sandbox
from . import gradebook
from .discover import Item
from .outputs import OutputFolder


def rubric_version(name: str, hidden: bool) -> str:
    """Changes whenever anything that decides this assignment's scores changes: every file of
    ``course.Assignment.score_files`` (rubric, solution, scenarios, comparisons, engine)."""
    return course.get(name).score_version(f"hidden={hidden}")


@dataclass
class Outcome:
    item: Item
    result: Result | None = None  # None when skipped or on a grader fault
    skipped: bool = False
    fault: str | None = None
    problem: str | None = None  # why the student's input could not be graded (then scored 0)


@dataclass
class BatchGrader:
    outputs: OutputFolder
    jobs: int = 1
    hidden: bool = False
    force: bool = False
    extra_private: tuple[str, ...] = ()
    _sandboxes: dict[tuple[str, bool], Future] = field(default_factory=dict)
    _loaded: dict[Item, object] = field(default_factory=dict)  # to grade: Submission or BadInput
    _hashes: dict[Item, str] = field(default_factory=dict)
    _starter: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=4))
    _references: dict[str, Reference] = field(default_factory=dict)
    _versions: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def version(self, name: str) -> str:
        if name not in self._versions:
            self._versions[name] = rubric_version(name, self.hidden)
        return self._versions[name]

    def is_current(self, item: Item, sha256: str) -> bool:
        previous = self.outputs.read(item.out_folder, item.assignment)
        if previous is None:
            return False
        extra = previous.extra_data
        # The feedback's words are in the language it was graded in (a result from before the
        # language was recorded is English): another language regrades (the scores are equal).
        return (extra.get("sha256") == sha256 and extra.get("rubric_version") == self.version(item.assignment)
                and extra.get("lang", i18n.SOURCE_LANGUAGE) == i18n.current())

    def prepare(self, items: list[Item]) -> None:
        """Decide what needs grading, start the zygotes it needs (in the background) and
        compute those assignments' reference outputs meanwhile: all once per run."""
        for item in items:
            try:
                if item.problem is not None:
                    raise BadInput(item.problem)
                data = submission.read_safely(item.path, root=item.root)
            except BadInput as exc:  # that student's row says why; the class goes on
                data = f"refused: {exc}".encode("utf-8", "surrogateescape")
                self._loaded[item] = exc
            sha256 = hashlib.sha256(data).hexdigest()
            self._hashes[item] = sha256
            if not self.force and self.is_current(item, sha256):
                self._loaded.pop(item, None)
                continue
            if item in self._loaded:
                continue
            try:
                self._loaded[item] = submission.parse(item.path, data)
            except BadInput as exc:
                self._loaded[item] = exc
            except Exception as exc:  # whatever a hostile file trips in a parser: bad input
                self._loaded[item] = BadInput(_("{name}: could not be read ({error})").format(
                    name=item.path.name, error=type(exc).__name__))
            else:
                self.sandbox(item.assignment, self._loaded[item].uses_tensorflow, wait=False)
        for name in sorted({i.assignment for i in self._loaded}):
            if name in self._references:
                continue
            rubric = course.get(name).rubric()
            reference = Reference(course.get(name))
            for check in rubric.select(self.hidden):
                reference.expected(check)
            self._references[name] = reference

    def sandbox(self, name: str, tensorflow: bool, wait: bool = True) -> Sandbox | None:
        """The zygote for an assignment; a second one with TensorFlow preloaded serves the
        submissions that import Keras/TensorFlow, so that import is paid once per run."""
        rubric = course.get(name).rubric()
        key = (name, rubric.needs_tensorflow or tensorflow)
        with self._lock:
            if key not in self._sandboxes:
                self._sandboxes[key] = self._starter.submit(
                    grading.make_sandbox, rubric, self.extra_private, key[1])
            future = self._sandboxes[key]
        return future.result() if wait else None

    def grade_one(self, item: Item) -> Outcome:
        """Grade one prepared item (``prepare`` must have seen it)."""
        loaded = self._loaded.get(item)
        if loaded is None:
            return Outcome(item, skipped=True)
        rubric = course.get(item.assignment).rubric()
        try:
            if isinstance(loaded, BadInput):
                result = Result.unreadable(rubric, self.hidden, str(loaded))
            else:
                result = grading.grade_submission(loaded, rubric, self._references[item.assignment],
                                                  self.sandbox(item.assignment, loaded.uses_tensorflow),
                                                  hidden=self.hidden,
                                                  figures=self.outputs.folder(item.out_folder))
            if item.out_folder != item.student:
                result = result.with_note(_("Note: the name '{student}' cannot be a folder name as it "
                                            "is; these results are in the folder '{folder}'.").format(
                                                student=item.student, folder=item.out_folder))
            result = result.with_extra(student=item.student, folder=item.out_folder, sha256=self._hashes[item],
                                       rubric_version=self.version(item.assignment), lang=i18n.current())
            self.outputs.write(item.out_folder, result, report.to_markdown(result))
        except GraderFault as exc:
            return Outcome(item, fault=str(exc))
        except Exception as exc:  # a bug of ours: report it with the student, go on
            return Outcome(item, fault=f"{type(exc).__name__}: {exc}")
        return Outcome(item, result=result, problem=str(loaded) if isinstance(loaded, BadInput) else None)

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
            for future in self._sandboxes.values():
                try:
                    future.result().close()
                except Exception:  # a zygote that failed to start has nothing to close
                    pass
            self._sandboxes.clear()


@dataclass
class ClassRun:
    """What a ``dlgrade grade`` run did, for the final report."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped_inputs: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def faults(self) -> list[str]:
        return [f"{o.item.student}/{o.item.assignment}: {o.fault}" for o in self.outcomes if o.fault]

    @property
    def problems(self) -> list[str]:
        """Students whose input could not be graded (their rows score 0 and say why)."""
        seen = {f"{o.item.student}: {o.problem}" for o in self.outcomes if o.problem}
        return sorted(seen)



def grade_class(submissions: Path, out: Path, *, assignments: list[str], jobs: int, hidden: bool,
                force: bool, on_start: Callable[[int], None], on_done: Callable[[Outcome], None]) -> ClassRun:
    """Discover, grade, and write the gradebook and summary (also after Ctrl-C)."""
    from . import discover

    out.mkdir(parents=True, exist_ok=True)
    outputs = OutputFolder(out)
    run = ClassRun()
    with tempfile.TemporaryDirectory(prefix="dlgrade-unzip-") as workdir:
        found = discover.discover(submissions, assignments, Path(workdir))
        run.skipped_inputs = found.skipped
        private = (str(Path(submissions).resolve()), str(out.resolve()), workdir)
        grader = BatchGrader(outputs, jobs=jobs, hidden=hidden, force=force, extra_private=private)
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
            results = outputs.results()
            outputs.write_class(gradebook.gradebook_csv(results),
                                gradebook.summary_markdown(results, run.skipped_inputs, run.faults))
    return run
