"""The `rubrics` gettext domain: every text a rubric shows (check names, hints, diagnoses) has a
current Korean translation, the compiled .mo follows its .po, and the student bundle's subset
holds the visible checks' texts only."""
from __future__ import annotations

import dataclasses
import gettext
import re
import shutil

import pytest

from autograder.engine import course
from autograder.rubrics import messages

LANG = "ko"
# Format fields and printf conversions: a translation keeps each one exactly.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")

PROSE = re.compile(r"\b(?:the|and|of|is|with|your|you|over|to|a|an)\b [a-z]", re.IGNORECASE)


@pytest.fixture(scope="module")
def extracted():
    return messages.extract()


@pytest.fixture(scope="module")
def catalog():
    return messages.read(messages.po_path(LANG))


def test_every_available_assignment_has_its_texts_extracted(extracted):
    places = {p.split()[0] for m in extracted for p in m.places}
    assert places == {a.name for a in course.ASSIGNMENTS if a.available}
    texts = {m.text for m in extracted}
    for rubric in messages.rubrics():
        for check in rubric.checks:
            assert check.name in texts and (not check.hint or check.hint in texts)
            assert {d.hint for d in check.diagnoses} <= texts
            assert set(getattr(check.describe, "templates", ())) <= texts  # a Description's


def test_extraction_is_sorted_and_deterministic(extracted):
    assert [m.text for m in extracted] == sorted(m.text for m in extracted)
    assert messages.extract() == extracted


def test_every_text_has_a_korean_translation_and_none_is_obsolete(extracted, catalog):
    problems = messages.stale(LANG, extracted)
    assert problems.missing == [], "run `python -m autograder.rubrics.messages` and translate"
    assert problems.obsolete == []
    assert problems.untranslated == []
    for message in catalog:
        if message.id:
            assert message.string.strip() and not message.fuzzy, message.id
            if PROSE.search(message.id):  # a formula alone may stay as it is
                assert re.search("[가-힣]", message.string), message.id


def test_the_committed_mo_is_compiled_from_the_po(catalog):
    assert not messages.stale(LANG).mo_stale
    translation = gettext.translation(messages.DOMAIN, messages.LOCALE_DIR, languages=[LANG])
    for message in catalog:
        if message.id:
            assert translation.gettext(message.id) == message.string


def test_placeholders_and_format_fields_are_kept(catalog):
    for message in catalog:
        if message.id:
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id


def test_a_changed_rubric_text_makes_the_catalog_stale(extracted, tmp_path):
    """A rubric whose hint changes without its translation: the old msgid is obsolete, the new
    one missing; a fuzzy or emptied entry counts as untranslated; a stale .mo is noticed."""
    changed = [dataclasses.replace(m, text=m.text + " (changed)") if i == 0 else m
               for i, m in enumerate(extracted)]
    problems = messages.stale(LANG, changed)
    assert problems.missing == [extracted[0].text + " (changed)"]
    assert problems.obsolete == [extracted[0].text]

    copy = tmp_path / LANG / "LC_MESSAGES" / "rubrics.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(messages.mo_path(LANG), copy.with_suffix(".mo"))
    catalog = messages.read(messages.po_path(LANG))
    catalog[extracted[1].text].flags.add("fuzzy")
    catalog[extracted[2].text].string = ""
    copy.write_bytes(messages.po_bytes(catalog))
    problems = messages.stale(LANG, extracted, po=copy)
    assert problems.untranslated == sorted([extracted[1].text, extracted[2].text])
    assert problems.mo_stale and problems.missing == [] and problems.obsolete == []


def test_update_keeps_every_translation(tmp_path, monkeypatch):
    """Regenerating the catalog from unchanged rubrics rewrites the same bytes."""
    before = messages.po_path(LANG).read_bytes(), messages.compiled(messages.mo_path(LANG))
    folder = tmp_path / "locale"
    shutil.copytree(messages.LOCALE_DIR, folder)
    monkeypatch.setattr(messages, "LOCALE_DIR", folder)
    assert messages.update(LANG) == folder / LANG / "LC_MESSAGES" / "rubrics.po"
    assert (messages.po_path(LANG).read_bytes(), messages.compiled(messages.mo_path(LANG))) == before


def hidden_only(built) -> set[str]:
    """The texts that only hidden checks show."""
    return {m.text for m in messages.extract(built) if m.hidden}


def test_the_public_subset_has_the_visible_checks_only(catalog):
    built = messages.rubrics()
    public = messages.public_catalog(LANG, built)
    ids = {m.id for m in public if m.id}
    secret = hidden_only(built)
    assert secret, "the rubrics have texts of hidden checks only"
    assert not ids & secret
    known = messages.translations(catalog)
    assert not {known[t] for t in secret} & {m.string for m in public if m.id}
    templates = set()
    for rubric in built:
        for check in rubric.select(hidden=False):
            assert check.name in ids and (not check.hint or check.hint in ids)
            templates |= set(getattr(check.describe, "templates", ()))
    # the fixtures hold the visible cases' descriptions written out, not their templates
    assert templates and not ids & templates


def test_the_bundle_ships_the_korean_of_its_visible_checks_only(tmp_path):
    from autograder.channels import bundle

    out = tmp_path / "student"
    bundle.build(out, ["conv_padding"])
    mo = out / "autograder" / "public" / "locale" / LANG / "LC_MESSAGES" / "rubrics.mo"
    shipped = messages.compiled(mo)
    rubric = course.get("conv_padding").rubric()
    visible = rubric.select(hidden=False)
    known = messages.translations(messages.read(messages.po_path(LANG)))
    assert shipped == {m.text: known[m.text] for m in messages.extract([rubric], visible_only=True, descriptions=False)}
    assert visible[0].name in shipped
    secret = hidden_only([rubric])
    assert secret and not secret & set(shipped)
    data = mo.read_bytes()
    for check in rubric.checks:
        if check.hidden:
            assert check.name.encode() not in data and known[check.name].encode() not in data
    assert not list(out.rglob("rubrics.po")) and "rubrics" not in {p.name for p in out.rglob("*") if p.is_dir()}
