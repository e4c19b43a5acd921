"""The grader's message catalogs (gettext domain ``dlgrade``): extract, compile, check.

``babel.cfg`` says which files carry ``_()``-marked messages; :func:`extract` reads them
with Babel (what ``pybabel extract -F babel.cfg -k _`` gives). Each language's
``autograder/locale/<lang>/LC_MESSAGES/dlgrade.po`` is translated by hand and compiled to
the ``.mo`` beside it (committed, shipped as package data) by `dlgrade release`;
:func:`problems` is what `dlgrade release --check` reports: a msgid the code has and the
catalog lacks, an empty or fuzzy translation, a translation whose ``{placeholders}``
differ from its msgid's, and a ``.mo`` that is not the compiled ``.po``.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from autograder.engine import course, i18n

BABEL_CFG = course.ROOT / "babel.cfg"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def _method_map() -> list[tuple[str, str]]:
    """The ``[method: pattern]`` sections of babel.cfg."""
    sections = re.findall(r"^\[(\w+):\s*(.+?)\]\s*$", BABEL_CFG.read_text(encoding="utf-8"), re.MULTILINE)
    return [(pattern, method) for method, pattern in sections]


def extract() -> dict[str, list[str]]:
    """{msgid: [file:line, ...]} of every ``_()`` message in the files babel.cfg names."""
    messages: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(course.ROOT), method_map=_method_map(), keywords=KEYWORDS, comment_tags=()):
        for msgid in (message if isinstance(message, tuple) else (message,)):
            if msgid:
                messages.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return messages


def po_path(lang: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def read_catalog(lang: str) -> Catalog:
    with open(po_path(lang), "rb") as handle:
        return read_po(handle, locale=lang, domain=i18n.DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog`` (deterministic: the same catalog, the same bytes)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of a template, sorted (``{{`` and ``}}`` are literal braces)."""
    return sorted(_PLACEHOLDER.findall(text))


def _translation(message) -> str:
    return message.string if isinstance(message.string, str) else "".join(message.string or ())


def problems(lang: str, extracted: dict[str, list[str]] | None = None) -> list[str]:
    """What is wrong with ``lang``'s catalog (empty when it is complete and compiled)."""
    if not po_path(lang).exists():
        return [f"{po_path(lang)}: missing"]
    catalog = read_catalog(lang)
    extracted = extract() if extracted is None else extracted
    found = []
    for msgid, where in extracted.items():
        if msgid not in catalog:
            found.append(f"{po_path(lang).name}: no entry for {msgid!r} ({where[0]})")
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = _translation(message)
        if msgid not in extracted:
            found.append(f"{po_path(lang).name}: {msgid!r} is no longer in the code")
        elif not text.strip() or message.fuzzy:
            found.append(f"{po_path(lang).name}: {msgid!r} is untranslated or fuzzy")
        elif placeholders(text) != placeholders(msgid):
            found.append(f"{po_path(lang).name}: the placeholders of {msgid!r} differ in its translation")
    try:
        current = mo_path(lang).read_bytes()
    except FileNotFoundError:
        current = None
    if current != compiled(catalog):
        found.append(f"{mo_path(lang)}: not compiled from {po_path(lang).name} (run `dlgrade release`)")
    return found


def compile_all() -> list[Path]:
    """Compile every language's ``.po`` into its ``.mo``; the paths written (changed)."""
    from autograder.engine.atomic import write_bytes_atomic

    written = []
    for lang in i18n.LANGUAGES:
        if lang == i18n.SOURCE_LANGUAGE or not po_path(lang).exists():
            continue
        data = compiled(read_catalog(lang))
        path = mo_path(lang)
        if not path.exists() or path.read_bytes() != data:
            write_bytes_atomic(path, data, mode=0o644)
            written.append(path)
    return written


def check_all() -> list[str]:
    """Every language's problems (for `dlgrade release --check`)."""
    extracted = extract()
    return [line for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE
            for line in problems(lang, extracted)]
