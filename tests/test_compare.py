"""The trusted comparison: tolerant of float32, strict about shifts, clear in its messages."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from autograder.engine.compare import compare_arrays, compare_values, diagnose
from autograder.engine.rubric import Call, Check, Diagnosis


def close(expected, got, **kw):
    kw = {"rtol": 1e-4, "atol": 1e-4, "exact": False} | kw
    return compare_arrays(np.asarray(expected), got, **kw)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_float32_rounding_of_sums_passes_even_near_zero(seed, n):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((n, 27)), rng.standard_normal((27, 5))
    expected = a @ b
    got = (a.astype(np.float32) @ b.astype(np.float32))
    assert close(expected, got) is None


def test_one_pixel_shift_and_flip_fail_with_location():
    rng = np.random.default_rng(0)
    expected = rng.standard_normal((2, 6, 6, 3))
    message = close(expected, np.roll(expected, 1, axis=1))
    assert message.startswith("max abs error") and "at index (" in message and "values differ" in message
    assert close(expected, expected[:, ::-1]) is not None


def test_message_names_worst_element_expected_and_got():
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = 0.73
    message = close(expected, got)
    assert "max abs error 0.73 at index (1, 2): expected 0, got 0.73" in message
    assert "1 of 6 values differ" in message


def test_shape_mismatch_stated_plainly_and_transpose_suspected():
    assert "expected shape (2, 3), got (3,)" in close(np.zeros((2, 3)), np.zeros(3))
    assert "transpose" in close(np.zeros((2, 3)), np.zeros((3, 2)))


def test_nan_and_inf_are_reported():
    got = np.array([1.0, np.nan, 3.0])
    assert "got nan at index (1,)" in close(np.array([1.0, 2.0, 3.0]), got)
    assert "inf" in close(np.array([1.0]), np.array([np.inf]))


def test_integers_where_floats_expected_fail():
    assert "floating-point" in close(np.array([1.0, 2.0]), np.array([1, 2]))


def test_exact_mode_accepts_integral_floats_only():
    assert close(np.array(3), np.array(3.0), exact=True) is None
    assert "whole numbers" in close(np.array(3), np.array(3.5), exact=True)
    assert "expected 3, got 4" in close(np.array(3), np.array(4), exact=True)


def test_nested_structures_report_the_path():
    expected = (np.ones(2), {"W1": np.zeros((2, 2))})
    assert compare_values(expected, (np.ones(2), {"W1": np.zeros((2, 2))})) is None
    message = compare_values(expected, (np.ones(2), {"W1": np.ones((2, 2))}))
    assert message.startswith("returned value [1]['W1']: max abs error 1")
    assert "lacks the key 'W1'" in compare_values(expected, (np.ones(2), {}))
    assert "tuple of 2" in compare_values(expected, np.ones(2))


def test_untrusted_values_never_raise():
    for weird in (None, "text", {"a": 1}, (1, 2), np.array(["x"]), object()):
        assert isinstance(compare_values(np.ones(3), weird), str)


def test_diagnosis_picks_the_matching_mistake():
    check = Check("1.1", "f: x", "f", 1.0, lambda rng: [Call((np.arange(3.0),))], seed=0,
                  diagnoses=(Diagnosis("you doubled it", lambda ref, call: call.args[0] * 2),
                             Diagnosis("you negated it", lambda ref, call: -call.args[0])))
    call = check.make_cases()[0]
    assert diagnose(check, call, -np.arange(3.0), None) == "you negated it"
    assert diagnose(check, call, np.arange(3.0) + 7, None) is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cases_are_reproducible_from_the_seed(seed):
    check = Check("1.1", "f: x", "f", 1.0, lambda rng: [Call((rng.standard_normal(4),))], seed=seed)
    np.testing.assert_array_equal(check.make_cases()[0].args[0], check.make_cases()[0].args[0])


def _two_case_check():
    """f(x) = x on two inputs; the 'doubled' mistake model only holds where x is positive."""
    return Check("1.1", "f: x", "f", 1.0,
                 lambda rng: [Call((np.arange(1.0, 4.0),)), Call((-np.arange(1.0, 4.0),))], seed=0,
                 hint="return x itself",
                 diagnoses=(Diagnosis("you doubled it", lambda ref, call: call.args[0] * 2),
                            Diagnosis("you took the absolute value", lambda ref, call: np.abs(call.args[0]))))


def _outcome(values):
    return {"results": [{"ok": True, "value": v, "warnings": []} for v in values], "output": ""}


class _Reference:
    module = None


def test_a_diagnosis_is_shown_only_when_it_explains_every_failing_case():
    from autograder.engine.grading import evaluate
    from autograder.engine.result import Status
    from autograder.engine.rubric import Rubric

    check = _two_case_check()
    rubric = Rubric("demo", (check,))
    cases = check.make_cases()
    expected = [c.args[0] for c in cases]
    # doubles every x: the 'doubled' model reproduces both failing cases
    _, doubled = evaluate(check, cases, expected, _outcome([c.args[0] * 2 for c in cases]), _Reference, {}, rubric)
    assert "Hint: you doubled it" in doubled
    # doubles positive x and triples negative x: 'doubled' explains case 1 only -> generic hint
    _, mixed = evaluate(check, cases, expected, _outcome([cases[0].args[0] * 2, cases[1].args[0] * 3]),
                     _Reference, {}, rubric)
    assert "case 1 of 2" in mixed and "you doubled it" not in mixed and "Hint: return x itself" in mixed
    # right on case 1, abs on case 2: the only failing case is explained -> that diagnosis
    status, absolute = evaluate(check, cases, expected, _outcome([cases[0].args[0], np.abs(cases[1].args[0])]),
                        _Reference, {}, rubric)
    assert "case 2 of 2" in absolute and "Hint: you took the absolute value" in absolute
    assert status is Status.FAILED


def test_not_implemented_stub_versus_the_students_own_message():
    from autograder.engine.grading import evaluate
    from autograder.engine.result import Status
    from autograder.engine.rubric import Rubric

    check = _two_case_check()
    rubric = Rubric("demo", (check,))
    cases = check.make_cases()
    expected = [c.args[0] for c in cases]

    def raised(message, where="_helper"):
        error = {"kind": "not_implemented", "message": message, "where": where}
        return {"results": [{"ok": False, "error": error}] * 2, "output": ""}

    for stub in ("not implemented yet", ""):
        status, text = evaluate(check, cases, expected, raised(stub), _Reference, {}, rubric)
        assert "f is not implemented yet" in text and "_helper" not in text
        assert status is Status.NOT_IMPLEMENTED
    status, own = evaluate(check, cases, expected, raised("padding='same' is not supported"), _Reference, {},
                           rubric)
    assert status is Status.ERROR  # the student's own NotImplementedError: their code raised
    assert "NotImplementedError: padding='same' is not supported" in own
    assert "not implemented yet" not in own
