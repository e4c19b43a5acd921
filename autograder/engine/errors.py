"""Errors that end a command with one clear line instead of a traceback."""


class BadInput(Exception):
    """The user gave us something we cannot grade: a wrong path, a broken notebook, a typo."""


class GraderFault(Exception):
    """A bug or broken installation on the grader's side, never the student's fault."""
