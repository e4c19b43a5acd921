"""Keras plumbing shared by the regularization scenarios (``exercises/regularization.py``):
Keras itself, the graded class, returned values as NumPy arrays, and the EarlyStopping
callbacks' driver (a tiny model whose weights mark the epoch they were set in).

Public, like the scenarios: the same code runs on the student's module in the sandboxed child
and on the reference in the parent.
"""
from __future__ import annotations

import os
import sys

import numpy as np

from autograder.engine.i18n import _
from . import ReturnValueError


def keras_module():
    if "keras" not in sys.modules:  # the parent imports Keras for its first scenario
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras  # already imported in the sandbox's zygote

    return keras


def as_numpy(value, what: str) -> np.ndarray:
    keras = keras_module()
    if value is None:
        raise ReturnValueError(_("returned None for {what}: did you forget a `return` statement?").format(
            what=_(what)))
    try:
        return np.asarray(keras.ops.convert_to_numpy(value))
    except Exception as exc:  # noqa: BLE001 - whatever the student returned
        raise ReturnValueError(_("returned {type} for {what}, which is not array-like ({error})").format(
            type=type(value).__name__, what=_(what), error=library_error(exc))) from None


def library_error(exc: BaseException) -> str:
    """A library's exception as feedback shows it, ``ValueError: ...``: its own words, untranslated."""
    return f"{type(exc).__name__}: {exc}"


def same_shape(y: np.ndarray, x: np.ndarray, what: str) -> None:
    if y.shape != x.shape:
        raise ReturnValueError(_("returned an output of shape {got} for an input of shape {shape} ({what}): "
                                 "the output has the input's shape").format(got=y.shape, shape=x.shape, what=_(what)))


# --- EarlyStopping: driving a callback as model.fit does ----------------------------------


def marker_model():
    keras = keras_module()
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])


def set_marker(model, epoch: int) -> None:
    model.set_weights([np.full(w.shape, epoch + 1.0, dtype=np.float32) for w in model.get_weights()])


def marker(model) -> int:
    """The epoch whose marker every weight holds, -1 when they disagree."""
    values = np.concatenate([np.ravel(w) for w in model.get_weights()])
    if np.all(values == values[0]) and values[0] == np.round(values[0]):
        return int(values[0]) - 1
    return -1


def drive_callback(callback, model, val_losses, losses) -> tuple[int, int]:
    """One training run as model.fit drives the callback: (epochs run, epoch of final weights)."""
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin({})
    epochs_run = 0
    for epoch, (val_loss, loss) in enumerate(zip(val_losses, losses)):
        set_marker(model, epoch)
        epochs_run = epoch + 1
        callback.on_epoch_end(epoch, {"loss": float(loss), "val_loss": float(val_loss)})
        if model.stop_training:
            break
    callback.on_train_end({})
    return epochs_run, marker(model)


def own_val_losses(learning_rate: float, epochs: int) -> list:
    """val_loss after each epoch of early_stopping_fit's model: kernel 1 - (1 - 2η)^t against
    targets 0.5 x with mean(x²) = 1 gives (kernel - 0.5)² (the grader's own arithmetic)."""
    return [float((1.0 - (1.0 - 2.0 * learning_rate) ** (t + 1) - 0.5) ** 2) for t in range(epochs)]
