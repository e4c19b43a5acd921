"""The Keras backends the course runs on (TensorFlow, JAX, PyTorch): which one is selected,
how it is set up the same way in the grader and in the sandbox, and what each adds to an
exercise's forbidden names.

One backend serves a whole run: ``KERAS_BACKEND``, else ``"backend"`` in
``$KERAS_HOME/keras.json`` or ``~/.keras/keras.json`` (what Keras itself reads), else
TensorFlow. The grader's process (the reference solutions) reads it there; the sandbox's
zygote gets it from the grader explicitly (``KERAS_BACKEND`` in its scrubbed environment,
whose ``HOME`` is not the instructor's), so the submission always runs on the backend the
reference ran on.

Numerics: the checks compare in float64 where the exercises use float64 (an optimizer step
on a float64 variable). JAX truncates float64 to float32 unless x64 is enabled, so
``prepare`` enables it, in the grader and in the zygote alike (``JAX_ENABLE_X64``, set
before JAX is imported, and JAX's config if it already was). Keras' own default float type
stays float32 on every backend.

Speed on JAX (each forked child compiles its ops anew, see ``zygote.py``): ``preload``
also imports TensorFlow where it is installed (Keras on JAX or PyTorch imports it lazily
anyway), and ``prepare`` lowers XLA's CPU optimisation level (``JAX_CPU_XLA_FLAGS``).
"""
from __future__ import annotations

import json
import os
import sys

BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT = "tensorflow"

# The library each backend's Keras runs on (what the zygote imports with Keras).
LIBRARY = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def selected() -> str:
    """The backend Keras uses in this process: the one it was imported with, else the one it
    will pick (without importing it)."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return str(keras.backend.backend())
    name = os.environ.get("KERAS_BACKEND")
    if not name:
        home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
        try:
            with open(os.path.join(home, "keras.json"), encoding="utf-8") as handle:
                name = json.load(handle).get("backend")
        except (OSError, ValueError, AttributeError):
            name = None
    name = str(name or DEFAULT).lower()
    return "torch" if name == "pytorch" else name


def prepare() -> str:
    """Set this process up for the selected backend before Keras is imported (idempotent);
    returns the backend's name."""
    backend = selected()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if backend == "jax":
        os.environ["JAX_ENABLE_X64"] = "1"
        jax = sys.modules.get("jax")
        if jax is not None:
            jax.config.update("jax_enable_x64", True)
        if "XLA_FLAGS" not in os.environ and _jax_on_cpu_only():
            os.environ["XLA_FLAGS"] = JAX_CPU_XLA_FLAGS
    return backend


# The checks run Keras eagerly (``run_eagerly=True``, ``optimizer.apply`` step by step), so
# JAX compiles every primitive on its first use, in each forked child anew (the zygote may
# run no op, so nothing is compiled before the fork: zygote.py). With LLVM's optimisation
# level 0 a small CPU program compiles about four times faster (measured on the optimizers'
# fit_digits scenario: 73 programs, ~80 ms -> ~20 ms each); IEEE semantics are unchanged
# (XLA's CPU fast-math stays off). Set for the grader and the zygote alike, only when JAX can
# only run on the CPU and the user has not set XLA_FLAGS.
JAX_CPU_XLA_FLAGS = "--xla_backend_optimization_level=0"


def _jax_on_cpu_only() -> bool:
    """Whether JAX will run on the CPU: JAX_PLATFORMS says cpu, or no GPU/TPU plugin is installed."""
    import importlib.util

    platforms = os.environ.get("JAX_PLATFORMS", "")
    if platforms:
        return platforms.strip().lower() == "cpu"
    plugins = ("jax_cuda12_plugin", "jax_cuda13_plugin", "jax_rocm60_plugin", "libtpu", "jax_plugins")
    return all(importlib.util.find_spec(name) is None for name in plugins)


def preload() -> str:
    """Import Keras and its backend's library, running no op (the zygote, before forking)."""
    backend = prepare()
    os.environ["KERAS_BACKEND"] = backend
    import importlib
    import importlib.util

    import keras  # noqa: F401

    importlib.import_module(LIBRARY.get(backend, backend))
    if backend != "tensorflow" and importlib.util.find_spec("tensorflow") is not None:
        # Keras on JAX or PyTorch still imports TensorFlow, lazily, where it is installed
        # (``keras.src.utils.module_utils``: tf.data in ``fit``, ``keras.optimizers.serialize``):
        # 3-4 s in every forked child unless it is imported here, once, before the fork.
        importlib.import_module("tensorflow")
    if backend == "jax":
        import jax

        # JAX rewrites a traceback's frames on the way out of its API (reading tb_frame),
        # which the sandbox's frame policy refuses: keep the traceback as it is.
        jax.config.update("jax_traceback_filtering", "off")
    return backend


# --- the forbidden names -----------------------------------------------------------------
#
# A rubric names the TensorFlow/Keras/SciPy shortcut it forbids; the same shortcut exists
# in JAX and PyTorch under other names. Each entry: a rubric's pattern -> the equivalents
# added to the sandbox's tripwires (whatever the backend: a submission may import JAX or
# PyTorch on any). Patterns for a library that is not installed never trip and cost nothing.

_AUTODIFF = (
    "jax.grad", "jax.value_and_grad", "jax.vjp", "jax.jvp", "jax.jacfwd", "jax.jacrev",
    "jax.jacobian", "jax.hessian", "jax.linearize",
    "torch.autograd.grad", "torch.autograd.backward", "torch.autograd.functional.*",
    "torch.Tensor.backward", "torch.func.grad", "torch.func.grad_and_value", "torch.func.vjp",
    "torch.func.jvp", "torch.func.jacrev", "torch.func.jacfwd", "torch.func.hessian",
)
_CONV = ("jax.lax.conv", "jax.lax.conv_general_dilated", "jax.lax.conv_with_general_padding",
         "jax.lax.conv_transpose", "jax.numpy.convolve", "jax.numpy.correlate",
         "jax.scipy.signal.*", "torch.conv*", "torch.nn.functional.conv*", "torch.nn.Conv1d",
         "torch.nn.Conv2d")
_SOFTMAX = ("jax.nn.softmax", "torch.softmax", "torch.nn.functional.softmax", "torch.special.softmax",
            "tensorflow.nn.softmax", "tensorflow.math.softmax")
_LOG_SOFTMAX = ("jax.nn.log_softmax", "torch.log_softmax", "torch.nn.functional.log_softmax",
                "torch.special.log_softmax", "tensorflow.nn.log_softmax", "tensorflow.math.log_softmax")
_LOGSUMEXP = ("jax.nn.logsumexp", "jax.scipy.special.logsumexp", "torch.logsumexp",
              "torch.special.logsumexp", "tensorflow.math.reduce_logsumexp", "tensorflow.reduce_logsumexp")
_SIGMOID = ("jax.nn.sigmoid", "jax.scipy.special.expit", "torch.sigmoid", "torch.special.expit",
            "torch.nn.functional.sigmoid", "tensorflow.sigmoid", "tensorflow.math.sigmoid")
_LOSSES = ("torch.nn.functional.*entropy*", "torch.nn.functional.nll_loss",
           "torch.nn.functional.mse_loss", "torch.nn.functional.kl_div",
           "torch.nn.CrossEntropyLoss", "torch.nn.BCELoss", "torch.nn.BCEWithLogitsLoss",
           "torch.nn.NLLLoss", "torch.nn.MSELoss", "torch.nn.KLDivLoss")

EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "tensorflow.GradientTape": _AUTODIFF,
    "tensorflow.gradients": _AUTODIFF,
    "tensorflow.nn.conv*": _CONV,
    "keras.ops.conv": _CONV,
    "keras.ops.depthwise_conv": _CONV,
    "keras.ops.conv_transpose": ("torch.conv_transpose*", "torch.nn.functional.conv_transpose*",
                                 "jax.lax.conv_transpose"),
    "numpy.convolve": ("jax.numpy.convolve",),
    "numpy.correlate": ("jax.numpy.correlate",),
    "keras.ops.softmax": _SOFTMAX,
    "keras.ops.log_softmax": _LOG_SOFTMAX,
    "keras.ops.logsumexp": _LOGSUMEXP,
    "keras.ops.one_hot": ("jax.nn.one_hot", "torch.nn.functional.one_hot", "tensorflow.one_hot"),
    "keras.ops.sigmoid": _SIGMOID,
    "keras.activations.sigmoid": _SIGMOID,
    "keras.activations.*": ("jax.nn.*",) + _SOFTMAX + _LOG_SOFTMAX + _SIGMOID,
    "tensorflow.nn.*": ("jax.nn.*", "torch.nn.functional.*", "torch.softmax", "torch.log_softmax",
                        "torch.sigmoid", "torch.special.expit", "torch.special.softmax",
                        "torch.special.log_softmax"),
    "keras.losses.*": _LOSSES,
    "keras.ops.*crossentropy": _LOSSES,
    "keras.ops.binary_crossentropy": _LOSSES,
    "keras.layers.Dense": ("torch.nn.Linear", "torch.nn.functional.linear"),
    "keras.layers.Conv2D": ("torch.nn.Conv2d",),
    "keras.layers.Dropout": ("torch.nn.Dropout", "torch.nn.functional.dropout", "torch.dropout"),
    "keras.random.dropout": ("torch.nn.functional.dropout", "torch.dropout"),
    "keras.layers.BatchNormalization": ("torch.nn.BatchNorm1d", "torch.nn.functional.batch_norm",
                                        "torch.batch_norm"),
    "keras.ops.batch_normalization": ("torch.nn.functional.batch_norm", "torch.batch_norm"),
    "keras.ops.moments": ("tensorflow.nn.moments",),
    "keras.initializers.GlorotNormal": ("torch.nn.init.*", "jax.nn.initializers.*"),
}

# Rubric patterns on SciPy: the same function under jax.scipy (``scipy.special.expit`` ->
# ``jax.scipy.special.expit``); keras optimizers: PyTorch's of the same name.
_PREFIXES = {"scipy.": "jax.scipy.", "keras.optimizers.": "torch.optim."}


def forbidden(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """A rubric's forbidden patterns plus each backend's equivalents, without repeats."""
    out: list[str] = []
    for pattern in patterns:
        out.append(pattern)
        out.extend(EQUIVALENTS.get(pattern, ()))
        for prefix, other in _PREFIXES.items():
            if pattern.startswith(prefix):
                out.append(other + pattern[len(prefix):])
    return tuple(dict.fromkeys(out))


# --- autodiff for grader code (a scenario differentiating a student's penalty) ------------


def gradient(penalty_of, variable):
    """d penalty_of(variable) / d variable for a ``keras.Variable``, with the selected backend's
    own autodiff (grader code in the sandbox; the student's code only computes the penalty).

    Returns the gradient as a NumPy array, or None when the penalty does not depend on the
    variable as far as the backend can tell (TensorFlow and PyTorch say so; JAX answers
    zeros). Raises ``ValueError`` when the penalty cannot be differentiated (computed with
    NumPy or ``float()``, say)."""
    import keras
    import numpy as np

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            with tf.GradientTape() as tape:
                penalty = penalty_of(variable)
            result = tape.gradient(penalty, variable)
        elif backend == "jax":
            import jax

            result = jax.grad(lambda w: keras.ops.sum(penalty_of(w)))(variable.value)
        elif backend == "torch":
            import torch

            penalty = penalty_of(variable)
            if not isinstance(penalty, torch.Tensor):
                raise ValueError(f"the penalty is a {type(penalty).__name__}, not a tensor")
            if not penalty.requires_grad:
                return None
            (result,) = torch.autograd.grad(penalty.sum(), variable.value, allow_unused=True)
        else:
            raise ValueError(f"no autodiff for the Keras backend {backend!r}")
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - each backend has its own error types
        raise ValueError(str(exc)[:300]) from None
    return None if result is None else np.asarray(keras.ops.convert_to_numpy(result))
