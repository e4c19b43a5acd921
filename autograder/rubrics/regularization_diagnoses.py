"""Diagnoses of the regularization rubric: typical mistakes, reproduced without Keras (a NumPy
model of BatchNormalization, ``bn_cycle``; a pure-Python model of the early-stopping rule,
``simulate``), and the hints that name them.

Private, like the rest of ``autograder/rubrics/``: ``rubrics/regularization.py`` builds the
checks and lists, per check, which of these diagnoses apply (most likely first).
"""
from __future__ import annotations

import math

import numpy as np

from autograder.engine.rubric import Call, Diagnosis
from autograder.exercises.regularization_compare import l2_of

# --- Dropout ------------------------------------------------------------------------------


def _ratio_everywhere(call: Call, value: float) -> dict:
    """The survivors scenario's result for a layer whose kept units are multiplied by ``value``."""
    return {"smallest": np.asarray(value), "largest": np.asarray(value)}


D_DROPOUT_NO_SCALING = Diagnosis(
    "Your kept units equal the inputs: without the inverse scaling the layer's output is on "
    "average (1 - rate)·x in training but x at inference. Divide the kept units by (1 - rate) "
    "(inverted dropout), so that nothing needs to change at inference.",
    lambda ref, call: _ratio_everywhere(call, 1.0),
)
D_DROPOUT_TIMES_KEEP = Diagnosis(
    "Your kept units are multiplied by (1 - rate): that is DLfS' correction at inference, turned "
    "around. Inverted dropout DIVIDES the kept units by (1 - rate) while training.",
    lambda ref, call: _ratio_everywhere(call, 1.0 - float(call.kwargs["rate"])),
)
D_DROPOUT_BY_RATE = Diagnosis(
    "Your kept units are divided by rate: divide by the probability to KEEP a unit, 1 - rate.",
    lambda ref, call: _ratio_everywhere(call, 1.0 / float(call.kwargs["rate"])),
)

# --- BatchNormalization: a NumPy model of the layer ---------------------------------------


def bn_cycle(call: Call, *, ddof=0, eps_outside=False, pytorch=False, update_at_inference=False,
             batch_stats_at_inference=False, ignore_gamma_beta=False, first_axis_only=False) -> dict:
    """The bn_full scenario's result computed with NumPy, optionally with a typical mistake."""
    train, infer, gamma, beta = call.args
    momentum = float(call.kwargs.get("momentum", 0.99))
    epsilon = float(call.kwargs.get("epsilon", 1e-3))
    channels = np.shape((train or infer)[0])[-1]
    g = np.ones(channels) if gamma is None or ignore_gamma_beta else np.asarray(gamma, dtype=float)
    b = np.zeros(channels) if beta is None or ignore_gamma_beta else np.asarray(beta, dtype=float)
    moving = [np.zeros(channels), np.ones(channels)]

    def stats(x):
        axes = (0,) if first_axis_only else tuple(range(x.ndim - 1))
        return x.mean(axis=axes), x.var(axis=axes, ddof=ddof)

    def normalize(x, mean, var):
        denominator = np.sqrt(var) + epsilon if eps_outside else np.sqrt(var + epsilon)
        return g * (x - mean) / denominator + b

    def update(mean, var):
        if first_axis_only:
            return
        for i, stat in enumerate((mean, var)):
            if pytorch:
                moving[i] = momentum * stat + (1 - momentum) * moving[i]
            else:
                moving[i] = momentum * moving[i] + (1 - momentum) * stat

    train_outputs = []
    for x in train:
        x = np.asarray(x, dtype=np.float32).astype(float)
        mean, var = stats(x)
        update(mean, var)
        train_outputs.append(normalize(x, mean, var))
    after_training = tuple(m.copy() for m in moving)
    infer_outputs = []
    for x in infer:
        x = np.asarray(x, dtype=np.float32).astype(float)
        mean, var = stats(x)
        if update_at_inference:
            update(mean, var)
        if batch_stats_at_inference:
            infer_outputs.append(normalize(x, mean, var))
        else:
            infer_outputs.append(normalize(x, *moving))
    return {"train_outputs": tuple(train_outputs), "moving_after_training": after_training,
            "infer_outputs": tuple(infer_outputs), "moving_after_inference": tuple(moving)}


def _moving(statistics) -> dict:
    mean, var = statistics
    return {"moving_mean": mean, "moving_variance": var}


# What each BatchNormalization scenario returns, read off a bn_cycle run: scenario kind -> view
# ("train": bn_training_outputs, "moving": bn_moving_statistics, "inference": bn_inference,
# "full": bn_full).
BN_VIEWS = {
    "train": lambda run: run["train_outputs"],
    "moving": lambda run: _moving(run["moving_after_training"]),
    "inference": lambda run: {"outputs": run["infer_outputs"], **_moving(run["moving_after_inference"])},
    "full": lambda run: run,
}


def _bn_view(kind: str, **mistake):
    """A mistaken result shaped like the ``kind`` scenario's."""
    def mistaken(ref, call):
        return BN_VIEWS[kind](bn_cycle(call, **mistake))
    return mistaken


_UNBIASED = ("Your result matches the UNBIASED batch variance (divided by m - 1): batch "
             "normalization, like Keras, uses the biased variance, the mean of (x - mean)² "
             "(divided by m; NumPy's default ddof=0).")
_EPS_OUTSIDE = ("Your result matches (x - mean) / (sqrt(variance) + epsilon): epsilon goes INSIDE "
                "the square root, (x - mean) / sqrt(variance + epsilon).")
_PYTORCH = ("Your moving statistics match moving = momentum·batch + (1 - momentum)·moving, the "
            "PyTorch convention. Here (as in Keras) momentum weighs the OLD value: moving = "
            "momentum·moving + (1 - momentum)·batch statistic; with momentum=0.99 the moving "
            "averages change slowly.")
_ALWAYS_TRAINING = ("Your layer behaves at inference as in training (batch statistics, and the "
                    "moving statistics change): with training False or None normalize with "
                    "moving_mean and moving_variance and leave them unchanged (note that `if "
                    "training:` treats None as inference).")
_UPDATE_AT_INFERENCE = ("Your layer updates the moving statistics at inference too: update them "
                        "only when training is True; at inference just use them.")
_BATCH_AT_INFERENCE = ("Your layer normalizes with the batch's own statistics at inference: use "
                       "moving_mean and moving_variance when training is False or None.")
_NO_GAMMA_BETA = ("Your output matches the normalized x̂ without gamma and beta: the layer returns "
                  "gamma·x̂ + beta (here gamma and beta were set to other values than 1 and 0).")
_FIRST_AXIS = ("Your output is normalized over the batch axis only (per pixel and channel): for "
               "(N, H, W, C) the statistics run over all axes but the last, N, H and W "
               "(axis=(0, 1, 2)), one mean and variance per channel.")


# The BatchNormalization mistakes: name -> (hint, the bn_cycle arguments that reproduce it).
BN_MISTAKES = {
    "unbiased": (_UNBIASED, {"ddof": 1}),
    "eps_outside": (_EPS_OUTSIDE, {"eps_outside": True}),
    "pytorch": (_PYTORCH, {"pytorch": True}),
    "always_training": (_ALWAYS_TRAINING, {"update_at_inference": True, "batch_stats_at_inference": True}),
    "update_at_inference": (_UPDATE_AT_INFERENCE, {"update_at_inference": True}),
    "batch_at_inference": (_BATCH_AT_INFERENCE, {"batch_stats_at_inference": True}),
    "no_gamma_beta": (_NO_GAMMA_BETA, {"ignore_gamma_beta": True}),
    "first_axis": (_FIRST_AXIS, {"first_axis_only": True}),
}


def bn_diagnoses(kind: str, *names: str) -> tuple[Diagnosis, ...]:
    """The diagnoses of the named mistakes for a check of the ``kind`` scenario (``BN_VIEWS``)."""
    return tuple(Diagnosis(BN_MISTAKES[n][0], _bn_view(kind, **BN_MISTAKES[n][1])) for n in names)

# --- L2WeightDecay ------------------------------------------------------------------------


def _w(call: Call) -> np.ndarray:
    return np.asarray(call.args[0], dtype=np.float32).astype(float)


D_L2_NO_HALF = Diagnosis(
    "Your penalty is λ·‖W‖², twice the expected ½·λ·‖W‖² (that is Keras' own L2): the lecture's "
    "penalty has the ½, so that its gradient is λ·W.",
    lambda ref, call: l2_of(call) * np.sum(_w(call) ** 2),
)
D_L2_MEAN = Diagnosis(
    "Your penalty averages the squared weights: sum them, ½·λ·Σ W².",
    lambda ref, call: 0.5 * l2_of(call) * np.mean(_w(call) ** 2),
)
D_L2_NORM = Diagnosis(
    "Your penalty uses the norm ‖W‖ itself: square it, ½·λ·Σ W².",
    lambda ref, call: 0.5 * l2_of(call) * np.sqrt(np.sum(_w(call) ** 2)),
)
D_L2_NO_LAMBDA = Diagnosis(
    "Your penalty ignores λ (self.l2): ½·λ·Σ W².",
    lambda ref, call: 0.5 * np.sum(_w(call) ** 2),
)
D_L2_GRAD_NO_HALF = Diagnosis(
    "Your penalty's gradient is 2·λ·W: the penalty lacks the ½ (½·λ·‖W‖² has gradient λ·W).",
    lambda ref, call: 2.0 * l2_of(call) * _w(call),
)

# --- EarlyStopping: a pure-Python model of the rule ---------------------------------------


def simulate(val_losses, patience=2, *, extra=0, ties_improve=False) -> tuple[int, int]:
    """(epochs run, best epoch) of the early-stopping rule; ``extra`` epochs late (or early when
    negative), or with an equal value counted as an improvement."""
    best, wait, best_epoch = math.inf, 0, -1
    for epoch, value in enumerate(val_losses):
        if value < best or (ties_improve and value == best):
            best, wait, best_epoch = value, 0, epoch
            continue
        wait += 1
        if wait >= patience + extra:
            return epoch + 1, best_epoch
    return len(val_losses), best_epoch


def _es_patience(call: Call) -> int:
    return int(call.kwargs.get("patience", 2))


def _es_epochs(extra=0, ties_improve=False):
    def mistaken(ref, call):
        return {"epochs_run": np.asarray(simulate(call.args[0], _es_patience(call), extra=extra,
                                                  ties_improve=ties_improve)[0])}
    return mistaken


D_ES_LATE = Diagnosis(
    "Your callback stops one epoch late: count the epochs without improvement and stop as soon as "
    "the count REACHES patience (wait >= patience); with patience=2 the second epoch without "
    "improvement is the last one run.",
    _es_epochs(extra=1),
)
D_ES_EARLY = Diagnosis(
    "Your callback stops one epoch early: with patience=2 training stops after the SECOND "
    "consecutive epoch without improvement (count it before comparing with patience, and reset "
    "the count to 0 on an improvement).",
    _es_epochs(extra=-1),
)
D_ES_TIES = Diagnosis(
    "Your callback counts a value EQUAL to the best as an improvement: only a strictly smaller "
    "value improves (current < best), as in Keras (min_delta=0).",
    _es_epochs(ties_improve=True),
)
D_ES_NOT_RESTORED = Diagnosis(
    "The model ends with the weights of the last epoch run: with restore_best_weights=True keep a "
    "copy of self.model.get_weights() at each improvement and put it back with "
    "self.model.set_weights(...) in on_train_end.",
    lambda ref, call: {"weights_of_epoch": np.asarray(simulate(call.args[0], _es_patience(call))[0] - 1)},
)
