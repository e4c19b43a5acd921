"""Custom comparisons that students' bundles ship: public code, unlike ``autograder/rubrics/``.

Most checks compare the returned arrays with the reference's using the default tolerances
(``compare.compare_values``). A check that needs its own judgement (a statistical test, a
loss curve that must fall, "at most 1e-7") names a ``compare(expected, got, call)``
function. The student bundle (``dlgrade bundle --student``) grades the visible checks
without the rubric modules, so such a function must live here, in
``autograder/comparisons/<assignment>.py``, and the rubric imports it. A parametrised
comparison is a ``functools.partial`` of a function here with plain (JSON) arguments.

``dlgrade bundle`` refuses, naming the check, a visible check whose comparison lives
anywhere else (see ``autograder/channels/fixtures.py``).
"""
