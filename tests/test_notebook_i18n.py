"""The Korean text of the notebooks: gettext catalogs in solutions/locale/ko (notebook_i18n).

Real catalogs, real released notebooks; the stale checks run on modified copies in tmp_path.
"""
from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from babel.messages.pofile import write_po

from autograder.channels import notebook_i18n as i18n
from autograder.engine import course

NAMES = [a.name for a in course.ASSIGNMENTS if a.solution_path.exists()]
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# The lecture's terms each notebook uses, with the English term in parentheses at the first use.
TERMS = {
    "conv_padding": [("0 덧대기", "zero padding"), ("특징 맵", "feature map"),
                     ("스트라이드", "stride"), ("교차 상관", "cross-correlation")],
    "cross_entropy": [("교차 엔트로피", "cross-entropy"), ("자기 정보량", "self-information"),
                      ("쿨백-라이블러 발산", "Kullback–Leibler divergence"),
                      ("최대우도", "maximum likelihood"), ("로그우도", "log-likelihood"),
                      ("제곱 오차", "squared error"), ("포화", "saturation")],
    "softmax_loglik": [("소프트맥스", "softmax"), ("로그우도", "log-likelihood"),
                       ("로짓", "logit"), ("원-핫", "one-hot"),
                       ("범주형 교차 엔트로피", "categorical cross-entropy")],
    "backprop": [("역전파", "backpropagation"), ("교차 엔트로피", "cross-entropy"),
                 ("중앙 차분", "central difference")],
    "optimizers": [("옵티마이저", "optimizer"), ("모멘텀", "momentum"), ("학습률", "learning rate")],
    "initializers": [("가중치 초기화", "weight initialization"), ("팬인", "fan-in"),
                     ("팬아웃", "fan-out"), ("초기화기", "initializer")],
    "regularization": [("정규화", "regularization"), ("드롭아웃", "dropout"),
                       ("배치 정규화", "batch normalization"), ("가중치 감쇠", "weight decay"),
                       ("조기 멈춤", "early stopping"), ("과대적합", "overfitting"),
                       ("특징 맵", "feature map")],
}


def test_every_assignment_has_terms_listed():
    assert sorted(NAMES) == sorted(TERMS)


@pytest.mark.parametrize("name", NAMES)
def test_catalog_is_complete_and_current(name):
    assert i18n.stale("ko", name) == []
    catalog = i18n.load_catalog("ko", name)
    assert str(catalog.locale) == "ko"
    assert catalog.charset.lower() == "utf-8"
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert len([m for m in catalog if m.id]) == len(i18n.markdown_cells(course.get(name).solution_path))


def _released(name):
    assignment = course.get(name)
    paths = [assignment.notebook_path]
    if assignment.nbgrader_source_path.exists():
        paths.append(assignment.nbgrader_source_path)
    return [nbformat.read(path, as_version=4) for path in paths]


@pytest.mark.parametrize("name", NAMES)
def test_translation_keeps_code_cells_and_metadata(name):
    catalog = i18n.load_catalog("ko", name)
    for notebook in _released(name):
        before = nbformat.writes(notebook)
        korean = i18n.translate(notebook, catalog)
        assert nbformat.writes(notebook) == before  # the English notebook is not modified
        nbformat.validate(korean)
        assert korean.metadata == notebook.metadata
        assert len(korean.cells) == len(notebook.cells)
        markdown = 0
        for en, ko in zip(notebook.cells, korean.cells):
            assert (ko.cell_type, ko.get("id"), ko.metadata) == (en.cell_type, en.get("id"), en.metadata)
            if en.cell_type == "markdown":
                markdown += 1
                assert ko.source == catalog.get(en.source).string
                assert ko.source != en.source and HANGUL.search(ko.source)
            else:
                assert ko == en
        assert markdown == len(i18n.markdown_cells(course.get(name).solution_path))


@pytest.mark.parametrize("name", NAMES)
def test_translations_keep_formulas_and_code_spans(name):
    messages = [m for m in i18n.load_catalog("ko", name) if m.id]
    assert sum(len(i18n.markup(m.id)) for m in messages) > 10  # the guard has something to guard
    for message in messages:
        assert i18n.lost_markup(message.id, message.string) == [], message.id[:60]


def test_lost_markup_finds_a_dropped_formula_or_code_span():
    msgid = "Use `np.pad` and $$ n_\\text{out} = n + 2p $$ with $p$ zeros:\n```\n[[1]]\n```"
    assert i18n.lost_markup(msgid, "`np.pad`와 $$ n_\\text{out} = n + 2p $$, $p$:\n```\n[[1]]\n```") == []
    assert i18n.lost_markup(msgid, "`np.pad`와 $p$:\n```\n[[1]]\n```") == ["$$ n_\\text{out} = n + 2p $$"]
    assert i18n.lost_markup(msgid, "`pad`와 $$ n_\\text{out} = n + 2p $$ $p$\n```\n[[1]]\n```") == ["`np.pad`"]
    assert i18n.lost_markup("`a $x$ b`", "$x$") == ["`a $x$ b`"]  # math inside code is code


@pytest.mark.parametrize("name", NAMES)
def test_lecture_terms_carry_the_english_term_at_first_use(name):
    text = "\n\n".join(m.string for m in i18n.load_catalog("ko", name) if m.id)
    for korean, english in TERMS[name]:
        first = text.find(korean)
        assert first >= 0, korean
        follows = re.compile(r"\*?\s?\(" + re.escape(english) + r"[),]")
        assert follows.match(text, first + len(korean)), (korean, text[first:first + 60])


def _copy(tmp_path, name="conv_padding"):
    solution = tmp_path / f"{name}.py"
    shutil.copy(course.get(name).solution_path, solution)
    return solution, i18n.load_catalog("ko", name), tmp_path / f"{name}.po"


def _write(catalog, path):
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0)


def test_stale_reports_a_missing_empty_or_fuzzy_entry(tmp_path):
    solution, catalog, po = _copy(tmp_path)
    cells = i18n.markdown_cells(solution)
    _write(catalog, po)
    assert i18n.stale("ko", "conv_padding", solution, po) == []
    catalog.delete(cells[1])
    catalog.get(cells[2]).string = ""
    catalog.get(cells[3]).flags.add("fuzzy")
    _write(catalog, po)
    problems = i18n.stale("ko", "conv_padding", solution, po)
    assert len(problems) == 3
    assert "markdown cell 1 ('## 1. Zero padding'): no entry" in problems[0]
    assert "markdown cell 2 ('## 2. Output size'): empty translation" in problems[1]
    assert "markdown cell 3 ('## 3. Convolution in 2-D'): fuzzy translation" in problems[2]
    assert i18n.stale("ko", "conv_padding", solution, tmp_path / "none.po")[0].endswith(
        f"none.po: missing (it needs one entry per markdown cell of {solution})")


def test_stale_reports_a_changed_source_cell_and_a_dropped_formula(tmp_path):
    solution, catalog, po = _copy(tmp_path)
    text = solution.read_text(encoding="utf-8")
    solution.write_text(text.replace("# ## 2. Output size\n", "# ## 2. The output size\n", 1),
                        encoding="utf-8")
    old = i18n.markdown_cells(course.get("conv_padding").solution_path)[2]
    message = catalog.get(i18n.markdown_cells(solution)[4])
    message.string = message.string.replace("`(N, 1, L, C_in)`", "(N, 1, L, C_in)")
    _write(catalog, po)
    problems = i18n.stale("ko", "conv_padding", solution, po)
    assert len(problems) == 3
    assert "markdown cell 2 ('## 2. The output size'): no entry" in problems[0]
    assert "markdown cell 4 ('## 4. Convolution in 1-D'): the translation drops '`(N, 1, L, C_in)`'" \
        in problems[1]
    assert "entry '## 2. Output size' is no longer a markdown cell" in problems[2]
    assert catalog.get(old) is not None


def test_translate_names_the_cell_without_a_translation():
    catalog = i18n.load_catalog("ko", "conv_padding")
    notebook = nbformat.read(course.get("conv_padding").notebook_path, as_version=4)
    index = [i for i, c in enumerate(notebook.cells) if c.cell_type == "markdown"][2]
    catalog.delete(notebook.cells[index].source)
    with pytest.raises(i18n.MissingTranslation,
                       match=rf"cell {index} \(id {notebook.cells[index].id}, '## 2. Output size'\): no entry"):
        i18n.translate(notebook, catalog)


def test_catalog_compiles_to_mo():
    mo = i18n.compile_mo(i18n.load_catalog("ko", "conv_padding"))
    assert mo[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # the gettext .mo magic number
    assert "0 덧대기".encode() in mo
