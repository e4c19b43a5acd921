"""Grade one submission in the sandbox, check by check, surviving a child that dies.

Every reply of the child is checked by ``replies.py`` before it is used, and all the time the
child takes (its loads, re-loads after a death, its checks) is charged to one per-submission
:class:`Budget`: once it is spent, or after a few deaths, the remaining checks are not run.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from autograder.engine.i18n import _

from . import replies, wire
from .client import LOAD_TIMEOUT, ChildDied, ChildProcess, Sandbox


@dataclass
class Budget:
    """Time one submission may take in the sandbox, over all its children together.

    ``load_s`` bounds one load of the submission, ``total_s`` everything (the first load,
    re-loads after a death, the fresh children of later groups of checks, every check);
    after ``max_deaths`` children died (crash, exit, timeout, malformed reply) in one graded
    function's checks, that function's remaining checks do not run (other functions' do: one
    mistake, one check). Environment overrides: DLGRADE_LOAD_TIMEOUT, DLGRADE_SUBMISSION_BUDGET,
    DLGRADE_MAX_DEATHS (seconds, seconds, count). Children running at the same time (groups of
    checks spread over the cores, ``grading.py``) are each charged their own time: the budget
    bounds the sum, so parallel groups never let a submission take more.
    """

    load_s: float
    total_s: float
    max_deaths: int = 3
    spent_s: float = 0.0
    deaths: dict = field(default_factory=dict)  # graded function -> children that died
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def for_checks(cls, check_timeout: float) -> "Budget":
        load = float(os.environ.get("DLGRADE_LOAD_TIMEOUT", LOAD_TIMEOUT))
        default_total = load + max(300.0, 10 * check_timeout)
        return cls(load_s=load,
                   total_s=float(os.environ.get("DLGRADE_SUBMISSION_BUDGET", default_total)),
                   max_deaths=int(os.environ.get("DLGRADE_MAX_DEATHS", 3)))

    def remaining(self) -> float:
        return max(self.total_s - self.spent_s, 0.0)

    def died(self, function: str) -> None:
        with self.lock:
            self.deaths[function] = self.deaths.get(function, 0) + 1

    def charge(self, seconds: float) -> None:
        with self.lock:
            self.spent_s += seconds

    def refusal(self, function: str) -> str | None:
        """Why no further request for ``function`` may run, or None."""
        deaths = self.deaths.get(function, 0)
        if deaths >= self.max_deaths:
            return _("it was not run: your code's grading process ended {deaths} times in "
                     "{function}'s checks (see them), so its remaining checks are skipped").format(
                         deaths=deaths, function=function)
        if self.remaining() < 0.5:
            return _("it was not run: your submission used up its time budget of "
                     "{seconds} s for loading and all its checks").format(seconds=f"{self.total_s:g}")
        return None


def _leaves(template) -> int:
    if template == "array":
        return 1
    if isinstance(template, dict) and "seq" in template:
        return sum(_leaves(t) for t in template["seq"])
    if isinstance(template, dict) and "map" in template:
        return sum(_leaves(t) for t in template["map"].values())
    return 0


class SubmissionRun:
    """One submission's session: a child with the submission loaded, re-forked when it dies.

    ``cells`` are dicts ``{"label", "filename", "source"}`` in execution order;
    ``scenarios`` the names of the scenarios the checks will use (the child binds them before
    any student code runs). Several runs of one submission may share one ``budget``.
    """

    def __init__(self, sandbox: Sandbox, cells: list[dict], functions: list[str], path: str,
                 scenarios: list[str] = (), budget: Budget | None = None) -> None:
        self.sandbox = sandbox
        self.cells = list(cells)
        self.functions = list(functions)
        self.load_request = {"op": "load", "cells": cells, "functions": functions, "path": path,
                             "scenarios": sorted(set(scenarios))}
        self.budget = budget or Budget.for_checks(60.0)
        self.child: ChildProcess | None = None
        self.load_report: dict | None = None
        self.fatal: str | None = None  # the submission cannot even be loaded

    def _request(self, header: dict, arrays: list, limit: float, bounds: dict, function: str):
        timeout = max(min(limit, self.budget.remaining()), 0.5)
        started = time.monotonic()
        try:
            return self.child.request(header, arrays, timeout, bounds)
        except ChildDied:
            self.budget.died(function)
            self.child = None
            raise
        finally:
            self.budget.charge(time.monotonic() - started)

    def _ensure_child(self, function: str = "") -> None:
        if self.fatal:
            raise ChildDied(self.fatal)
        refusal = self.budget.refusal(function)
        if refusal:
            raise ChildDied(refusal)
        if self.child is not None:
            return
        self.child = self.sandbox.spawn()
        cut_short = self.budget.remaining() < self.budget.load_s
        try:
            reply, _arrays = self._request(self.load_request, [], self.budget.load_s,
                                     replies.reply_bounds(len(self.cells)), function)
            report = replies.check_load_report(reply, self.cells, self.functions)
        except ChildDied as death:
            if cut_short and self.budget.remaining() < 0.5:  # the budget ran out, not the load
                with self.budget.lock:
                    self.budget.deaths[function] -= 1
                raise ChildDied(self.budget.refusal(function)) from None
            self.fatal = _("while loading your file, {reason}").format(reason=death.reason)
            raise ChildDied(self.fatal) from None
        except replies.Malformed:
            self.close()
            self.budget.died(function)
            self.fatal = _("while loading your file, {reason}").format(reason=_(replies.MALFORMED))
            raise ChildDied(self.fatal) from None
        if self.load_report is None:
            self.load_report = report

    def load(self) -> dict:
        """Load the submission (once) and return the load report, or ``{"fatal": reason}``."""
        try:
            self._ensure_child()
        except ChildDied as death:
            return {"fatal": death.reason}
        return self.load_report

    def run(self, scenario: str, function: str, cases: list, templates: list, timeout: float,
            expected_bytes: list[int] | None = None) -> dict:
        """Run one check's cases; returns ``{"results": [...], "output": str}`` or ``{"died": reason}``.

        ``expected_bytes[i]`` is the size of case i's reference value: the reply may not be
        much larger (it is refused unread otherwise)."""
        try:
            self._ensure_child(function)
        except ChildDied as death:
            return {"died": death.reason}
        expected_bytes = list(expected_bytes or [0] * len(cases))
        arrays: list = []
        encoded = wire.encode_value([(c.args, c.kwargs) for c in cases], arrays)
        header = {"op": "run", "scenario": scenario, "function": function, "cases": encoded,
                  "templates": templates,
                  "max_bytes": [replies.case_limit(n) for n in expected_bytes]}
        bounds = replies.reply_bounds(len(cases), sum(expected_bytes))
        bounds["max_arrays"] = sum(_leaves(t) for t in templates) + 16
        try:
            reply, out = self._request(header, arrays, timeout, bounds, function)
        except ChildDied as death:
            return {"died": death.reason}
        try:
            return replies.check_run_reply(reply, out, templates, wire.decode_value)
        except replies.Malformed:
            self.close()
            self.budget.died(function)
            return {"died": _(replies.MALFORMED)}

    def close(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child = None
