"""The rubrics' words for translators: the `rubrics` gettext domain.

Every human text a rubric can show (each check's name and hint, each diagnosis' hint, the
templates of a check's case :class:`~autograder.engine.rubric.Description`, the rubric's
``forbidden_hint``) is read from the *built* rubric objects (``course.get(name).rubric()``),
never parsed from files, so it does not matter how a rubric module is split. The texts are the
msgids of ``autograder/rubrics/locale/<lang>/LC_MESSAGES/rubrics.po`` (private: ``rubrics/``
never leaves the course); ``i18n.rubric_text(text)`` looks them up at render time.

- ``extract()``: the texts, sorted, each with where it is shown (``#.`` comments) and whether
  only hidden checks show it;
- ``update(lang)``: rewrite the catalog from the rubrics, keeping the translations of texts that
  are still there (new texts get an empty msgstr, gone ones are dropped), and compile the ``.mo``;
- ``stale(lang)``: what is missing, untranslated, fuzzy or obsolete, and whether the ``.mo`` is
  behind its ``.po`` (``tests/test_rubric_catalog.py``);
- ``write_public(folder, names)``: the student bundle's subset, the visible checks' texts only
  (``channels/bundle.py``), less the case descriptions' templates: a bundle stores each visible
  case's description already written in every language (``channels/fixtures.py``).

Run ``python -m autograder.rubrics.messages [LANG]`` after changing a rubric text, then
translate the new entries (terms: ``solutions/locale/ko/GLOSSARY.md``).
"""
from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from autograder.engine import course
from autograder.engine.rubric import Description, Rubric

DOMAIN = "rubrics"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"  # private: inside rubrics/
LANGUAGES = ("ko",)
_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)  # fixed header dates: a rewrite changes nothing
HEADER = """\
# The rubrics' words (check names, hints, diagnoses, case descriptions) in {lang}: the `rubrics` gettext domain.
# msgid = the English text of the built rubric objects, msgstr = its translation.
# Regenerate with `python -m autograder.rubrics.messages {lang}` (keeps translations), then
# translate the empty entries. Terms: solutions/locale/ko/GLOSSARY.md. Keep every formula,
# code span, function name, number and shape verbatim. Private: never shipped to students;
# the student bundle gets the visible checks' entries only."""


@dataclass(frozen=True)
class Message:
    """One text and where it is shown ("conv_padding 3.1 name", ...)."""

    text: str
    places: tuple[str, ...]
    hidden: bool  # shown by hidden checks only

    def comments(self) -> list[str]:
        return list(self.places) + (["hidden only"] if self.hidden else [])


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def rubrics(names: list[str] | None = None) -> list[Rubric]:
    """The built rubrics of ``names`` (default: every available assignment)."""
    chosen = [course.get(n) for n in names] if names else [a for a in course.ASSIGNMENTS if a.available]
    return [a.rubric() for a in chosen]


def _texts(rubric: Rubric, visible_only: bool = False, descriptions: bool = True):
    """(text, place, hidden) for every human text of ``rubric`` (less the description
    templates unless ``descriptions``)."""
    yield rubric.forbidden_hint, f"{rubric.assignment} forbidden_hint", False
    for check in rubric.checks:
        if visible_only and check.hidden:
            continue
        where = f"{rubric.assignment} {check.number}"
        yield check.name, f"{where} name", check.hidden
        yield check.hint, f"{where} hint", check.hidden
        for index, diagnosis in enumerate(check.diagnoses, 1):
            yield diagnosis.hint, f"{where} diagnosis {index}", check.hidden
        if descriptions and isinstance(check.describe, Description):
            for template in check.describe.templates:
                yield template, f"{where} case", check.hidden


def extract(built: list[Rubric] | None = None, visible_only: bool = False,
            descriptions: bool = True) -> list[Message]:
    """Every text of ``built`` (default: all rubrics), sorted by text; a text shown by hidden
    checks only is marked hidden. ``visible_only`` leaves the hidden checks out entirely,
    ``descriptions=False`` the templates of the case descriptions."""
    places: dict[str, list[str]] = {}
    shown: dict[str, bool] = {}
    for rubric in rubrics() if built is None else built:
        for text, place, hidden in _texts(rubric, visible_only, descriptions):
            if not text:
                continue
            places.setdefault(text, [])
            if place not in places[text]:
                places[text].append(place)
            shown[text] = shown.get(text, False) or not hidden
    return [Message(text, tuple(places[text]), not shown[text]) for text in sorted(places)]


def new_catalog(lang: str) -> Catalog:
    return Catalog(locale=lang, domain=DOMAIN, project="dlcourse", version="1", header_comment=HEADER.format(lang=lang),
                   creation_date=_EPOCH, revision_date=_EPOCH, last_translator="dlcourse",
                   language_team=f"{lang} <{lang}@li.org>", fuzzy=False)


def build_catalog(messages: list[Message], translations: dict[str, str], lang: str) -> Catalog:
    catalog = new_catalog(lang)
    for message in messages:
        catalog.add(message.text, translations.get(message.text, ""), auto_comments=message.comments())
    return catalog


def read(path: Path) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)


def translations(catalog: Catalog) -> dict[str, str]:
    """msgid -> msgstr of the translated, non-fuzzy entries."""
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def update(lang: str) -> Path:
    """Rewrite ``lang``'s catalog from the rubrics (keeping the translations of texts still
    there) and compile its ``.mo``; returns the ``.po`` path."""
    path = po_path(lang)
    kept = translations(read(path)) if path.exists() else {}
    catalog = build_catalog(extract(), kept, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(po_bytes(catalog))
    mo_path(lang).write_bytes(mo_bytes(read(path)))
    return path


@dataclass(frozen=True)
class Staleness:
    missing: list[str]       # texts the rubrics show that the catalog lacks
    obsolete: list[str]      # msgids no rubric shows any more
    untranslated: list[str]  # empty or fuzzy msgstr
    mo_stale: bool           # the committed .mo differs from the .po compiled now

    def __bool__(self) -> bool:
        return bool(self.missing or self.obsolete or self.untranslated or self.mo_stale)


def stale(lang: str, messages: list[Message] | None = None, po: Path | None = None) -> Staleness:
    """What is wrong with ``lang``'s catalog (``po``, default the course's) against ``messages``
    (default: the rubrics' texts now)."""
    po = po or po_path(lang)
    catalog = read(po)
    wanted = {m.text for m in (extract() if messages is None else messages)}
    have = {m.id for m in catalog if m.id}
    mo = po.with_suffix(".mo")
    return Staleness(
        missing=sorted(wanted - have),
        obsolete=sorted(have - wanted),
        untranslated=sorted(m.id for m in catalog if m.id and (not m.string or m.fuzzy)),
        mo_stale=not mo.exists() or compiled(mo) != translations(catalog))


def compiled(mo: Path) -> dict[str, str]:
    """msgid -> msgstr of a compiled ``.mo`` (its messages, not its bytes: the header names
    the Babel version that wrote it)."""
    with open(mo, "rb") as handle:
        return {m.id: m.string for m in read_mo(handle) if m.id}


def public_catalog(lang: str, built: list[Rubric]) -> Catalog:
    """The subset of ``lang``'s catalog that the visible checks of ``built`` show: no hidden
    check's name, hint or diagnosis, not even where a visible check's text is translated, and
    no description template (the fixtures hold the visible cases' descriptions written out)."""
    known = translations(read(po_path(lang)))
    visible = extract(built, visible_only=True, descriptions=False)
    return build_catalog([m for m in visible if m.text in known], known, lang)


def write_public(folder: Path, names: list[str]) -> list[Path]:
    """Write ``folder/<lang>/LC_MESSAGES/rubrics.mo`` for each language, from the visible checks
    of the assignments ``names`` (a student bundle's ``autograder/public/locale``)."""
    built = rubrics(names)
    written = []
    for lang in LANGUAGES:
        target = Path(folder) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(mo_bytes(public_catalog(lang, built)))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    for lang in argv or LANGUAGES:
        path = update(lang)
        problems = stale(lang)
        print(f"{path}: {len(problems.untranslated)} entries to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
