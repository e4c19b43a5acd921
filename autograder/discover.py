"""A class's submissions folder -> the (student, assignment, file) items to grade.

Accepted layouts, mixed freely:

- ``SUBMISSIONS/<student>/<assignment>.py`` or ``.ipynb``;
- nbgrader's ``submitted/<student>/<assignment>/*.ipynb`` (``SUBMISSIONS`` may be the
  course directory that holds ``submitted/``, or ``submitted/`` itself);
- ``SUBMISSIONS/<student>.zip`` holding either layout (optionally inside one top folder).

Archives are extracted member by member into a private work directory, refusing absolute
paths, ``..``, links, too many members and archives that expand past a size limit (zip-slip
and zip bombs). Files that fit no layout are reported and skipped, never fatal.
"""
from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import BadInput

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Item:
    student: str
    assignment: str
    path: Path


@dataclass
class Discovery:
    items: list[Item] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: reason", for the report


def discover(root: Path, assignments: list[str], workdir: Path) -> Discovery:
    root = Path(root)
    if not root.is_dir():
        raise BadInput(f"no such folder of submissions: {root}")
    if (root / "submitted").is_dir():
        root = root / "submitted"
    found = Discovery()
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            _scan_student(entry, entry.name, assignments, found)
        elif entry.suffix == ".zip":
            try:
                extracted = extract_zip(entry, workdir / entry.stem)
            except BadInput as exc:
                found.skipped.append(f"{entry.name}: refused: {exc}")
                continue
            _scan_student(extracted, entry.stem, assignments, found)
        else:
            found.skipped.append(f"{entry.name}: not a student folder or a .zip")
    return found


def _scan_student(folder: Path, student: str, assignments: list[str], found: Discovery) -> None:
    entries = [e for e in sorted(folder.iterdir()) if not e.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir() and entries[0].name not in assignments:
        entries = [e for e in sorted(entries[0].iterdir()) if not e.name.startswith(".")]
    chosen: dict[str, Path] = {}
    for entry in entries:
        if entry.is_file() and entry.suffix in SUFFIXES and entry.stem in assignments:
            if entry.stem in chosen:
                found.skipped.append(f"{student}/{entry.name}: a second file for "
                                     f"{entry.stem}; graded {chosen[entry.stem].name}")
                continue
            chosen[entry.stem] = entry
        elif entry.is_dir() and entry.name in assignments:  # nbgrader layout
            notebooks = sorted(entry.glob("*.ipynb"))
            if not notebooks:
                found.skipped.append(f"{student}/{entry.name}/: no notebook inside")
                continue
            named = [n for n in notebooks if n.stem == entry.name]
            pick = (named or notebooks)[0]
            chosen.setdefault(entry.name, pick)
            for extra in notebooks:
                if extra != pick:
                    found.skipped.append(f"{student}/{entry.name}/{extra.name}: extra notebook, not graded")
        else:
            found.skipped.append(f"{student}/{entry.name}: not a known assignment file")
    found.items += [Item(student, name, path) for name, path in sorted(chosen.items())]


def extract_zip(archive: Path, destination: Path) -> Path:
    """Extract ``archive`` safely into ``destination``; BadInput if it is unsafe or broken."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise BadInput(f"more than {MAX_ZIP_MEMBERS} files in the archive")
            declared = sum(m.file_size for m in members)
            if declared > MAX_ZIP_BYTES:
                raise BadInput(f"it expands to {declared} bytes, over the {MAX_ZIP_BYTES} limit")
            for member in members:
                _check_member(member)
            budget = MAX_ZIP_BYTES
            for member in members:
                if member.is_dir():
                    continue
                target = destination.joinpath(*PurePosixPath(member.filename).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                budget = _copy_bounded(zf, member, target, budget)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise BadInput(f"not a readable zip archive ({exc})") from None
    return destination


def _check_member(member: zipfile.ZipInfo) -> None:
    name = member.filename
    path = PurePosixPath(name)
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise BadInput(f"the entry '{name}' has an absolute path")
    if ".." in path.parts:
        raise BadInput(f"the entry '{name}' points outside the archive ('..')")
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BadInput(f"the entry '{name}' is a symbolic link")


def _copy_bounded(zf: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Copy one member, counting real bytes (a zip's declared sizes can lie)."""
    with zf.open(member) as source, open(target, "wb") as sink:
        while True:
            chunk = source.read(1 << 16)
            if not chunk:
                return budget
            budget -= len(chunk)
            if budget < 0:
                raise BadInput(f"it expands past the {MAX_ZIP_BYTES}-byte limit")
            sink.write(chunk)
