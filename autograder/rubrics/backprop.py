"""Rubric for backprop: activations, dense layers forward and backward, a two-layer network,
gradient checking and gradient descent (Session 02, CS229 L11).

Layout of the checks, one group per graded function: 1 activation_forward,
2 activation_backward, 3 dense_forward, 4 dense_backward, 5 mlp_loss_and_grads,
6 gradient_check, 7 sgd_step. Each check isolates one behaviour, so a typical mistake loses
only the checks that name it:

- activation_backward has one check per activation, so a wrong derivative loses exactly
  that activation's check (and the hidden re-test);
- dense_forward's cache belongs to the student: dense_forward is graded on ``a`` alone, and
  dense_backward through the student's own dense_forward (scenarios in
  ``autograder/exercises/backprop.py``);
- the dense_backward checks 4.1–4.4 use the linear activation (g' = 1), so an activation
  bug does not leak into them, and look at one output each: 4.1 ``dW`` for a single
  example (m = 1, where a 1/m cannot show), 4.2 ``db`` over a batch, 4.3 ``da_prev``,
  4.4 ``dW`` over a batch (the dedicated "no extra 1/m" check); 4.5 looks at ``da_prev``
  with sigmoid, relu and tanh, i.e. at ``dz = da * g'(z)``, and 4.7 at ``(dW, db)`` with the
  same activations, compared with the student's own linear-layer (dW, db) for da = dz (so a
  dz used for da_prev but not for dW/db loses 4.7 alone, and a wrong dW formula does not);
- mlp_loss_and_grads: the loss (5.1), the output layer's gradients (5.2, where the 1/N of
  the softmax gradient shows) and the hidden layer's (5.3, through the ReLU);
- gradient_check is graded on what it reports for a scalar function built in the scenario:
  at most 1e-7 for correct gradients of a function with curvature (so a forward difference,
  error ∝ h, fails), the reference's relative error for a gradient with a planted mistake
  (the max over entries of |a − n| / max(|a| + |n|, 1e-12)), and 0 rather than 0/0 for
  entries whose gradient is exactly 0;
- sgd_step: the update's values (7.1), that params and grads are left unchanged (7.2), and
  50 steps of gradient descent on a least-squares problem (7.3) whose gradients the grader
  computes, so a wrong mlp_loss_and_grads does not cost sgd_step's points.

Which student functions each check calls (a check calls only the function it grades, except
where a function needs the student's own data structure):

- 1.x activation_forward; 2.x activation_backward; 3.x dense_forward;
- 4.x dense_forward, then dense_backward on the cache it made (the cache's layout is the
  student's choice, so dense_backward cannot be given the reference's); 4.7 also calls
  activation_backward, for the dz it compares against the student's own (a wrong derivative
  is consistent on both sides, so it does not fail 4.7);
- 5.x mlp_loss_and_grads (5.5: large weights, the loss and finite gradients; their values are 5.2–5.4's); 6.x gradient_check (f and the gradients are the grader's);
- 7.x sgd_step (7.3's gradients are the grader's).

Hidden checks re-test the same behaviours on other shapes and seeds. The typical mistakes and
their hints are in ``backprop_diagnoses.py``.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.exercises.backprop import compare_dW_db_from_dz, compare_finite_loss_and_grads, compare_gradient_error, compare_training
from autograder.engine.rubric import Call, Check, Rubric, integers, randn, uniform
from autograder.exercises import backprop as scenario
from autograder.rubrics.backprop_diagnoses import (
    D_NO_DA, D_DERIVATIVE_MISSING, D_SIGMOID_OF_Z, D_SIGMOID_NO_ONE_MINUS, D_RELU_TIMES_A,
    D_TANH_NOT_SQUARED, D_TANH_OF_Z, D_FWD_NO_ACTIVATION, D_FWD_NO_BIAS, D_DW_TRANSPOSED,
    D_DW_OVER_M, D_DB_MEAN, D_DB_NOT_SUMMED, D_DB_KEEPDIMS, D_DA_PREV_NO_DERIVATIVE,
    D_DA_PREV_OVER_M, D_ALL_DW_TRANSPOSED, D_ALL_OVER_M, D_ALL_DB_MEAN, D_ALL_NO_DERIVATIVE,
    D_MLP_SUMMED_LOSS, D_MLP_LOG2, D_MLP_NO_B1, grad_diagnoses, D_MLP_NO_RELU, MLP_ALL_DIAGNOSES,
    D_FORWARD_DIFFERENCE, D_ABSOLUTE_ERROR, D_MEAN_ERROR, D_NORM_ERROR, D_MAX_DENOMINATOR,
    D_NO_FLOOR, D_SGD_PLUS, D_SGD_NO_LR, D_SGD_IN_PLACE,
)

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")

# --- input builders ------------------------------------------------------------------------


def _shape(rng, ndim: int) -> tuple[int, ...]:
    return tuple(integers(rng, 1, 5) for _ in range(ndim))


def _z(rng, *shape: int) -> np.ndarray:
    """Pre-activations spread over the interesting range of all four activations."""
    return randn(rng, *shape, scale=2.5)


def _dense_kwargs(rng, activation: str, m: int, n_in: int, n_out: int) -> dict:
    return {"a_prev": randn(rng, m, n_in), "W": randn(rng, n_in, n_out, scale=0.8),
            "b": randn(rng, n_out, scale=0.5), "activation": activation, "da": randn(rng, m, n_out)}


def _distinct_sizes(rng) -> tuple[int, int]:
    n_in = integers(rng, 2, 6)
    n_out = integers(rng, 2, 5)
    if n_out == n_in:
        n_out += 1
    return n_in, n_out


def _pairs(d: dict) -> tuple:
    return tuple((k, v) for k, v in d.items())


def _mlp_params(rng, d: int, hidden: int, classes: int, scale: float = 1.0) -> dict:
    return {"W1": randn(rng, d, hidden, scale=scale / math.sqrt(d)), "b1": randn(rng, hidden, scale=0.3),
            "W2": randn(rng, hidden, classes, scale=scale / math.sqrt(hidden)),
            "b2": randn(rng, classes, scale=0.3)}


def _mlp_kwargs(rng, n: int, d: int, hidden: int, classes: int) -> dict:
    params = _mlp_params(rng, d, hidden, classes, scale=1.5)
    x = randn(rng, n, d)
    labels = rng.integers(0, classes, size=n).astype(np.int64)
    labels[:classes] = rng.permutation(classes)[: min(classes, n)]  # every class appears (n >= C)
    return {"params": _pairs(params), "x": x, "labels": labels}


# --- cases ---------------------------------------------------------------------------------


def cases_forward(rng):
    calls = []
    for name in ACTIVATIONS:
        for ndim in (1, 2, 3):
            calls.append(Call((_z(rng, *_shape(rng, ndim)), name)))
    return calls


def _backward_cases(name: str):
    def cases(rng):
        calls = []
        for ndim in (1, 2, 2, 3):
            shape = _shape(rng, ndim)
            calls.append(Call((randn(rng, *shape), _z(rng, *shape), name)))
        return calls

    cases.__name__ = f"cases_backward_{name}"
    return cases


def cases_backward_hidden(rng):
    calls = []
    for name in ACTIVATIONS:
        for ndim in (2, 4):
            shape = _shape(rng, ndim)
            calls.append(Call((randn(rng, *shape, scale=3.0), _z(rng, *shape) * 1.5, name)))
    return calls


def cases_dense_forward(rng):
    calls = []
    for name in ACTIVATIONS:
        for _ in range(2):
            n_in, n_out = _distinct_sizes(rng)
            kw = _dense_kwargs(rng, name, integers(rng, 2, 6), n_in, n_out)
            calls.append(Call((kw["a_prev"], kw["W"], kw["b"], name)))
    return calls


def cases_dense_forward_hidden(rng):
    calls = []
    for name in ACTIVATIONS + ("relu", "sigmoid"):
        m = 1 if len(calls) < 2 else integers(rng, 2, 9)
        kw = _dense_kwargs(rng, name, m, integers(rng, 1, 7), integers(rng, 1, 6))
        calls.append(Call((kw["a_prev"], kw["W"], kw["b"], name)))
    return calls


def cases_dW_single(rng):
    calls = []
    for _ in range(3):
        calls.append(Call((), _dense_kwargs(rng, "linear", 1, *_distinct_sizes(rng))))
    n = integers(rng, 2, 5)
    calls.append(Call((), _dense_kwargs(rng, "linear", 1, n, n)))  # square W: a transposed dW fits
    return calls


def _batch_cases(count: int, activations=("linear",)):
    def cases(rng):
        calls = []
        for i in range(count):
            activation = activations[i % len(activations)]
            calls.append(Call((), _dense_kwargs(rng, activation, integers(rng, 3, 8), *_distinct_sizes(rng))))
        return calls

    return cases


cases_db_batch = _batch_cases(4)
cases_da_prev = _batch_cases(4)
cases_dW_batch = _batch_cases(4)
cases_dz_activation = _batch_cases(6, ("sigmoid", "relu", "tanh"))
cases_dW_db_activation = _batch_cases(6, ("sigmoid", "relu", "tanh"))


def cases_dense_backward_hidden(rng):
    calls = []
    for i, activation in enumerate(ACTIVATIONS + ACTIVATIONS):
        m = 1 if i == 0 else integers(rng, 2, 9)
        calls.append(Call((), _dense_kwargs(rng, activation, m, integers(rng, 1, 7), integers(rng, 1, 6))))
    n = integers(rng, 2, 5)
    calls.append(Call((), _dense_kwargs(rng, "relu", integers(rng, 2, 6), n, n)))
    return calls


def cases_mlp(rng):
    calls = []
    for n, d, hidden, classes in ((6, 3, 5, 3), (10, 4, 8, 4), (8, 2, 6, 2)):
        calls.append(Call((), _mlp_kwargs(rng, n, d, hidden, classes)))
    return calls


def cases_mlp_hidden(rng):
    calls = []
    for _ in range(3):
        classes = integers(rng, 2, 5)
        calls.append(Call((), _mlp_kwargs(rng, integers(rng, classes, 14), integers(rng, 1, 6),
                                          integers(rng, 2, 9), classes)))
    return calls


def cases_mlp_large(rng):
    """Weights 100 times the usual: scores in the hundreds, confident mistakes included, so
    exp(scores) overflows unless the softmax is shifted (the loss is large but finite)."""
    calls = []
    for n, d, hidden, classes in ((8, 3, 6, 3), (12, 4, 5, 4)):
        kwargs = _mlp_kwargs(rng, n, d, hidden, classes)
        kwargs["params"] = tuple((k, v * 100.0) for k, v in kwargs["params"])
        calls.append(Call((), kwargs))
    return calls


def _smooth_params(rng, keys_shapes) -> tuple:
    return tuple((key, uniform(rng, -1.5, 1.5, *shape)) for key, shape in keys_shapes)


_MLP_SHAPES = (("W1", (3, 4)), ("b1", (4,)), ("W2", (4, 2)), ("b2", (2,)))


def cases_gradcheck_correct(rng):
    return [
        Call((), {"function": scenario.SMOOTH, "params": _smooth_params(rng, _MLP_SHAPES)}),
        Call((), {"function": scenario.SMOOTH,
                  "params": _smooth_params(rng, (("kernel", (2, 3)), ("bias", (3,)), ("gamma", (5,))))}),
        Call((), {"function": scenario.SMOOTH, "params": _smooth_params(rng, (("W", (4, 3)),)), "h": 1e-5}),
    ]


def cases_gradcheck_planted(rng):
    planted = ((("W1", (0, 1), 2.0)), ("b2", (1,), -1.0), ("W2", (3, 0), 1.1), ("b1", (2,), 0.0))
    return [Call((), {"function": scenario.SMOOTH, "params": _smooth_params(rng, _MLP_SHAPES), "planted": p})
            for p in planted]


def cases_gradcheck_zero(rng):
    return [Call((), {"function": scenario.LINEAR_W_ONLY, "params": _smooth_params(rng, shapes)})
            for shapes in (_MLP_SHAPES, (("W1", (2, 2)), ("b1", (2,)), ("W2", (2, 3)), ("b2", (3,))))]


def tanh_mlp_grads(params: dict, x: np.ndarray, labels: np.ndarray) -> dict:
    """The analytic gradients of ``scenario.tanh_mlp_loss`` (kept here: the scenarios are public)."""
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in scenario.MLP_KEYS)
    n = x.shape[0]
    hidden = np.tanh(x @ W1 + b1)
    scores = hidden @ W2 + b2
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    dscores = probs / probs.sum(axis=1, keepdims=True)
    dscores[np.arange(n), labels] -= 1.0
    dscores /= n
    dz1 = (dscores @ W2.T) * (1.0 - hidden ** 2)
    return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": hidden.T @ dscores, "b2": dscores.sum(axis=0)}


def tanh_mlp_case(rng, n: int, d: int, hidden: int, classes: int, **extra) -> Call:
    params = _mlp_params(rng, d, hidden, classes, scale=1.5)
    x = randn(rng, n, d)
    labels = rng.integers(0, classes, size=n).astype(np.int64)
    return Call((), {"function": scenario.TANH_MLP, "params": _pairs(params), "x": x, "labels": labels,
                     "grads": _pairs(tanh_mlp_grads(params, x, labels)), **extra})


def cases_gradcheck_hidden(rng):
    return [
        tanh_mlp_case(rng, 6, 3, 4, 3),
        tanh_mlp_case(rng, 5, 2, 3, 2, h=1e-4),
        tanh_mlp_case(rng, 6, 3, 4, 3, planted=("W1", (1, 2), 3.0)),
        tanh_mlp_case(rng, 4, 2, 5, 4, h=1e-4, planted=("b2", (0,), -1.0)),
        Call((), {"function": scenario.SMOOTH, "params": _smooth_params(rng, (("a", (2, 2, 2)), ("c", (1,)))),
                  "h": 1e-4}),
    ]


def _three_layers(rng) -> tuple:
    """Keys and shapes of a three-layer network's parameters (all sgd_step cases share the
    keys: a check's results must all have the same structure)."""
    sizes = [integers(rng, 1, 5) for _ in range(4)]
    shapes = []
    for layer in range(3):
        shapes += [(f"W{layer + 1}", (sizes[layer], sizes[layer + 1])), (f"b{layer + 1}", (sizes[layer + 1],))]
    return tuple(shapes)


def _sgd_case(rng, lr, reverse_grads=False) -> Call:
    shapes = _three_layers(rng)
    params = {k: randn(rng, *s) for k, s in shapes}
    grads = {k: randn(rng, *s) for k, s in shapes}
    if reverse_grads:
        grads = dict(reversed(list(grads.items())))
    return Call((), {"params": _pairs(params), "grads": _pairs(grads), "lr": lr})


def cases_sgd(rng):
    return [_sgd_case(rng, 0.1), _sgd_case(rng, 0.5, reverse_grads=True), _sgd_case(rng, 0.01)]


def cases_sgd_inputs(rng):
    return [_sgd_case(rng, 0.1), _sgd_case(rng, 0.3, reverse_grads=True)]


def cases_training(rng):
    """Least squares y ≈ x W + b with noise (gradients computed by the grader's scenario)."""
    calls = []
    for n, d, k in ((40, 3, 2), (60, 5, 3)):
        x = randn(rng, n, d)
        targets = x @ randn(rng, d, k) + randn(rng, k) + randn(rng, n, k, scale=0.1)
        params = {"W": randn(rng, d, k, scale=0.1), "b": np.zeros(k)}
        calls.append(Call((), {"params": _pairs(params), "x": x, "targets": targets, "lr": 0.2, "steps": 50}))
    return calls


# Custom comparisons (compare_gradient_error, compare_training) are public, in
# autograder/exercises/backprop.py: student bundles judge the visible checks with them.


# --- the rubric ----------------------------------------------------------------------------

_FORWARD_HINT = ("sigmoid 1 / (1 + exp(-z)), relu max(z, 0), tanh(z), linear z: elementwise, "
                 "same shape as z.")
_DENSE_HINT = ("dz = da * g'(z), dW = a_prev.T @ dz, db = dz.sum(axis=0), da_prev = dz @ W.T "
               "(row form, no 1/m).")
_TRAINING_HINT = ("The grader runs params = sgd_step(params, grads, lr) 50 times with exact "
                  "least-squares gradients of the params you returned: return a dict with the "
                  "same keys and shapes, each params[k] - lr * grads[k]; a + in the update climbs.")

RUBRIC = Rubric(
    assignment="backprop",
    forbidden_hint="write the backward pass yourself with NumPy matrix products",
    checks=(
        # 1. activation_forward
        Check("1.1", "activation_forward: sigmoid, relu, tanh and linear, elementwise", "activation_forward",
              0.5, cases_forward, seed=1101, hint=_FORWARD_HINT),
        # 2. activation_backward
        Check("2.1", "activation_backward: sigmoid, dz = da * s * (1 - s) with s = sigmoid(z)",
              "activation_backward", 0.5, _backward_cases("sigmoid"), seed=2101,
              hint="dz = da * s * (1 - s) with s = sigmoid(z): the derivative is written with "
                   "the sigmoid of z, not with z.",
              diagnoses=(D_DERIVATIVE_MISSING, D_NO_DA, D_SIGMOID_OF_Z, D_SIGMOID_NO_ONE_MINUS)),
        Check("2.2", "activation_backward: relu, dz = da where z > 0, else 0", "activation_backward", 0.5,
              _backward_cases("relu"), seed=2201,
              hint="dz = da * (z > 0): pass da through where z > 0, zero elsewhere.",
              diagnoses=(D_DERIVATIVE_MISSING, D_NO_DA, D_RELU_TIMES_A)),
        Check("2.3", "activation_backward: tanh, dz = da * (1 - tanh(z)**2)", "activation_backward", 0.5,
              _backward_cases("tanh"), seed=2301, hint="dz = da * (1 - tanh(z)**2).",
              diagnoses=(D_DERIVATIVE_MISSING, D_NO_DA, D_TANH_NOT_SQUARED, D_TANH_OF_Z)),
        Check("2.4", "activation_backward: linear, dz = da", "activation_backward", 0.5,
              _backward_cases("linear"), seed=2401,
              hint="For the linear activation g'(z) = 1, so dz = da.", diagnoses=(D_NO_DA,)),
        Check("2.5", "activation_backward: all four activations, other shapes", "activation_backward", 0.5,
              cases_backward_hidden, seed=2501, hidden=True,
              hint="dz = da * g'(z): sigmoid s * (1 - s), relu (z > 0), tanh 1 - tanh(z)**2, linear 1.",
              diagnoses=(D_DERIVATIVE_MISSING, D_NO_DA, D_SIGMOID_OF_Z, D_SIGMOID_NO_ONE_MINUS,
                         D_RELU_TIMES_A, D_TANH_NOT_SQUARED, D_TANH_OF_Z)),
        # 3. dense_forward
        Check("3.1", "dense_forward: a = g(a_prev @ W + b) for each activation", "dense_forward", 0.5,
              cases_dense_forward, seed=3101, scenario="backprop:dense_forward_output",
              hint="a = g(a_prev @ W + b) with a_prev (m, n_in), W (n_in, n_out), b (n_out,); "
                   "return the pair (a, cache).",
              diagnoses=(D_FWD_NO_ACTIVATION, D_FWD_NO_BIAS)),
        Check("3.2", "dense_forward: a batch of one and other shapes", "dense_forward", 0.5,
              cases_dense_forward_hidden, seed=3201, hidden=True, scenario="backprop:dense_forward_output",
              hint="a = g(a_prev @ W + b), shape (m, n_out), also for m = 1 or n_out = 1.",
              diagnoses=(D_FWD_NO_ACTIVATION, D_FWD_NO_BIAS)),
        # 4. dense_backward
        Check("4.1", "dense_backward: dW = a_prev.T @ dz for a single example (linear layer)",
              "dense_backward", 0.5, cases_dW_single, seed=4101, scenario="backprop:dense_backward_dW",
              hint="dW = a_prev.T @ dz has W's shape (n_in, n_out); dz.T @ a_prev would be the "
                   "lecture's column-form dW.", diagnoses=(D_DW_TRANSPOSED,)),
        Check("4.2", "dense_backward: db = dz summed over the batch (linear layer)", "dense_backward", 0.5,
              cases_db_batch, seed=4201, scenario="backprop:dense_backward_db",
              hint="db = dz.sum(axis=0): a sum over the batch (rows), not a mean; shape (n_out,).",
              diagnoses=(D_DB_MEAN, D_DB_NOT_SUMMED, D_DB_KEEPDIMS)),
        Check("4.3", "dense_backward: da_prev = dz @ W.T (linear layer)", "dense_backward", 0.5,
              cases_da_prev, seed=4301, scenario="backprop:dense_backward_da_prev",
              hint="da_prev = dz @ W.T, shape (m, n_in) like a_prev.", diagnoses=(D_DA_PREV_OVER_M,)),
        Check("4.4", "dense_backward: dW over a batch, no extra 1/m (linear layer)", "dense_backward", 0.5,
              cases_dW_batch, seed=4401, scenario="backprop:dense_backward_dW",
              hint="dW = a_prev.T @ dz already sums over the batch; da is the gradient of the batch "
                   "loss, so there is no extra 1/m.", diagnoses=(D_DW_OVER_M, D_DW_TRANSPOSED)),
        Check("4.5", "dense_backward: dz = da * g'(z) for sigmoid, relu and tanh (seen in da_prev)",
              "dense_backward", 1.0, cases_dz_activation, seed=4501,
              scenario="backprop:dense_backward_da_prev",
              hint="First dz = da * g'(z) with the cached z (e.g. activation_backward(da, z, activation); "
                   "if its checks fail, fix those first), then da_prev = dz @ W.T.",
              diagnoses=(D_DA_PREV_NO_DERIVATIVE, D_DA_PREV_OVER_M)),
        Check("4.6", "dense_backward: (da_prev, dW, db) for all activations, other shapes", "dense_backward",
              0.5, cases_dense_backward_hidden, seed=4601, hidden=True, scenario="backprop:dense_backward_all",
              hint=_DENSE_HINT,
              diagnoses=(D_ALL_DW_TRANSPOSED, D_ALL_OVER_M, D_ALL_DB_MEAN, D_ALL_NO_DERIVATIVE)),
        Check("4.7", "dense_backward: dW and db from dz = da * g'(z) for sigmoid, relu and tanh",
              "dense_backward", 0.5, cases_dW_db_activation, seed=4701,
              scenario="backprop:dense_backward_dW_db_consistency", compare=compare_dW_db_from_dz,
              hint="dW = a_prev.T @ dz and db = dz.sum(axis=0) with dz = da * g'(z), the same dz as "
                   "da_prev's (not da itself)."),
        # 5. mlp_loss_and_grads
        Check("5.1", "mlp_loss_and_grads: loss = batch mean of the softmax cross-entropy", "mlp_loss_and_grads",
              0.5, cases_mlp, seed=5101, scenario="backprop:mlp_loss",
              hint="loss = mean over i of -log softmax(scores)[i, labels[i]] (natural log) with "
                   "scores = relu(x @ W1 + b1) @ W2 + b2.",
              diagnoses=(D_MLP_SUMMED_LOSS, D_MLP_LOG2, D_MLP_NO_B1)),
        Check("5.2", "mlp_loss_and_grads: output layer gradients W2, b2", "mlp_loss_and_grads", 0.5,
              cases_mlp, seed=5201, scenario="backprop:mlp_output_grads",
              hint="dscores = (softmax(scores) - one_hot(labels)) / N; dW2 = hidden.T @ dscores, "
                   "db2 = dscores.sum(axis=0).",
              diagnoses=grad_diagnoses(("W2", "b2"))),
        Check("5.3", "mlp_loss_and_grads: hidden layer gradients W1, b1 (through the ReLU)",
              "mlp_loss_and_grads", 1.0, cases_mlp, seed=5301, scenario="backprop:mlp_hidden_grads",
              hint="dhidden = dscores @ W2.T, dz1 = dhidden * (z1 > 0); dW1 = x.T @ dz1, "
                   "db1 = dz1.sum(axis=0).",
              diagnoses=grad_diagnoses(("W1", "b1")) + (D_MLP_NO_RELU,)),
        Check("5.4", "mlp_loss_and_grads: loss and all gradients, other shapes", "mlp_loss_and_grads", 0.5,
              cases_mlp_hidden, seed=5401, hidden=True, scenario="backprop:mlp_all",
              hint="Mean softmax cross-entropy; dscores = (softmax - one_hot) / N, then dense backward "
                   "through the output layer and the ReLU layer.",
              diagnoses=MLP_ALL_DIAGNOSES),
        Check("5.5", "mlp_loss_and_grads: large weights (scores in the hundreds): finite loss and gradients",
              "mlp_loss_and_grads", 0.5, cases_mlp_large, seed=5501, scenario="backprop:mlp_all",
              compare=compare_finite_loss_and_grads,
              hint="Shift the scores by their row maximum before exp (log-softmax = shifted - "
                   "log(sum(exp(shifted)))): the softmax is unchanged and exp cannot overflow."),
        # 6. gradient_check
        Check("6.1", "gradient_check: at most 1e-7 for correct gradients (central differences)",
              "gradient_check", 1.0, cases_gradcheck_correct, seed=6101, scenario="backprop:gradient_check_error",
              compare=compare_gradient_error, rtol=0.05, atol=1e-12,
              hint="Perturb one entry at a time by +h and -h (float64, put the old value back), "
                   "n = (f(θ + h) - f(θ - h)) / (2h): its error is of order h², so correct gradients "
                   "give about 1e-10 here.",
              diagnoses=(D_FORWARD_DIFFERENCE,)),
        Check("6.2", "gradient_check: max relative error for gradients with a planted mistake",
              "gradient_check", 0.5, cases_gradcheck_planted, seed=6201, scenario="backprop:gradient_check_error",
              compare=compare_gradient_error, rtol=1e-3, atol=1e-12,
              hint="For each entry |a - n| / max(|a| + |n|, 1e-12), then the maximum over all "
                   "entries of all parameters.",
              diagnoses=(D_ABSOLUTE_ERROR, D_MEAN_ERROR, D_NORM_ERROR, D_MAX_DENOMINATOR)),
        Check("6.3", "gradient_check: entries whose gradient is exactly 0 (the 1e-12 floor)", "gradient_check",
              0.5, cases_gradcheck_zero, seed=6301, scenario="backprop:gradient_check_error",
              compare=compare_gradient_error, rtol=0.05, atol=1e-12,
              hint="f does not depend on b1 and b2: there a = n = 0 and the relative error is "
                   "0 / max(0, 1e-12) = 0, not 0/0. Keep the floor in the denominator.",
              diagnoses=(D_NO_FLOOR,)),
        Check("6.4", "gradient_check: a tanh network's loss, correct and planted gradients, h = 1e-4",
              "gradient_check", 0.5, cases_gradcheck_hidden, seed=6401, hidden=True,
              scenario="backprop:gradient_check_error", compare=compare_gradient_error, rtol=1e-3, atol=1e-12,
              hint="Central differences with the given h; max over entries of |a - n| / max(|a| + |n|, 1e-12).",
              diagnoses=(D_FORWARD_DIFFERENCE, D_ABSOLUTE_ERROR, D_MEAN_ERROR, D_NORM_ERROR,
                         D_MAX_DENOMINATOR)),
        # 7. sgd_step
        Check("7.1", "sgd_step: params[k] - lr * grads[k] for every key", "sgd_step", 0.5, cases_sgd,
              seed=7101, scenario="backprop:sgd_new_params",
              hint="new_params[k] = params[k] - lr * grads[k] for every key of params (any keys, "
                   "grads in any order).", diagnoses=(D_SGD_PLUS, D_SGD_NO_LR)),
        Check("7.2", "sgd_step: params and grads are left unchanged (a new dict is returned)", "sgd_step",
              0.5, cases_sgd_inputs, seed=7201, scenario="backprop:sgd_inputs_after",
              hint="Return a new dict of new arrays; do not write into params (no -=, no params[k] = ...).",
              diagnoses=(D_SGD_IN_PLACE,)),
        Check("7.3", "sgd_step: 50 steps of gradient descent lower a least-squares loss", "sgd_step",
              0.5, cases_training, seed=7301, scenario="backprop:sgd_training_curve",
              compare=compare_training, hint=_TRAINING_HINT),
    ),
    forbidden=(
        "tensorflow.GradientTape",
        "tensorflow.gradients",
        "tensorflow.autodiff.ForwardAccumulator",
        "keras.layers.Dense",
        "keras.layers.EinsumDense",
        "keras.layers.Activation",
        "keras.layers.ReLU",
        "keras.layers.Softmax",
        "keras.losses.*",
        "keras.losses.SparseCategoricalCrossentropy",
        "keras.losses.CategoricalCrossentropy",
    ),
    needs_tensorflow=False,
    timeout=10.0,
)
