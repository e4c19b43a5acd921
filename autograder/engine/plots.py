"""Feedback plots, bounded: a submission cannot make the trusted parent draw for minutes.

A plot is drawn from values the student's code returned, so their size is the student's
choice (a forged optimizer path of 900,000 points took 30 s a figure). Here:

- ``thin``: an array longer than ``MAX_POINTS`` rows is drawn from ``MAX_POINTS`` evenly
  spaced rows, first and last kept (the feedback text still uses the full values);
- ``FigureBudget``: at most ``MAX_FIGURES`` plots per submission, and no new plot once the
  submission's plots have taken ``MAX_SECONDS`` together; later failed checks say so
  instead of drawing;
- ``draw_figure``: one plot, atomically; a plot that cannot be drawn is a note, never a fault.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

MAX_POINTS = 2000
MAX_FIGURES = 4
MAX_SECONDS = 30.0


def thin(value):
    """``value`` with at most ``MAX_POINTS`` rows if it is a long array; else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] > MAX_POINTS:
        rows = np.unique(np.linspace(0, value.shape[0] - 1, MAX_POINTS).round().astype(np.int64))
        return value[rows]
    return value


def draw_figure(check, want, got, call, path: Path) -> str:
    """Save the check's plot of a failed case at ``path`` (atomically); the feedback line."""
    partial = path.with_name(f".{path.name}.partial.png")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        check.figure(thin(want), thin(got), call, partial)
        partial.replace(path)
    except Exception as exc:  # a plot is a courtesy: never fails the grading
        partial.unlink(missing_ok=True)
        return f"(No plot: {type(exc).__name__}: {exc})"
    return f"Plot of your result against the reference's: {path}"


class FigureBudget:
    """The plots of one submission, saved into ``folder``, bounded in number and time."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.drawn = 0
        self.seconds = 0.0

    def draw(self, check, want, got, call, name: str) -> str:
        if self.drawn >= MAX_FIGURES:
            return f"(No plot: this submission already has {MAX_FIGURES} plots.)"
        if self.seconds > MAX_SECONDS:
            return f"(No plot: this submission's plots took {MAX_SECONDS:g} s already.)"
        started = time.perf_counter()
        try:
            line = draw_figure(check, want, got, call, self.folder / name)
        finally:
            self.seconds += time.perf_counter() - started
        self.drawn += line.startswith("Plot of")
        return line


def budget_for(figures) -> FigureBudget | None:
    """A submission's budget from a folder (or an existing budget, or None: no plots)."""
    if figures is None or isinstance(figures, FigureBudget):
        return figures
    return FigureBudget(Path(figures))
