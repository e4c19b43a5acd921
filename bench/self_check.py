"""Benchmark: the wall clock of a student's `dlgrade check`, per assignment, cold and warm.

Usage: python bench/self_check.py [--warm N] [ASSIGNMENT ...]   (defaults: 3, all seven)

For each assignment, times `dlgrade check ASSIGNMENT FILE --json` on a correct submission
from the test corpus (tests/submissions/<assignment>/), wall clock from the command's start
to its exit, start-up included:
  - cold: the first check of that assignment in this run, in a fresh process with an empty
    cache folder and no warm zygote (HOME, XDG_CACHE_HOME and XDG_RUNTIME_DIR point to a new
    temporary folder, DLGRADE_CACHE is unset, so nothing a grader or Keras keeps per user is
    there yet: the cold check computes the reference outputs and stores them in the grader's
    reference cache, and starts the warm zygote, autograder/engine/sandbox/warm.py). The operating system's file cache is not
    dropped (that needs root and slows every other process on the machine): the first
    Keras assignment's cold figure includes reading TensorFlow from disk only if nothing
    read it recently.
  - warm: the median of the next N checks of the same file (same cache folder: the reference
    outputs are read back from the cache, the grader does not import TensorFlow; the warm
    zygote the cold check left is reused: nobody imports TensorFlow).
  - private: the same with DLGRADE_KEEP_ZYGOTE=0 (the reference cache, but a zygote started
    and stopped by each check, as before the warm zygote).
Next to them, measured in the same run: `python -c "import tensorflow"` and
`python -c "import numpy"` (cold, then the median of N), the floor a check that imports them
cannot go under. Also prints each check's score (a correct file should get full marks),
with the result's execution_time (the grading in the sandbox, from the last run), the
machine's cores and its load average before and after, since timings on a shared machine
are noisy. Prints figures; asserts nothing. At the end it stops the warm zygotes it started.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "submissions"

# A correct submission per assignment, written differently from the solution; none of the
# NumPy ones imports Keras (that would load TensorFlow into the sandbox and time something else).
CORRECT = {
    "conv_padding": "correct_float32_stride_tricks.py",
    "cross_entropy": "correct_float32.py",
    "softmax_loglik": "correct_float32.py",
    "backprop": "correct_float32.py",
    "optimizers": "correct_numpy_style.py",
    "initializers": "correct_numpy.py",
    "regularization": "correct_alternative.py",
}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or [""]
        return elapsed, f"exit {run.returncode}: {tail[0][:200]}"
    return elapsed, run.stdout


def median_of(command: list[str], env: dict[str, str], runs: int) -> tuple[float | None, str]:
    """(median s of ``runs`` runs, the last run's output)."""
    times, output = [], ""
    for _ in range(runs):
        seconds, output = timed(command, env)
        times.append(seconds)
    return (statistics.median(times) if times else None), output


def cold_and_warm(command: list[str], env: dict[str, str], warm: int) -> tuple[float, float | None, str]:
    """(cold s, median warm s, the last run's output)."""
    cold, output = timed(command, env)
    median, last = median_of(command, env, warm)
    return cold, median, last or output


def stop_warm_zygotes(runtime: Path) -> None:
    """Stop the warm zygotes this run started (their logs name them)."""
    for log in runtime.glob("dlgrade/*.log"):
        for pid in map(int, re.findall(r"zygote (\d+) ready", log.read_text(errors="replace"))):
            try:
                if b"autograder.engine.sandbox.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def score_of(output: str) -> str:
    """The result's score and the grader's own figure for the grading in the sandbox."""
    try:
        result = json.loads(output)
        return (f"{float(result['score']):g}/{float(result['max_score']):g}, "
                f"execution_time {float(result['execution_time']):.2f} s")
    except (ValueError, KeyError, TypeError):
        return output.strip()[:200] or "no result"


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help=f"default: all ({', '.join(CORRECT)})")
    parser.add_argument("--warm", type=int, default=3, help="warm runs per figure (median); default 3")
    args = parser.parse_args()
    unknown = [a for a in args.assignments if a not in CORRECT]
    if unknown:
        parser.error(f"unknown assignment(s): {', '.join(unknown)}")
    args.assignments = args.assignments or list(CORRECT)
    home = Path(tempfile.mkdtemp(prefix="dlgrade-selfcheck-"))
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
           "XDG_RUNTIME_DIR": str(runtime), "DLGRADE_KEEP_ZYGOTE": "1"}
    env.pop("DLGRADE_CACHE", None)
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average before {os.getloadavg()[0]:.2f}")
        rows: list[tuple[str, str, float, float | None, float | None, str]] = []
        for module in ("tensorflow", "numpy"):
            cold, warm, _ = cold_and_warm([sys.executable, "-c", f"import {module}"], env, args.warm)
            rows.append((f'python -c "import {module}"', "", cold, warm, None, ""))
        for assignment in args.assignments:
            path = CORPUS / assignment / CORRECT[assignment]
            command = [sys.executable, "-m", "autograder", "check", assignment, str(path), "--json"]
            cold, warm, output = cold_and_warm(command, env, args.warm)
            private, _ = median_of(command, {**env, "DLGRADE_KEEP_ZYGOTE": "0"}, args.warm)
            rows.append((f"dlgrade check {assignment}", CORRECT[assignment], cold, warm, private,
                         score_of(output)))
        print(f"load average after {os.getloadavg()[0]:.2f}; warm and private = median of {args.warm}")
        header = ("command", "submission", "cold s", "warm s", "private s", "score")
        widths = [max(len(header[0]), *(len(r[0]) for r in rows)), max(len(header[1]), *(len(r[1]) for r in rows))]
        print(f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]:>7}  {header[3]:>7}  "
              f"{header[4]:>9}  {header[5]}")
        for command, submission, cold, warm, private, score in rows:
            print(f"{command:<{widths[0]}}  {submission:<{widths[1]}}  {fmt(cold):>7}  {fmt(warm):>7}  "
                  f"{fmt(private):>9}  {score}")
        print(json.dumps({"warm_runs": args.warm, "cores": os.cpu_count(), "rows": [
            {"command": c, "submission": s, "cold_s": round(cold, 2),
             "warm_s": None if warm is None else round(warm, 2),
             "private_s": None if private is None else round(private, 2), "score": score}
            for c, s, cold, warm, private, score in rows]}))
    finally:
        stop_warm_zygotes(runtime)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
