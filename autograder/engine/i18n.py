"""The language the grader speaks: selection and gettext translations.

English is the source language and the default. Two gettext domains:

* ``dlgrade``: the engine's and channels' own words (CLI messages and errors, verdicts,
  table headings, feedback lines, markdown feedback, summary.md, Gradescope text), marked
  with :func:`_` and compiled to ``autograder/locale/<lang>/LC_MESSAGES/dlgrade.mo``;
* ``rubrics``: the rubric modules' check names, hints, diagnoses and case descriptions, looked up with
  :func:`rubric_text` (``autograder/rubrics/locale/<lang>/LC_MESSAGES/rubrics.mo``); a text
  with no translation is shown unchanged.

The language: ``--lang`` (an unknown one is bad input) > ``DLGRADE_LANG`` > ``LC_ALL`` /
``LC_MESSAGES`` / ``LANG`` (an unknown one there means English, with no error). The CLI
calls :func:`use` once; everything else (Gradescope, nbgrader, library callers) gets the
environment's language on first use.

The rule for messages with values: a template with named placeholders, translated first and
formatted after, ``_("Failed on case {case} of {total}: {call}").format(case=..., ...)``;
never an f-string inside ``_()`` (its text would differ each time and never be found).
Only human text changes with the language: JSON keys, statuses, check numbers and scores
never do.
"""
from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from .errors import BadInput

DOMAIN = "dlgrade"
RUBRICS_DOMAIN = "rubrics"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ko")  # the languages with a catalog (English needs none)
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
RUBRICS_LOCALE_DIR = Path(__file__).resolve().parent.parent / "rubrics" / "locale"
LOCALE_DIRS = {DOMAIN: LOCALE_DIR, RUBRICS_DOMAIN: RUBRICS_LOCALE_DIR}
ENVIRONMENT = ("DLGRADE_LANG", "LC_ALL", "LC_MESSAGES", "LANG")

_current: str | None = None


def normalize(value: str | None) -> str | None:
    """``ko``, ``ko_KR.UTF-8``, ``ko-KR``, ``KO`` -> ``ko``; None for an unknown language
    (``C``, ``POSIX``, ``fr_FR``, empty)."""
    code = (value or "").strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: the first of DLGRADE_LANG, LC_ALL,
    LC_MESSAGES, LANG that is set (an unknown language there means English, no error)."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if value:
            return normalize(value) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def select(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``--lang`` if given (BadInput for a language without a catalog), else the
    environment's language."""
    if option:
        lang = normalize(option)
        if lang is None:
            raise BadInput(_("unknown language {lang!r} for --lang (known: {known})").format(
                lang=option, known=", ".join(LANGUAGES)))
        return lang
    return from_environment(environ)


def use(lang: str) -> None:
    """Speak ``lang`` from now on (this process, every thread)."""
    global _current
    _current = normalize(lang) or SOURCE_LANGUAGE


def current() -> str:
    """The language in use: what :func:`use` set, else the environment's."""
    return _current if _current is not None else from_environment()


@lru_cache(maxsize=None)
def translations(domain: str, lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``domain`` in ``lang`` (no translation for English or a
    missing ``.mo``)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(domain, str(LOCALE_DIRS[domain]), languages=[lang], fallback=True)


def dgettext(domain: str, message: str) -> str:
    """``message`` translated in ``domain`` into the current language (unchanged if none)."""
    if not message:
        return message
    return translations(domain, current()).gettext(message)


def _(message: str) -> str:
    """The grader's own words (domain ``dlgrade``) in the current language."""
    return dgettext(DOMAIN, message)


def N_(message: str) -> str:
    """Marks ``message`` for extraction, untranslated (a constant translated where used)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(DOMAIN, current()).ngettext(singular, plural, n)


def rubric_text(text: str) -> str:
    """A check name, hint or diagnosis of a rubric in the current language (``text``
    unchanged when the ``rubrics`` catalog has no translation)."""
    return dgettext(RUBRICS_DOMAIN, text)


def translated_texts(message: str) -> set[str]:
    """``message`` in every language (to recognise text already written in any of them)."""
    return {message} | {translations(DOMAIN, lang).gettext(message) for lang in LANGUAGES}
