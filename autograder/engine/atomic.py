"""The package's one atomic writer: a file is replaced whole or not at all.

Every file is written as a temporary file in the same folder, then ``os.replace``d over the
target: an interrupted run never leaves a half-written file. The output folder of
`dlgrade grade` (``channels/outputs.py``), `dlgrade release`, the Gradescope channel and the
reference cache (``cache.py``) all write through here.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def replacing(path: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path next to ``path`` to write; it replaces ``path`` when the block ends
    without an error (with permissions ``mode`` if given), else it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` (flushed to disk) so that ``path`` is never half-written."""
    with replacing(path, mode) as temporary:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8, flushed to disk) so that ``path`` is never half-written."""
    write_bytes_atomic(path, text.encode("utf-8"), mode)
