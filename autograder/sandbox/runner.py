"""Grade one submission in the sandbox, check by check, surviving a child that dies."""
from __future__ import annotations

from .client import LOAD_TIMEOUT, ChildDied, ChildProcess, Sandbox
from . import wire


class SubmissionRun:
    """One submission's session: a child with the submission loaded, re-forked when it dies.

    ``cells`` are dicts ``{"label", "filename", "source"}`` in execution order.
    """

    def __init__(self, sandbox: Sandbox, cells: list[dict], functions: list[str], path: str) -> None:
        self.sandbox = sandbox
        self.load_request = {"op": "load", "cells": cells, "functions": functions, "path": path}
        self.child: ChildProcess | None = None
        self.load_report: dict | None = None
        self.fatal: str | None = None  # the submission cannot even be loaded

    def _ensure_child(self) -> None:
        if self.fatal:
            raise ChildDied(self.fatal)
        if self.child is not None:
            return
        child = self.sandbox.spawn()
        try:
            reply, _ = child.request(self.load_request, [], LOAD_TIMEOUT)
        except ChildDied as death:
            self.fatal = f"while loading your file, {death.reason}"
            raise ChildDied(self.fatal) from None
        if self.load_report is None:
            self.load_report = reply
        self.child = child

    def load(self) -> dict:
        """Load the submission (once) and return the load report, or ``{"fatal": reason}``."""
        try:
            self._ensure_child()
        except ChildDied as death:
            return {"fatal": death.reason}
        return self.load_report

    def run(self, scenario: str, function: str, cases: list, templates: list, timeout: float) -> dict:
        """Run one check's cases; returns ``{"results": [...], "output": str}`` or ``{"died": reason}``."""
        try:
            self._ensure_child()
        except ChildDied as death:
            return {"died": death.reason}
        arrays: list = []
        encoded = wire.encode_value([(c.args, c.kwargs) for c in cases], arrays)
        header = {"op": "run", "scenario": scenario, "function": function,
                  "cases": encoded, "templates": templates}
        try:
            reply, out = self.child.request(header, arrays, timeout)
        except ChildDied as death:
            self.child = None
            return {"died": death.reason}
        try:
            results = reply["results"]
            for result in results:
                if result.get("ok"):
                    result["value"] = wire.decode_value(result["value"], out)
            return {"results": results, "output": str(reply.get("output", ""))}
        except (KeyError, TypeError, AttributeError, wire.ProtocolError):
            self.close()
            return {"died": "the grading process sent a malformed reply"}

    def close(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child = None
