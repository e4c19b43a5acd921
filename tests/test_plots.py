"""Plots in the feedback: a failed optimizer path is drawn over the reference path (the
lecture's figure), by `dlgrade check --plots DIR` and next to the feedback in batch grading."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.engine import course, grading
from autograder.exercises import lecture
from autograder.exercises.optimizers import plot_paths
from autograder.engine.rubric import Call, Check
from conftest import SUBMISSIONS

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


def lecture_path(steps: int = 30) -> np.ndarray:
    """Plain gradient descent on x²/20 + y² from the lecture's (-7, 2) with its SGD rate 0.95."""
    points = [np.array(lecture.PATH_START)]
    for _ in range(steps):
        x, y = points[-1]
        points.append(points[-1] - lecture.PATH_RATES["SGD"] * np.array([x / 10, 2 * y]))
    return np.array(points)


def test_plot_paths_draws_both_paths_into_a_png(tmp_path):
    expected = lecture_path()
    got = expected * np.array([1.0, -1.0])  # a wrong sign in y
    plot_paths(expected, got, Call((), {}), tmp_path / "a.png")
    assert (tmp_path / "a.png").read_bytes()[:8] == PNG


def test_plot_paths_copes_with_a_diverging_path_and_refuses_a_non_path(tmp_path):
    expected = lecture_path()
    diverged = expected.copy()
    diverged[10:] = np.inf
    plot_paths(expected, diverged, Call((), {}), tmp_path / "b.png")
    assert (tmp_path / "b.png").read_bytes()[:8] == PNG
    with pytest.raises(ValueError, match="not a path"):
        plot_paths(expected, np.zeros(5), Call((), {}), tmp_path / "c.png")


def test_a_plot_that_cannot_be_drawn_is_a_note_not_a_fault(tmp_path):
    def broken(expected, got, call, path):
        path.write_bytes(b"half")
        raise RuntimeError("no backend")

    check = Check("1.1", "f: x", "f", 1.0, lambda rng: [], seed=0, figure=broken)
    line = grading.draw_figure(check, None, None, Call((), {}), tmp_path / "out" / "p.png")
    assert line == "(No plot: RuntimeError: no backend)"
    assert list((tmp_path / "out").iterdir()) == []  # no partial file left behind


def check(path: Path, plots: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "check", "optimizers", str(path), "--json", "--plots", str(plots)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(not course.get("optimizers").available, reason="optimizers not released")
def test_check_plots_the_failed_paths_only(tmp_path):
    result = check(SUBMISSIONS / "optimizers" / "momentum_wrong_sign.py", tmp_path / "plots")
    drawn = sorted(p.name for p in (tmp_path / "plots").iterdir())
    failed_with_figure = [t for t in result["tests"] if t["status"] == "failed"
                          and "Plot of your result against the reference's" in t["output"]]
    # Momentum's lecture path fails (a plot); its one-step checks fail too (no figure for them).
    assert drawn == [f"optimizers-{t['number']}.png" for t in failed_with_figure] != []
    assert all(t["name"].startswith("Momentum: the lecture's path") for t in failed_with_figure)
    for name in drawn:
        assert (tmp_path / "plots" / name).read_bytes()[:8] == PNG
    assert any(t["status"] == "failed" and "Plot" not in t["output"] for t in result["tests"])


@pytest.mark.skipif(not course.get("optimizers").available, reason="optimizers not released")
def test_check_without_failures_draws_nothing(tmp_path):
    result = check(course.get("optimizers").solution_path, tmp_path / "plots")
    assert result["score"] == result["max_score"]
    assert not (tmp_path / "plots").exists()


@pytest.mark.skipif(not course.get("optimizers").available, reason="optimizers not released")
def test_batch_grading_saves_the_plot_next_to_the_feedback(tmp_path):
    student = tmp_path / "class" / "ada"
    student.mkdir(parents=True)
    (student / "optimizers.py").write_text((SUBMISSIONS / "optimizers" / "minimize_2d_without_start.py").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
         "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out" / "ada"
    assert sorted(p.name for p in folder.glob("*.png")) == ["optimizers-6.1.png"]  # 6.2 is hidden
    assert (folder / "optimizers-6.1.png").read_bytes()[:8] == PNG
    assert str(folder / "optimizers-6.1.png") in (folder / "optimizers.md").read_text()


# --- bounds: a submission cannot make the parent draw for minutes ----------------------------------

def test_a_long_path_is_thinned_before_it_is_drawn(tmp_path):
    from autograder.engine import plots

    seen = []

    def recording(expected, got, call, path):
        seen.append((expected.shape, got.shape, got[0].tolist(), got[-1].tolist()))
        plot_paths(expected, got, call, path)

    long_path = np.linspace([-7.0, 2.0], [0.0, 0.0], 900_000)
    check = Check("6.1", "minimize_2d: x", "minimize_2d", 1.0, lambda rng: [], seed=0, figure=recording)
    line = plots.draw_figure(check, lecture_path(), long_path, Call((), {}), tmp_path / "p.png")
    assert line.startswith("Plot of")
    assert seen == [((31, 2), (plots.MAX_POINTS, 2), [-7.0, 2.0], [0.0, 0.0])]
    assert (tmp_path / "p.png").read_bytes()[:8] == PNG


def test_a_submission_gets_a_bounded_number_and_time_of_plots(tmp_path, monkeypatch):
    from autograder.engine import plots

    check = Check("6.1", "minimize_2d: x", "minimize_2d", 1.0, lambda rng: [], seed=0, figure=plot_paths)
    budget = plots.FigureBudget(tmp_path / "a")
    wrong = lecture_path() * np.array([1.0, -1.0])
    lines = [budget.draw(check, lecture_path(), wrong, Call((), {}), f"p{i}.png") for i in range(6)]
    assert sum(line.startswith("Plot of") for line in lines) == plots.MAX_FIGURES
    assert lines[-1] == f"(No plot: this submission already has {plots.MAX_FIGURES} plots.)"
    assert len(list((tmp_path / "a").glob("*.png"))) == plots.MAX_FIGURES
    monkeypatch.setattr(plots, "MAX_SECONDS", 0.0)  # the time budget: spent by the first plot
    budget = plots.FigureBudget(tmp_path / "b")
    lines = [budget.draw(check, lecture_path(), wrong, Call((), {}), f"p{i}.png") for i in range(3)]
    assert lines[0].startswith("Plot of") and lines[1].startswith("(No plot: this submission's plots took")
    assert len(list((tmp_path / "b").glob("*.png"))) == 1


def _check_long_path(tmp_path, points):
    stub = course.get("optimizers").stub_path.read_text()
    path = tmp_path / "optimizers.py"
    path.write_text(stub + "\n\ndef minimize_2d(optimizer, start=(-7.0, 2.0), steps=30):\n"
                    f"    import numpy as np\n    return np.linspace(start, (0.0, 0.0), {points})\n")
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "check", "optimizers", str(path), "--json", "--hidden",
         "--plots", str(tmp_path / "plots")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr
    return {t["number"]: t for t in json.loads(result.stdout)["tests"]}


@pytest.mark.skipif(not course.get("optimizers").available, reason="optimizers not released")
def test_check_with_a_long_path_draws_it_thinned(tmp_path):
    # more points than plots.MAX_POINTS, within the per-case reply budget (sandbox/runner.py:
    # twice the reference's bytes plus half of replies.ARRAY_MARGIN, about 2,100 points here)
    from autograder.engine import plots

    assert plots.MAX_POINTS < 2050
    tests = _check_long_path(tmp_path, 2050)
    drawn = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert drawn == ["optimizers-6.1.png", "optimizers-6.2.png"]
    assert "Plot of your result" in tests["6.1"]["output"] and tests["6.1"]["status"] == "failed"


@pytest.mark.skipif(not course.get("optimizers").available, reason="optimizers not released")
def test_check_with_a_900000_point_path_is_refused_before_plotting(tmp_path):
    # the parent's reply bounds (sandbox/replies.py) refuse 14 MB of numbers for a 31-point path
    tests = _check_long_path(tmp_path, 900_000)
    assert not (tmp_path / "plots").exists() or not list((tmp_path / "plots").iterdir())
    for number in ("6.1", "6.2"):
        assert tests[number]["status"] == "failed"
        assert "far more than expected" in tests[number]["output"]
        assert "Plot of your result" not in tests[number]["output"]
