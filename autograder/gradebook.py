"""All results in OUT -> gradebook.csv and summary.md (rebuilt from the JSON files each run)."""
from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path

from . import course


def _number_key(number: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in number.split("."))


def collect(out: Path) -> dict[str, dict[str, dict]]:
    """{student: {assignment: result}} for every result JSON under ``out``."""
    results: dict[str, dict[str, dict]] = {}
    known = {a.name for a in course.ASSIGNMENTS}
    for path in sorted(out.glob("*/*.json")):
        if path.stem not in known:
            continue
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        results.setdefault(path.parent.name, {})[path.stem] = result
    return results


def gradebook_csv(results: dict[str, dict[str, dict]]) -> str:
    present = {a for per_student in results.values() for a in per_student}
    columns = [a.name for a in course.ASSIGNMENTS if a.name in present]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *columns, "total"])
    for student in sorted(results):
        scores = [results[student].get(a, {}).get("score") for a in columns]
        total = sum(s for s in scores if s is not None)
        writer.writerow([student, *("" if s is None else f"{s:g}" for s in scores), f"{total:g}"])
    return buffer.getvalue()


def summary_markdown(results: dict[str, dict[str, dict]], skipped: list[str], faults: list[str]) -> str:
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
    if skipped:
        lines += ["## Skipped inputs", ""] + [f"- {s}" for s in skipped] + [""]
    if faults:
        lines += ["## Grader faults (not the students' fault; please report)", ""]
        lines += [f"- {f}" for f in faults] + [""]
    return "\n".join(lines)
