"""`dlgrade grade`'s final table shows each score with its maximum; gradebook.csv keeps the
scores alone."""
from __future__ import annotations

import io
from types import SimpleNamespace

from rich.console import Console

from autograder.channels import gradebook
from autograder.channels.outputs import OutputFolder
from autograder.engine.result import CheckResult, Result, Status


def result(assignment: str, score: float, max_score: float, student: str) -> Result:
    test = CheckResult("a check", "1.1", score, max_score, Status.PASSED if score == max_score else Status.FAILED,
                       "visible")
    return Result(assignment, score, max_score, 0.1, "", (test,), {"student": student})


def test_the_final_table_shows_score_over_maximum(tmp_path):
    outputs = OutputFolder(tmp_path)
    outputs.write("ann", result("conv_padding", 7.5, 9, "ann"), "")
    outputs.write("ann", result("backprop", 3, 12, "ann"), "")
    outputs.write("bob", result("conv_padding", 9, 9, "bob"), "")
    results = outputs.results()
    outputs.write_class(gradebook.gradebook_csv(results), "")
    console = Console(record=True, width=200, color_system=None, file=io.StringIO())
    gradebook.print_class(outputs, SimpleNamespace(outcomes=[], problems=[], faults=[]), console)
    text = console.export_text()
    rows = {line.split(line[0])[1].strip(): [c.strip() for c in line.split(line[0])[2:-1]]
            for line in text.splitlines() if line[:1] in ("│", "┃")}
    assert rows["student"] == ["conv_padding", "backprop", "total"]
    assert rows["ann"] == ["7.5/9", "3/12", "10.5/21"]
    assert rows["bob"] == ["9/9", "", "9/21"]
    assert outputs.gradebook_path.read_text() == ("student,conv_padding,backprop,total\n"
                                                  "ann,7.5,3,10.5\nbob,9,,9\n")
