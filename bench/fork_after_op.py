"""Can a process fork after importing Keras on this backend, or after running an op?

The sandbox's zygote imports Keras once and forks one child per submission; each child then
runs ops. This script measures, for the Keras backend selected by ``KERAS_BACKEND``, two
cases, each in a fresh interpreter:

- ``import``: the parent imports Keras (and the backend's library) and runs no op, then forks;
- ``op``:     the parent also runs ops first (a matmul, a conv, a small ``model.fit``), then forks.

In each case the forked child runs the same ops and must finish within a time limit; a
child that does not is reported as a hang (``deadlock``), one that dies as ``crash``.
The results are written down in ``autograder/engine/sandbox/zygote.py``'s docstring.

    KERAS_BACKEND=jax python bench/fork_after_op.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

CHILD_LIMIT = 60.0

WORK = """
import numpy as np, keras
x = np.random.default_rng(0).standard_normal((64, 8, 8, 3)).astype("float32")
y = keras.ops.matmul(keras.ops.ones((256, 256)), keras.ops.ones((256, 256)))
c = keras.ops.conv(x, np.ones((3, 3, 3, 4), "float32"), padding="same")
model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(4)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.zeros((64, 4), "float32"), epochs=2, verbose=0)
float(keras.ops.convert_to_numpy(keras.ops.sum(y))) + float(keras.ops.convert_to_numpy(keras.ops.sum(c)))
"""

CASE = """
import os, sys, time, warnings
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.simplefilter("ignore")
import keras, importlib
importlib.import_module({module!r})
if {run_op}:
    exec({work!r})
pid = os.fork()
if pid == 0:
    try:
        exec({work!r})
        os._exit(0)
    except BaseException:
        os._exit(1)
deadline = time.monotonic() + {limit}
while time.monotonic() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        print("ok" if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else "crash")
        sys.exit(0)
    time.sleep(0.1)
os.kill(pid, 9)
os.waitpid(pid, 0)
print("deadlock")
"""

MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def measure(backend: str, run_op: bool) -> str:
    code = CASE.format(module=MODULES[backend], run_op=run_op, work=WORK, limit=CHILD_LIMIT)
    env = dict(os.environ, KERAS_BACKEND=backend)
    try:
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, timeout=CHILD_LIMIT + 120)
    except subprocess.TimeoutExpired:
        return "deadlock (the parent hung)"
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else f"parent failed: {done.stderr.strip()[-300:]}"


def main() -> int:
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    result = {"backend": backend,
              "fork after import, child runs ops": measure(backend, False),
              "fork after an op, child runs ops": measure(backend, True)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
