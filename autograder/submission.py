"""A submission file (.py or .ipynb) -> the code cells to run, with clear errors for bad files.

A ``.py`` file is one cell. A notebook's code cells run in order, like Jupyter's "Run All"
with errors allowed; IPython magics and shell lines (``%matplotlib inline``, ``!pip ...``)
cannot run in plain Python, so they are replaced by ``pass`` (keeping line numbers) and
noted. Markdown and raw cells are ignored.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadInput

MAX_BYTES = 20 * 1024 * 1024
# Cell magics whose body is ordinary Python worth running.
_TRANSPARENT_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
_MAGIC_LINE = re.compile(r"^(\s*)([%!]|\w+\s*=\s*[%!])")


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


def load(path: str | Path) -> Submission:
    path = Path(path)
    if not path.exists():
        raise BadInput(f"no such file: {path}")
    if path.is_dir():
        raise BadInput(f"{path} is a directory, not a .py or .ipynb file")
    if path.suffix not in (".py", ".ipynb"):
        raise BadInput(f"{path}: expected a .py or .ipynb file, got '{path.suffix or 'no extension'}'")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise BadInput(f"{path}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a text file (it is not UTF-8)") from None
    if path.suffix == ".py":
        return _load_python(path, text)
    return _load_notebook(path, text)


def _load_python(path: Path, text: str) -> Submission:
    if "\x00" in text:
        raise BadInput(f"{path}: not a Python file (it contains NUL bytes)")
    return Submission(path, [{"label": path.name, "filename": str(path), "source": text}])


def _load_notebook(path: Path, text: str) -> Submission:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise BadInput(f"{path}: not a valid notebook (not JSON: {exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise BadInput(f"{path}: not a valid notebook (no list of cells)")
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for malformed notebooks
        raise BadInput(f"{path}: not a valid notebook ({type(exc).__name__}: {exc})") from None
    submission = Submission(path, [])
    number = 0
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        number += 1
        label = f"cell {number}"
        source, notes = clean_cell(cell.get("source", ""))
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
            notes.append(f"skipped the cell magic '%%{magic}' (the cell was not run)")
            return "\n".join("" for _ in lines), notes
        notes.append(f"ran the cell without its '%%{magic}' line")
        lines[0] = ""
    cleaned = []
    for line in lines:
        match = _MAGIC_LINE.match(line)
        if match:
            notes.append(f"skipped the IPython line '{line.strip()[:60]}'")
            cleaned.append(f"{match.group(1)}pass")
        else:
            cleaned.append(line)
    return "\n".join(cleaned), notes
