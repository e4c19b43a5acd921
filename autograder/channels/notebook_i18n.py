"""Translated notebooks: gettext catalogs for the markdown cells of the assignments.

English stays the source language. `solutions/locale/<lang>/<name>.po` is a standard gettext
catalog (read with Babel) next to the single source `solutions/<name>.py`: one message per
markdown cell of the solution, whose msgid is the cell's markdown exactly as jupytext reads it
(the text the released notebooks carry) and whose msgstr is its translation. Code cells are
never translated, so a translated notebook grades exactly like the English one.

* `markdown_cells(path)`: the markdown cells of a solution, in order (what a catalog covers);
* `load_catalog(lang, name)`: the catalog, as a `babel.messages.Catalog`;
* `translate(notebook, catalog)`: a copy of a notebook whose markdown cells are translated;
  code cells, cell ids and all metadata stay identical; raises `MissingTranslation`;
* `stale(lang, name)`: what is wrong with a catalog (for `dlgrade release --check`): msgids
  missing or no longer in the source, empty or fuzzy translations, and translations that
  lost a formula or code span of their msgid (`lost_markup`).

`.mo` files are not needed here (the catalog is read directly); `compile_mo` writes the
compiled form for tools that want it.
"""
from __future__ import annotations

import copy
import io
import re
from collections import Counter
from pathlib import Path

import jupytext
import nbformat
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from autograder.engine import course

LOCALE_DIR = course.SOLUTIONS_DIR / "locale"

# Markup a translation must keep verbatim, found in this order (each removed before the next
# pattern runs, so a `$` inside a code span is not read as math): fenced code blocks, inline
# code spans, display math, inline math.
_MARKUP = (re.compile(r"```.*?```", re.DOTALL), re.compile(r"`[^`]+`"),
           re.compile(r"\$\$.+?\$\$", re.DOTALL), re.compile(r"\$[^$]+\$"))


class MissingTranslation(ValueError):
    """A markdown cell of the notebook has no usable translation in the catalog."""


def catalog_path(lang: str, name: str) -> Path:
    """Where the catalog of assignment `name` in language `lang` lives."""
    return LOCALE_DIR / lang / f"{name}.po"


def _where(path: Path) -> str:
    try:
        return str(path.relative_to(course.ROOT))
    except ValueError:
        return str(path)


def markdown_cells(solution_path: Path) -> list[str]:
    """The markdown of every markdown cell of a jupytext py:percent solution, in order."""
    notebook = jupytext.read(solution_path, fmt="py:percent")
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


def load_catalog(lang: str, name: str, path: Path | None = None) -> Catalog:
    """Read `solutions/locale/<lang>/<name>.po` (or `path`); invalid lines raise an error."""
    path = catalog_path(lang, name) if path is None else path
    with open(path, "rb") as handle:
        return read_po(handle, locale=lang, domain=name, abort_invalid=True)


def _summary(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return repr(first if len(first) <= 60 else first[:57] + "...")


def _problem(message) -> str | None:
    """Why `message` (a catalog entry or None) cannot be used, or None when it can."""
    if message is None:
        return "no entry"
    if not message.string:
        return "empty translation"
    if message.fuzzy:
        return "fuzzy translation"
    return None


def translate(notebook: nbformat.NotebookNode, catalog: Catalog) -> nbformat.NotebookNode:
    """A copy of `notebook` with every markdown cell's source replaced by its translation.

    Code and raw cells, cell ids, cell metadata and notebook metadata are left identical.
    Raises MissingTranslation, naming the cell (index, id, first line), when a markdown
    cell has no entry in `catalog`, or an empty or fuzzy one.
    """
    result = copy.deepcopy(notebook)
    for index, cell in enumerate(result.cells):
        if cell.cell_type != "markdown":
            continue
        message = catalog.get(cell.source)
        problem = _problem(message)
        if problem:
            raise MissingTranslation(
                f"cell {index} (id {cell.get('id', '?')}, {_summary(cell.source)}): {problem} "
                f"in the {catalog.locale or '?'} catalog {catalog.domain or ''}".rstrip())
        cell.source = message.string
    return result


def markup(text: str) -> Counter:
    """The formulas and code spans of a markdown text, with their counts."""
    found = []
    for pattern in _MARKUP:
        found += pattern.findall(text)
        text = pattern.sub(" ", text)
    return Counter(found)


def lost_markup(msgid: str, msgstr: str) -> list[str]:
    """The formulas and code spans of `msgid` that `msgstr` does not keep verbatim."""
    return sorted((markup(msgid) - markup(msgstr)).elements())


def stale(lang: str, name: str, solution_path: Path | None = None,
          path: Path | None = None) -> list[str]:
    """What keeps the `lang` catalog of assignment `name` from matching its solution.

    One line per problem: the catalog is missing or unreadable; a markdown cell of the solution
    has no entry, an empty or a fuzzy one; a translation drops a formula or code span of its
    msgid; an entry's msgid is no longer a markdown cell of the solution. Empty: up to date.
    `solution_path` and `path` default to `solutions/<name>.py` and `catalog_path(lang, name)`.
    """
    solution_path = course.SOLUTIONS_DIR / f"{name}.py" if solution_path is None else solution_path
    path = catalog_path(lang, name) if path is None else path
    where = _where(path)
    if not path.is_file():
        return [f"{where}: missing (it needs one entry per markdown cell of {_where(solution_path)})"]
    try:
        catalog = load_catalog(lang, name, path)
    except Exception as error:  # babel's PoFileError, a decoding error, ...
        return [f"{where}: unreadable: {error}"]
    cells = markdown_cells(solution_path)
    problems = []
    for index, source in enumerate(cells):
        message = catalog.get(source)
        problem = _problem(message)
        if problem:
            problems.append(f"{where}: markdown cell {index} ({_summary(source)}): {problem}")
            continue
        lost = lost_markup(source, message.string)
        if lost:
            problems.append(f"{where}: markdown cell {index} ({_summary(source)}): the translation "
                            f"drops {', '.join(repr(item) for item in lost)}")
    current = set(cells)
    for message in catalog:
        if message.id and message.id not in current:
            problems.append(f"{where}: entry {_summary(message.id)} is no longer a markdown cell "
                            f"of {_where(solution_path)}")
    return problems


def compile_mo(catalog: Catalog) -> bytes:
    """The compiled (.mo) form of a catalog, fuzzy entries left out as gettext does."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()
