"""The zygote: imports the heavy libraries once, then forks one sandboxed child per request.

Started by the parent as ``python -m autograder.engine.sandbox.zygote FD CONFIG_JSON`` — a fresh
interpreter, so no trusted data (solutions, reference outputs) is ever in its memory and
hence never in a child's. For the Keras assignments it imports Keras on the selected backend
(``backends.preload``: TensorFlow, JAX or PyTorch, never a hard-coded one) and never runs an
op, and it never runs student code.

Forking after an op, measured per backend with ``bench/fork_after_op.py`` (Keras 3.15,
TensorFlow 2.21, JAX 0.10.2, PyTorch 2.13 CPU; a child that runs a matmul, a conv and a small
``model.fit`` after the fork, 60 s limit):

============  ==========================  ==========================
backend       fork after import only      fork after the parent ran ops
============  ==========================  ==========================
TensorFlow    the child works             the child deadlocks
JAX           the child works             the child deadlocks (XLA's CPU client threads)
PyTorch       the child works             the child deadlocks (its intra-op thread pool)
============  ==========================  ==========================

So on every backend the zygote imports and never runs an op. The cost on JAX: every child
compiles the XLA programs of the ops it runs anew (nothing is compiled before the fork), so
the Keras checks take several times longer in the sandbox than on TensorFlow (README). It speaks newline-delimited JSON on the control socket
``FD``; a ``spawn`` request carries the child's end of a socketpair as an SCM_RIGHTS
descriptor.

At start it probes which isolation layers this machine gives a child (``layers.py``),
makes each that works mandatory for every child, and says which in its ready message
(``{"ready": true, "pid": P, "layers": {...}}``). The run directory is made traversable
(``0711``, not listable) so that children, which run under uids of their own, can reach
their own directory; each child directory stays ``0700``.

Requests: ``{"op": "spawn", "config": {...}}`` -> ``{"pid": P, "workdir": D}``;
``{"op": "wait", "pid": P}`` -> ``{"status": ...}`` (reaps the child, removes its directory).
When the control socket closes, the zygote kills its children and exits (``os._exit`` after
flushing its log: an interpreter shutdown with TensorFlow loaded takes seconds).

Kept warm (``warm.py``, config ``"listen": true``): ``FD`` is a listening Unix socket instead,
and the zygote serves one connection after another, each like the socketpair above (its ready
message also names the run directory and counts the sessions); when a connection closes it
kills that connection's children and waits for the next; after ``idle_s`` without one it
leaves (``warm.may_leave``).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import tempfile

from autograder.engine import backends
from . import layers, warm


def _preload(config: dict) -> None:
    import numpy  # noqa: F401 - every assignment needs it

    backends.prepare()
    if config.get("tensorflow"):  # the assignment needs Keras, on the selected backend
        backends.preload()  # Keras and TensorFlow, JAX or PyTorch; runs no op
    from . import child, tripwire  # noqa: F401 - loaded before the fork, shared copy-on-write

    tripwire.install(backends.forbidden(tuple(config.get("forbidden", ()))))
    tripwire.install_code_guard()  # no student code object may pass for a library's


def _describe_status(status: int) -> dict:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return {"signal": name}
    return {"exit_code": os.WEXITSTATUS(status)}


class Zygote:
    def __init__(self, control: socket.socket, config: dict, layers: dict | None = None,
                 ready: dict | None = None) -> None:
        self.control = control
        self.config = config
        self.layers = layers or {}
        self.ready = dict(ready or {})  # more for the ready message
        self.children: dict[int, str] = {}  # pid -> workdir
        self.spawned: set[int] = set()  # every child's pid (its session's id too)
        self.buffer = b""

    def read_request(self) -> tuple[dict | None, list[int]]:
        fds: list[int] = []
        while b"\n" not in self.buffer:
            data, received, _flags, _addr = socket.recv_fds(self.control, 65536, 2)
            fds += received
            if not data:
                return None, fds
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line), fds

    def reply(self, message: dict) -> None:
        self.control.sendall(json.dumps(message).encode() + b"\n")

    def spawn(self, child_config: dict, fd: int) -> dict:
        workdir = tempfile.mkdtemp(prefix="child-", dir=self.config["run_root"])
        os.chmod(workdir, 0o700)
        child_config = dict(child_config, workdir=workdir)
        pid = os.fork()
        if pid == 0:  # the child: never returns
            try:
                self.control.close()
                from .child import main

                main(fd, child_config)
            finally:
                os._exit(70)
        os.close(fd)
        self.children[pid] = workdir
        self.spawned.add(pid)
        return {"pid": pid, "workdir": workdir}

    def wait(self, pid: int) -> dict:
        if pid not in self.children:
            return {"error": f"unknown child {pid}"}
        _, status = os.waitpid(pid, 0)
        shutil.rmtree(self.children.pop(pid), ignore_errors=True)
        return _describe_status(status)

    def shutdown(self) -> None:
        for pid, workdir in self.children.items():
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass
            shutil.rmtree(workdir, ignore_errors=True)

    def serve(self) -> None:
        self.reply(dict(self.ready, ready=True, pid=os.getpid(), layers=self.layers))
        while True:
            request, fds = self.read_request()
            if request is None:
                return
            if request.get("op") == "spawn" and len(fds) == 1:
                self.reply(self.spawn(request["config"], fds[0]))
            elif request.get("op") == "wait":
                self.reply(self.wait(int(request["pid"])))
            else:
                for fd in fds:
                    os.close(fd)
                self.reply({"error": "bad request"})


def _session(zygote: Zygote) -> None:
    try:
        zygote.serve()
    except (OSError, ValueError):
        pass
    finally:
        zygote.shutdown()


def serve_warm(listener: socket.socket, config: dict, found: dict) -> None:
    """Serve one connection after another until idle for ``idle_s`` (``warm.py``)."""
    listener.settimeout(float(config.get("idle_s", warm.IDLE_S)))
    spawned: set[int] = set()
    sessions = 0
    while True:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            if warm.may_leave(config):
                return
            continue
        with conn:
            if not warm.trusted(conn, spawned):
                print("refused a connection", flush=True)
                continue
            conn.settimeout(None)
            sessions += 1
            print(f"session {sessions}", flush=True)
            zygote = Zygote(conn, config, found, {"run_root": config["run_root"], "session": sessions})
            _session(zygote)
            spawned |= zygote.spawned


def main(argv: list[str]) -> int:
    fd, config = int(argv[1]), json.loads(argv[2])
    control = socket.socket(fileno=fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if config.get("listen"):
        control.listen(8)  # at once: the check that started it connects while it preloads
    try:
        layers.simulate_missing()  # test-only switch: can only remove layers (and says so)
        _preload(config)
        os.chmod(config["run_root"], 0o711)
        found = layers.probe(config["run_root"])
        layers.require(found)
        if config.get("listen"):
            print(f"zygote {os.getpid()} ready", flush=True)
            serve_warm(control, config, found)
        else:
            _session(Zygote(control, config, found))
    finally:
        shutil.rmtree(config["run_root"], ignore_errors=True)  # also when the parent was killed
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    # Leave without the interpreter's shutdown: with TensorFlow loaded it takes seconds.
    code = 70
    try:
        code = main(sys.argv)
    finally:
        os._exit(code)
