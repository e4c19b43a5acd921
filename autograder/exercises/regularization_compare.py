"""regularization's custom comparisons (public: student bundles judge the visible checks with them).

Dropout's are statistical (the fraction of zeros within six binomial standard deviations of
``rate``, two masks disagreeing on about ``2·rate·(1 − rate)`` of the units) or functional
(inside ``model.fit``); BatchNormalization's check the weights it creates and that ``fit``
trains it; L2WeightDecay's check its config round trip. ``fmt_seq``, ``constructor_args``
and ``l2_of`` are shared with the rubric's descriptions and diagnoses.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.engine.compare import compare_values
from autograder.engine.rubric import Call

# --- helpers -----------------------------------------------------------------------------


def fmt_seq(values) -> str:
    return "[" + ", ".join(f"{float(v):g}" for v in values) + "]"


def constructor_args(kwargs: dict, positional: str = "") -> str:
    parts = [positional] if positional else []
    parts += [f"{k}={v!r}" for k, v in kwargs.items()]
    return ", ".join(parts)


# --- Dropout -----------------------------------------------------------------------------


def _tolerance(p: float, n: int) -> float:
    """Six binomial standard deviations of a fraction with probability p over n units (at least 0.005)."""
    return max(6.0 * math.sqrt(p * (1.0 - p) / n), 0.005)


def _zero_fraction_message(fraction: float, call: Call) -> str | None:
    rate = float(call.kwargs["rate"])
    n = int(np.prod(call.args[0]))
    tolerance = _tolerance(rate, n)
    if abs(fraction - rate) <= tolerance:
        return None
    message = (f"in training {fraction:.2%} of the {n} outputs were 0; with rate={rate:g} about "
               f"{rate:.0%} should be (within ±{tolerance:.1%}).")
    if fraction == 0:
        return message + (" Nothing was dropped: with training=True set each unit to 0 with "
                          "probability rate (is the training argument ignored, or the mask all ones?).")
    if abs(fraction - (1.0 - rate)) <= tolerance:
        return message + (" You drop with probability 1 - rate: rate is the probability to DROP "
                          "a unit; keep it where keras.random.uniform(...) >= rate.")
    return message + (" Draw one independent uniform number per unit, "
                      "keras.random.uniform(ops.shape(inputs), seed=self.seed_generator), and "
                      "keep the units where it is >= rate.")


def compare_zero_fraction(expected, got, call):
    return _zero_fraction_message(float(got["zero_fraction"]), call)


def compare_fresh_masks(expected, got, call):
    rate = float(call.kwargs["rate"])
    n = int(np.prod(call.args[0]))
    target = 2.0 * rate * (1.0 - rate)
    tolerance = _tolerance(target, n)
    disagreement = float(got["disagreement"])
    if abs(disagreement - target) <= tolerance:
        return None
    if disagreement == 0:
        return ("two calls with training=True dropped exactly the same units: the mask must be "
                "drawn anew in every call. An int seed (keras.random.uniform(..., seed=self.seed)) "
                "gives the same numbers every time; pass the layer's SeedGenerator, "
                "seed=self.seed_generator, which advances at each draw.")
    return (f"two calls with training=True disagreed on {disagreement:.2%} of the units (dropped in "
            f"one call, kept in the other); two independent masks with rate={rate:g} disagree on "
            f"about 2·rate·(1 − rate) = {target:.0%} (within ±{tolerance:.1%}). Draw a fresh, "
            "independent mask in every call.")


def compare_dropout_statistics(expected, got, call):
    message = _zero_fraction_message(float(got["zero_fraction"]), call)
    if message:
        return message
    scale = np.asarray(1.0 / (1.0 - float(call.kwargs["rate"])))
    message = compare_values({"smallest": scale, "largest": scale}, got["scale"], rtol=1e-4,
                             atol=1e-4, where="output / input of the kept units")
    if message:
        return (f"{message}. The kept units are scaled by 1 / (1 - rate) = "
                f"{1.0 / (1.0 - float(call.kwargs['rate'])):g}.")
    return None


def compare_dropout_fit(expected, got, call):
    values = [float(got["train_loss_lr0"]), float(got["eval_loss"])] + [float(v) for v in got["losses"]]
    if not all(math.isfinite(v) for v in values):
        return (f"inside model.fit the loss was not finite ({fmt_seq(values)}): the layer produced "
                "nan or inf while training.")
    train, evaluate = float(got["train_loss_lr0"]), float(got["eval_loss"])
    if abs(train - evaluate) <= 1e-4 * max(abs(evaluate), 1e-3):
        return (f"with learning rate 0, the loss model.fit reports ({train:.6g}, training mode) equals "
                f"model.evaluate's ({evaluate:.6g}, inference mode): your layer dropped nothing while "
                "fit trained. Keras passes training=True to call() inside fit; drop units when "
                "training is true.")
    losses = [float(v) for v in got["losses"]]
    if not losses[-1] < losses[0]:
        return (f"the model with your Dropout did not learn: the training loss per epoch was "
                f"{fmt_seq(losses)}, where the reference's fell ({fmt_seq(expected['losses'])}).")
    return None


# --- BatchNormalization ------------------------------------------------------------------


_BN_WEIGHT_SPEC = {"gamma": (1.0, 1.0), "beta": (0.0, 1.0), "moving_mean": (0.0, 0.0),
                   "moving_variance": (1.0, 0.0)}  # initial value, trainable


def compare_bn_weights(expected, got, call):
    shape = tuple(call.args[0])
    for index, (name, (value, trainable)) in enumerate(_BN_WEIGHT_SPEC.items()):
        weight = np.asarray(got[name])
        if weight.shape != (shape[-1],):
            return (f"{name} has shape {weight.shape}; for inputs of shape {shape} it has one value "
                    f"per feature (the last axis): shape ({shape[-1]},).")
        if not np.allclose(weight, value):
            return (f"{name} starts at {fmt_seq(weight.ravel()[:4])}...; it starts at all "
                    f"{'ones' if value else 'zeros'} (initializer=\"{'ones' if value else 'zeros'}\").")
        if float(got["trainable"][index]) != trainable:
            if trainable:
                return f"{name} is not trainable: create it with trainable=True, fit learns it."
            return (f"{name} is trainable: create it with trainable=False. The moving statistics "
                    "are state the layer updates itself (assign), not parameters for the optimizer.")
    counts = [int(c) for c in got["counts"]]
    if counts != [2, 2]:
        return (f"the layer has {counts[0]} trainable and {counts[1]} non-trainable weights; expected "
                "exactly 2 and 2 (gamma, beta; moving_mean, moving_variance).")
    return None


def compare_bn_fit(expected, got, call):
    losses = [float(v) for v in got["losses"]]
    if not all(math.isfinite(v) for v in losses):
        return f"inside model.fit the loss was not finite ({fmt_seq(losses)})."
    flags = [float(v) for v in got["in_trainable_weights"]]
    for name, flag, want in zip(("gamma", "beta", "moving_mean", "moving_variance"), flags, (1, 1, 0, 0)):
        if flag != want:
            return (f"{name} is {'not ' if want else ''}among model.trainable_weights: gamma and beta "
                    "are trainable, the moving statistics are not.")
    before, after = got["before"], got["after"]
    for index, name in enumerate(("gamma", "beta")):
        if np.max(np.abs(np.asarray(after[index]) - np.asarray(before[index]))) < 1e-4:
            return (f"{name} did not change during model.fit: the output must depend on it "
                    f"(gamma·x̂ + beta) so that the optimizer gets a gradient for it.")
    for index, name in ((2, "moving_mean"), (3, "moving_variance")):
        if np.max(np.abs(np.asarray(after[index]) - np.asarray(before[index]))) < 1e-4:
            return (f"{name} did not change during model.fit: update the moving statistics with "
                    "assign() when training is True (fit calls the layer with training=True).")
    if not losses[-1] < losses[0]:
        return (f"the model with your BatchNormalization did not learn: the loss per epoch was "
                f"{fmt_seq(losses)}, where the reference's fell ({fmt_seq(expected['losses'])}).")
    return None


# --- L2WeightDecay -----------------------------------------------------------------------


def l2_of(call: Call) -> float:
    return float(call.kwargs.get("l2", 0.01))


def compare_l2_config(expected, got, call):
    l2 = l2_of(call)
    if abs(float(got["l2"]) - l2) > 1e-12 * max(1.0, abs(l2)):
        return (f"get_config() gave l2 = {float(got['l2']):g} for L2WeightDecay({constructor_args(call.kwargs)}): "
                "return the regularizer's own λ, {\"l2\": self.l2}.")
    penalty = float(got["penalty"])
    for key, what in (("from_config", "L2WeightDecay.from_config(regularizer.get_config())"),
                      ("dense_from_config", "the regularizer of Dense.from_config(dense.get_config())")):
        value = float(got[key])
        if not abs(value - penalty) <= 1e-5 * max(1.0, abs(penalty)):
            return (f"{what} gives the penalty {value:.6g} on W, the original regularizer "
                    f"{penalty:.6g}: the config must hold everything needed to rebuild it.")
    return None


def _close(a, b, tol: float = 1e-5) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not np.all(np.isfinite(a)):
        return False
    scale = max(1.0, float(np.max(np.abs(b)))) if b.size else 1.0
    return bool(np.all(np.abs(a - b) <= tol * scale))


def compare_l2_dense(expected, got, call):
    """Integration: inside a Dense layer, model.losses holds the student's own penalty once and
    fit moves the kernel as plain SGD on the student's own penalty gradient does (so a wrong
    formula, graded by the value and gradient checks, does not fail this check too)."""
    if int(round(float(got["n_losses"]))) != 1:
        return (f"model.losses holds {int(round(float(got['n_losses'])))} entries for one regularized Dense "
                "kernel; Keras adds regularizer(kernel) once: return one scalar penalty.")
    if not _close(got["losses_sum"], got["own_penalty"]):
        return (f"model.losses sums to {float(got['losses_sum']):.6g}, but your regularizer gives "
                f"{float(got['own_penalty']):.6g} on the same kernel.")
    if not _close(got["kernel_after_fit"], got["own_kernel"]):
        return ("after fit the kernel differs from plain SGD steps on your own penalty's gradient: "
                "the penalty must be a differentiable tensor computed from the weights it is given.")
    return None


def compare_es_fit(expected, got, call):
    """Integration: inside model.fit the callback does what it does when the grader drives it
    epoch by epoch on the same val_loss sequence (its rule is graded by the other checks)."""
    fit_run, own_run = int(got["epochs_run"]), int(got["own_epochs_run"])
    if fit_run != own_run:
        return (f"model.fit ran {fit_run} epochs, but your callback driven epoch by epoch on the same "
                f"val_loss stops after {own_run}: set self.model.stop_training = True in on_epoch_end.")
    if not _close(got["kernel"], got["own_kernel"]):
        return (f"after model.fit the kernel is {float(np.ravel(got['kernel'])[0]):.6g}, but your callback "
                f"driven epoch by epoch leaves the weights of the epoch giving {float(np.ravel(got['own_kernel'])[0]):.6g}: "
                "use self.model.get_weights() / set_weights() of the model fit trains.")
    return None
