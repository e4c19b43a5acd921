"""The conv_padding reference solution agrees with TensorFlow/Keras and with the lecture."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import types
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from autograder.exercises import lecture  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "conv_padding.py"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _load(SOLUTION, "conv_padding_reference_under_test")

LECTURE_PAD1 = lecture.CONV_PADDED_OUTPUT
lecture_x_kernel = lecture.conv_example


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


# --- random cases ----------------------------------------------------------------------


def random_conv2d_cases(seed: int, count: int):
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        n, c_in, c_out = rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 5)
        kh, kw = rng.integers(1, 6, size=2)
        stride = [1, 2, 3, (1, 2), (2, 1), (3, 2), (2, 3)][i % 7]
        padding = ["valid", "same", 0, 1, 2, 3, "SAME"][(i // 7) % 7]
        p = padding if isinstance(padding, int) else 0
        h = rng.integers(max(1, kh - 2 * p), 13)
        w = rng.integers(max(1, kw - 2 * p), 13)
        if padding == "valid":
            h, w = max(h, kh), max(w, kw)
        x = rng.standard_normal((n, h, w, c_in))
        kernel = rng.standard_normal((kh, kw, c_in, c_out))
        bias = rng.standard_normal(c_out) if i % 3 == 0 else None
        cases.append((x, kernel, bias, stride, padding))
    return cases


def random_conv1d_cases(seed: int, count: int):
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        n, c_in, c_out = rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 5)
        k = int(rng.integers(1, 6))
        stride = 1 + i % 3
        padding = ["valid", "same", 1, 2, 0][(i // 3) % 5]
        p = padding if isinstance(padding, int) else 0
        length = int(rng.integers(max(1, k - 2 * p), 15))
        if padding == "valid":
            length = max(length, k)
        x = rng.standard_normal((n, length, c_in))
        kernel = rng.standard_normal((k, c_in, c_out))
        bias = rng.standard_normal(c_out) if i % 2 else None
        cases.append((x, kernel, bias, stride, padding))
    return cases


def tf_conv2d(tf, x, kernel, bias, stride, padding):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if isinstance(padding, str):
        tf_padding = padding.upper()
    else:  # TensorFlow's explicit padding: an independent check of integer padding
        tf_padding = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
    out = tf.nn.conv2d(x, kernel, strides=[1, sh, sw, 1], padding=tf_padding).numpy()
    return out if bias is None else out + bias


def tf_conv1d(tf, x, kernel, bias, stride, padding):
    if not isinstance(padding, str):
        x = np.pad(x, ((0, 0), (padding, padding), (0, 0)))
        padding = "valid"
    out = tf.nn.conv1d(x, kernel, stride=stride, padding=padding.upper()).numpy()
    return out if bias is None else out + bias


def assert_close(got, expected):
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


# --- TensorFlow / Keras agreement -----------------------------------------------------------


def test_conv2d_matches_tf_nn_conv2d(tf):
    for x, kernel, bias, stride, padding in random_conv2d_cases(seed=7, count=196):
        got = ref.conv2d(x, kernel, bias=bias, stride=stride, padding=padding)
        assert got.dtype == np.float64
        assert_close(got, tf_conv2d(tf, x, kernel, bias, stride, padding))


def test_conv2d_matches_keras_conv2d(tf):
    for x, kernel, bias, stride, padding in random_conv2d_cases(seed=11, count=98):
        got = ref.conv2d(x, kernel, bias=bias, stride=stride, padding=padding)
        assert_close(got, ref.keras_conv2d(x, kernel, bias=bias, stride=stride, padding=padding))


def test_conv1d_matches_tf_nn_conv1d_and_keras(tf):
    for x, kernel, bias, stride, padding in random_conv1d_cases(seed=5, count=90):
        got = ref.conv1d(x, kernel, bias=bias, stride=stride, padding=padding)
        assert_close(got, tf_conv1d(tf, x, kernel, bias, stride, padding))
        assert_close(got, ref.keras_conv1d(x, kernel, bias=bias, stride=stride, padding=padding))


def test_conv_output_size_matches_tf_output_shape(tf):
    rng = np.random.default_rng(3)
    for _ in range(60):
        k, stride, pad = int(rng.integers(1, 8)), int(rng.integers(1, 5)), int(rng.integers(0, 4))
        h = int(rng.integers(max(1, k - 2 * pad), 20))
        x = np.zeros((1, h, 1, 1))
        kernel = np.zeros((k, 1, 1, 1))
        out = tf.nn.conv2d(x, kernel, strides=[1, stride, 1, 1],
                           padding=[[0, 0], [pad, pad], [0, 0], [0, 0]])
        size = ref.conv_output_size(h, k, stride=stride, pad=pad)
        assert isinstance(size, int)
        assert size == out.shape[1]


def test_every_rubric_case_matches_tensorflow(tf):
    """The expected values the grader uses are TensorFlow's, for every conv case of the rubric."""
    from autograder.rubrics.conv_padding import RUBRIC

    for check in RUBRIC.checks:
        if check.function not in ("conv2d", "conv1d"):
            continue
        for call in check.make_cases():
            x, kernel = call.args
            kw = {"bias": None, "stride": 1, "padding": "valid", **call.kwargs}
            got = getattr(ref, check.function)(x, kernel, **kw)
            oracle = tf_conv2d if check.function == "conv2d" else tf_conv1d
            assert_close(got, oracle(tf, x, kernel, kw["bias"], kw["stride"], kw["padding"]))


# --- the lecture -----------------------------------------------------------------------------


def test_lecture_example():
    x, kernel = lecture_x_kernel()
    padded = ref.conv2d(x, kernel, padding=1)
    assert padded.shape == (1, 3, 3, 1)
    np.testing.assert_array_equal(padded[0, :, :, 0], LECTURE_PAD1)
    np.testing.assert_array_equal(ref.conv2d(x, kernel), [[[[8]]]])
    np.testing.assert_array_equal(ref.conv2d(x, kernel, padding="valid"), [[[[8]]]])
    # Integer inputs give floats.
    assert ref.conv2d(x.astype(int), kernel.astype(int), padding=1).dtype.kind == "f"
    assert ref.conv_output_size(3, 3, pad=1) == 3
    assert ref.conv_output_size(3, 3) == 1


def test_lecture_example_with_keras(tf):
    x, kernel = lecture_x_kernel()
    np.testing.assert_allclose(ref.keras_conv2d(x, kernel, padding=1)[0, :, :, 0], LECTURE_PAD1)


# --- smaller behaviours ----------------------------------------------------------------------


def test_conv_output_size_values():
    assert ref.conv_output_size(224, 7, stride=2, pad=3) == 112
    assert ref.conv_output_size(227, 11, stride=4) == 55
    assert ref.conv_output_size(6, 3, stride=2) == 2  # floor(3 / 2) + 1
    assert ref.conv_output_size(5, 5) == 1
    for bad in [(0, 1), (3, 0), (3, 3, 0), (3, 3, 1, -1), (3, 6)]:
        with pytest.raises(ValueError):
            ref.conv_output_size(*bad)


def test_zero_pad():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5) + 1
    out = ref.zero_pad(x, 2)
    assert out.shape == (2, 7, 8, 5)
    np.testing.assert_array_equal(out[:, 2:5, 2:6], x)
    assert out.sum() == x.sum()
    out = ref.zero_pad(x, ((0, 1), (3, 2)))
    assert out.shape == (2, 4, 9, 5)
    np.testing.assert_array_equal(out[:, 0:3, 3:7], x)
    assert out.sum() == x.sum()
    np.testing.assert_array_equal(ref.zero_pad(x, 0), x)
    assert ref.zero_pad(x.astype(np.float32), 1).dtype == np.float32
    for bad in (-1, ((0, -1), (0, 0)), ((1, 2),), "same"):
        with pytest.raises(ValueError):
            ref.zero_pad(x, bad)
    with pytest.raises(ValueError):
        ref.zero_pad(x[0], 1)


def test_same_padding_puts_the_extra_at_the_bottom_right():
    # A 2x2 kernel of ones picking the top-left of each window: with 'same' the last
    # row/column of the output reads the zero padding at the bottom/right.
    x = np.arange(1, 10, dtype=float).reshape(1, 3, 3, 1)
    kernel = np.zeros((2, 2, 1, 1))
    kernel[0, 0] = 1.0
    np.testing.assert_array_equal(ref.conv2d(x, kernel, padding="same"), x)
    kernel = np.zeros((2, 2, 1, 1))
    kernel[1, 1] = 1.0
    out = ref.conv2d(x, kernel, padding="same")[0, :, :, 0]
    np.testing.assert_array_equal(out, [[5, 6, 0], [8, 9, 0], [0, 0, 0]])


def test_stride_tuple_and_bias():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 7, 8, 3))
    kernel = rng.standard_normal((3, 2, 3, 4))
    bias = rng.standard_normal(4)
    full = ref.conv2d(x, kernel)
    np.testing.assert_allclose(ref.conv2d(x, kernel, stride=(2, 3)), full[:, ::2, ::3])
    np.testing.assert_allclose(ref.conv2d(x, kernel, bias=bias), full + bias)
    assert ref.conv2d(x.astype(np.float32), kernel.astype(np.float32)).dtype == np.float32


def test_argument_validation():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 5, 5, 2))
    kernel = rng.standard_normal((3, 3, 2, 4))
    bad_calls = [
        dict(padding="full"),
        dict(padding=-1),
        dict(padding=1.5),
        dict(stride=0),
        dict(stride=(1, 0)),
        dict(stride=(1, 2, 3)),
        dict(bias=np.zeros(3)),
    ]
    for kwargs in bad_calls:
        with pytest.raises(ValueError):
            ref.conv2d(x, kernel, **kwargs)
    with pytest.raises(ValueError):
        ref.conv2d(x, rng.standard_normal((3, 3, 3, 4)))  # channel mismatch
    with pytest.raises(ValueError):
        ref.conv2d(x, rng.standard_normal((6, 3, 2, 4)))  # kernel larger than the input
    with pytest.raises(ValueError):
        ref.conv2d(x[0], kernel)
    x1 = rng.standard_normal((1, 5, 2))
    with pytest.raises(ValueError):
        ref.conv1d(x1, rng.standard_normal((3, 3, 1)))
    with pytest.raises(ValueError):
        ref.conv1d(x1, rng.standard_normal((3, 2, 1)), padding="causal")
    with pytest.raises(ValueError):
        ref.conv1d(x1, rng.standard_normal((3, 2, 1)), padding=-2)


# --- the notebook-module itself -------------------------------------------------------------


def test_import_is_quiet_fast_and_does_not_import_tensorflow():
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('m', {str(SOLUTION)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def test_running_as_a_script_prints_the_worked_example():
    result = subprocess.run([sys.executable, str(SOLUTION)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "[ 9. 13.  9.]" in result.stdout and "[[8.]]" in result.stdout


def test_solution_markers_and_cells():
    text = SOLUTION.read_text()
    assert text.startswith("# ---\n# jupyter:\n#   jupytext:\n")
    cells = re.split(r"(?m)^(?=# %%)", text)
    code_cells = [c for c in cells if c.startswith("# %%") and not c.startswith("# %% [markdown]")]
    graded = {}
    for cell in code_cells:
        for name in re.findall(r"(?m)^def (\w+)\(", cell):
            graded[name] = cell
    for name in ("zero_pad", "conv_output_size", "conv2d", "conv1d"):
        cell = graded[name]
        assert cell.startswith("# %%\n"), name
        assert cell.count("    ### BEGIN SOLUTION\n") == 1 and cell.count("    ### END SOLUTION\n") == 1
        docstring_end = cell.index('"""', cell.index('"""') + 3)
        assert docstring_end < cell.index("### BEGIN SOLUTION"), name
    solution_only = [c for c in cells if c.startswith('# %% tags=["solution_only"]\n')]
    assert len(solution_only) == 1 and "def keras_conv2d(" in solution_only[0]
    assert "### BEGIN SOLUTION" not in solution_only[0]


def _stub_source() -> str:
    """What a stub generator makes of the solution: markers -> raise, solution-only cells dropped."""
    text = SOLUTION.read_text()
    cells = re.split(r"(?m)^(?=# %%)", text)
    kept = [c for c in cells if not c.startswith('# %% tags=["solution_only"]')]
    return re.sub(
        r"(?ms)^( *)### BEGIN SOLUTION\n.*?^ *### END SOLUTION\n",
        lambda m: f"{m.group(1)}raise NotImplementedError\n",
        "".join(kept),
    )


def test_stub_keeps_signatures_and_raises_not_implemented():
    stub = types.ModuleType("conv_padding_stub")
    exec(compile(_stub_source(), "conv_padding_stub.py", "exec"), stub.__dict__)
    assert not hasattr(stub, "keras_conv2d")
    x, kernel = lecture_x_kernel()
    calls = {
        "zero_pad": (x, 1),
        "conv_output_size": (3, 3),
        "conv2d": (x, kernel),
        "conv1d": (x[:, 0], kernel[0]),
    }
    import inspect

    for name, args in calls.items():
        function = getattr(stub, name)
        assert inspect.signature(function) == inspect.signature(getattr(ref, name))
        assert function.__doc__ == getattr(ref, name).__doc__
        with pytest.raises(NotImplementedError):
            function(*args)


def test_jupytext_reads_the_solution_as_a_notebook():
    jupytext = pytest.importorskip("jupytext")
    notebook = jupytext.read(SOLUTION)
    tagged = [c for c in notebook.cells if "solution_only" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    assert sum(c.cell_type == "markdown" for c in notebook.cells) >= 5
