"""The seven assignments of the course: names, files, and where their rubrics live."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput
from .rubric import Rubric

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = ROOT / "solutions"
ASSIGNMENTS_DIR = ROOT / "assignments"
RUBRICS_DIR = Path(__file__).resolve().parent / "rubrics"


@dataclass(frozen=True)
class Assignment:
    name: str
    title: str

    @property
    def solution_path(self) -> Path:
        return SOLUTIONS_DIR / f"{self.name}.py"

    @property
    def stub_path(self) -> Path:
        return ASSIGNMENTS_DIR / f"{self.name}.py"

    @property
    def notebook_path(self) -> Path:
        return ASSIGNMENTS_DIR / f"{self.name}.ipynb"

    @property
    def available(self) -> bool:
        """Whether the assignment has its solution and rubric yet."""
        return self.solution_path.exists() and (RUBRICS_DIR / f"{self.name}.py").exists()

    def rubric(self) -> Rubric:
        if not self.available:
            raise BadInput(f"assignment '{self.name}' is not available yet (no solution or rubric)")
        module = importlib.import_module(f"autograder.rubrics.{self.name}")
        return module.RUBRIC


ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment("conv_padding", "Convolution with zero padding"),
    Assignment("cross_entropy", "Information theory and the cross-entropy objective"),
    Assignment("softmax_loglik", "Softmax and the log-likelihood objective"),
    Assignment("backprop", "Forward and backward through dense layers"),
    Assignment("optimizers", "Custom Keras optimizers"),
    Assignment("initializers", "Weight initialization"),
    Assignment("regularization", "Dropout, batch normalization, weight decay, early stopping"),
)


def get(name: str) -> Assignment:
    for assignment in ASSIGNMENTS:
        if assignment.name == name:
            return assignment
    names = ", ".join(a.name for a in ASSIGNMENTS)
    raise BadInput(f"unknown assignment '{name}' (known: {names})")
