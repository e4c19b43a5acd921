"""Gradescope autograder: build the zip (`dlgrade gradescope A --out autograder.zip`) and the
grading run inside Gradescope's container (`dlgrade gradescope A --run`, what `run_autograder`
calls).

The zip holds Gradescope's two entry points and a copy of the course::

    setup.sh          run once when Gradescope builds the image: a venv with the course installed
    run_autograder    run per submission: grades /autograder/submission/, writes results.json
    course/           pyproject.toml, README.md, autograder/ and solutions/<A>.py

Inside the container the submission is graded in the same sandbox as `dlgrade check --hidden`,
and `/autograder/results/results.json` gets Gradescope's schema: the total ``score``, one test
per check (score, max_score, status, name, number, output, visibility; hidden checks
``after_published``). The root `/autograder` can be moved with ``DLGRADE_AUTOGRADER_ROOT``.
A file we cannot grade (none found, a broken notebook) scores 0 with the reason; a fault of
the grader itself writes no results, so Gradescope reports the autograder as failed.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from autograder.engine import course
from autograder.engine.errors import BadInput
from autograder.engine.i18n import _
from autograder.engine.result import Result
from autograder.engine.atomic import replacing, write_atomic

ROOT_VARIABLE = "DLGRADE_AUTOGRADER_ROOT"
_SKIPPED_PARTS = ("__MACOSX", ".ipynb_checkpoints", "__pycache__")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, while building the autograder image.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install -e /autograder/source/course
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission. {variable} moves the /autograder root (tests).
set -uo pipefail
ROOT="${{{variable}:-/autograder}}"
PYTHON="$ROOT/venv/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
cd "$ROOT/source/course" || exit 3
exec "$PYTHON" -m autograder gradescope {assignment} --run --root "$ROOT"
"""


# --- building the zip (instructor side) -------------------------------------------------------

def _course_files(assignment: course.Assignment) -> list[tuple[Path, str]]:
    """(file on disk, name in the zip) for the course copy: package, one solution, metadata."""
    files = [(course.ROOT / "pyproject.toml", "course/pyproject.toml"),
             (course.ROOT / "README.md", "course/README.md"),
             (assignment.solution_path, f"course/solutions/{assignment.solution_path.name}")]
    for path in sorted([*course.PACKAGE_DIR.rglob("*.py"), *course.PACKAGE_DIR.rglob("*.mo")]):  # code, catalogs
        relative = path.relative_to(course.PACKAGE_DIR)
        if not any(part in _SKIPPED_PARTS or part == "public" for part in relative.parts):
            files.append((path, f"course/autograder/{relative.as_posix()}"))
    return files


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    archive.writestr(info, data)


def build_zip(assignment_name: str, out: Path) -> Path:
    """Write the Gradescope autograder zip for one assignment."""
    assignment = course.get(assignment_name)
    course.source().require_solutions(_("a Gradescope autograder needs the course's solutions; build it in "
                                        "the course repository"))
    assignment.rubric()  # BadInput for an assignment that is not available yet
    out = Path(out)
    with replacing(out, mode=0o644) as temporary, zipfile.ZipFile(temporary, "w") as archive:
        _add(archive, "setup.sh", SETUP_SH.encode(), executable=True)
        _add(archive, "run_autograder", RUN_AUTOGRADER.format(
            variable=ROOT_VARIABLE, assignment=assignment.name).encode(), executable=True)
        for path, name in _course_files(assignment):
            _add(archive, name, path.read_bytes())
    return out


# --- grading inside the container ------------------------------------------------------------

def autograder_root(root: str | Path | None = None) -> Path:
    return Path(root or os.environ.get(ROOT_VARIABLE) or "/autograder")


def find_submission(folder: Path, assignment: str) -> Path:
    """The file to grade: one named for the assignment, else the only notebook (or only file).
    Links are never followed (a linked folder is not looked into) and the chosen file must be
    a regular file: a link, FIFO, device or socket is refused (BadInput, so the student sees
    a score of 0 with the reason)."""
    from autograder.engine.submission import SUFFIXES, describe_kind, refusal

    if not folder.is_dir() or folder.is_symlink():
        raise BadInput(_("no submission folder {folder}").format(folder=folder))
    files, links = [], []
    for directory, subdirectories, names in os.walk(folder, followlinks=False):
        here = Path(directory)
        parts = here.relative_to(folder).parts
        if any(part.startswith(".") or part in _SKIPPED_PARTS for part in parts):
            subdirectories[:] = []
            continue
        links += [here / d for d in subdirectories if (here / d).is_symlink()]
        files += [here / n for n in names if Path(n).suffix in SUFFIXES and not n.startswith(".")]
    files.sort()
    named = [p for p in files if p.stem == assignment]
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    for candidates in (named, notebooks if len(notebooks) == 1 else [], files if len(files) == 1 else []):
        if candidates:
            kind = describe_kind(os.lstat(candidates[0]).st_mode)
            if kind:
                raise BadInput(refusal(candidates[0].relative_to(folder), kind))
            return candidates[0]
    found = ", ".join(p.name for p in files[:5]) or _("no .py or .ipynb file")
    if links:
        found += _("; linked folders are not looked into")
    raise BadInput(_("could not tell which file to grade ({found}): upload {assignment}.py or "
                     "{assignment}.ipynb").format(found=found, assignment=assignment))


def run(assignment_name: str, root: Path) -> dict:
    """Grade ``root/submission`` (with hidden checks) and write ``root/results/results.json``."""
    from autograder.engine import grading

    rubric = course.get(assignment_name).rubric()
    print("dlgrade: " + _("grading {assignment} with the course in {root}").format(
        assignment=assignment_name, root=course.ROOT))
    try:
        path = find_submission(root / "submission", assignment_name)
        # One submission per container: no warm zygote left behind for later checks.
        result = grading.grade_file(assignment_name, path, hidden=True, keep_zygote=False)
    except BadInput as exc:  # the student's file, not the grader: score 0 with the reason
        result = Result.unreadable(rubric, True, str(exc))
    results = result.to_gradescope()
    write_atomic(root / "results" / "results.json", json.dumps(results, indent=2) + "\n", mode=0o644)
    return results
