"""Benchmark: seconds per submission for `dlgrade grade` vs one `dlgrade check` per file.

Usage: python bench/grade_throughput.py [N] [ASSIGNMENT]   (defaults: 40 conv_padding)

Generates N submissions (a mix of correct variants and typical mistakes from the test
corpus), then times, side by side in the same run:
  1. `dlgrade grade --jobs 1` (one zygote, children forked per submission),
  2. `dlgrade grade --jobs 2`,
  3. the re-run of (2) with nothing changed (everything skipped),
  4. `dlgrade check` in a loop: one process per submission, what the zygote saves.
Prints figures; asserts nothing (timings on shared machines are noisy).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_class(directory: Path, n: int, assignment: str) -> list[Path]:
    corpus = sorted((ROOT / "tests" / "submissions" / assignment).glob("*.py"))
    files = []
    for i in range(n):
        source = corpus[i % len(corpus)]
        target = directory / f"student{i:03d}" / f"{assignment}.py"
        target.parent.mkdir(parents=True)
        target.write_text(source.read_text() + f"\n# student {i}\n")
        files.append(target)
    return files


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    assignment = sys.argv[2] if len(sys.argv) > 2 else "conv_padding"
    dlgrade = [sys.executable, "-m", "autograder"]
    work = Path(tempfile.mkdtemp(prefix="dlgrade-bench-"))
    try:
        files = make_class(work / "class", n, assignment)
        one = timed(dlgrade + ["grade", str(work / "class"), "--out", str(work / "out1"), "--jobs", "1",
                               "--assignment", assignment])
        two = timed(dlgrade + ["grade", str(work / "class"), "--out", str(work / "out2"), "--jobs", "2",
                               "--assignment", assignment])
        rerun = timed(dlgrade + ["grade", str(work / "class"), "--out", str(work / "out2"), "--jobs", "2",
                                 "--assignment", assignment])
        started = time.perf_counter()
        for path in files:
            subprocess.run(dlgrade + ["check", assignment, str(path), "--json"], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        loop = time.perf_counter() - started
        same = (work / "out1" / "gradebook.csv").read_text() == (work / "out2" / "gradebook.csv").read_text()
        figures = {
            "assignment": assignment, "submissions": n,
            "grade_jobs1_s_per_submission": round(one / n, 3),
            "grade_jobs2_s_per_submission": round(two / n, 3),
            "rerun_s": round(rerun, 2), "rerun_fraction_of_first_run": round(rerun / two, 3),
            "check_loop_s_per_submission": round(loop / n, 3),
            "zygote_speedup_vs_check_loop": round(loop / two, 1),
            "jobs1_and_jobs2_gradebooks_identical": same,
        }
        width = max(map(len, figures))
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
