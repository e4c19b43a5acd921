"""The student bundle (`dlgrade bundle --student OUT`): what students get, and nothing more.

An installable source tree::

    OUT/README.md            how to install and check your work
    OUT/pyproject.toml       the package, its dependencies (the course's), the `dlgrade` command
    OUT/assignments/         the stubs and notebooks, rendered from solutions/ right now
    OUT/autograder/          the grading package without rubrics/
    OUT/autograder/public/   the public fixtures of the visible checks (fixtures.py), and
                             locale/<lang>/LC_MESSAGES/rubrics.mo: their translated texts

No solutions, no rubric source, no hidden check. Installed from it, `dlgrade check` grades the
visible checks in the same sandbox, with the same verdicts and feedback as the full course.
Every fixture is exported before anything is written, so a check that cannot be bundled
stops the build with its reason and leaves no half-built folder.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from pathlib import Path

from autograder.engine import course
from . import fixtures, release
from autograder.engine.errors import BadInput
from autograder.engine.i18n import _

# Never shipped: the folders of the private score files inside the package (the rubric
# modules: hidden checks, mistake models; declared in course.Assignment.private_score_files),
# fixtures from an earlier bundle, and stale build output.
PRIVATE = tuple(root.name for root in course.private_roots() if root.parent == course.PACKAGE_DIR) + (
    "public", "__pycache__", "*.pyc")
DISTRIBUTION = "dlcourse-student"


def build(out: Path, names: list[str] | None = None) -> list[str]:
    """Write the bundle into ``out`` (which must not exist, or be empty); returns the
    assignments it holds. Raises BadInput for a bad folder or an assignment that cannot be bundled."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInput(_("{out} already exists and is not an empty folder; choose a new one").format(out=out))
    chosen = [course.get(n) for n in names] if names else [a for a in course.ASSIGNMENTS if a.available]
    if not chosen:
        raise BadInput(_("no assignment is available to bundle"))
    exported, problems = [], []
    for assignment in chosen:
        try:
            exported.append((assignment, fixtures.export(assignment)))
        except fixtures.NotBundleable as exc:
            problems.append(str(exc))
    if problems:
        raise BadInput(_("cannot bundle: {problems}").format(problems="; ".join(problems)))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        shutil.copytree(course.PACKAGE_DIR, staging / "autograder", ignore=shutil.ignore_patterns(*PRIVATE))
        for assignment, (data, arrays) in exported:
            fixtures.write(data, arrays, staging / "autograder" / "public")
            released = release.render(assignment)  # also the nbgrader source: not for students
            (staging / "assignments").mkdir(exist_ok=True)
            for path in (assignment.stub_path, assignment.notebook_path):
                (staging / "assignments" / path.name).write_text(released[path], encoding="utf-8")
        # The rubrics' translations of the visible checks' texts only (never a hidden check's).
        from autograder.rubrics import messages  # the course's, not shipped: imported here only
        messages.write_public(staging / "autograder" / "public" / "locale", [a.name for a, _ in exported])
        (staging / "pyproject.toml").write_text(pyproject_text(), encoding="utf-8")
        (staging / "README.md").write_text(readme_text([a for a, _ in exported]), encoding="utf-8")
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [a.name for a, _ in exported]


def pyproject_text() -> str:
    """The bundle's pyproject.toml: the course package's version and dependencies."""
    project = tomllib.loads((course.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = "".join(f"    {json.dumps(d)},\n" for d in project["dependencies"])
    return f"""\
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "{DISTRIBUTION}"
version = {json.dumps(project["version"])}
description = "Deep-learning course exercises and their public checks (student bundle)"
readme = "README.md"
requires-python = {json.dumps(project["requires-python"])}
dependencies = [
{dependencies}]

[project.scripts]
dlgrade = "autograder.channels.cli:main"

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["public/*.json", "public/*.npz", "public/locale/*/LC_MESSAGES/*.mo"]
"""


def readme_text(assignments: list[course.Assignment]) -> str:
    listing = "\n".join(f"- `{a.name}`: {a.title}" for a in assignments)
    return f"""\
# Deep-learning course: exercises and self-check

Assignments in this bundle:

{listing}

## Install (once)

```bash
python3 -m venv .venv && .venv/bin/pip install .
```

## Work and check

Edit the regions marked `# YOUR CODE HERE` in `assignments/<name>.py`, or open
`assignments/<name>.ipynb` in Jupyter. Then, from this folder:

```bash
.venv/bin/dlgrade list                                   # assignments, graded functions, points
.venv/bin/dlgrade check conv_padding                     # grades assignments/conv_padding.py
.venv/bin/dlgrade check conv_padding my_work.ipynb       # or any .py / .ipynb file
.venv/bin/dlgrade check conv_padding my_work.py --json   # the result object only
```

Your code runs in a sandbox and is compared with the reference outputs on fixed inputs.
Every failed check says on which input, what was expected, what came back, and a hint.
This bundle holds the *visible* checks only: the hidden checks (other shapes and seeds)
are run by your instructor when grading, so passing here is necessary, not sufficient.
"""
