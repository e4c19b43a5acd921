"""Keep the Keras backends' native start-up log lines off the user's terminal.

TensorFlow (and XLA under JAX) print lines such as ``I0000 ... port.cc:153] oneDNN custom
operations are on`` and ``WARNING: All log messages before absl::InitializeLog() is called are
written to STDERR`` from C++ straight to file descriptor 2, whatever ``TF_CPP_MIN_LOG_LEVEL``
says, in the grader and in every sandbox child (which inherit the descriptor). They tell a
student nothing and push the report off the screen.

``native_logs_filtered()`` puts a pipe on descriptor 2 for the duration of a command; a thread
copies every line to the real standard error except those start-up lines: absl-formatted
info and warning lines (``I``/``W`` + ``MMDD hh:mm:ss.micros thread file:line]``, the seconds sometimes a timestamp), absl's
preamble, and TensorFlow's CPU-instructions continuation line. Errors (``E``/``F`` lines),
Python warnings and tracebacks pass through unchanged. Nothing is lost at exit: the pipe is
drained before the descriptor is restored.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import threading

NOISE = re.compile(
    rb"^(?:[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w./-]+:\d+\] "
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.)")


def is_noise(line: bytes) -> bool:
    return NOISE.match(line) is not None


def _copy(read_fd: int, out_fd: int) -> None:
    pending = b""
    while True:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        kept = b"".join(line + b"\n" for line in lines if not is_noise(line))
        if kept:
            os.write(out_fd, kept)
    if pending and not is_noise(pending):
        os.write(out_fd, pending)
    os.close(read_fd)


@contextlib.contextmanager
def native_logs_filtered():
    """Filter descriptor 2 (see the module docstring) while the block runs."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable descriptor 2: nothing to filter
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_inheritable(read_fd, False)
    thread = threading.Thread(target=_copy, args=(read_fd, saved), name="dlgrade-stderr", daemon=True)
    thread.start()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)  # the pipe's last writer here is gone: the thread drains and ends
        thread.join(timeout=10)
        os.close(saved)
