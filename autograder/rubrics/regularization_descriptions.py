"""How the regularization rubric's cases read in the feedback: one :class:`Description` per
kind of case, English templates translated in the ``rubrics`` catalog (``messages.py``).

The values are code (``Dropout(0.5, seed=3)``, shapes, loss sequences), never words; a case
whose wording depends on its inputs (BatchNormalization with or without gamma and beta set,
with or without inference) has one whole template per wording.
"""
from __future__ import annotations

import numpy as np

from autograder.engine.rubric import Call, Description
from autograder.exercises.regularization_compare import constructor_args, fmt_seq

# --- Dropout -----------------------------------------------------------------------------

DROPOUT = "Dropout({arguments}) on an input of shape {shape}"
DROPOUT_FIT = "Dropout({rate}, seed={seed}) between two Dense layers, model.fit on 64 samples"


def _dropout(call: Call) -> tuple[str, dict]:
    shape, _ = call.args
    kwargs = dict(call.kwargs)
    rate = kwargs.pop("rate")
    return DROPOUT, {"arguments": constructor_args(kwargs, repr(rate)), "shape": tuple(shape)}


def _dropout_fit(call: Call) -> tuple[str, dict]:
    return DROPOUT_FIT, {"rate": repr(call.kwargs["rate"]), "seed": repr(call.kwargs["seed"])}


describe_dropout = Description((DROPOUT,), _dropout)
describe_dropout_fit = Description((DROPOUT_FIT,), _dropout_fit)

# --- BatchNormalization ------------------------------------------------------------------

BN_TRAIN = "BatchNormalization({arguments}) called with training=True on {n_train} batch(es) of shape {shape}"
BN_TRAIN_INFER = ("BatchNormalization({arguments}) called with training=True on {n_train} batch(es) of "
                  "shape {shape} then at inference on {n_infer} batch(es) (training=False, then a "
                  "plain layer(x))")
BN_SET_TRAIN = ("BatchNormalization({arguments}) with gamma and beta set to non-default values, called "
                "with training=True on {n_train} batch(es) of shape {shape}")
BN_SET_TRAIN_INFER = ("BatchNormalization({arguments}) with gamma and beta set to non-default values, "
                      "called with training=True on {n_train} batch(es) of shape {shape} then at "
                      "inference on {n_infer} batch(es) (training=False, then a plain layer(x))")
BN_FIT = "BatchNormalization() followed by Dense(1), model.fit for 4 epochs on 64 samples of 6 features"
_BN = {(False, False): BN_TRAIN, (False, True): BN_TRAIN_INFER,
       (True, False): BN_SET_TRAIN, (True, True): BN_SET_TRAIN_INFER}


def _bn(call: Call) -> tuple[str, dict]:
    train, infer, gamma, _beta = call.args
    if not train:
        raise ValueError("a BatchNormalization case trains on at least one batch")
    return _BN[gamma is not None, bool(infer)], {
        "arguments": constructor_args(call.kwargs), "n_train": len(train),
        "shape": tuple(np.shape(train[0])), "n_infer": len(infer)}


def describe_bn_weights(call: Call) -> str:
    """Code only: nothing to translate."""
    return f"BatchNormalization({constructor_args(call.kwargs)}).build({tuple(call.args[0])})"


describe_bn = Description(tuple(_BN.values()), _bn)
describe_bn_fit = Description((BN_FIT,), lambda call: (BN_FIT, {}))

# --- L2WeightDecay -----------------------------------------------------------------------

L2 = "L2WeightDecay({arguments}) on a weight W of shape {shape}"
L2_DENSE = ("Dense({units}, kernel_regularizer=L2WeightDecay({arguments})), model.losses, then {steps} "
            "SGD steps (learning rate {lr}) on all-zero inputs")


def _l2(call: Call) -> tuple[str, dict]:
    return L2, {"arguments": constructor_args(call.kwargs), "shape": np.asarray(call.args[0]).shape}


def _l2_dense(call: Call) -> tuple[str, dict]:
    w, lr, steps = call.args
    return L2_DENSE, {"units": np.shape(w)[1], "arguments": constructor_args(call.kwargs),
                      "steps": steps, "lr": f"{lr:g}"}


describe_l2 = Description((L2,), _l2)
describe_l2_dense = Description((L2_DENSE,), _l2_dense)

# --- EarlyStopping -----------------------------------------------------------------------

ES = "EarlyStopping({arguments}) with val_loss per epoch {val_loss}"
ES_MONITOR = "EarlyStopping({arguments}) with val_loss per epoch {val_loss} and loss per epoch {loss}"
ES_REUSE_1 = "one EarlyStopping({arguments}) instance used for two trainings: val_loss {val_loss}, loss {loss}"
ES_REUSE_2 = ("one EarlyStopping({arguments}) instance used for two trainings: val_loss {val_loss}, "
              "loss {loss}; then val_loss {val_loss_2}, loss {loss_2}")
ES_FIT = ("model.fit(epochs={epochs}, callbacks=[EarlyStopping({arguments})]) of a one-weight model "
          "from 0 towards 1 (SGD, learning rate {lr}) whose validation targets want 0.5: val_loss "
          "falls, then rises")


def _es(call: Call) -> tuple[str, dict]:
    val, train = call.args
    template = ES if call.kwargs.get("monitor", "val_loss") == "val_loss" else ES_MONITOR
    return template, {"arguments": constructor_args(call.kwargs), "val_loss": fmt_seq(val),
                      "loss": fmt_seq(train)}


def _es_reuse(call: Call) -> tuple[str, dict]:
    values = {"arguments": constructor_args(call.kwargs)}
    for index, (val, train) in enumerate(call.args):
        suffix = f"_{index + 1}" if index else ""
        values.update({f"val_loss{suffix}": fmt_seq(val), f"loss{suffix}": fmt_seq(train)})
    templates = {1: ES_REUSE_1, 2: ES_REUSE_2}
    if len(call.args) not in templates:
        raise ValueError(f"an EarlyStopping reuse case has one or two trainings, not {len(call.args)}")
    return templates[len(call.args)], values


def _es_fit(call: Call) -> tuple[str, dict]:
    lr, epochs = call.args
    return ES_FIT, {"epochs": epochs, "arguments": constructor_args(call.kwargs), "lr": f"{lr:g}"}


describe_es = Description((ES, ES_MONITOR), _es)
describe_es_reuse = Description((ES_REUSE_1, ES_REUSE_2), _es_reuse)
describe_es_fit = Description((ES_FIT,), _es_fit)
