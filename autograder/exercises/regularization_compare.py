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
from autograder.engine.i18n import N_, _
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
    message = _("in training {fraction} of the {n} outputs were 0; with rate={rate} about "
                "{expected} should be (within ±{tolerance}).").format(
                    fraction=f"{fraction:.2%}", n=n, rate=f"{rate:g}", expected=f"{rate:.0%}",
                    tolerance=f"{tolerance:.1%}")
    if fraction == 0:
        return message + _(" Nothing was dropped: with training=True set each unit to 0 with "
                           "probability rate (is the training argument ignored, or the mask all ones?).")
    if abs(fraction - (1.0 - rate)) <= tolerance:
        return message + _(" You drop with probability 1 - rate: rate is the probability to DROP "
                           "a unit; keep it where keras.random.uniform(...) >= rate.")
    return message + _(" Draw one independent uniform number per unit, "
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
        return _("two calls with training=True dropped exactly the same units: the mask must be "
                 "drawn anew in every call. An int seed (keras.random.uniform(..., seed=self.seed)) "
                 "gives the same numbers every time; pass the layer's SeedGenerator, "
                 "seed=self.seed_generator, which advances at each draw.")
    return _("two calls with training=True disagreed on {disagreement} of the units (dropped in "
             "one call, kept in the other); two independent masks with rate={rate} disagree on "
             "about 2·rate·(1 − rate) = {target} (within ±{tolerance}). Draw a fresh, "
             "independent mask in every call.").format(
                 disagreement=f"{disagreement:.2%}", rate=f"{rate:g}", target=f"{target:.0%}",
                 tolerance=f"{tolerance:.1%}")


def compare_dropout_statistics(expected, got, call):
    message = _zero_fraction_message(float(got["zero_fraction"]), call)
    if message:
        return message
    scale = np.asarray(1.0 / (1.0 - float(call.kwargs["rate"])))
    message = compare_values({"smallest": scale, "largest": scale}, got["scale"], rtol=1e-4,
                             atol=1e-4, where=_("output / input of the kept units"))
    if message:
        return _("{message}. The kept units are scaled by 1 / (1 - rate) = {scale}.").format(
            message=message, scale=f"{1.0 / (1.0 - float(call.kwargs['rate'])):g}")
    return None


def compare_dropout_fit(expected, got, call):
    values = [float(got["train_loss_lr0"]), float(got["eval_loss"])] + [float(v) for v in got["losses"]]
    if not all(math.isfinite(v) for v in values):
        return _("inside model.fit the loss was not finite ({losses}): the layer produced "
                 "nan or inf while training.").format(losses=fmt_seq(values))
    train, evaluate = float(got["train_loss_lr0"]), float(got["eval_loss"])
    if abs(train - evaluate) <= 1e-4 * max(abs(evaluate), 1e-3):
        return _("with learning rate 0, the loss model.fit reports ({train}, training mode) equals "
                 "model.evaluate's ({evaluate}, inference mode): your layer dropped nothing while "
                 "fit trained. Keras passes training=True to call() inside fit; drop units when "
                 "training is true.").format(train=f"{train:.6g}", evaluate=f"{evaluate:.6g}")
    losses = [float(v) for v in got["losses"]]
    if not losses[-1] < losses[0]:
        return _("the model with your Dropout did not learn: the training loss per epoch was "
                 "{losses}, where the reference's fell ({expected}).").format(
                     losses=fmt_seq(losses), expected=fmt_seq(expected["losses"]))
    return None


# --- BatchNormalization ------------------------------------------------------------------


_BN_WEIGHT_SPEC = {"gamma": (1.0, 1.0), "beta": (0.0, 1.0), "moving_mean": (0.0, 0.0),
                   "moving_variance": (1.0, 0.0)}  # initial value, trainable


def compare_bn_weights(expected, got, call):
    shape = tuple(call.args[0])
    for index, (name, (value, trainable)) in enumerate(_BN_WEIGHT_SPEC.items()):
        weight = np.asarray(got[name])
        if weight.shape != (shape[-1],):
            return _("{name} has shape {got}; for inputs of shape {shape} it has one value "
                     "per feature (the last axis): shape ({features},).").format(
                         name=name, got=weight.shape, shape=shape, features=shape[-1])
        if not np.allclose(weight, value):
            return (_("{name} starts at {values}...; it starts at all ones (initializer=\"ones\").") if value else
                    _("{name} starts at {values}...; it starts at all zeros (initializer=\"zeros\").")).format(
                        name=name, values=fmt_seq(weight.ravel()[:4]))
        if float(got["trainable"][index]) != trainable:
            if trainable:
                return _("{name} is not trainable: create it with trainable=True, fit learns it.").format(name=name)
            return _("{name} is trainable: create it with trainable=False. The moving statistics "
                     "are state the layer updates itself (assign), not parameters for the optimizer.").format(name=name)
    counts = [int(c) for c in got["counts"]]
    if counts != [2, 2]:
        return _("the layer has {trainable} trainable and {fixed} non-trainable weights; expected "
                 "exactly 2 and 2 (gamma, beta; moving_mean, moving_variance).").format(
                     trainable=counts[0], fixed=counts[1])
    return None


def compare_bn_fit(expected, got, call):
    losses = [float(v) for v in got["losses"]]
    if not all(math.isfinite(v) for v in losses):
        return _("inside model.fit the loss was not finite ({losses}).").format(losses=fmt_seq(losses))
    flags = [float(v) for v in got["in_trainable_weights"]]
    for name, flag, want in zip(("gamma", "beta", "moving_mean", "moving_variance"), flags, (1, 1, 0, 0)):
        if flag != want:
            return (_("{name} is not among model.trainable_weights: gamma and beta "
                      "are trainable, the moving statistics are not.") if want else
                    _("{name} is among model.trainable_weights: gamma and beta "
                      "are trainable, the moving statistics are not.")).format(name=name)
    before, after = got["before"], got["after"]
    for index, name in enumerate(("gamma", "beta")):
        if np.max(np.abs(np.asarray(after[index]) - np.asarray(before[index]))) < 1e-4:
            return _("{name} did not change during model.fit: the output must depend on it "
                     "(gamma·x̂ + beta) so that the optimizer gets a gradient for it.").format(name=name)
    for index, name in ((2, "moving_mean"), (3, "moving_variance")):
        if np.max(np.abs(np.asarray(after[index]) - np.asarray(before[index]))) < 1e-4:
            return _("{name} did not change during model.fit: update the moving statistics with "
                     "assign() when training is True (fit calls the layer with training=True).").format(name=name)
    if not losses[-1] < losses[0]:
        return _("the model with your BatchNormalization did not learn: the loss per epoch was "
                 "{losses}, where the reference's fell ({expected}).").format(
                     losses=fmt_seq(losses), expected=fmt_seq(expected["losses"]))
    return None


# --- L2WeightDecay -----------------------------------------------------------------------


def l2_of(call: Call) -> float:
    return float(call.kwargs.get("l2", 0.01))


def compare_l2_config(expected, got, call):
    l2 = l2_of(call)
    if abs(float(got["l2"]) - l2) > 1e-12 * max(1.0, abs(l2)):
        return _("get_config() gave l2 = {l2} for L2WeightDecay({args}): "
                 "return the regularizer's own λ, {{\"l2\": self.l2}}.").format(
                     l2=f"{float(got['l2']):g}", args=constructor_args(call.kwargs))
    penalty = float(got["penalty"])
    for key, what in (("from_config", "L2WeightDecay.from_config(regularizer.get_config())"),
                      ("dense_from_config", N_("the regularizer of Dense.from_config(dense.get_config())"))):
        value = float(got[key])
        if not abs(value - penalty) <= 1e-5 * max(1.0, abs(penalty)):
            return _("{what} gives the penalty {value} on W, the original regularizer "
                     "{penalty}: the config must hold everything needed to rebuild it.").format(
                         what=_(what), value=f"{value:.6g}", penalty=f"{penalty:.6g}")
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
        return _("model.losses holds {count} entries for one regularized Dense "
                 "kernel; Keras adds regularizer(kernel) once: return one scalar penalty.").format(
                     count=int(round(float(got["n_losses"]))))
    if not _close(got["losses_sum"], got["own_penalty"]):
        return _("model.losses sums to {total}, but your regularizer gives {own} on the same kernel.").format(
            total=f"{float(got['losses_sum']):.6g}", own=f"{float(got['own_penalty']):.6g}")
    if not _close(got["kernel_after_fit"], got["own_kernel"]):
        return _("after fit the kernel differs from plain SGD steps on your own penalty's gradient: "
                 "the penalty must be a differentiable tensor computed from the weights it is given.")
    return None


def compare_es_fit(expected, got, call):
    """Integration: inside model.fit the callback does what it does when the grader drives it
    epoch by epoch on the same val_loss sequence (its rule is graded by the other checks)."""
    fit_run, own_run = int(got["epochs_run"]), int(got["own_epochs_run"])
    if fit_run != own_run:
        return _("model.fit ran {fit_run} epochs, but your callback driven epoch by epoch on the same "
                 "val_loss stops after {own_run}: set self.model.stop_training = True in on_epoch_end.").format(
                     fit_run=fit_run, own_run=own_run)
    if not _close(got["kernel"], got["own_kernel"]):
        return _("after model.fit the kernel is {kernel}, but your callback "
                 "driven epoch by epoch leaves the weights of the epoch giving {own}: "
                 "use self.model.get_weights() / set_weights() of the model fit trains.").format(
                     kernel=f"{float(np.ravel(got['kernel'])[0]):.6g}", own=f"{float(np.ravel(got['own_kernel'])[0]):.6g}")
    return None
