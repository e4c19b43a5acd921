"""All results in OUT -> gradebook.csv and summary.md (rebuilt from the JSON files each run)."""
from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path

from autograder.engine import course
from autograder.engine.safetext import csv_cell, visible


def _number_key(number: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in number.split("."))


def collect(out: Path) -> dict[str, dict[str, dict]]:
    """{results folder: {assignment: result}} for every result JSON under ``out`` (a file
    that is not a result object of ours is ignored: the gradebook is always written)."""
    results: dict[str, dict[str, dict]] = {}
    known = {a.name for a in course.ASSIGNMENTS}
    for path in sorted(out.glob("*/*.json")):
        if path.stem not in known or not path.is_file() or path.parent.is_symlink():
            continue
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
            float(result["score"]), float(result["max_score"]), list(result["tests"])
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            continue
        results.setdefault(path.parent.name, {})[path.stem] = result
    return results


def student_name(folder: str, per_student: dict[str, dict]) -> str:
    """The student's own name (kept in the results), else the folder's."""
    for result in per_student.values():
        name = (result.get("extra_data") or {}).get("student")
        if isinstance(name, str) and name:
            return name
    return folder


def gradebook_csv(results: dict[str, dict[str, dict]]) -> str:
    present = {a for per_student in results.values() for a in per_student}
    columns = [a.name for a in course.ASSIGNMENTS if a.name in present]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *columns, "total"])
    for student in sorted(results, key=lambda folder: (student_name(folder, results[folder]), folder)):
        scores = [results[student].get(a, {}).get("score") for a in columns]
        total = sum(s for s in scores if s is not None)
        writer.writerow([csv_cell(student_name(student, results[student])),
                         *("" if s is None else f"{s:g}" for s in scores), f"{total:g}"])
    return buffer.getvalue()


UNGRADABLE = "Your file could not be graded: "


def summary_markdown(results: dict[str, dict[str, dict]], skipped: list[str], faults: list[str]) -> str:
    """The class summary; every student-controlled string in it is made visible."""
    problems, renamed = set(), set()
    for folder, per_student in results.items():
        name = student_name(folder, per_student)
        if name != folder:
            renamed.add(f"'{name}' -> {folder}/")
        for assignment, result in per_student.items():
            for line in str(result.get("output", "")).splitlines():
                if line.startswith(UNGRADABLE):
                    problems.add(f"{name} ({assignment}): {line[len(UNGRADABLE):]}")
    return visible(_summary(results, skipped, faults, sorted(problems), sorted(renamed)))


def _summary(results, skipped, faults, problems, renamed) -> str:
    lines = ["# Class summary", ""]
    by_assignment: dict[str, list[dict]] = {}
    for per_student in results.values():
        for name, result in per_student.items():
            by_assignment.setdefault(name, []).append(result)
    for assignment in course.ASSIGNMENTS:
        graded = by_assignment.get(assignment.name)
        if not graded:
            continue
        scores = [r["score"] for r in graded]
        top = max(r["max_score"] for r in graded) or 1.0
        lines += [f"## {assignment.name}", "",
                  f"{len(graded)} submissions; mean {statistics.mean(scores):.2f}, median "
                  f"{statistics.median(scores):g}, min {min(scores):g}, max {max(scores):g} "
                  f"(out of {top:g})", "", "Score distribution:", "", "```"]
        for low in range(0, 100, 20):
            high = low + 20
            count = sum(1 for s in scores if low <= 100 * s / top < high or (high == 100 and s == top))
            lines.append(f"{low:3d}-{high:3d}% | {'#' * count} {count}")
        lines += ["```", "", "Checks by pass rate (hardest first):", "",
                  "| # | check | passed |", "|---|---|---|"]
        rates: dict[str, list] = {}
        for result in graded:
            for test in result["tests"]:
                rates.setdefault(test["number"], [test["name"], 0, 0])
                rates[test["number"]][1] += test["status"] == "passed"
                rates[test["number"]][2] += 1
        for number, (name, passed, total) in sorted(rates.items(), key=lambda kv: (kv[1][1] / kv[1][2], _number_key(kv[0]))):
            lines.append(f"| {number} | {name} | {passed}/{total} ({100 * passed / total:.0f}%) |")
        lines.append("")
    if problems:
        lines += ["## Submissions that could not be graded (they score 0 and say why)", ""]
        lines += [f"- {p}" for p in problems] + [""]
    if renamed:
        lines += ["## Results stored under another folder name (the name is not a safe folder name)", ""]
        lines += [f"- {r}" for r in renamed] + [""]
    if skipped:
        lines += ["## Skipped inputs", ""] + [f"- {s}" for s in skipped] + [""]
    if faults:
        lines += ["## Grader faults (not the students' fault; please report)", ""]
        lines += [f"- {f}" for f in faults] + [""]
    return "\n".join(lines)
