"""optimizers' custom comparisons (public: student bundles judge the visible checks with them)."""
from __future__ import annotations

import functools

import numpy as np

from autograder.engine.rubric import Call

TRAJECTORY_TOL = 5e-4


def _close_path(expected: np.ndarray, got: np.ndarray) -> bool:
    """Whether ``got`` is ``expected`` within the trajectory tolerance (shapes already equal)."""
    if got.dtype.kind not in "fiu":
        return False
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.abs(got.astype(np.float64) - expected)
                           <= TRAJECTORY_TOL * scale + TRAJECTORY_TOL * np.abs(expected)))


def compare_path(expected, got, call) -> str | None:
    """A path (steps + 1, 2): says where the student's path leaves the reference's."""
    if not isinstance(got, np.ndarray):
        return f"expected an array of shape {expected.shape}, got {type(got).__name__}"
    if got.shape != expected.shape:
        hint = ""
        if got.shape == (expected.shape[0] - 1, 2):
            if _close_path(expected[1:], got):
                hint = " (one row short: your path lacks the starting point; it starts with the start itself)"
            elif _close_path(expected[:-1], got):
                hint = " (one row short: your path lacks the point after the last step)"
            else:
                hint = " (one row short: steps + 1 points, the start and one after each step)"
        elif got.ndim == 2 and got.shape[::-1] == expected.shape:
            hint = " (transposed: one row per point)"
        return f"expected a path of shape {expected.shape}, got shape {got.shape}{hint}"
    if got.dtype.kind not in "fiu":
        return f"expected floating-point numbers, got dtype {got.dtype}"
    got = got.astype(np.float64)
    scale = max(1.0, float(np.max(np.abs(expected))))
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(got - expected) <= TRAJECTORY_TOL * scale + TRAJECTORY_TOL * np.abs(expected))
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size == 0:
        return None
    k = int(rows[0])
    end = expected.shape[0] - 1
    return (f"your path leaves the reference path at point {k} (after {k} step{'' if k == 1 else 's'}): expected "
            f"({expected[k, 0]:.6g}, {expected[k, 1]:.6g}), got ({got[k, 0]:.6g}, {got[k, 1]:.6g}); "
            f"the reference ends at ({expected[end, 0]:.6f}, {expected[end, 1]:.6f}), yours at "
            f"({got[end, 0]:.6g}, {got[end, 1]:.6g})")


def plot_paths(expected, got, call, path) -> None:
    """The lecture's picture for a failed path: contours of f(x, y) = x²/20 + y², the
    reference path and the student's, saved as a PNG at ``path``."""
    from matplotlib.figure import Figure  # no pyplot: safe in grading threads, no display

    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    if got.ndim != 2 or got.shape[1] != 2:
        raise ValueError(f"your result of shape {got.shape} is not a path of (x, y) points")
    points = np.concatenate([expected, got[np.all(np.isfinite(got), axis=1)]])
    low, high = points.min(axis=0), points.max(axis=0)
    margin = np.maximum(0.1 * (high - low), 0.5)
    xs = np.linspace(low[0] - margin[0], high[0] + margin[0], 200)
    ys = np.linspace(low[1] - margin[1], high[1] + margin[1], 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    figure = Figure(figsize=(6, 4.5))
    axes = figure.add_subplot()
    axes.contour(grid_x, grid_y, grid_x ** 2 / 20 + grid_y ** 2, levels=15, colors="0.8")
    axes.plot(expected[:, 0], expected[:, 1], "o-", color="tab:blue", markersize=3, label="reference")
    axes.plot(got[:, 0], got[:, 1], "x--", color="tab:red", markersize=4, label="yours")
    axes.plot(0, 0, "+", color="black")
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.set_title("f(x, y) = x²/20 + y²", fontsize=10)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=90, format="png")


def _config_keys(call: Call) -> list[str]:
    return sorted(call.kwargs)


def compare_config(kind: str, expected, got, call) -> str | None:
    """The get_config round trip of ``kind``: the config's values, then the rebuilt copies' steps."""
    keys = _config_keys(call)
    present = np.asarray(got["present"]).reshape(-1)
    values = np.asarray(got["values"], dtype=np.float64).reshape(-1)
    if present.shape != (len(keys),) or values.shape != (len(keys),):
        return "the round trip returned malformed values"
    missing = [k for k, p in zip(keys, present) if not p]
    if missing:
        return (f"{kind}(...).get_config() has no {', '.join(map(repr, missing))}: Keras rebuilds the "
                f"optimizer with {kind}(**config), so a missing hyperparameter comes back with its "
                "default value")
    for key, want, value in zip(keys, np.asarray(expected["values"]).reshape(-1), values):
        if not abs(value - want) <= 1e-6 * max(1.0, abs(want)):
            return f"{kind}(...).get_config()[{key!r}] is {value:.6g}, expected {want:.6g}"
    if not float(got["same_class"]) == 1.0:
        return (f"keras.optimizers.deserialize(keras.optimizers.serialize(opt), custom_objects="
                f"{{{kind!r}: {kind}}}) did not give back a {kind}")
    for key, what in (("from_config", f"{kind}.from_config(opt.get_config())"),
                      ("deserialized", "the deserialized copy")):
        gap = float(got[key])
        if not gap <= 1e-6:
            return (f"{what} takes other steps than opt itself (largest difference {gap:.3g}): "
                    "a hyperparameter is not saved in get_config or not restored by __init__")
    return None


def compare_config_for(kind: str):
    """``compare_config`` for ``kind``: a ``functools.partial``, so that a bundle can rebuild it."""
    return functools.partial(compare_config, kind)


def compare_fit(expected, got, call) -> str | None:
    loss_e, loss_g = np.asarray(expected["loss"]), np.asarray(got["loss"], dtype=np.float64)
    if loss_g.shape != loss_e.shape:
        return f"expected {loss_e.size} epoch losses, got {loss_g.size}"
    fmt = lambda a: "[" + ", ".join(f"{v:.5f}" for v in a) + "]"  # noqa: E731
    weights_g = [np.asarray(w, dtype=np.float64) for w in got["weights"]]
    if not np.all(np.isfinite(loss_g)) or not all(np.all(np.isfinite(w)) for w in weights_g):
        return (f"training produced NaN or inf (loss per epoch {fmt(loss_g)}; the reference's is "
                f"{fmt(loss_e)}). In model.fit some gradients are exactly 0 (the digits' blank "
                "pixels) and epsilon is tiny here: an update 0 / 0 (no epsilon in the denominator, "
                "or a division by sqrt(h) alone) gives NaN, which then spreads through the network")
    if not np.all(np.abs(loss_g - loss_e) <= 1e-3 * np.abs(loss_e) + 1e-4):
        return f"the training loss per epoch is {fmt(loss_g)}, the reference's is {fmt(loss_e)}"
    names = ("hidden kernel", "hidden bias", "output kernel", "output bias")
    for name, w_e, w_g in zip(names, expected["weights"], got["weights"]):
        w_g = np.asarray(w_g, dtype=np.float64)
        scale = max(1.0, float(np.max(np.abs(w_e))))
        error = np.abs(w_g - w_e)
        if w_g.shape != w_e.shape or not np.all(error <= TRAJECTORY_TOL * scale):
            worst = float(np.nanmax(error)) if w_g.shape == w_e.shape else float("nan")
            return (f"the losses agree ({fmt(loss_g)}), but the trained {name} differs from the "
                    f"reference's by up to {worst:.3g}")
    return None
