"""The sandboxed child's policy, exercised through a real zygote and forked children."""
from __future__ import annotations

import os
import textwrap

import numpy as np
import pytest

from autograder.engine import course
from autograder.engine.grading import private_paths
from autograder.engine.rubric import Call
from autograder.engine.sandbox.client import Sandbox
from autograder.engine.sandbox.runner import SubmissionRun

SOLUTION = str(course.get("conv_padding").solution_path)


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    directory = tmp_path_factory.mktemp("secret")
    (directory / "answers.txt").write_text("42")
    return directory


@pytest.fixture(scope="module")
def sandbox(secret):
    box = Sandbox(tensorflow=False, forbidden=("numpy.convolve",), private=private_paths((str(secret),)))
    yield box
    box.close()


def run_function(sandbox, body: str, *, prelude: str = "", timeout: float = 5.0, args=(np.ones(2),)):
    """Define f(x) with ``body`` in a fresh submission and call it once."""
    source = prelude + "\ndef f(x):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    run = SubmissionRun(sandbox, [{"label": "s", "filename": "/student/s.py", "source": source}], ["f"], "s.py")
    try:
        return run.load(), run.run("call", "f", [Call(tuple(args))], ["array"], timeout)
    finally:
        run.close()


def blocked(outcome) -> str:
    result = outcome["results"][0]
    assert not result["ok"], result
    assert "PermissionError: sandbox:" in result["error"]["message"], result
    return result["error"]["message"]


@pytest.mark.parametrize("body", [
    f"return open({SOLUTION!r}).read()",
    "import solutions.conv_padding",
    "import autograder.rubrics.conv_padding",
    f"import importlib.util as u; s = u.spec_from_file_location('m', {SOLUTION!r}); s.loader.exec_module(u.module_from_spec(s))",
    f"import os; return os.listdir({os.path.dirname(SOLUTION)!r})",
    f"return open('/proc/self/root' + {SOLUTION!r}).read()",
    f"return open({SOLUTION.replace('/solutions/', '/solutions/../solutions/')!r}).read()",
])
def test_solutions_and_rubrics_cannot_be_read_or_imported(sandbox, body):
    _, outcome = run_function(sandbox, body)
    blocked(outcome)


def test_other_private_paths_and_other_processes_are_unreadable(sandbox, secret):
    blocked(run_function(sandbox, f"return open({str(secret / 'answers.txt')!r}).read()")[1])
    blocked(run_function(sandbox, "import os; return open(f'/proc/{os.getppid()}/environ').read()")[1])
    blocked(run_function(sandbox, "import os; return open(f'/proc/{os.getppid()}/mem', 'rb').read(1)")[1])


def test_ordinary_reads_and_own_directory_writes_are_allowed(sandbox):
    body = """
    import os, numpy
    open('scratch.txt', 'w').write('ok')
    os.mkdir('sub'); os.rename('scratch.txt', 'sub/moved.txt'); os.remove('sub/moved.txt')
    open(numpy.__file__).read(10)
    open('/proc/self/status').read()
    return x * 2
    """
    _, outcome = run_function(sandbox, body)
    assert outcome["results"][0]["ok"], outcome
    np.testing.assert_array_equal(outcome["results"][0]["value"], [2.0, 2.0])


@pytest.mark.parametrize("body", [
    "open('/tmp/dlgrade_policy_test_write', 'w').write('x')",
    "import os; os.open('/tmp/dlgrade_policy_test_write', os.O_WRONLY | os.O_CREAT)",
    "import os; os.mkdir('/tmp/dlgrade_policy_test_dir')",
    "import os; os.remove(os.path.expanduser('~/../../etc/hostname'))",
    "import os; os.symlink('/etc', 'link')",
    "import os; os.link('/etc/hostname', 'hard')",
    "import shutil; shutil.rmtree('/tmp/dlgrade_policy_test_dir')",
    "import os; os.chdir('/')",
])
def test_writes_outside_the_own_directory_are_refused(sandbox, body):
    blocked(run_function(sandbox, body)[1])
    assert not os.path.exists("/tmp/dlgrade_policy_test_write")
    assert not os.path.exists("/tmp/dlgrade_policy_test_dir")


@pytest.mark.parametrize("body", [
    "import subprocess; subprocess.run(['true'])",
    "import os; os.system('true')",
    "import os; os.fork()",
    "import os; os.posix_spawn('/bin/true', ['true'], {})",
    "import os; os.execv('/bin/true', ['true'])",
    "import socket; socket.socket()",
    "import socket; socket.create_connection(('127.0.0.1', 9))",
    "import os, signal; os.kill(os.getppid(), signal.SIGKILL)",
    "import os, signal; os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)",
    "import ctypes; ctypes.CDLL(None)",
    "import gc; gc.get_objects()",
])
def test_processes_network_signals_and_native_escapes_are_refused(sandbox, body):
    blocked(run_function(sandbox, body)[1])


def test_patching_builtins_and_os_path_does_not_weaken_the_policy(sandbox):
    body = f"""
    import builtins, os, posixpath
    builtins.isinstance = lambda *a: False
    posixpath.realpath = os.path.realpath = lambda p, *a, **k: '/tmp/harmless'
    os.fspath = lambda p: '/tmp/harmless'
    return open({SOLUTION!r}).read()
    """
    blocked(run_function(sandbox, body)[1])


def test_a_path_object_changing_its_mind_cannot_reach_the_solution(sandbox):
    body = f"""
    class Sneaky:
        calls = 0
        def __fspath__(self):
            Sneaky.calls += 1
            return '/tmp/harmless' if Sneaky.calls == 1 else {SOLUTION!r}
    return open(Sneaky()).read()
    """
    result = run_function(sandbox, body)[1]["results"][0]
    assert not result["ok"] and "BEGIN SOLUTION" not in str(result)


def test_signals_to_itself_are_allowed(sandbox):
    _, outcome = run_function(sandbox, "import os; os.kill(os.getpid(), 0); return x")
    assert outcome["results"][0]["ok"], outcome


def test_forbidden_api_fails_the_call_even_if_caught(sandbox):
    body = """
    import numpy as np
    try:
        return np.convolve(x, x)
    except Exception:
        return x
    """
    _, outcome = run_function(sandbox, body)
    result = outcome["results"][0]
    assert result["forbidden"] == ["numpy.convolve"] and not result["ok"]


def test_forbidden_api_is_fine_outside_graded_calls(sandbox):
    load, outcome = run_function(sandbox, "return x", prelude="import numpy as np\nDEMO = np.convolve([1, 2], [1, 1])")
    assert load["cells"][0]["error"] is None and outcome["results"][0]["ok"]


def test_timeout_kills_a_loop_that_ignores_sigterm_and_the_next_check_runs(sandbox):
    source = textwrap.dedent("""
        import signal
        try:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        except PermissionError:  # refused since handlers are handed frames; the loop still runs
            pass
        def spin(x):
            while True:
                pass
        def ok(x):
            return x + 1
    """)
    run = SubmissionRun(sandbox, [{"label": "s", "filename": "/student/s.py", "source": source}], ["spin", "ok"], "s.py")
    try:
        spun = run.run("call", "spin", [Call((np.ones(1),))], ["array"], 1.0)
        assert "did not finish within 1 s" in spun["died"]
        after = run.run("call", "ok", [Call((np.ones(1),))], ["array"], 5.0)
        np.testing.assert_array_equal(after["results"][0]["value"], [2.0])
    finally:
        run.close()


def test_memory_bomb_is_a_memory_error(sandbox):
    _, outcome = run_function(sandbox, "import numpy as np; return np.ones(1 << 40)")
    assert "MemoryError" in outcome["results"][0]["error"]["message"]


def test_exit_during_a_call_is_reported_and_sys_exit_is_an_error(sandbox):
    _, outcome = run_function(sandbox, "import os; os._exit(7)")
    assert "exit status 7" in outcome["died"]
    _, outcome = run_function(sandbox, "import sys; sys.exit(3)")
    assert "sys.exit(3)" in outcome["results"][0]["error"]["message"]


def test_exit_at_import_fails_everything_with_one_reason(sandbox):
    run = SubmissionRun(sandbox, [{"label": "s", "filename": "/student/s.py", "source": "import os\nos._exit(0)"}],
                        ["f"], "s.py")
    assert "while loading your file" in run.load()["fatal"]
    assert "while loading your file" in run.run("call", "f", [Call(())], ["array"], 1.0)["died"]


def test_output_is_captured_and_truncated_not_mixed_into_results(sandbox):
    body = "print('{\"score\": 100}'); print('x' * 100000); return x"
    _, outcome = run_function(sandbox, body)
    assert outcome["results"][0]["ok"]
    assert outcome["output"].startswith('{"score": 100}')
    assert "bytes of output cut" in outcome["output"] and len(outcome["output"]) < 5000


def test_returned_values_are_converted_or_refused(sandbox):
    assert run_function(sandbox, "return [[1.0, 2.0]]")[1]["results"][0]["value"].shape == (1, 2)
    for body, text in [("return None", "forget a `return`"), ("return 'abc'", "str"),
                       ("return [[1], [1, 2]]", "not array-like"), ("return {'a': 1}", "numbers")]:
        result = run_function(sandbox, body)[1]["results"][0]
        assert not result["ok"] and text in result["error"]["message"], (body, result)


def test_student_traceback_is_trimmed_to_their_lines(sandbox):
    body = "import numpy as np\nreturn np.reshape(x, (7, 7))"
    result = run_function(sandbox, body)[1]["results"][0]
    assert result["error"]["message"].startswith("ValueError")
    tb = result["error"]["traceback"]
    assert '"/student/s.py"' in tb and "np.reshape(x, (7, 7))" in tb and "numpy" not in tb.split("\n")[0]


def test_seccomp_stops_process_creation_that_audit_hooks_cannot_see(sandbox, tmp_path):
    marker = "/tmp/dlgrade_policy_forkexec_marker"
    body = f"""
    import _posixsubprocess, os, time
    r, w = os.pipe()
    try:
        _posixsubprocess.fork_exec(["/bin/sh", "-c", "echo x > {marker}"], [b"/bin/sh"], True, (),
                                   None, None, -1, -1, -1, -1, -1, -1, r, w, False, False, -1,
                                   None, None, None, -1, None, False)
    except TypeError:  # another Python version's signature: try the raw syscall path instead
        os.fork()
    time.sleep(0.3)
    return x
    """
    load, outcome = run_function(sandbox, body)
    if not load.get("seccomp"):
        pytest.skip("seccomp is not available on this platform")
    result = outcome["results"][0]
    assert not result["ok"] and "Operation not permitted" in result["error"]["message"] or \
        "PermissionError" in result["error"]["message"]
    assert not os.path.exists(marker)


def test_threads_still_work_under_seccomp(sandbox):
    body = """
    import threading
    out = []
    t = threading.Thread(target=lambda: out.append(x * 3))
    t.start(); t.join()
    return out[0]
    """
    _, outcome = run_function(sandbox, body)
    np.testing.assert_array_equal(outcome["results"][0]["value"], [3.0, 3.0])


@pytest.fixture(scope="module")
def tf_sandbox():
    box = Sandbox(tensorflow=True, forbidden=("tensorflow.nn.*", "keras.layers.Dense"), private=private_paths())
    yield box
    box.close()


def test_forbidden_names_trip_only_when_student_code_calls_them_directly(tf_sandbox):
    source = textwrap.dedent("""
        import keras, tensorflow as tf
        def indirect(x):
            return keras.ops.convert_to_numpy(keras.ops.add(keras.ops.ones((3, 2)), x))  # tf.nn.bias_add inside
        def direct(x):
            return tf.nn.relu(x).numpy()
        class MyDense(keras.layers.Dense):
            pass
    """)
    run = SubmissionRun(tf_sandbox, [{"label": "s", "filename": "/student/s.py", "source": source}],
                        ["indirect", "direct", "MyDense"], "s.py")
    try:
        ok = run.run("call", "indirect", [Call((np.ones(2),))], ["array"], 30)["results"][0]
        assert ok["ok"] and ok["forbidden"] == [], ok
        bad = run.run("call", "direct", [Call((np.ones(2),))], ["array"], 30)["results"][0]
        assert bad["forbidden"] == ["tensorflow.nn.relu"]
        parent = run.run("call", "MyDense", [Call((4,))], ["none"], 30)["results"][0]
        assert parent["forbidden"] == ["keras.layers.Dense"]  # a student subclass, built by grader code
    finally:
        run.close()


@pytest.mark.parametrize("body", [
    # relative to a directory descriptor: the audit event carries no dir_fd
    f"import os; d = os.open({os.path.dirname(os.path.dirname(SOLUTION))!r}, os.O_RDONLY); "
    "return os.read(os.open('solutions/conv_padding.py', os.O_RDONLY, dir_fd=d), 10)",
    "import os; d = os.open('/proc', os.O_RDONLY); return os.read(os.open(f'{os.getppid()}/environ', os.O_RDONLY, dir_fd=d), 10)",
    # native code that Python never audits
    "import sqlite3; sqlite3.connect('/tmp/dlgrade_policy_test.db').execute('create table t (x)')",
    "import os; os.mkfifo('/tmp/dlgrade_policy_test_fifo')",
    "import os; d = os.open('/tmp', os.O_RDONLY); os.close(os.open('dlgrade_policy_test_write', os.O_CREAT | os.O_WRONLY, dir_fd=d))",
])
def test_landlock_stops_what_audit_hooks_cannot_see(sandbox, body):
    load, outcome = run_function(sandbox, body)
    if not load.get("landlock"):
        pytest.skip("Landlock is not available on this kernel")
    result = outcome["results"][0]
    assert not result["ok"], result
    for leftover in ("/tmp/dlgrade_policy_test.db", "/tmp/dlgrade_policy_test_fifo", "/tmp/dlgrade_policy_test_write"):
        assert not os.path.exists(leftover)


def test_the_sandbox_does_not_inherit_the_graders_secrets(sandbox, monkeypatch):
    monkeypatch.setenv("DLGRADE_TEST_SECRET", "hunter2")
    box = Sandbox(tensorflow=False, private=private_paths())
    try:
        _, outcome = run_function(box, "import os; print(sorted(os.environ)); return x")
        assert outcome["results"][0]["ok"] and "DLGRADE_TEST_SECRET" not in outcome["output"]
    finally:
        box.close()
