"""The case descriptions of the Keras rubrics (initializers, optimizers, regularization) read in
Korean under `--lang ko`, and in English exactly as before: every case of every check, built
from the check's seed as grading builds it."""
from __future__ import annotations

import pytest

from autograder.engine import course, i18n
from autograder.engine.rubric import Call, Description
from autograder.rubrics import messages
from test_i18n_words import HANGUL, english_prose

RUBRICS = ("initializers", "optimizers", "regularization")


def every_case():
    """(assignment, check, call) for every case of every check, hidden ones included."""
    return [(name, check, call) for name in RUBRICS for check in course.get(name).rubric().checks
            for call in check.make_cases()]


@pytest.fixture(scope="module")
def cases():
    return every_case()


@pytest.fixture(autouse=True)
def english():
    """English unless a test asks for Korean, whatever the environment's language."""
    previous = i18n._current
    i18n.use("en")
    yield
    i18n._current = previous


@pytest.fixture
def korean(english):
    i18n.use("ko")


def test_every_case_reads_in_korean_under_ko(cases, korean):
    worded = 0
    for name, check, call in cases:
        text = check.describe_case(call)
        where = f"{name} {check.number}: {text}"
        assert english_prose(text) == [], where
        if isinstance(check.describe, Description):  # words, translated
            worded += 1
            assert HANGUL.search(text), where
            assert check.describe_case(call, "en") != text, where
        else:  # code only: the same in every language
            assert check.describe_case(call, "en") == text, where
    assert worded > 150  # most cases of these rubrics are described in words


def test_every_case_reads_in_english_by_default_and_in_korean_when_asked(cases):
    for name, check, call in cases[::7]:
        english = check.describe_case(call)
        assert check.describe_case(call, "en") == english
        if isinstance(check.describe, Description):
            assert HANGUL.search(check.describe_case(call, "ko")) and not HANGUL.search(english)


# Today's English, word for word (one case of each kind of wording).
ENGLISH = {
    ("regularization", "1.2", 0): "Dropout(0.3, seed=3) on an input of shape (40, 50)",
    ("regularization", "2.4", 0): "BatchNormalization(momentum=0.9) called with training=True on 3 batch(es) of "
                                  "shape (16, 3) then at inference on 2 batch(es) (training=False, then a plain layer(x))",
    ("regularization", "2.7", 0): "BatchNormalization(momentum=0.8, epsilon=0.0001) with gamma and beta set to "
                                  "non-default values, called with training=True on 3 batch(es) of shape (24, 5) "
                                  "then at inference on 2 batch(es) (training=False, then a plain layer(x))",
    ("regularization", "4.6", 1): "one EarlyStopping(patience=4) instance used for two trainings: val_loss [1, 0.5, "
                                  "0.6, 0.7, 0.8, 0.9, 0.4], loss [1, 0.916667, 0.833333, 0.75, 0.666667, 0.583333, "
                                  "0.5]; then val_loss [2, 1.5, 1.6, 1.7, 1.8, 1.9, 1], loss [1, 0.916667, 0.833333, "
                                  "0.75, 0.666667, 0.583333, 0.5]",
    ("regularization", "4.5", 1): "model.fit(epochs=20, callbacks=[EarlyStopping(patience=3, restore_best_weights=False)]) "
                                  "of a one-weight model from 0 towards 1 (SGD, learning rate 0.1) whose validation "
                                  "targets want 0.5: val_loss falls, then rises",
    ("optimizers", "1.1", 0): "SGD(learning_rate=0.5): one apply() on a float64 variable w = [-0.2256, -1.0902,  "
                              "0.5539] with gradient [-2.2877,  0.594 ,  1.1687]",
    ("optimizers", "4.1", 1): "RMSProp(learning_rate=0.01, rho=0.9): one apply() on a float64 variable w = shape "
                              "(2, 3) with gradient shape (2, 3)",
    ("optimizers", "1.3", 0): "SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.2, "
                              "decay_steps=1, decay_rate=0.6)): 5 steps; the learning rate of the steps is 0.2, 0.12, "
                              "0.072, 0.0432, 0.02592",
    ("optimizers", "1.6", 1): "opt = SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(initial_learning_rate="
                              "0.2, decay_steps=1, decay_rate=0.6)); opt.get_config(), SGD.from_config(config) and "
                              "keras.optimizers.deserialize(keras.optimizers.serialize(opt), custom_objects=...), each "
                              "copy then taking 3 steps like opt",
    ("initializers", "2.4", 0): "ScaledNormal(stddev=1.5, seed=466468)((44, 22)) twice (two new initializers), then "
                                "ScaledNormal(stddev=1.5, seed=466469)((44, 22))",
    ("initializers", "2.6", 0): "keras.layers.Dense(168, kernel_initializer=ScaledNormal(stddev=1.5, seed=110783)) on "
                                "177 inputs and keras.layers.Conv2D(37, (3, 3), kernel_initializer=ScaledNormal("
                                "stddev=1.5, seed=110783)) on 29 channels",
    ("initializers", "6.2", 0): "activation_stats(<a N(0, 1²) initializer: stddev 1>, 'sigmoid', seed=362)",
}


@pytest.mark.parametrize("name, number, index", sorted(ENGLISH))
def test_the_english_is_unchanged(name, number, index):
    check = next(c for c in course.get(name).rubric().checks if c.number == number)
    call = check.make_cases()[index]
    assert check.describe_case(call) == ENGLISH[name, number, index]
    assert HANGUL.search(check.describe_case(call, "ko"))


def test_every_template_is_in_the_catalog_and_one_used_by_hidden_checks_only_is_marked_so():
    extracted = {m.text: m for m in messages.extract([course.get(n).rubric() for n in RUBRICS])}
    for name in RUBRICS:
        for check in course.get(name).rubric().checks:
            if isinstance(check.describe, Description):
                assert set(check.describe.templates) <= set(extracted), check.number
    reuse = course.get("regularization").rubric().checks
    reuse = next(c for c in reuse if c.number == "4.6").describe
    assert all(extracted[t].hidden for t in reuse.templates)
    assert not extracted[course.get("regularization").rubric().checks[0].describe.templates[0]].hidden


def test_a_template_a_description_does_not_declare_is_refused():
    description = Description(("{x} declared",), lambda call: ("{x} not declared", {"x": 1}))
    with pytest.raises(ValueError, match="not declared in templates"):
        description(Call())
