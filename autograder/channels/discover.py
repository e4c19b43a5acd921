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

import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.engine.errors import BadInput
from autograder.engine.i18n import _
from autograder.engine.submission import SUFFIXES, describe_kind

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
# What a run writes or reads back at the top of OUT: no student's folder may take these names.
RESERVED = frozenset({"gradebook.csv", "summary.md"})
MAX_NAME = 100
_QUIET_HIDDEN = frozenset({".git", ".ipynb_checkpoints", ".DS_Store", ".Trash", ".cache"})


@dataclass(frozen=True)
class Item:
    student: str
    assignment: str
    path: Path
    # The folder under OUT for this student's results (``student`` unless that is unsafe).
    folder: str = ""
    # The submission root the file must be opened under (no link followed on the way).
    root: Path | None = None
    # Why this student's submission cannot be graded (then ``path`` is just for the report).
    problem: str | None = None

    @property
    def out_folder(self) -> str:
        return self.folder or self.student


@dataclass
class Discovery:
    items: list[Item] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: reason", for the report


def is_safe_name(name: str) -> bool:
    """Whether a student name can be used as it is for the folder of their results."""
    return (0 < len(name) <= MAX_NAME and name[0].isalnum() and name.lower() not in RESERVED
            and all(c.isalnum() or c in "._-+@" for c in name) and ".." not in name
            and name.isprintable() and not any("\ud800" <= c <= "\udfff" for c in name))


def folder_for(name: str) -> str:
    """The results folder of a student: the name itself when safe, else ``_`` + a cleaned
    prefix + a hash of the name. A safe name never starts with ``_``, so the two kinds
    cannot collide, and different names get different folders."""
    if is_safe_name(name):
        return name
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-+@") else "_" for c in name)[:40]
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"_{cleaned}-{digest}"


def _kind(path: Path) -> str | None:
    """None for a regular file, "dir" for a real folder, else what it is (no link followed)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    return "dir" if stat.S_ISDIR(mode) else describe_kind(mode)


def discover(root: Path, assignments: list[str], workdir: Path) -> Discovery:
    """Every student's items; a student whose input cannot be used gets items with a
    ``problem`` (their row in the gradebook says why), never an exception for the class."""
    root = Path(root)
    if not root.is_dir():
        raise BadInput(_("no such folder of submissions: {root}").format(root=root))
    if _kind(root / "submitted") == "dir":
        root = root / "submitted"
    found = Discovery()
    per_student: dict[str, list[tuple[str, list[Item]]]] = {}
    for index, entry in enumerate(sorted(root.iterdir())):
        kind = _kind(entry)
        if entry.name.startswith("."):
            if (kind == "dir" or entry.suffix == ".zip") and entry.name not in _QUIET_HIDDEN:
                found.skipped.append(_("{name}: a hidden name (leading dot), not graded: "
                                       "rename it without the dot").format(name=entry.name))
            continue
        if kind == "dir" or entry.suffix != ".zip":
            student, source = entry.name, entry.name + ("/" if kind == "dir" else "")
        else:
            student, source = entry.name[:-len(".zip")], entry.name
        if kind not in ("dir", None) and entry.suffix != ".zip" and kind != "a symbolic link":
            found.skipped.append(_("{name}: {kind}, not a student folder or a .zip").format(name=entry.name, kind=_(kind)))
            continue
        if kind not in ("dir", None):
            problem = _("{name} is {kind}: submit a real folder or .zip file, not a link").format(
                name=entry.name, kind=_(kind))
        elif kind is None and entry.suffix != ".zip":
            found.skipped.append(_("{name}: not a student folder or a .zip").format(name=entry.name))
            continue
        else:
            problem = None
        items: list[Item] = []
        if problem is None:
            try:
                if kind == "dir":
                    items = _scan_student(entry, student, assignments, found, root)
                else:
                    extracted = extract_zip(entry, workdir / str(index))
                    items = _scan_student(extracted, student, assignments, found, extracted)
            except BadInput as exc:
                problem = _("{name} refused: {reason}").format(name=entry.name, reason=exc)
            except (OSError, ValueError, IndexError) as exc:  # anything odd in one student's input
                problem = _("{name} could not be read ({error})").format(
                    name=entry.name, error=f"{type(exc).__name__}: {exc}")
        if problem is not None:
            items = [Item(student, "", entry, problem=problem)]
        per_student.setdefault(student, []).append((source, items))
    for student, sources in per_student.items():
        folder = folder_for(student)
        if len(sources) > 1:
            names = _(" and ").join(source for source, _items in sources)
            problem = _("two submissions for the student name '{student}': {names}; neither was "
                        "graded: keep one of them and grade again").format(student=student, names=names)
            submitted = sorted({i.assignment for _, items in sources for i in items if i.assignment})
            found.items += [Item(student, name, root / sources[0][0], folder=folder, problem=problem)
                            for name in submitted or [""]]
            continue
        for item in sources[0][1]:
            found.items.append(Item(item.student, item.assignment, item.path, folder, item.root, item.problem))
    return _assign_problems(found, assignments)


def _assign_problems(found: Discovery, assignments: list[str]) -> Discovery:
    """A problem not tied to one assignment becomes one item per assignment the class
    submitted (or that was asked for), so it shows in each of that student's columns."""
    submitted = sorted({i.assignment for i in found.items if i.assignment}) or sorted(assignments)
    items = []
    for item in found.items:
        if item.assignment:
            items.append(item)
        else:
            items += [Item(item.student, name, item.path, item.folder, None, item.problem) for name in submitted]
    found.items = items
    return found


def _scan_student(folder: Path, student: str, assignments: list[str], found: Discovery,
                  root: Path) -> list[Item]:
    entries = [e for e in sorted(folder.iterdir()) if not e.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and _kind(entries[0]) == "dir" and entries[0].name not in assignments:
        entries = [e for e in sorted(entries[0].iterdir()) if not e.name.startswith(".")]
    chosen: dict[str, Path] = {}
    problems: dict[str, str] = {}
    for entry in entries:
        kind = _kind(entry)
        if entry.suffix in SUFFIXES and entry.stem in assignments and kind != "dir":
            if entry.stem in chosen or entry.stem in problems:
                found.skipped.append(_("{student}/{name}: a second file for {assignment}; graded {graded}").format(
                    student=student, name=entry.name, assignment=entry.stem, graded=chosen[entry.stem].name))
                continue
            chosen[entry.stem] = entry
            if kind is not None:
                problems[entry.stem] = _("{path} is {kind}, not a regular file: submit the file itself").format(
                    path=entry.name, kind=_(kind))
        elif entry.name in assignments and kind == "dir":  # nbgrader layout
            notebooks = sorted(entry.glob("*.ipynb"))
            if not notebooks:
                found.skipped.append(_("{student}/{name}/: no notebook inside").format(student=student, name=entry.name))
                continue
            named = [n for n in notebooks if n.stem == entry.name]
            pick = (named or notebooks)[0]
            chosen.setdefault(entry.name, pick)
            pick_kind = _kind(pick)
            if pick_kind is not None:
                problems[entry.name] = _("{path} is {kind}, not a regular file: submit the notebook itself").format(
                    path=f"{entry.name}/{pick.name}", kind=_(pick_kind))
            for extra in notebooks:
                if extra != pick:
                    found.skipped.append(_("{path}: extra notebook, not graded").format(
                        path=f"{student}/{entry.name}/{extra.name}"))
        elif entry.name in assignments and kind is not None:
            chosen[entry.name] = entry
            problems[entry.name] = _("{name} is {kind}: submit the folder itself").format(name=entry.name, kind=_(kind))
        else:
            found.skipped.append(_("{student}/{name}: not a known assignment file").format(student=student, name=entry.name))
    return [Item(student, name, path, root=root, problem=problems.get(name))
            for name, path in sorted(chosen.items())]


def extract_zip(archive: Path, destination: Path) -> Path:
    """Extract ``archive`` safely into ``destination``; BadInput if it is unsafe or broken."""
    from autograder.engine.submission import read_safely

    data = read_safely(archive, limit=MAX_ZIP_BYTES)  # a regular file (no link, no FIFO), bounded
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise BadInput(_("more than {count} files in the archive").format(count=MAX_ZIP_MEMBERS))
            declared = sum(m.file_size for m in members)
            if declared > MAX_ZIP_BYTES:
                raise BadInput(_("it expands to {size} bytes, over the {limit} limit").format(
                    size=declared, limit=MAX_ZIP_BYTES))
            for member in members:
                _check_member(member)
            budget = MAX_ZIP_BYTES
            for member in members:
                if member.is_dir():
                    continue
                target = destination.joinpath(*PurePosixPath(member.filename).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                budget = _copy_bounded(zf, member, target, budget)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError, IndexError) as exc:
        raise BadInput(_("not a readable zip archive ({error})").format(error=f"{type(exc).__name__}: {exc}")) from None
    destination.mkdir(parents=True, exist_ok=True)
    return destination


def _check_member(member: zipfile.ZipInfo) -> None:
    name = member.filename
    path = PurePosixPath(name)
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise BadInput(_("the entry '{name}' has an absolute path").format(name=name))
    if not path.parts or path.parts == (".",) or name.strip("/. ") == "":
        raise BadInput(_("the entry '{name}' has no file name").format(name=name))
    if ".." in path.parts:
        raise BadInput(_("the entry '{name}' points outside the archive ('..')").format(name=name))
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BadInput(_("the entry '{name}' is a symbolic link").format(name=name))


def _copy_bounded(zf: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Copy one member, counting real bytes (a zip's declared sizes can lie)."""
    with zf.open(member) as source, open(target, "wb") as sink:
        while True:
            chunk = source.read(1 << 16)
            if not chunk:
                return budget
            budget -= len(chunk)
            if budget < 0:
                raise BadInput(_("it expands past the {limit}-byte limit").format(limit=MAX_ZIP_BYTES))
            sink.write(chunk)
