"""The sandboxed child: runs one submission's code and answers the parent's requests.

Life of a child (forked from the zygote, see ``zygote.py``):

1. ``enter_sandbox``: own session, its own uid and private tmpfs work directory
   (``privilege.py``), cwd and HOME in its private directory, stdin from
   /dev/null, stdout/stderr into a capture file, every other descriptor closed, resource
   limits, the Landlock filesystem allow-list, the seccomp filter, and finally the
   audit-hook policy (the forbidden-API
   tripwires were installed by the zygote).
2. ``load``: bind the scenarios the checks use and hide the grader's modules (``ground.py``,
   which also states the threat model for grader code in the child), then execute the
   submission's cells in order (errors are recorded, the next cell
   still runs, like Jupyter's "Run All" with errors allowed) into a module ``submission``.
3. ``run``: for each request, put the grader modules' globals back as they were, call the
   bound scenario on each case's arguments and send back plain arrays (no larger than the
   parent allows), the captured output and any error.

Nothing here decides a score. The parent compares the arrays with the reference.
"""
from __future__ import annotations

import builtins
import linecache
import os
import signal
import sys
import time
import types

from . import calls, classify, ground, landlock, limits, policy, privilege, replies, seccomp, tripwire, wire
from autograder import exercises as scenarios

ground.import_all_scenarios()  # in the zygote: no grader import is needed after the fork

OUTPUT_HEAD = 2500  # characters of captured output kept from the start of a request ...
OUTPUT_TAIL = 1000  # ... and from its end


class Child:
    def __init__(self, fd: int, config: dict) -> None:
        self.fd = fd
        self.config = config
        self.workdir = config["workdir"]
        self.module: types.ModuleType | None = None
        self.student_files: set[str] = set()
        self.violations: list[str] = []
        self.capture_fd = -1
        self.seccomp = False
        self.landlock = False
        self.grader = ground.GraderModules()
        self.sources: dict[str, list[str]] = {}

    # --- set-up ---------------------------------------------------------------------

    def enter_sandbox(self) -> None:
        os.setsid()
        privilege.drop(self.workdir, self.config["limits"]["disk_mb"], self.config["limits"]["files"],
                       landlock.readable_roots(tuple(self.config["private"])))
        os.chdir(self.workdir)
        os.environ.update(HOME=self.workdir, TMPDIR=self.workdir, MPLCONFIGDIR=self.workdir)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        self.capture_fd = os.open(os.path.join(self.workdir, ".output"),
                                  os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self.capture_fd, 1)
        os.dup2(self.capture_fd, 2)
        keep = sorted({0, 1, 2, self.fd, self.capture_fd})
        _close_other_fds(keep)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a flood of output fails a write instead
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        limits.apply(self.config["limits"])
        self.landlock = landlock.restrict(self.workdir, tuple(self.config["private"]))
        self.seccomp = seccomp.install()
        ground.quiet_library_frames()
        ground.close_signal_handlers()
        # The tripwires' wrappers and code-origin guard read the caller's frame, never hand it on.
        wrapper = tripwire._wrap_function("probe", len).__code__
        callers, relays = ground.frame_callers((wrapper, tripwire._code_guard.__code__))
        policy.install(self.workdir, tuple(self.config["private"]), self.violations,
                       callers, relays, ground.library_roots(), ground.frame_handers())

    # --- output capture -------------------------------------------------------------

    def take_output(self) -> str:
        """Captured stdout/stderr since the last call, truncated, and reset the capture."""
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        try:
            size = os.fstat(self.capture_fd).st_size
            head = os.pread(self.capture_fd, OUTPUT_HEAD, 0)
            tail = os.pread(self.capture_fd, OUTPUT_TAIL, max(size - OUTPUT_TAIL, OUTPUT_HEAD))
            os.ftruncate(self.capture_fd, 0)
            os.lseek(self.capture_fd, 0, os.SEEK_SET)
        except OSError:
            return ""
        text = head.decode("utf-8", "replace")
        if size > OUTPUT_HEAD + OUTPUT_TAIL:
            text += f"\n... [{size - OUTPUT_HEAD - OUTPUT_TAIL} bytes of output cut] ...\n"
        if size > OUTPUT_HEAD:
            text += tail.decode("utf-8", "replace")
        return text

    # --- errors ---------------------------------------------------------------------

    def describe_error(self, exc: BaseException) -> dict:
        return classify.describe_error(exc, self.student_traceback, self._raiser)

    def _raiser(self, exc: BaseException) -> str | None:
        """Qualified name of the innermost student function in the traceback ("Adam.build")."""
        where = None
        for filename, _line, _name, qualname in ground.walk_traceback(exc):
            if filename in self.student_files:
                where = qualname
        return where if where != "<module>" else None

    def student_traceback(self, exc: BaseException) -> str:
        """The traceback cut down to the student's own lines (their text from the cells sent)."""
        lines = []
        frames = [f for f in ground.walk_traceback(exc) if f[0] in self.student_files]
        for filename, number, name, _qualname in frames[-8:]:
            lines.append(f'  File "{filename}", line {number}, in {name}')
            source = self.sources.get(filename, [])
            if 0 < number <= len(source) and source[number - 1].strip():
                lines.append(f"    {source[number - 1].strip()}")
        return "\n".join(lines)

    # --- requests -------------------------------------------------------------------

    def load(self, header: dict) -> dict:
        # Grader code is bound and hidden before the first line of the student's runs.
        self.grader.bind(list(header.get("scenarios", [])))
        self.grader.hide()
        module = types.ModuleType("submission")
        module.__file__ = header.get("path", "submission.py")
        module.__builtins__ = builtins
        sys.modules["submission"] = module
        self.module = module
        cells = []
        for cell in header["cells"]:
            filename, source = cell["filename"], cell["source"]
            self.student_files.add(filename)
            self.sources[filename] = source.splitlines()
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            error = None
            try:
                exec(compile(source, filename, "exec"), module.__dict__)
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything
                error = self.describe_error(exc)
            cells.append({"label": cell["label"], "error": error, "output": self.take_output()})
        defined = {name: callable(getattr(module, name, None)) for name in header["functions"]}
        return {"cells": cells, "defined": defined, "seccomp": self.seccomp, "landlock": self.landlock}

    def run(self, header: dict, arrays: list) -> tuple[dict, list]:
        scenario = self.grader.get(header["scenario"])
        function = header["function"]
        out_arrays: list = []
        results = []
        cases = wire.decode_value(header["cases"], arrays)
        limits = header.get("max_bytes") or [scenarios.MAX_RESULT_BYTES] * len(cases)
        for (args, kwargs), template, limit in zip(cases, header["templates"], limits):
            before = len(self.violations)
            started = time.perf_counter()
            result = calls.run_case(scenario, self.module, function, args, kwargs, template,
                                    self.describe_error)
            if result["ok"]:
                first = len(out_arrays)
                try:
                    result["value"] = wire.encode_value(result["value"], out_arrays)
                    size = sum(a.nbytes for a in out_arrays[first:])
                    if size > limit:
                        raise scenarios.ReturnValueError(replies.too_large(size))
                except BaseException as exc:  # noqa: BLE001
                    del out_arrays[first:]
                    result = dict(result, ok=False, error=self.describe_error(exc))
                    del result["value"]
            result["seconds"] = time.perf_counter() - started
            result["blocked"] = self.violations[before:][:5]
            results.append(result)
            if not result["ok"]:
                break  # the first failing case is what the feedback shows
        return {"results": results, "output": self.take_output()}, out_arrays

    def serve(self) -> None:
        reader = wire.fd_reader(self.fd)
        while True:
            try:
                header, arrays = wire.read_message(reader)
            except wire.PeerClosed:
                return
            self.grader.restore()  # whatever a request patched in grader modules is undone
            op = header.get("op")
            if op == "load":
                reply, out_arrays = self.load(header), []
            elif op == "run":
                reply, out_arrays = self.run(header, arrays)
            else:
                return
            reply["id"] = header.get("id")
            wire.send_message(self.fd, reply, out_arrays)


def _close_other_fds(keep: list[int]) -> None:
    low = 0
    for fd in keep:
        if fd > low:
            os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 16)


def main(fd: int, config: dict) -> None:
    """Entry point in the freshly forked child; never returns."""
    status = 0
    try:
        child = Child(fd, config)
        child.enter_sandbox()
        child.serve()
    except BaseException:  # noqa: BLE001
        status = 70
    finally:
        os._exit(status)

