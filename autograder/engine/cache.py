"""The reference cache: the solution's outputs per check, computed once and kept on disk.

``reference.Reference`` computes, for each check, the reference solution's plain outputs on
the check's inputs: for the Keras assignments that means importing TensorFlow in the grader
and running the solution, seconds every time. This module keeps those outputs in one file
per assignment, so that a later run reads them back and the grader never imports the
solution (or TensorFlow) while they are current.

- Where: ``$DLGRADE_CACHE``, else ``$XDG_CACHE_HOME/dlgrade``, else ``~/.cache/dlgrade``
  (``folder``); ``DLGRADE_CACHE=`` (empty) turns the cache off, and so does a folder that
  cannot be created or written. The folder is one of the sandbox's private paths
  (``grading.private_paths``): student code can neither read nor write it.
- Key (``key``): ``course.Assignment.score_version`` (every score file: rubric, solution,
  scenarios, comparisons, engine) salted with the Python, NumPy, Keras and backend versions
  and the backend choice. Any change gives a new file name; a file of another key is never read.
- Trust: the file is the grader's own data, never the student's. It is read with bounded size,
  a SHA-256 of its content (a torn or corrupted file is detected), ``allow_pickle=False``, and
  the wire protocol's decoder (``sandbox/wire.py``); each check's entry also holds a hash of
  its inputs, which must equal the inputs the rubric generates now. Anything wrong: the file
  is ignored, the outputs are recomputed and the file rewritten (atomically, ``atomic.py``).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import platform
from pathlib import Path

import numpy as np

from .atomic import write_bytes_atomic
from .sandbox import wire

FORMAT = 1
MAGIC = b"dlgrade-references"
MAX_BYTES = 256 * 1024 * 1024
DISTRIBUTIONS = ("numpy", "keras", "tensorflow", "tensorflow-cpu", "jax", "jaxlib", "torch", "scikit-learn")


def folder() -> Path | None:
    """The cache folder, created if needed (private to the user), or None: no cache."""
    explicit = os.environ.get("DLGRADE_CACHE")
    if explicit is not None:
        if not explicit.strip():
            return None
        base = Path(explicit)
    else:
        home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = Path(home) / "dlgrade"
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if not base.is_dir() or not os.access(base, os.R_OK | os.W_OK | os.X_OK):
        return None
    return base.resolve()


def environment() -> str:
    """What besides the score files decides the solution's outputs: the interpreter, the
    numeric libraries' versions, and the Keras backend chosen (variable or keras.json)."""
    parts = [platform.python_version(), platform.machine()]
    for name in DISTRIBUTIONS:
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=-")
    parts.append(f"KERAS_BACKEND={os.environ.get('KERAS_BACKEND', '')}")
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        parts.append(Path(keras_home, "keras.json").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        parts.append("no keras.json")
    return "|".join(parts)


def key(assignment) -> str:
    """The cache key of ``assignment`` (a ``course.Assignment``)."""
    return assignment.score_version("references", environment())


def cases_digest(cases: list) -> str:
    """A hash of a check's inputs (``rubric.Call`` args and kwargs), as the wire encodes them."""
    arrays: list = []
    encoded = wire.encode_value([(c.args, c.kwargs) for c in cases], arrays)
    digest = hashlib.sha256(json.dumps(encoded, sort_keys=True).encode())
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"|{array.dtype.str}{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


class Store:
    """One assignment's cache file: ``{check number: (inputs hash, plain outputs)}``."""

    def __init__(self, path: Path, name: str, version: str) -> None:
        self.path = path
        self.name = name
        self.version = version

    @classmethod
    def for_assignment(cls, assignment) -> "Store | None":
        """The store of ``assignment``, or None where there is no usable cache folder."""
        base = folder()
        if base is None:
            return None
        version = key(assignment)
        return cls(base / f"{assignment.name}-{version}.references", assignment.name, version)

    def load(self) -> dict[str, tuple[str, list]]:
        """The stored entries; {} for a missing, foreign, damaged or hostile file."""
        try:
            with open(self.path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size > MAX_BYTES:
                    return {}
                data = handle.read(MAX_BYTES + 1)
            header, _, payload = data.partition(b"\n")
            magic, _, digest = header.partition(b" ")
            if magic != MAGIC or digest.decode("ascii") != hashlib.sha256(payload).hexdigest():
                return {}
            with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
                meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
                arrays = [npz[f"a{i}"] for i in range(int(meta["n_arrays"]))]
            if (meta.get("format"), meta.get("assignment"), meta.get("key")) != (FORMAT, self.name, self.version):
                return {}
            entries = {}
            for number, entry in meta["checks"].items():
                values = wire.decode_value(entry["values"], arrays)
                if not isinstance(entry["cases"], str) or not isinstance(values, tuple):
                    return {}
                entries[str(number)] = (entry["cases"], list(values))
            return entries
        except Exception:  # missing, truncated, not ours, malformed: recompute
            return {}

    def save(self, entries: dict[str, tuple[str, list]]) -> bool:
        """Write ``entries`` (replacing the file whole); False where it could not be written
        (a value the wire cannot encode, a full disk): the cache is only an optimisation."""
        try:
            arrays: list = []
            checks = {number: {"cases": digest, "values": wire.encode_value(list(values), arrays)}
                      for number, (digest, values) in entries.items()}
            meta = {"format": FORMAT, "assignment": self.name, "key": self.version,
                    "n_arrays": len(arrays), "checks": checks}
            buffer = io.BytesIO()
            np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
                     **{f"a{i}": np.asarray(a) for i, a in enumerate(arrays)})
            payload = buffer.getvalue()
            header = MAGIC + b" " + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n"
            write_bytes_atomic(self.path, header + payload, mode=0o600)
        except (OSError, ValueError, TypeError):
            return False
        for stale in self.path.parent.glob(f"{self.name}-*.references"):  # other keys: outdated
            if stale != self.path:
                try:
                    stale.unlink()
                except OSError:
                    pass
        return True
