"""Forbidden-API tripwires decide by code origin, not by a file name a submission can forge.

Each submission here disguises its code as a library's (compile under numpy's or Keras'
own file name, ``code.replace``, marshal, the import system's bytecode loader) and calls a
forbidden function or builds a delegate to a concrete Keras optimizer; the disguise must be
refused or the call must trip.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

from autograder.engine.grading import private_paths
from autograder.engine.rubric import Call
from autograder.engine.sandbox.client import Sandbox
from autograder.engine.sandbox.runner import SubmissionRun

try:  # where np.convolve is defined: numpy/_core/numeric.py (numpy/core/numeric.py before 2.0)
    from numpy._core import numeric as _numeric
except ImportError:
    from numpy.core import numeric as _numeric
NUMERIC = _numeric.__file__


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox(tensorflow=False, forbidden=("numpy.convolve",), private=private_paths())
    yield box
    box.close()


def run(sandbox, source: str, function: str = "f", timeout: float = 60):
    cells = [{"label": "s", "filename": "/student/s.py", "source": textwrap.dedent(source)}]
    submission = SubmissionRun(sandbox, cells, [function], "s.py")
    try:
        load = submission.load()
        outcome = submission.run("call", function, [Call((np.ones(3),))], ["array"], timeout)
        return load, outcome["results"][0]
    finally:
        submission.close()


def test_an_honest_direct_call_trips(sandbox):
    _, result = run(sandbox, "import numpy as np\ndef f(x):\n    return np.convolve(x, x)\n")
    assert result["forbidden"] == ["numpy.convolve"]


@pytest.mark.parametrize("filename", [NUMERIC, "<frozen numpy>"])
def test_code_compiled_under_a_library_file_name_is_refused(sandbox, filename):
    source = f"""
    import numpy as np
    namespace = {{"np": np}}
    exec(compile("def f(x):\\n    return np.convolve(x, x)\\n", {filename!r}, "exec"), namespace)
    f = namespace["f"]
    """
    load, result = run(sandbox, source)
    assert "compiling code under the library file name" in load["cells"][0]["error"]["message"]
    assert not result["ok"] and "value" not in result


def test_compiling_at_call_time_under_a_library_name_is_refused_too(sandbox):
    source = f"""
    import numpy as np
    def f(x):
        namespace = {{"np": np}}
        exec(compile("def g(x):\\n    return np.convolve(x, x)\\n", {NUMERIC!r}, "exec"), namespace)
        return namespace["g"](x)
    """
    _, result = run(sandbox, source)
    assert not result["ok"] and "compiling code under the library file name" in result["error"]["message"]


@pytest.mark.parametrize("disguise", [
    # code.replace with a library's file name
    f"code = g.__code__.replace(co_filename={NUMERIC!r})",
    # an AST, whose compile event does not carry the file name
    f"import ast; code = compile(ast.parse(SOURCE), {NUMERIC!r}, 'exec').co_consts[0]",
    # marshal: bytes of a code object
    "import marshal; code = marshal.loads(marshal.dumps(g.__code__))",
    # the import system's own bytecode loader, which renames the code to source_path
    "from importlib import _bootstrap_external as b, util; import marshal; "
    f"code = b._compile_bytecode(marshal.dumps(g.__code__), source_path={NUMERIC!r})",
])
def test_other_ways_of_forging_a_code_objects_origin_are_refused(sandbox, disguise):
    source = f"""
    import types
    import numpy as np
    SOURCE = "def g(x):\\n    return np.convolve(x, x)\\n"
    def g(x):
        return np.convolve(x, x)
    def f(x):
        {disguise}
        return types.FunctionType(code, globals())(x)
    """
    _, result = run(sandbox, source)
    assert not result["ok"], result
    assert result["forbidden"] == ["numpy.convolve"] or "PermissionError: sandbox:" in result["error"]["message"], result


def test_real_library_code_still_imports_from_source_and_bytecode(sandbox):
    # modules loaded after the zygote started, through the real import system
    source = """
    def f(x):
        import fractions, decimal, numpy.polynomial.hermite_e as h, importlib
        return x
    """
    _, result = run(sandbox, source)
    assert result["ok"], result


@pytest.fixture(scope="module")
def keras_sandbox():
    box = Sandbox(tensorflow=True, forbidden=("keras.optimizers.Adam",), private=private_paths())
    yield box
    box.close()


DELEGATE = """
import sys
import keras
import numpy as np
ADAM_FILE = sys.modules[keras.optimizers.Adam.__module__].__file__
{make}
def f(x):
    variable = keras.Variable(np.array(x, dtype="float32"))
    delegate.build([variable])
    delegate.update_step(keras.ops.ones_like(variable), variable, 0.1)
    return np.array(variable.numpy(), dtype="float64")
"""


def test_a_delegate_made_at_load_time_trips_when_used_in_a_graded_call(keras_sandbox):
    load, result = run(keras_sandbox, DELEGATE.format(make="delegate = keras.optimizers.Adam()"))
    assert load["cells"][0]["error"] is None  # outside graded calls the tripwires are not armed
    assert result["forbidden"] == ["keras.optimizers.Adam.build"], result


def test_a_delegate_made_in_a_disguised_frame_is_refused(keras_sandbox):
    make = ('namespace = {"keras": keras}\n'
            'exec(compile("delegate = keras.optimizers.Adam()", ADAM_FILE, "exec"), namespace)\n'
            'delegate = namespace["delegate"]')
    load, result = run(keras_sandbox, DELEGATE.format(make=make))
    assert "compiling code under the library file name" in load["cells"][0]["error"]["message"]
    assert not result["ok"]
