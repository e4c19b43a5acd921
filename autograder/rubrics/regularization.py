"""Rubric of the regularization assignment: Dropout, BatchNormalization, L2WeightDecay, EarlyStopping.

Every check runs a scenario of ``autograder/exercises/regularization.py`` (see its docstring for
what each returns) on the student's class in the sandbox and on the reference class here.

- Dropout is random: its checks are statistical (the fraction of zeros within six binomial
  standard deviations of ``rate`` on 10^4-10^5 units, two masks disagreeing on about
  ``2·rate·(1 − rate)`` of the units) or compare what does not depend on the mask (the scale of
  the kept units, the identity at inference and at rate 0). Inside ``model.fit`` the checks are
  functional: the training-mode loss differs from ``evaluate``'s, and a small model learns.
- BatchNormalization is deterministic and compared with the reference (which equals
  ``keras.layers.BatchNormalization``, see tests/test_regularization_reference.py) at 1e-5;
  its typical mistakes are reproduced by a NumPy model of the layer (``bn_cycle``) for the hints.
- L2WeightDecay: values, the autodiff gradient, the config, and ``fit`` with a penalized Dense
  layer on all-zero inputs, where the kernel decays exactly by ``(1 − ηλ)`` per step.
- EarlyStopping is driven with scripted losses; its mistakes are reproduced by ``simulate``,
  a pure-Python model of the rule. The sequences of the weight checks are chosen so that
  stopping an epoch early or late does not change the best epoch (each mistake loses its check);
  4.7 ends training without an early stop, where the best weights must come back all the same.

The NumPy models (``bn_cycle``, ``simulate``), the mistakes and their hints are in
``regularization_diagnoses.py``, how each case reads in the feedback (translatable) in
``regularization_descriptions.py``; this file has the cases and the checks.

Which student classes each check calls: each check builds only the class it grades, next to
Keras' own layers, losses and optimizers (``model.fit``, a ``Dense`` layer with the student's
regularizer, a callback driven epoch by epoch by the grader).
"""
from __future__ import annotations

import numpy as np

from autograder.exercises.regularization_compare import compare_bn_fit, compare_bn_weights, compare_dropout_fit, compare_es_fit, compare_l2_dense, compare_dropout_statistics, compare_fresh_masks, compare_l2_config, compare_zero_fraction
from autograder.engine.rubric import Call, Check, Rubric
from autograder.rubrics.regularization_descriptions import (
    describe_bn, describe_bn_fit, describe_bn_weights, describe_dropout, describe_dropout_fit, describe_es,
    describe_es_fit, describe_es_reuse, describe_l2, describe_l2_dense,
)
from autograder.rubrics.regularization_diagnoses import (  # noqa: F401 (bn_cycle, simulate: for tests)
    D_DROPOUT_BY_RATE, D_DROPOUT_NO_SCALING, D_DROPOUT_TIMES_KEEP, D_ES_EARLY, D_ES_LATE,
    D_ES_NOT_RESTORED, D_ES_TIES, D_L2_GRAD_NO_HALF, D_L2_MEAN, D_L2_NO_HALF, D_L2_NO_LAMBDA,
    D_L2_NORM, bn_cycle, bn_diagnoses, simulate,
)

# Custom comparisons (compare_zero_fraction, compare_fresh_masks, compare_dropout_statistics,
# compare_dropout_fit, compare_bn_weights, compare_bn_fit, compare_l2_config) are public, in
# autograder/exercises/regularization_compare.py: student bundles judge the visible checks with them.

# --- helpers -----------------------------------------------------------------------------


def _seed(rng) -> int:
    return int(rng.integers(0, 2**31 - 1))


# --- Dropout -----------------------------------------------------------------------------


def _dropout_call(shape, rate, seed, rng) -> Call:
    return Call((tuple(shape), _seed(rng)), {"rate": rate, "seed": seed})


def cases_dropout_fraction(rng):
    return [_dropout_call((200, 500), 0.2, 1, rng), _dropout_call((200, 500), 0.5, 2, rng),
            _dropout_call((100, 1000), 0.75, None, rng)]


def cases_dropout_survivors(rng):
    return [_dropout_call((40, 50), 0.3, 3, rng), _dropout_call((10, 6, 7), 0.5, 4, rng),
            _dropout_call((25, 40), 0.8, None, rng)]


def cases_dropout_fresh(rng):
    return [_dropout_call((100, 500), 0.5, 5, rng), _dropout_call((100, 500), 0.2, 6, rng)]


def cases_dropout_inference(rng):
    return [_dropout_call((8, 5), 0.5, 7, rng), _dropout_call((4, 3, 3, 2), 0.3, 8, rng),
            _dropout_call((6, 10), 0.9, None, rng)]


def cases_dropout_rate_zero(rng):
    return [_dropout_call((20, 30), 0.0, 9, rng), _dropout_call((5, 4, 4, 3), 0.0, None, rng)]


def cases_dropout_fit(rng):
    return [_dropout_call((1, 8), 0.5, 10, rng)]


def cases_dropout_hidden(rng):
    return [_dropout_call((6, 10, 10, 16), 0.9, 11, rng), _dropout_call((300, 300), 0.1, None, rng),
            _dropout_call((50, 20, 30), 0.6, 12, rng)]


# --- BatchNormalization ------------------------------------------------------------------


def _batch(rng, shape, mean, std) -> np.ndarray:
    return mean + std * rng.standard_normal(shape)


def _bn_call(rng, shape, n_train, n_infer, kwargs=None, gamma_beta=False) -> Call:
    channels = shape[-1]
    mean = rng.uniform(-2.0, 3.0, channels)
    std = rng.uniform(0.5, 3.0, channels)
    train = tuple(_batch(rng, shape, mean, std) for _ in range(n_train))
    infer = tuple(_batch(rng, shape, mean, std) for _ in range(n_infer))
    gamma = rng.uniform(0.5, 2.0, channels) if gamma_beta else None
    beta = rng.uniform(-1.0, 1.0, channels) if gamma_beta else None
    return Call((train, infer, gamma, beta), dict(kwargs or {}))


def cases_bn_weights(rng):
    return [Call(((16, 3),)), Call(((4, 5, 5, 2),), {"momentum": 0.9}),
            Call(((8, 7),), {"epsilon": 1e-5})]


def cases_bn_training(rng):
    return [_bn_call(rng, (32, 4), 1, 0), _bn_call(rng, (16, 3), 1, 0, {"momentum": 0.9, "epsilon": 1e-5}),
            _bn_call(rng, (8, 6), 1, 0, {"epsilon": 0.1})]


def cases_bn_moving(rng):
    return [_bn_call(rng, (16, 3), 4, 0), _bn_call(rng, (32, 5), 3, 0, {"momentum": 0.9}),
            _bn_call(rng, (8, 2), 5, 0, {"momentum": 0.5, "epsilon": 0.01})]


def cases_bn_inference(rng):
    return [_bn_call(rng, (16, 3), 3, 2, {"momentum": 0.9}), _bn_call(rng, (32, 4), 4, 2),
            _bn_call(rng, (8, 5), 2, 2, {"momentum": 0.5, "epsilon": 0.01})]


def cases_bn_4d(rng):
    return [_bn_call(rng, (4, 5, 5, 3), 2, 0, gamma_beta=True),
            _bn_call(rng, (2, 3, 6, 4), 1, 0, {"epsilon": 0.01}, gamma_beta=True)]


def cases_bn_fit(rng):
    return [Call((_seed(rng) % 10_000,))]


def cases_bn_hidden(rng):
    return [_bn_call(rng, (24, 5), 3, 2, {"momentum": 0.8, "epsilon": 1e-4}, gamma_beta=True),
            _bn_call(rng, (3, 4, 4, 5), 3, 2, {"momentum": 0.95}, gamma_beta=True),
            _bn_call(rng, (10, 2, 3), 2, 1, {"epsilon": 0.5}, gamma_beta=True)]


# --- L2WeightDecay -----------------------------------------------------------------------


def cases_l2_value(rng):
    return [Call((rng.standard_normal((5, 4)),), {"l2": 0.1}),
            Call((rng.standard_normal((3, 3, 2, 4)),), {"l2": 0.5}),
            Call((rng.standard_normal((6, 3)),), {})]


def cases_l2_gradient(rng):
    return [Call((rng.standard_normal((4, 3)),), {"l2": 0.2}),
            Call((rng.standard_normal((2, 3, 3)),), {"l2": 0.05})]


def cases_l2_config(rng):
    return [Call((rng.standard_normal((3, 2)),), {"l2": 0.3}),
            Call((rng.standard_normal((4, 4)),), {"l2": 0.07})]


def cases_l2_dense(rng):
    return [Call((rng.standard_normal((4, 3)), 0.1, 3), {"l2": 0.5}),
            Call((rng.standard_normal((2, 5)), 0.2, 2), {"l2": 0.25})]


def cases_l2_hidden(rng):
    return [Call((rng.standard_normal(7),), {"l2": 1.0}),
            Call((rng.standard_normal((2, 3, 4)) * 3.0,), {"l2": 0.03}),
            Call((rng.standard_normal((5, 5)),), {})]


# --- EarlyStopping -----------------------------------------------------------------------


def _es_call(val_losses, patience=None, restore=None, monitor=None, losses=None) -> Call:
    val = tuple(float(v) for v in val_losses)
    train = tuple(float(v) for v in (losses if losses is not None else np.linspace(1.0, 0.5, len(val))))
    kwargs = {}
    if monitor is not None:
        kwargs["monitor"] = monitor
    if patience is not None:
        kwargs["patience"] = patience
    if restore is not None:
        kwargs["restore_best_weights"] = restore
    return Call((val, train), kwargs)


def cases_es_stop(rng):
    return [_es_call([0.9, 0.7, 0.8, 0.75, 0.6, 0.5]),
            _es_call([1.0, 0.8, 0.6, 0.5, 0.45, 0.5, 0.55, 0.6, 0.65], patience=2),
            _es_call([1.0, 0.9, 0.8, 0.7, 0.6, 0.5]),
            _es_call([1.0, 0.9, 0.95, 0.85, 0.9, 0.92, 0.8])]


def cases_es_ties(rng):
    return [_es_call([1.0, 0.9, 0.9, 0.9, 0.95, 0.97, 0.99], patience=2),
            _es_call([1.0, 0.8, 0.85, 0.7], patience=1),
            _es_call([1.0, 0.8, 0.85, 0.9, 0.82, 0.95, 0.7], patience=3),
            _es_call([0.5, 0.5, 0.5, 0.5, 0.4], patience=3),
            _es_call([2.0, 1.0, 1.0, 0.9, 0.9, 0.9, 0.3])]


def cases_es_restore(rng):
    return [_es_call([0.9, 0.7, 0.8, 0.75, 0.78, 0.79, 0.8]),
            _es_call([1.0, 0.6, 0.5, 0.55, 0.7, 0.8, 0.9], restore=True),
            _es_call([1.0, 0.9, 0.95, 0.97, 0.99, 1.2, 1.3], patience=3),
            _es_call([0.5, 0.6, 0.7, 0.8], patience=1)]


def cases_es_restore_at_end(rng):
    """Training ends without an early stop (fewer than ``patience`` epochs since the best one):
    the best epoch's weights come back at the end of training all the same (Keras' behaviour).
    A rule that stops an epoch early ends on the last epoch too, with the same weights."""
    return [_es_call([1.0, 0.6, 0.5, 0.55, 0.6], patience=3),
            _es_call([0.9, 0.8, 0.7, 0.75], restore=True),
            _es_call([0.5, 0.7, 0.6], patience=3)]


def cases_es_keep_last(rng):
    return [_es_call([0.9, 0.7, 0.8, 0.75, 0.6], restore=False),
            _es_call([1.0, 0.8, 0.9, 0.95, 0.99, 0.5], patience=3, restore=False)]


def cases_es_fit(rng):
    return [Call((0.1, 20), {}), Call((0.1, 20), {"patience": 3, "restore_best_weights": False})]


def cases_es_hidden(rng):
    monitor_loss = ((0.5, 0.6, 0.7, 0.8, 0.9, 1.0), (1.0, 0.8, 0.9, 0.85, 0.95, 0.7))
    first = ((1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.4), tuple(np.linspace(1.0, 0.5, 7)))
    second = ((2.0, 1.5, 1.6, 1.7, 1.8, 1.9, 1.0), tuple(np.linspace(1.0, 0.5, 7)))
    return [Call((monitor_loss,), {"monitor": "loss", "patience": 2}),
            Call((first, second), {"patience": 4})]


# --- the rubric ----------------------------------------------------------------------------

_DROPOUT_HINT = ("in training: mask = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator) "
                 ">= rate, outputs = inputs * mask / (1 - rate); at inference (training False or None) "
                 "and for rate 0: outputs = inputs.")
_INFERENCE_HINT = ("at inference (training=False, or a plain layer(x), where Keras passes training=None) "
                   "Dropout returns its inputs unchanged: drop and scale only when training is true "
                   "(`if not training: return inputs`).")
_BN_HINT = ("training=True: mean and biased variance over all axes but the last, outputs = gamma * "
            "(x - mean) / sqrt(variance + epsilon) + beta, then moving = momentum * moving + "
            "(1 - momentum) * batch statistic; otherwise the same formula with the moving statistics.")
_BN_MOVING_HINT = ("after each training call, moving_mean = momentum * moving_mean + (1 - momentum) * "
                   "batch mean and moving_variance = momentum * moving_variance + (1 - momentum) * "
                   "biased batch variance, starting from 0 and 1 (self.moving_mean.assign(...)).")
_BN_INFERENCE_HINT = ("with training False or None: outputs = gamma * (x - moving_mean) / "
                      "sqrt(moving_variance + epsilon) + beta, and the moving statistics stay as "
                      "they are.")
_L2_HINT = "the penalty is 0.5 * self.l2 * ops.sum(ops.square(x)): one number, a differentiable tensor."
_ES_HINT = ("an epoch improves when logs[self.monitor] < the best so far (strictly); otherwise "
            "count it, and when the count reaches patience set self.model.stop_training = True.")

RUBRIC = Rubric(
    assignment="regularization",
    checks=(
        # 1. Dropout
        Check("1.1", "Dropout: in training, the fraction of zeros is about rate (0.2, 0.5, 0.75; 10^5 units)",
              "Dropout", 1.0, cases_dropout_fraction, seed=1101,
              scenario="regularization:dropout_zero_fraction", compare=compare_zero_fraction,
              describe=describe_dropout, hint=_DROPOUT_HINT),
        Check("1.2", "Dropout: in training, the kept units are scaled to x / (1 - rate) (inverted dropout)",
              "Dropout", 1.0, cases_dropout_survivors, seed=1201,
              scenario="regularization:dropout_survivors", describe=describe_dropout,
              hint="divide the kept units by the probability to keep one, 1 - rate: "
                   "outputs = inputs * mask / (1 - rate).",
              diagnoses=(D_DROPOUT_NO_SCALING, D_DROPOUT_TIMES_KEEP, D_DROPOUT_BY_RATE)),
        Check("1.3", "Dropout: a fresh mask in every call (two training calls drop different units)",
              "Dropout", 0.5, cases_dropout_fresh, seed=1301,
              scenario="regularization:dropout_fresh_masks", compare=compare_fresh_masks,
              describe=describe_dropout,
              hint="draw the mask with seed=self.seed_generator (a keras.random.SeedGenerator), "
                   "not with a fixed int seed."),
        Check("1.4", "Dropout: identity at inference (training=False and a plain layer(x))",
              "Dropout", 1.0, cases_dropout_inference, seed=1401,
              scenario="regularization:dropout_inference", describe=describe_dropout,
              rtol=1e-6, atol=1e-6, hint=_INFERENCE_HINT),
        Check("1.5", "Dropout: rate 0 is the identity, also in training",
              "Dropout", 0.5, cases_dropout_rate_zero, seed=1501,
              scenario="regularization:dropout_training", describe=describe_dropout,
              rtol=1e-6, atol=1e-6,
              hint="with rate=0 nothing is dropped and 1 / (1 - rate) = 1: the output equals the input."),
        Check("1.6", "Dropout: inside model.fit (active while training, identity in evaluate, a small model learns)",
              "Dropout", 1.0, cases_dropout_fit, seed=1601,
              scenario="regularization:dropout_fit", compare=compare_dropout_fit,
              describe=describe_dropout_fit,
              hint="write call() with keras.ops and keras.random, and use its training argument."),
        Check("1.7", "Dropout: other shapes, rates and seeds (4-D input, rate 0.9): zeros and scaling",
              "Dropout", 0.5, cases_dropout_hidden, seed=1701, hidden=True,
              scenario="regularization:dropout_training_statistics", compare=compare_dropout_statistics,
              describe=describe_dropout, hint=_DROPOUT_HINT),
        # 2. BatchNormalization
        Check("2.1", "BatchNormalization: weights: trainable gamma (ones) and beta (zeros), non-trainable "
                     "moving_mean (zeros) and moving_variance (ones), one per feature",
              "BatchNormalization", 0.5, cases_bn_weights, seed=2101,
              scenario="regularization:bn_weights", compare=compare_bn_weights,
              describe=describe_bn_weights,
              hint="in build: self.gamma = self.add_weight(shape=(input_shape[-1],), "
                   "initializer=\"ones\", trainable=True, name=\"gamma\"), and the same for beta "
                   "(zeros), moving_mean (zeros, trainable=False), moving_variance (ones, trainable=False)."),
        Check("2.2", "BatchNormalization: training output on (N, C) batches, "
                     "(x - batch mean) / sqrt(biased batch variance + epsilon)",
              "BatchNormalization", 1.0, cases_bn_training, seed=2201,
              scenario="regularization:bn_training_outputs", describe=describe_bn,
              rtol=1e-5, atol=1e-5, hint=_BN_HINT,
              diagnoses=bn_diagnoses("train", "unbiased", "eps_outside")),
        Check("2.3", "BatchNormalization: moving statistics after several training batches "
                     "(momentum 0.99, 0.9, 0.5)",
              "BatchNormalization", 1.0, cases_bn_moving, seed=2301,
              scenario="regularization:bn_moving_statistics", describe=describe_bn,
              rtol=1e-5, atol=1e-5, hint=_BN_MOVING_HINT,
              diagnoses=bn_diagnoses("moving", "pytorch", "unbiased")),
        Check("2.4", "BatchNormalization: inference uses the moving statistics and leaves them unchanged",
              "BatchNormalization", 1.0, cases_bn_inference, seed=2401,
              scenario="regularization:bn_inference", describe=describe_bn,
              rtol=1e-5, atol=1e-5, hint=_BN_INFERENCE_HINT,
              diagnoses=bn_diagnoses("inference", "always_training", "update_at_inference",
                                      "batch_at_inference", "pytorch", "unbiased", "eps_outside")),
        Check("2.5", "BatchNormalization: (N, H, W, C) feature maps, one mean and variance per channel, "
                     "with gamma and beta",
              "BatchNormalization", 0.5, cases_bn_4d, seed=2501,
              scenario="regularization:bn_training_outputs", describe=describe_bn,
              rtol=1e-5, atol=1e-5, hint=_BN_HINT,
              diagnoses=bn_diagnoses("train", "first_axis", "no_gamma_beta", "unbiased", "eps_outside")),
        Check("2.6", "BatchNormalization: inside model.fit, gamma and beta learn and the moving "
                     "statistics follow the data",
              "BatchNormalization", 1.0, cases_bn_fit, seed=2601,
              scenario="regularization:bn_fit", compare=compare_bn_fit, describe=describe_bn_fit,
              hint="write call() with keras.ops on the layer's weights (so gradients reach gamma and "
                   "beta) and update the moving statistics with assign() when training is True."),
        Check("2.7", "BatchNormalization: other momenta, epsilons and shapes, with gamma and beta: "
                     "a full training and inference cycle",
              "BatchNormalization", 0.5, cases_bn_hidden, seed=2701, hidden=True,
              scenario="regularization:bn_full", describe=describe_bn,
              rtol=1e-5, atol=1e-5, hint=_BN_HINT,
              diagnoses=bn_diagnoses("full", "unbiased", "pytorch", "always_training",
                                      "update_at_inference", "batch_at_inference", "no_gamma_beta",
                                      "eps_outside")),
        # 3. L2WeightDecay
        Check("3.1", "L2WeightDecay: the penalty ½·λ·‖W‖² (λ = 0.1, 0.5 and the default 0.01)",
              "L2WeightDecay", 1.0, cases_l2_value, seed=3101,
              scenario="regularization:l2_value", describe=describe_l2, hint=_L2_HINT,
              diagnoses=(D_L2_NO_HALF, D_L2_MEAN, D_L2_NORM, D_L2_NO_LAMBDA)),
        Check("3.2", "L2WeightDecay: its gradient is λ·W (TensorFlow autodiff)",
              "L2WeightDecay", 0.5, cases_l2_gradient, seed=3201,
              scenario="regularization:l2_gradient", describe=describe_l2,
              hint="compute the penalty with keras.ops so that it is differentiable; "
                   "d/dW ½·λ·‖W‖² = λ·W.",
              diagnoses=(D_L2_GRAD_NO_HALF,)),
        Check("3.3", "L2WeightDecay: get_config() gives {'l2': λ}; from_config and a Dense layer's "
                     "config rebuild it",
              "L2WeightDecay", 0.5, cases_l2_config, seed=3301,
              scenario="regularization:l2_config", describe=describe_l2, compare=compare_l2_config,
              hint="get_config returns the constructor's arguments, {\"l2\": self.l2}; "
                   "L2WeightDecay.from_config(config) then calls L2WeightDecay(**config)."),
        Check("3.4", "L2WeightDecay: in a Dense layer, model.losses holds the penalty and fit decays "
                     "the kernel as SGD on the penalty's gradient does",
              "L2WeightDecay", 1.0, cases_l2_dense, seed=3401,
              scenario="regularization:l2_dense_decay", describe=describe_l2_dense,
              compare=compare_l2_dense,
              hint="Keras adds regularizer(kernel) to the model's losses and differentiates it: "
                   "return a differentiable scalar tensor, 0.5 * self.l2 * ops.sum(ops.square(x)). "
                   "(Compared with your own regularizer outside the model: its formula is 3.1's and 3.2's.)"),
        Check("3.5", "L2WeightDecay: other shapes and λ (1-D and 3-D weights, the default)",
              "L2WeightDecay", 0.5, cases_l2_hidden, seed=3501, hidden=True,
              scenario="regularization:l2_value", describe=describe_l2, hint=_L2_HINT,
              diagnoses=(D_L2_NO_HALF, D_L2_MEAN, D_L2_NORM, D_L2_NO_LAMBDA)),
        # 4. EarlyStopping
        Check("4.1", "EarlyStopping: stops after patience (2) epochs without improvement",
              "EarlyStopping", 1.0, cases_es_stop, seed=4101,
              scenario="regularization:early_stopping_epochs", describe=describe_es, exact=True,
              hint=_ES_HINT, diagnoses=(D_ES_LATE, D_ES_EARLY)),
        Check("4.2", "EarlyStopping: an equal val_loss is no improvement; patience 1 and 3",
              "EarlyStopping", 0.5, cases_es_ties, seed=4201,
              scenario="regularization:early_stopping_epochs", describe=describe_es, exact=True,
              hint=_ES_HINT, diagnoses=(D_ES_TIES, D_ES_LATE, D_ES_EARLY)),
        Check("4.3", "EarlyStopping: restore_best_weights=True gives the model its best epoch's weights back",
              "EarlyStopping", 1.0, cases_es_restore, seed=4301,
              scenario="regularization:early_stopping_weights", describe=describe_es, exact=True,
              hint="keep self.model.get_weights() of the best epoch and call self.model.set_weights(...) "
                   "with them in on_train_end. (weights_of_epoch is the epoch, counted from 0, "
                   "whose weights the model holds at the end.)",
              diagnoses=(D_ES_NOT_RESTORED,)),
        Check("4.4", "EarlyStopping: restore_best_weights=False keeps the last epoch's weights",
              "EarlyStopping", 0.5, cases_es_keep_last, seed=4401,
              scenario="regularization:early_stopping_keeps_last", describe=describe_es, exact=True,
              hint="with restore_best_weights=False do not touch the weights: the model ends with "
                   "those of the last epoch run."),
        Check("4.5", "EarlyStopping: inside model.fit with validation data (val_loss falls, then rises)",
              "EarlyStopping", 1.0, cases_es_fit, seed=4501,
              scenario="regularization:early_stopping_fit", describe=describe_es_fit,
              rtol=1e-5, atol=1e-5, compare=compare_es_fit,
              hint="model.fit calls your callback as the grader's loop does: set_model, on_train_begin, "
                   "on_epoch_end(epoch, logs) with logs['val_loss'], on_train_end; stop with "
                   "self.model.stop_training = True and restore with self.model.set_weights. "
                   "(Compared with your own callback driven epoch by epoch: its rule is 4.1–4.4's.)"),
        Check("4.6", "EarlyStopping: monitor='loss', patience 4, and one instance reused for two trainings",
              "EarlyStopping", 0.5, cases_es_hidden, seed=4601, hidden=True,
              scenario="regularization:early_stopping_reuse", describe=describe_es_reuse, exact=True,
              hint="read logs[self.monitor], and reset the state (best, count, best weights) in "
                   "on_train_begin, so that every fit starts afresh. (Compared per training: the "
                   "epochs run, and the epoch, from 0, whose weights the model holds at the end.)"),
        Check("4.7", "EarlyStopping: restore_best_weights=True restores the best weights at the end of "
              "training also when it never stopped early", "EarlyStopping", 0.5, cases_es_restore_at_end,
              seed=4701, scenario="regularization:early_stopping_weights", describe=describe_es, exact=True,
              hint="restore in on_train_end, which model.fit calls however training ends (as Keras' "
                   "EarlyStopping does), not only when your callback stops the training. "
                   "(weights_of_epoch is the epoch, counted from 0, whose weights the model holds at the end.)"),
    ),
    forbidden=(
        "keras.layers.Dropout",
        "keras.layers.BatchNormalization",
        "keras.random.dropout",
        "keras.ops.batch_normalization",
        "keras.ops.moments",
        "keras.regularizers.L1",
        "keras.regularizers.L2",
        "keras.regularizers.L1L2",
        "keras.regularizers.OrthogonalRegularizer",
        "keras.callbacks.EarlyStopping",
        "tensorflow.nn.dropout",
        "tensorflow.nn.batch_normalization",
        "tensorflow.nn.moments",
    ),
    needs_tensorflow=True,
    timeout=60.0,
)
