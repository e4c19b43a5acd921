"""All results in OUT -> gradebook.csv and summary.md (rebuilt from the results each run,
read back by ``outputs.OutputFolder.results``)."""
from __future__ import annotations

import csv
import io
import statistics

from rich.console import Console
from rich.table import Table

from autograder.engine import course
from autograder.engine.i18n import _, rubric_text
from autograder.engine.result import Result, ungradable_reason
from autograder.engine.safetext import csv_cell, terminal, visible
from .outputs import OutputFolder


def _number_key(number: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in number.split("."))


def student_name(folder: str, per_student: dict[str, Result]) -> str:
    """The student's own name (kept in the results), else the folder's."""
    for result in per_student.values():
        if result.student:
            return result.student
    return folder


def _columns(results: dict[str, dict[str, Result]]) -> list[str]:
    """The assignments graded for anyone, in the course's order."""
    present = {a for per_student in results.values() for a in per_student}
    return [a.name for a in course.ASSIGNMENTS if a.name in present]


def _students(results: dict[str, dict[str, Result]]) -> list[str]:
    """The results folders, ordered by the student's name."""
    return sorted(results, key=lambda folder: (student_name(folder, results[folder]), folder))


def gradebook_csv(results: dict[str, dict[str, Result]]) -> str:
    columns = _columns(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *columns, "total"])
    for student in _students(results):
        scores = [results[student][a].score if a in results[student] else None for a in columns]
        total = sum(s for s in scores if s is not None)
        writer.writerow([csv_cell(student_name(student, results[student])),
                         *("" if s is None else f"{s:g}" for s in scores), f"{total:g}"])
    return buffer.getvalue()


def summary_markdown(results: dict[str, dict[str, Result]], skipped: list[str], faults: list[str]) -> str:
    """The class summary; every student-controlled string in it is made visible."""
    problems, renamed = set(), set()
    for folder, per_student in results.items():
        name = student_name(folder, per_student)
        if name != folder:
            renamed.add(f"'{name}' -> {folder}/")
        for assignment, result in per_student.items():
            for line in result.output.splitlines():
                reason = ungradable_reason(line)
                if reason is not None:
                    problems.add(f"{name} ({assignment}): {reason}")
    return visible(_summary(results, skipped, faults, sorted(problems), sorted(renamed)))


def _summary(results, skipped, faults, problems, renamed) -> str:
    lines = ["# " + _("Class summary"), ""]
    by_assignment: dict[str, list[Result]] = {}
    for per_student in results.values():
        for name, result in per_student.items():
            by_assignment.setdefault(name, []).append(result)
    for assignment in course.ASSIGNMENTS:
        graded = by_assignment.get(assignment.name)
        if not graded:
            continue
        scores = [r.score for r in graded]
        top = max(r.max_score for r in graded) or 1.0
        lines += [f"## {assignment.name}", "",
                  _("{count} submissions; mean {mean}, median {median}, min {min}, max {max} (out of "
                    "{top})").format(count=len(graded), mean=f"{statistics.mean(scores):.2f}",
                                     median=f"{statistics.median(scores):g}", min=f"{min(scores):g}",
                                     max=f"{max(scores):g}", top=f"{top:g}"),
                  "", _("Score distribution:"), "", "```"]
        for low in range(0, 100, 20):
            high = low + 20
            count = sum(1 for s in scores if low <= 100 * s / top < high or (high == 100 and s == top))
            lines.append(f"{low:3d}-{high:3d}% | {'#' * count} {count}")
        lines += ["```", "", _("Checks by pass rate (hardest first):"), "",
                  "| # | " + _("check") + " | " + _("passed") + " |", "|---|---|---|"]
        rates: dict[str, list] = {}
        for result in graded:
            for test in result.tests:
                rates.setdefault(test.number, [test.name, 0, 0])
                rates[test.number][1] += test.passed
                rates[test.number][2] += 1
        for number, (name, passed, total) in sorted(rates.items(), key=lambda kv: (kv[1][1] / kv[1][2], _number_key(kv[0]))):
            lines.append(f"| {number} | {rubric_text(name)} | {passed}/{total} ({100 * passed / total:.0f}%) |")
        lines.append("")
    if problems:
        lines += ["## " + _("Submissions that could not be graded (they score 0 and say why)"), ""]
        lines += [f"- {p}" for p in problems] + [""]
    if renamed:
        lines += ["## " + _("Results stored under another folder name (the name is not a safe folder name)"), ""]
        lines += [f"- {r}" for r in renamed] + [""]
    if skipped:
        lines += ["## " + _("Skipped inputs"), ""] + [f"- {s}" for s in skipped] + [""]
    if faults:
        lines += ["## " + _("Grader faults (not the students' fault; please report)"), ""]
        lines += [f"- {f}" for f in faults] + [""]
    return "\n".join(lines)


def print_class(outputs: OutputFolder, run, console: Console | None = None) -> None:
    """The final table of a batch run: one row per student, one column per assignment, each
    score with its maximum (``score/max``; gradebook.csv has the scores alone)."""
    console = console or Console()
    path = outputs.gradebook_path
    if not path.exists():
        return
    results = outputs.results()
    if not results:
        console.print(_("no submissions were graded"))
        return
    columns = _columns(results)
    top = {a: max(r[a].max_score for r in results.values() if a in r) for a in columns}
    table = Table(title=_("Gradebook ({path})").format(path=terminal(path)), title_justify="left")
    table.add_column(_("student"))
    for column in [*columns, _("total")]:
        table.add_column(column, justify="right")
    for student in _students(results):
        per_student = results[student]
        cells = [f"{per_student[a].score:g}/{per_student[a].max_score:g}" if a in per_student else ""
                 for a in columns]
        total = sum(per_student[a].score for a in columns if a in per_student)
        table.add_row(terminal(student_name(student, per_student)), *cells,
                      f"{total:g}/{sum(top.values()):g}")
    console.print(table)
    graded = sum(1 for o in run.outcomes if o.result is not None)
    skipped = sum(1 for o in run.outcomes if o.skipped)
    problems = len(run.problems)
    console.print(_("graded {graded}, unchanged since the last run {skipped}, grader faults {faults}").format(
                      graded=graded, skipped=skipped, faults=len(run.faults))
                  + (_(", students whose input could not be graded {count}").format(count=problems)
                     if problems else "")
                  + _("; details in {path}").format(path=terminal(outputs.summary_path)))
