"""A submission file (.py or .ipynb) -> the code cells to run, with clear errors for bad files.

A ``.py`` file is one cell. A notebook's code cells run in order, like Jupyter's "Run All"
with errors allowed; IPython magics and shell lines (``%matplotlib inline``, ``!pip ...``)
cannot run in plain Python, so they are replaced by ``pass`` (keeping line numbers) and
noted. Markdown and raw cells are ignored. The lines of the course's own cells in a released
notebook (its check cells and nbgrader's test cells, which check the code in the student's
kernel and import the grader, which the sandbox refuses) are replaced by ``pass`` too, silently,
also in a ``.py`` file exported from the notebook.
"""
from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadInput
from .i18n import N_, _

SUFFIXES = (".py", ".ipynb")  # what a submission file can be

MAX_BYTES = 20 * 1024 * 1024
# Cell magics whose body is ordinary Python worth running.
_TRANSPARENT_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
_MAGIC_LINE = re.compile(r"^(\s*)([%!]|\w+\s*=\s*[%!])")


# The check cells' lines (channels/check_cells.py) and nbgrader test cells' (channels/nbgrader_source.py).
_GRADER_LINE = re.compile(r'^(?:from autograder\.channels\.(?:notebook_checks|inline) import check'
                          r'|check\("\w+"(?:, "[\w.]+")?(?:, globals\(\))?\))[ \t]*$')
_USES_TENSORFLOW = re.compile(r"^\s*(import|from)\s+(keras|tensorflow)\b", re.MULTILINE)


@dataclass
class Submission:
    path: Path
    cells: list[dict]  # {"label", "filename", "source"}
    notes: list[str] = field(default_factory=list)

    @property
    def uses_tensorflow(self) -> bool:
        """Whether the code imports Keras or TensorFlow (then a TF-preloaded zygote runs it)."""
        return any(_USES_TENSORFLOW.search(cell["source"]) for cell in self.cells)


def describe_kind(mode: int) -> str | None:
    """None for a regular file, else what the file is, for the message."""
    for test, words in ((stat.S_ISREG, None), (stat.S_ISLNK, N_("a symbolic link")),
                        (stat.S_ISDIR, N_("a directory")), (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
                        (stat.S_ISSOCK, N_("a socket")), (stat.S_ISCHR, N_("a device")),
                        (stat.S_ISBLK, N_("a device"))):
        if test(mode):
            return words
    return N_("not a regular file")


def refusal(path: Path, kind: str) -> str:
    return _("{path} is {kind}, not a regular file: submit the file itself").format(path=path, kind=_(kind))


def check_kind(path: Path) -> None:
    """BadInput unless ``path`` itself (not what a link points to) is a regular file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise BadInput(_("no such file: {path}").format(path=path)) from None
    except OSError as exc:
        raise BadInput(_("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror)) from None
    kind = describe_kind(info.st_mode)
    if kind:
        raise BadInput(refusal(path, kind))


def read_safely(path: str | Path, limit: int | None = None, root: str | Path | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; else BadInput.

    Links, FIFOs, devices, sockets and directories are refused without being followed or
    opened for reading: the check is made on the opened descriptor (``O_NOFOLLOW``, and
    ``O_NONBLOCK`` so a FIFO cannot block the open), so nothing can be swapped in between a
    check and the read. With ``root``, ``path`` must lie under it and every folder on the way
    is opened without following links either.
    """
    path = Path(path)
    limit = MAX_BYTES if limit is None else limit
    check_kind(path)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = _open_under(path, Path(root), flags) if root is not None else os.open(path, flags)
    except BadInput:
        raise
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise BadInput(refusal(path, N_("a symbolic link"))) from None
        raise BadInput(_("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror)) from None
    try:
        kind = describe_kind(os.fstat(fd).st_mode)
        if kind:
            raise BadInput(refusal(path, kind))
        if os.fstat(fd).st_size > limit:
            raise BadInput(_("{path}: the file is larger than {limit}").format(path=path, limit=_size(limit)))
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > limit:  # it grew while we read
                raise BadInput(_("{path}: the file is larger than {limit}").format(path=path, limit=_size(limit)))
            chunks.append(chunk)
    except OSError as exc:
        raise BadInput(_("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror)) from None
    finally:
        os.close(fd)


def _open_under(path: Path, root: Path, flags: int) -> int:
    """Open ``path`` (under ``root``) component by component, following no link on the way."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise BadInput(_("{path} is not inside the submission folder {root}").format(path=path, root=root)) from None
    if not parts or ".." in parts:
        raise BadInput(_("{path} is not inside the submission folder {root}").format(path=path, root=root))
    directory = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=directory)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise BadInput(_("{path}: the folder '{part}' on its way is a link or not a folder: "
                                     "submit the files themselves").format(path=path, part=part)) from None
                raise
            os.close(directory)
            directory = inner
        return os.open(parts[-1], flags, dir_fd=directory)
    finally:
        os.close(directory)


def _size(limit: int) -> str:
    return (f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024
            else _("{count} bytes").format(count=limit))


def load(path: str | Path, root: str | Path | None = None) -> Submission:
    """Read and parse a submission (see ``read_safely`` for what is refused)."""
    path = Path(path)
    check_kind(path)
    if path.suffix not in SUFFIXES:
        raise BadInput(_("{path}: expected a .py or .ipynb file, got '{suffix}'").format(
            path=path, suffix=path.suffix or 'no extension'))
    return parse(path, read_safely(path, root=root))


def parse(path: Path, data: bytes) -> Submission:
    """A submission's bytes -> its cells; BadInput for anything that is not a valid file."""
    if path.suffix not in SUFFIXES:
        raise BadInput(_("{path}: expected a .py or .ipynb file, got '{suffix}'").format(
            path=path, suffix=path.suffix or 'no extension'))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(_("{path}: not a text file (it is not UTF-8)").format(path=path)) from None
    if path.suffix == ".py":
        return _load_python(path, text)
    try:
        return _load_notebook(path, text)
    except BadInput:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError, KeyError) as exc:
        # A notebook nested thousands of levels deep, or odd JSON nbformat trips over.
        raise BadInput(_("{path}: not a valid notebook ({error})").format(
            path=path, error=type(exc).__name__)) from None


def _load_python(path: Path, text: str) -> Submission:
    if "\x00" in text:
        raise BadInput(_("{path}: not a Python file (it contains NUL bytes)").format(path=path))
    return Submission(path, [{"label": path.name, "filename": str(path), "source": without_grader_lines(text)}])


def _load_notebook(path: Path, text: str) -> Submission:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadInput(_("{path}: not a valid notebook (not JSON: {error})").format(path=path, error=exc)) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise BadInput(_("{path}: not a valid notebook (no list of cells)").format(path=path))
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for malformed notebooks
        raise BadInput(_("{path}: not a valid notebook ({error})").format(
            path=path, error=f"{type(exc).__name__}: {exc}")) from None
    submission = Submission(path, [])
    number = 0
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        number += 1
        label = f"cell {number}"
        source, notes = clean_cell(without_grader_lines(cell.get("source", "")))
        submission.notes += [f"{label}: {note}" for note in notes]
        submission.cells.append({"label": label, "filename": f"{path.name} [{label}]",
                                 "source": source})
    return submission


def clean_cell(source: str) -> tuple[str, list[str]]:
    """Replace IPython-only lines by ``pass``; returns the Python source and notes."""
    lines = source.split("\n")
    notes: list[str] = []
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic not in _TRANSPARENT_CELL_MAGICS:
            notes.append(_("skipped the cell magic '%%{magic}' (the cell was not run)").format(magic=magic))
            return "\n".join("" for _ in lines), notes
        notes.append(_("ran the cell without its '%%{magic}' line").format(magic=magic))
        lines[0] = ""
    cleaned = []
    for line in lines:
        match = _MAGIC_LINE.match(line)
        if match:
            notes.append(_("skipped the IPython line '{line}'").format(line=line.strip()[:60]))
            cleaned.append(f"{match.group(1)}pass")
        else:
            cleaned.append(line)
    return "\n".join(cleaned), notes


def without_grader_lines(source: str) -> str:
    """``source`` with the course's check-cell and test-cell lines replaced by ``pass``."""
    if "autograder.channels" not in source:
        return source
    return "\n".join("pass" if _GRADER_LINE.match(line) else line for line in source.split("\n"))
