"""The grader in Korean (`--lang ko`): complete catalogs, the same scores in every language,
valid UTF-8 everywhere the words go."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from autograder.channels import catalogs
from autograder.engine import i18n, report
from autograder.engine.errors import BadInput
from autograder.engine.result import Result

from conftest import SUBMISSIONS, corpus

ROOT = Path(__file__).resolve().parent.parent
HANGUL = re.compile("[\uac00-\ud7a3]")
NUMPY_ASSIGNMENTS = ("conv_padding", "cross_entropy", "softmax_loglik", "backprop")
KERAS_SAMPLES = 2  # the first few corpus files of each Keras assignment


def dlgrade(*args, env=None):
    environ = {k: v for k, v in os.environ.items() if k not in i18n.ENVIRONMENT}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, capture_output=True,
                          timeout=300, env=environ)


@pytest.fixture
def korean():
    previous = i18n._current
    i18n.use("ko")
    yield
    i18n._current = previous


def in_language(lang: str, function, *args):
    previous = i18n._current
    i18n.use(lang)
    try:
        return function(*args)
    finally:
        i18n._current = previous


# --- the catalog -----------------------------------------------------------------------------

def test_every_message_has_a_korean_translation_and_the_catalog_is_compiled():
    # Fails when a new _() string is added without a translation, a translation is empty or
    # fuzzy, a msgid is gone from the code, a placeholder differs, or the .mo is stale.
    assert catalogs.problems("ko") == []


def test_placeholders_of_each_translation_equal_its_msgids():
    with open(catalogs.po_path("ko"), "rb") as handle:
        catalog = read_po(handle, locale="ko")
    checked = 0
    for message in catalog:
        if message.id:
            assert catalogs.placeholders(message.string) == catalogs.placeholders(message.id), message.id
            assert HANGUL.search(message.string) or not HANGUL.search(message.id), message.id
            checked += "{" in message.id
    assert checked > 10


def test_a_missing_translation_is_reported(tmp_path, monkeypatch):
    extracted = dict(catalogs.extract())
    extracted["A message nobody translated: {thing}"] = ["autograder/engine/new.py:1"]
    assert any("A message nobody translated" in line for line in catalogs.problems("ko", extracted))


def test_the_extraction_finds_the_engine_and_channel_messages():
    extracted = catalogs.extract()
    assert "Hint: {hint}" in extracted and "Class summary" in extracted
    assert all("{" not in msgid or "}" in msgid for msgid in extracted)


# --- choosing the language ---------------------------------------------------------------------

@pytest.mark.parametrize("option,environ,lang", [
    (None, {}, "en"),
    (None, {"LANG": "ko_KR.UTF-8"}, "ko"),
    (None, {"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
    (None, {"LC_MESSAGES": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),
    (None, {"DLGRADE_LANG": "ko", "LANG": "en_US.UTF-8"}, "ko"),
    (None, {"DLGRADE_LANG": "en", "LANG": "ko_KR.UTF-8"}, "en"),
    (None, {"DLGRADE_LANG": "xx", "LANG": "ko_KR.UTF-8"}, "en"),  # unknown: English, no error
    (None, {"LANG": "C"}, "en"),
    ("ko", {"DLGRADE_LANG": "en"}, "ko"),
    ("en", {"LANG": "ko_KR.UTF-8"}, "en"),
    ("ko_KR", {}, "ko"),
])
def test_language_selection(option, environ, lang):
    assert i18n.select(option, environ) == lang


def test_an_unknown_lang_option_is_bad_input():
    with pytest.raises(BadInput, match="unknown language"):
        i18n.select("klingon", {})
    out = dlgrade("check", "conv_padding", "--lang", "klingon")
    assert out.returncode == 2 and b"unknown language" in out.stderr
    assert b"Traceback" not in out.stderr


def test_rubric_text_without_a_translation_is_unchanged(korean):
    assert i18n.rubric_text("conv2d: a check nobody has translated") == "conv2d: a check nobody has translated"
    assert i18n.rubric_text("") == ""


# --- the CLI in Korean ------------------------------------------------------------------------

def test_check_prints_the_report_in_korean():
    out = dlgrade("check", "conv_padding", "assignments/conv_padding.py", "--lang", "ko")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode("utf-8")  # valid UTF-8 in the terminal table
    for words in ("판정", "아직 구현되지 않음", "점수: 0 /"):
        assert words in text
    assert "not implemented yet" not in text and "verdict" not in text


@pytest.mark.parametrize("env", [{"DLGRADE_LANG": "ko"}, {"LANG": "ko_KR.UTF-8"}])
def test_the_environment_selects_korean(env):
    out = dlgrade("check", "conv_padding", "examples/conv_padding_student.py", env=env)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode("utf-8")
    assert "힌트:" in text and "판정" in text and "Hint:" not in text


def test_check_json_in_korean_is_valid_utf8_with_english_machine_fields():
    english = dlgrade("check", "conv_padding", "examples/conv_padding_student.py", "--json")
    korean = dlgrade("check", "conv_padding", "examples/conv_padding_student.py", "--json", "--lang", "ko")
    assert english.returncode == korean.returncode == 0
    en, ko = json.loads(english.stdout.decode("utf-8")), json.loads(korean.stdout.decode("utf-8"))
    assert same_grades(en) == same_grades(ko)
    assert [t["name"] for t in en["tests"]] == [t["name"] for t in ko["tests"]]
    failed = [t["output"] for t in ko["tests"] if t["status"] == "failed"]
    assert failed and all(HANGUL.search(output) for output in failed)


# --- scores never depend on the language ---------------------------------------------------------

def same_grades(result: dict) -> tuple:
    """What must not change with the language: scores, statuses, check numbers, visibility."""
    return (result["assignment"], result["score"], result["max_score"],
            tuple((t["number"], t["score"], t["max_score"], t["status"], t["visibility"])
                  for t in result["tests"]))


def _language_cases():
    keras_seen: dict[str, int] = {}
    for assignment, file, _failing in corpus():
        if assignment not in NUMPY_ASSIGNMENTS:
            keras_seen[assignment] = keras_seen.get(assignment, 0) + 1
            if keras_seen[assignment] > KERAS_SAMPLES:
                continue
        yield pytest.param(assignment, file, id=f"{assignment}/{file}")


@pytest.mark.parametrize("assignment,file", list(_language_cases()))
def test_korean_and_english_give_identical_scores(grade, assignment, file):
    path = SUBMISSIONS / assignment / file
    english = in_language("en", grade, assignment, path)
    korean = in_language("ko", grade, assignment, path)
    assert same_grades(english) == same_grades(korean)
    json.dumps(korean, ensure_ascii=False).encode("utf-8")  # JSON text is valid UTF-8
    if any(t["status"] == "failed" for t in korean["tests"]):
        assert korean != english  # the words did change


# --- valid UTF-8 where the words go --------------------------------------------------------------

def test_markdown_and_gradescope_results_in_korean_are_valid_utf8(grade, korean):
    result = Result.from_json(grade("conv_padding", ROOT / "examples" / "conv_padding_student.py"))
    markdown = report.to_markdown(result)
    assert "## 파일에 대해" in markdown or "| 검사 |" in markdown
    assert "| # | 검사 | 점수 | 판정 |" in markdown and "| 실패 |" in markdown
    markdown.encode("utf-8").decode("utf-8")
    gradescope = json.dumps(result.to_gradescope(), ensure_ascii=False).encode("utf-8")
    assert HANGUL.search(gradescope.decode("utf-8"))
    assert json.loads(gradescope)["score"] == result.score


def test_english_is_unchanged_by_the_machinery(grade):
    result = Result.from_json(in_language("en", grade, "conv_padding",
                                          ROOT / "examples" / "conv_padding_student.py"))
    markdown = in_language("en", report.to_markdown, result)
    assert "| # | check | points | verdict |" in markdown and not HANGUL.search(markdown)
    assert not HANGUL.search(result.dumps())


def test_a_class_graded_in_korean_gets_the_same_gradebook(tmp_path):
    submissions = tmp_path / "class"
    for student, file in (("alice", "correct_loops.py"), ("bob", "flipped_kernel.py"),
                          ("carol", "ignores_stride.py")):
        (submissions / student).mkdir(parents=True)
        (submissions / student / "conv_padding.py").write_bytes(
            (SUBMISSIONS / "conv_padding" / file).read_bytes())
    gradebooks, summaries = {}, {}
    for lang in ("en", "ko"):
        out = tmp_path / f"out-{lang}"
        run = dlgrade("grade", str(submissions), "--out", str(out), "--assignment", "conv_padding",
                      "--allow-weak-sandbox", "--jobs", "1", "--lang", lang)
        assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
        run.stdout.decode("utf-8")
        gradebooks[lang] = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text(encoding="utf-8"))))
        summaries[lang] = (out / "summary.md").read_bytes().decode("utf-8")
        feedback = (out / "bob" / "conv_padding.md").read_bytes().decode("utf-8")
        assert bool(HANGUL.search(feedback)) == (lang == "ko")
    assert gradebooks["en"] == gradebooks["ko"]
    assert summaries["en"].startswith("# Class summary") and summaries["ko"].startswith("# 반 전체 요약")
