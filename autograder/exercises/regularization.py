"""Scenarios of the regularization assignment: what the checks do with a module's classes.

The same code runs on the student's module in the sandboxed child and on the reference in
the parent. Each scenario sets Keras' global seed first (``keras.utils.set_random_seed``), builds
its inputs from the case's plain arguments, instantiates the graded class, exercises it the
way Keras does (a layer called in training and inference mode and inside ``model.fit``, a
regularizer inside a ``Dense`` layer, a callback driven epoch by epoch) and returns plain data.
Models are small and compiled with ``run_eagerly=True``: fast for a few steps, and an error in
the student's code surfaces as itself (a ``NotImplementedError`` stays one).

Dropout (case: ``args = (shape, data_seed)``, ``kwargs = {"rate": r, "seed": s}``); the input is
``±uniform(0.5, 2)`` of ``shape``, never 0, so a 0 in the output is a dropped unit:
- ``dropout_zero_fraction``: ``{"zero_fraction"}`` of one training call;
- ``dropout_survivors``: ``{"smallest", "largest"}`` of ``y / x`` over the kept units
  (``y != 0``): both ``1 / (1 - rate)`` for a correct layer;
- ``dropout_fresh_masks``: ``{"disagreement"}``, the fraction of units dropped in exactly one
  of two training calls on the same input;
- ``dropout_inference``: ``(layer(x, training=False), layer(x))``;
- ``dropout_training_statistics``: both of the above from one training call;
- ``dropout_training``: ``layer(x, training=True)`` (for rate 0);
- ``dropout_fit``: a small model with the layer, ``{"train_loss_lr0", "eval_loss", "losses"}``:
  the training-mode loss of one epoch at learning rate 0 (what ``fit`` reports) and the
  inference-mode loss of ``evaluate`` on the same data, then the losses of a few real epochs.

BatchNormalization (case: ``args = (train_batches, infer_batches, gamma, beta)``, tuples of
arrays, gamma/beta ``None`` to keep the initial values; ``kwargs`` go to the constructor):
- ``bn_weights``: ``args = (input_shape,)``; after ``build``: the four weights' values and
  ``trainable`` flags and the layer's weight counts;
- ``bn_training_outputs``, ``bn_moving_statistics``, ``bn_inference``, ``bn_full``: the layer
  is called with ``training=True`` on each training batch, then with ``training=False`` on each
  inference batch but the last, and plainly (``layer(x)``) on the last; they return the
  training outputs / the moving statistics after training / the inference outputs and the
  moving statistics after inference / all of it;
- ``bn_fit``: ``args = (seed,)``; a BN -> Dense model fitted a few epochs: gamma, beta and the
  moving mean before and after, whether each weight is in ``model.trainable_weights``, losses.

L2WeightDecay (``kwargs`` go to the constructor):
- ``l2_value``: ``args = (W,)``: the penalty of a ``keras.Variable`` holding W (float32);
- ``l2_gradient``: ``args = (W,)``: its gradient with respect to the variable (GradientTape);
- ``l2_config``: ``args = (W,)``: ``get_config()["l2"]``, the penalty on W, and the penalty
  on W of the regularizer rebuilt by ``from_config`` and of a Dense layer rebuilt from its
  config (the check compares these with the student's own penalty, not the reference's);
- ``l2_dense_decay``: ``args = (W, learning_rate, steps)``: a Dense layer with kernel W and the
  regularizer: the number of entries of ``model.losses`` and their sum, and the kernel after
  ``steps`` SGD steps on all-zero inputs (where the data loss has no gradient with respect to
  the kernel, so only the penalty moves it: W (1 - learning_rate * l2) ** steps); next to them
  the student's own penalty on W and the kernel after the same SGD steps on the student's own
  penalty gradient outside any model (``own_penalty``, ``own_kernel``): the check compares fit
  with those, so only an integration fault fails it.

EarlyStopping (case: ``args = (val_losses, losses)`` or a tuple of such pairs; ``kwargs`` go to
the constructor). The callback is driven as ``model.fit`` drives it: ``set_model`` on a tiny
model, ``on_train_begin``, then per epoch the weights are set to a marker (every weight =
epoch + 1) and ``on_epoch_end(epoch, {"loss": ..., "val_loss": ...})`` is called until
``model.stop_training``, then ``on_train_end``:
- ``early_stopping_epochs``: ``{"epochs_run"}``;
- ``early_stopping_weights``: ``{"weights_of_epoch"}``, the epoch (from 0) whose weights the
  model holds at the end (``-1`` when the weights are not all from one epoch's marker);
- ``early_stopping_keeps_last``: ``{"weights_of_last_epoch_run"}``, 1.0 or 0.0;
- ``early_stopping_reuse``: one callback instance driven through each sequence in turn:
  ``{"epochs_run", "weights_of_epoch"}``, one entry per training;
- ``early_stopping_fit``: ``args = (learning_rate, epochs)``: a real ``model.fit`` of y = x with
  validation data y = x / 2, from a zero kernel, with the callback: the number of epochs run
  and the final kernel, next to what a fresh instance of the student's callback does when the
  grader drives it epoch by epoch on the same val_loss sequence (``own_epochs_run``,
  ``own_kernel``): the check compares fit with those, so only an integration fault fails it.
"""
from __future__ import annotations

import numpy as np

from autograder.engine import backends
from autograder.engine.i18n import N_, _

from . import ReturnValueError, graded_class
from .regularization_keras import (as_numpy, drive_callback, keras_module, library_error, marker_model, own_val_losses,
                                   same_shape)


# --- Dropout ----------------------------------------------------------------------------


def dropout_input(shape, data_seed) -> np.ndarray:
    """``±uniform(0.5, 2)`` of ``shape`` in float32: never 0, so a 0 output is a dropped unit."""
    rng = np.random.default_rng(int(data_seed))
    shape = tuple(int(n) for n in shape)
    signs = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return (signs * rng.uniform(0.5, 2.0, shape)).astype(np.float32)


def _dropout(module, name, args, kwargs):
    keras = keras_module()
    keras.utils.set_random_seed(int(args[1]))
    cls = graded_class(module, name)
    layer = cls(kwargs["rate"], seed=kwargs.get("seed"))
    return layer, dropout_input(*args)


def _dropout_training_call(layer, x, what="training=True"):
    y = as_numpy(layer(x, training=True), f"layer(x, {what})")
    same_shape(y, x, what)
    return y


def dropout_zero_fraction(module, name, args, kwargs):
    layer, x = _dropout(module, name, args, kwargs)
    y = _dropout_training_call(layer, x)
    return {"zero_fraction": np.asarray(np.mean(y == 0))}


def _kept_scale(y: np.ndarray, x: np.ndarray, rate: float) -> dict:
    """The smallest and largest output / input over the kept (non-zero) units."""
    kept = y != 0
    if not kept.any():  # nothing kept: no evidence about the scale (the zero fraction tells)
        scale = 1.0 / (1.0 - rate)
        return {"smallest": np.asarray(scale), "largest": np.asarray(scale)}
    ratio = y[kept].astype(np.float64) / x[kept].astype(np.float64)
    return {"smallest": np.asarray(ratio.min()), "largest": np.asarray(ratio.max())}


def dropout_survivors(module, name, args, kwargs):
    layer, x = _dropout(module, name, args, kwargs)
    y = _dropout_training_call(layer, x)
    return _kept_scale(y, x, float(kwargs["rate"]))


def dropout_fresh_masks(module, name, args, kwargs):
    layer, x = _dropout(module, name, args, kwargs)
    first = _dropout_training_call(layer, x, N_("training=True, first call"))
    second = _dropout_training_call(layer, x, N_("training=True, second call"))
    return {"disagreement": np.asarray(np.mean((first == 0) != (second == 0)))}


def dropout_inference(module, name, args, kwargs):
    layer, x = _dropout(module, name, args, kwargs)
    explicit = as_numpy(layer(x, training=False), "layer(x, training=False)")
    same_shape(explicit, x, "training=False")
    default = as_numpy(layer(x), "layer(x)")
    same_shape(default, x, "layer(x)")
    return explicit, default


def dropout_training_statistics(module, name, args, kwargs):
    """``{"zero_fraction", "scale"}`` of one training call (``scale`` as dropout_survivors')."""
    layer, x = _dropout(module, name, args, kwargs)
    y = _dropout_training_call(layer, x)
    return {"zero_fraction": np.asarray(np.mean(y == 0)),
            "scale": _kept_scale(y, x, float(kwargs["rate"]))}


def dropout_training(module, name, args, kwargs):
    layer, x = _dropout(module, name, args, kwargs)
    return _dropout_training_call(layer, x)


def dropout_fit(module, name, args, kwargs):
    """A Dense(32, relu) -> Dropout -> Dense(1) regression on 64 samples."""
    keras = keras_module()
    layer, _data = _dropout(module, name, args, kwargs)
    seed = int(args[1])
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    y = (x @ rng.standard_normal((8, 1)) + 0.1 * rng.standard_normal((64, 1))).astype(np.float32)
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(32, activation="relu",
                           kernel_initializer=keras.initializers.GlorotUniform(seed)),
        layer,
        keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed + 1)),
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse", run_eagerly=True)
    history = model.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    train_loss = history.history["loss"][0]
    eval_loss = model.evaluate(x, y, batch_size=64, verbose=0)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", run_eagerly=True)
    history = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)
    return {"train_loss_lr0": np.asarray(train_loss, dtype=np.float64),
            "eval_loss": np.asarray(eval_loss, dtype=np.float64),
            "losses": np.asarray(history.history["loss"], dtype=np.float64)}


# --- BatchNormalization -----------------------------------------------------------------

BN_WEIGHTS = ("gamma", "beta", "moving_mean", "moving_variance")


def bn_weight(layer, attribute: str):
    weight = getattr(layer, attribute, None)
    if weight is None:
        raise ReturnValueError(_(
            "has no attribute `{attribute}` after build: create it in build with "
            "`self.{attribute} = self.add_weight(shape=(C,), initializer=..., trainable=..., "
            "name=\"{attribute}\")`").format(attribute=attribute))
    return weight


def _bn_layer(module, name, kwargs, seed: int = 0):
    keras = keras_module()
    keras.utils.set_random_seed(seed)
    cls = graded_class(module, name)
    return cls(**kwargs)


def bn_weights(module, name, args, kwargs):
    layer = _bn_layer(module, name, kwargs)
    shape = tuple(int(n) for n in args[0])
    layer.build(shape)
    result = {}
    flags = []
    for attribute in BN_WEIGHTS:
        weight = bn_weight(layer, attribute)
        result[attribute] = as_numpy(weight, attribute)
        flags.append(float(bool(getattr(weight, "trainable", False))))
    result["trainable"] = np.asarray(flags)
    result["counts"] = np.asarray([len(layer.trainable_weights), len(layer.non_trainable_weights)],
                                  dtype=np.float64)
    return result


def _bn_run(module, name, args, kwargs) -> dict:
    train_batches, infer_batches, gamma, beta = args
    layer = _bn_layer(module, name, kwargs)
    first = (train_batches or infer_batches)[0]
    if gamma is not None or beta is not None:
        layer.build(tuple(np.shape(first)))
        if gamma is not None:
            bn_weight(layer, "gamma").assign(np.asarray(gamma, dtype=np.float32))
        if beta is not None:
            bn_weight(layer, "beta").assign(np.asarray(beta, dtype=np.float32))
    result = {"train_outputs": [], "infer_outputs": []}
    for x in train_batches:
        x = np.asarray(x, dtype=np.float32)
        y = as_numpy(layer(x, training=True), "layer(x, training=True)")
        same_shape(y, x, "training=True")
        result["train_outputs"].append(y)
    result["moving_after_training"] = (as_numpy(bn_weight(layer, "moving_mean"), "moving_mean"),
                                       as_numpy(bn_weight(layer, "moving_variance"), "moving_variance"))
    for index, x in enumerate(infer_batches):
        x = np.asarray(x, dtype=np.float32)
        last = index == len(infer_batches) - 1
        y = layer(x) if last else layer(x, training=False)
        what = "layer(x)" if last else "layer(x, training=False)"
        y = as_numpy(y, what)
        same_shape(y, x, what)
        result["infer_outputs"].append(y)
    result["moving_after_inference"] = (as_numpy(bn_weight(layer, "moving_mean"), "moving_mean"),
                                        as_numpy(bn_weight(layer, "moving_variance"), "moving_variance"))
    result["train_outputs"] = tuple(result["train_outputs"])
    result["infer_outputs"] = tuple(result["infer_outputs"])
    return result


def bn_training_outputs(module, name, args, kwargs):
    return _bn_run(module, name, args, kwargs)["train_outputs"]


def bn_moving_statistics(module, name, args, kwargs):
    mean, variance = _bn_run(module, name, args, kwargs)["moving_after_training"]
    return {"moving_mean": mean, "moving_variance": variance}


def bn_inference(module, name, args, kwargs):
    run = _bn_run(module, name, args, kwargs)
    mean, variance = run["moving_after_inference"]
    return {"outputs": run["infer_outputs"], "moving_mean": mean, "moving_variance": variance}


def bn_full(module, name, args, kwargs):
    run = _bn_run(module, name, args, kwargs)
    return {"train_outputs": run["train_outputs"],
            "moving_after_training": run["moving_after_training"],
            "infer_outputs": run["infer_outputs"],
            "moving_after_inference": run["moving_after_inference"]}


def bn_fit(module, name, args, kwargs):
    """BN -> Dense(1) regression on 64 samples of 6 features (mean 1, std 3), 4 epochs of SGD."""
    keras = keras_module()
    seed = int(args[0])
    layer = _bn_layer(module, name, kwargs, seed)
    layer.build((None, 6))  # here, not in Sequential: Keras' Sequential.build ignores a NotImplementedError
    rng = np.random.default_rng(seed)
    x = (1.0 + 3.0 * rng.standard_normal((64, 6))).astype(np.float32)
    y = (x @ rng.standard_normal((6, 1)) / 3.0 + 2.0).astype(np.float32)
    model = keras.Sequential([
        keras.Input((6,)),
        layer,
        keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed)),
    ])
    weights = [bn_weight(layer, a) for a in BN_WEIGHTS]
    before = [as_numpy(w, a) for w, a in zip(weights, BN_WEIGHTS)]
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", run_eagerly=True)
    history = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)
    after = [as_numpy(w, a) for w, a in zip(weights, BN_WEIGHTS)]
    trainable = [float(any(w is v for v in model.trainable_weights)) for w in weights]
    return {"before": tuple(before), "after": tuple(after), "in_trainable_weights": np.asarray(trainable),
            "losses": np.asarray(history.history["loss"], dtype=np.float64)}


# --- L2WeightDecay ----------------------------------------------------------------------


def _regularizer(module, name, kwargs):
    keras = keras_module()
    keras.utils.set_random_seed(0)
    return graded_class(module, name)(**kwargs)


def _variable(w):
    keras = keras_module()
    return keras.Variable(np.asarray(w, dtype=np.float32), dtype="float32")


def _scalar(value, what: str) -> np.ndarray:
    array = as_numpy(value, what)
    if array.size != 1:
        raise ReturnValueError(_("returned an array of shape {shape} from {what}: the penalty is one "
                                 "number (a scalar), summed over all weights").format(shape=array.shape, what=_(what)))
    return array.reshape(())


def l2_value(module, name, args, kwargs):
    regularizer = _regularizer(module, name, kwargs)
    return _scalar(regularizer(_variable(args[0])), "regularizer(W)")


def l2_gradient(module, name, args, kwargs):
    regularizer = _regularizer(module, name, kwargs)
    variable = _variable(args[0])
    _scalar(regularizer(variable), "regularizer(W)")
    try:  # grader code: the backend's autodiff of the student's penalty
        gradient = backends.gradient(regularizer, variable)
    except ValueError as exc:  # e.g. a NumPy float is not differentiable
        raise ReturnValueError(_("returned a penalty that the Keras backend cannot differentiate: compute it "
                                 "with keras.ops, not NumPy ({error})").format(error=library_error(exc))) from None
    if gradient is None:
        raise ReturnValueError(_("returned a penalty whose gradient with respect to the weights is "
                                 "None: it does not depend on the weights as far as the Keras backend can "
                                 "tell. Compute it with keras.ops (ops.sum, ops.square), not NumPy "
                                 "or float(), so that model.fit can differentiate it"))
    return as_numpy(gradient, N_("the gradient"))


def l2_config(module, name, args, kwargs):
    keras = keras_module()
    cls = graded_class(module, name)
    regularizer = _regularizer(module, name, kwargs)
    config = regularizer.get_config()
    if not isinstance(config, dict) or "l2" not in config:
        raise ReturnValueError(_("get_config() returned {config}: return the constructor's "
                                 "arguments as a dict, `{{'l2': self.l2}}`").format(config=repr(config)))
    rebuilt = cls.from_config(config)
    dense = keras.layers.Dense(3, kernel_regularizer=regularizer)
    with keras.saving.custom_object_scope({name: cls}):
        dense_rebuilt = keras.layers.Dense.from_config(dense.get_config())
    w = args[0]
    try:
        l2 = np.asarray(float(config["l2"]))
    except (TypeError, ValueError):
        raise ReturnValueError(_("get_config() returned {config}: `config['l2']` is the number "
                                 "λ").format(config=repr(config))) from None
    return {"l2": l2,
            "penalty": _scalar(regularizer(_variable(w)), "regularizer(W)"),
            "from_config": _scalar(rebuilt(_variable(w)), N_("the rebuilt regularizer(W)")),
            "dense_from_config": _scalar(dense_rebuilt.kernel_regularizer(_variable(w)),
                                         N_("the regularizer of a rebuilt Dense layer"))}


def l2_dense_decay(module, name, args, kwargs):
    keras = keras_module()
    w, learning_rate, steps = np.asarray(args[0], dtype=np.float32), float(args[1]), int(args[2])
    regularizer = _regularizer(module, name, kwargs)
    n_in, n_out = w.shape
    model = keras.Sequential([
        keras.Input((n_in,)),
        keras.layers.Dense(n_out, kernel_initializer=keras.initializers.Constant(w),
                           kernel_regularizer=regularizer),
    ])
    losses = [_scalar(loss, N_("the penalty in model.losses")) for loss in model.losses]
    x = np.zeros((8, n_in), dtype=np.float32)
    y = np.random.default_rng(0).standard_normal((8, n_out)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse", run_eagerly=True)
    model.fit(x, y, batch_size=8, epochs=steps, shuffle=False, verbose=0)
    kernel = as_numpy(model.layers[0].kernel, N_("the kernel"))
    return {"n_losses": np.asarray(float(len(losses))),
            "losses_sum": np.asarray(float(np.sum(losses)) if losses else 0.0),
            "kernel_after_fit": kernel,
            **_own_decay(module, name, kwargs, w, learning_rate, steps)}


def _own_decay(module, name, kwargs, w, learning_rate, steps) -> dict:
    """The student's own penalty on W and the kernel after ``steps`` plain SGD steps on the
    student's own penalty gradient (TensorFlow autodiff, float32), outside any model: what fit
    must reproduce if the regularizer works inside a Dense layer, whatever its formula."""
    regularizer = _regularizer(module, name, kwargs)
    variable = _variable(w)
    own_penalty = _scalar(regularizer(variable), "regularizer(W)")
    for _step in range(steps):
        try:  # grader code: the backend's autodiff of the student's penalty
            gradient = backends.gradient(regularizer, variable)
        except ValueError as exc:  # e.g. a NumPy float is not differentiable
            raise ReturnValueError(_("returned a penalty that the Keras backend cannot differentiate ({error})").format(
                error=library_error(exc))) from None
        if gradient is None:
            raise ReturnValueError(_("returned a penalty that does not depend on the weights (no gradient)"))
        variable.assign(variable - np.float32(learning_rate) * gradient.astype(np.float32))
    return {"own_penalty": own_penalty, "own_kernel": as_numpy(variable, N_("the kernel"))}


# --- EarlyStopping ----------------------------------------------------------------------


def _early_stopping(module, name, args, kwargs):
    model = marker_model()
    callback = graded_class(module, name)(**kwargs)
    return drive_callback(callback, model, args[0], args[1])


def early_stopping_epochs(module, name, args, kwargs):
    epochs_run, _weights_epoch = _early_stopping(module, name, args, kwargs)
    return {"epochs_run": np.asarray(epochs_run, dtype=np.int64)}


def early_stopping_weights(module, name, args, kwargs):
    _, weights_epoch = _early_stopping(module, name, args, kwargs)
    return {"weights_of_epoch": np.asarray(weights_epoch, dtype=np.int64)}


def early_stopping_keeps_last(module, name, args, kwargs):
    epochs_run, weights_epoch = _early_stopping(module, name, args, kwargs)
    return {"weights_of_last_epoch_run": np.asarray(float(weights_epoch == epochs_run - 1))}


def early_stopping_reuse(module, name, args, kwargs):
    model = marker_model()
    callback = graded_class(module, name)(**kwargs)
    results = [drive_callback(callback, model, val_losses, losses) for val_losses, losses in args]
    return {"epochs_run": np.asarray([r[0] for r in results], dtype=np.int64),
            "weights_of_epoch": np.asarray([r[1] for r in results], dtype=np.int64)}


def early_stopping_fit(module, name, args, kwargs):
    keras = keras_module()
    keras.utils.set_random_seed(0)
    learning_rate, epochs = float(args[0]), int(args[1])
    callback = graded_class(module, name)(**kwargs)
    x = np.linspace(-1.0, 1.0, 16, dtype=np.float32).reshape(-1, 1)
    x = x / np.sqrt(np.mean(x ** 2))  # mean(x²) = 1: the kernel after t epochs is 1 - (1 - 2η)^t
    model = keras.Sequential([keras.Input((1,)),
                              keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse", run_eagerly=True)
    history = model.fit(x, x, validation_data=(x, 0.5 * x), batch_size=16, epochs=epochs,
                        shuffle=False, verbose=0, callbacks=[callback])
    # The student's own rule, driven by the grader's loop on the same val_loss sequence (and as
    # many epochs as fit had): fit must do what the callback does on its own.
    val_losses = [float(v) for v in history.history.get("val_loss", [])]
    own_val = own_val_losses(learning_rate, epochs)
    own_run, own_epoch = drive_callback(graded_class(module, name)(**kwargs), marker_model(), own_val,
                                [0.0] * len(own_val))
    return {"epochs_run": np.asarray(len(history.history["loss"]), dtype=np.int64),
            "kernel": as_numpy(model.layers[0].kernel, N_("the kernel")),
            "val_loss": np.asarray(val_losses, dtype=np.float64),
            "own_epochs_run": np.asarray(own_run, dtype=np.int64),
            "own_kernel": np.full((1, 1), 1.0 - (1.0 - 2.0 * learning_rate) ** (own_epoch + 1), dtype=np.float32)}
