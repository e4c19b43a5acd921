"""The solutions' heavy paths on the selected Keras backend's accelerator, next to the CPU.

Run from the repository root, with the backend you want (TensorFlow, JAX or PyTorch):

    KERAS_BACKEND=jax python bench/device.py [--repeat 3]

For each workload (the conv reference through ``keras.ops.conv``, ``model.fit`` on the digits
with the course's Adam and with its BatchNormalization layer, the initializers' activation
experiment) it prints the device found, the best of ``--repeat`` wall-clock timings on the
accelerator and on the CPU side by side, and whether the accelerator's results equal the
CPU's within the rubrics' default tolerance (|a - c| <= atol * max(1, max|c|) + rtol * |c|,
rtol = atol = 1e-4; losses after several epochs of fit get 1e-3, as GPU kernels sum in a
different order). On a machine without an accelerator it says so and times the CPU only.
It prints figures and asserts nothing; the exit status is 1 when a result disagrees.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the solutions, run as a script from anywhere

from autograder.engine import backends  # noqa: E402

backends.prepare()  # JAX's float64, as in the grader
import keras  # noqa: E402

from solutions import conv_padding, initializers, optimizers, regularization  # noqa: E402


def accelerator() -> str | None:
    """Keras' device name of the backend's first GPU, or None."""
    name = keras.backend.backend()
    if name == "jax":
        import jax

        return "gpu:0" if any(d.platform == "gpu" for d in jax.devices()) else None
    if name == "torch":
        import torch

        return "cuda:0" if torch.cuda.is_available() else None
    import tensorflow as tf

    return "gpu:0" if tf.config.list_physical_devices("GPU") else None


def describe(device: str | None) -> str:
    name = keras.backend.backend()
    if device is None:
        return f"{name}: no GPU found, CPU only"
    if name == "jax":
        import jax

        return f"jax: {[d for d in jax.devices() if d.platform == 'gpu'][0].device_kind}"
    if name == "torch":
        import torch

        return f"torch: {torch.cuda.get_device_name(0)}"
    return f"tensorflow: {device}"


def conv() -> np.ndarray:
    rng = np.random.default_rng(0)
    x, kernel = rng.normal(size=(32, 64, 64, 16)), rng.normal(size=(3, 3, 16, 32))
    return conv_padding.keras_conv2d(x, kernel, stride=1, padding="same")


def _digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    return (digits.data / 16.0).astype("float32"), digits.target


def _fit(layers, optimizer) -> np.ndarray:
    keras.utils.set_random_seed(0)
    x, y = _digits()
    model = keras.Sequential([keras.Input((64,)), *layers, keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=5, batch_size=64, shuffle=False, verbose=0)
    return np.asarray(history.history["loss"])


def fit_adam() -> np.ndarray:
    return _fit([keras.layers.Dense(128, activation="relu")], optimizers.Adam(learning_rate=1e-3))


def fit_batch_norm() -> np.ndarray:
    return _fit([keras.layers.Dense(128), regularization.BatchNormalization(), keras.layers.Activation("relu")],
                keras.optimizers.SGD(learning_rate=0.1))


def activations() -> np.ndarray:
    stats = initializers.activation_stats(initializers.He(seed=0), "relu", n_layers=5, n_nodes=256,
                                          n_samples=2000)
    return np.stack([np.asarray(a) for a in stats])  # (n_layers, n_samples, n_nodes)


WORKLOADS = {"conv2d via keras.ops.conv": (conv, 1e-4), "fit: Adam on the digits": (fit_adam, 1e-3),
             "fit: BatchNormalization": (fit_batch_norm, 1e-3), "initializers: activations": (activations, 1e-4)}


def timed(function, device: str, repeat: int):
    best, value = float("inf"), None
    for _ in range(repeat):
        with keras.device(device):
            started = time.perf_counter()
            value = np.asarray(function(), dtype=np.float64)
            best = min(best, time.perf_counter() - started)
    return best, value


def agree(got: np.ndarray, expected: np.ndarray, tolerance: float) -> bool:
    if got.shape != expected.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    return bool(np.all(np.abs(got - expected) <= tolerance * scale + tolerance * np.abs(expected)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    device = accelerator()
    print(f"backend {describe(device)}; {os.cpu_count()} CPU cores")
    print(f"{'workload':32} {'GPU s':>8} {'CPU s':>8}  same results")
    bad = 0
    for name, (function, tolerance) in WORKLOADS.items():
        cpu_seconds, cpu_value = timed(function, "cpu:0", args.repeat)
        if device is None:
            print(f"{name:32} {'-':>8} {cpu_seconds:8.3f}  -")
            continue
        gpu_seconds, gpu_value = timed(function, device, args.repeat)
        same = agree(gpu_value, cpu_value, tolerance)
        bad += not same
        print(f"{name:32} {gpu_seconds:8.3f} {cpu_seconds:8.3f}  {'yes' if same else 'NO'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
