"""The grader's wire (autograder/engine/wire.py) and its end of a call (autograder/engine/session.py), without a kernel: the
kernel's side runs in a thread on the other end of a socket pair, as it would in the student's kernel."""

import socket
import threading
import time

import numpy as np
import pytest

from autograder.engine import wire
from autograder.engine.session import RemoteFunction, Session
from autograder.engine.verdict import Verdict, graded_outputs, judge, points_for, share_of
from autograder.hidden import check_layer_backward, check_numerical_gradient, check_sigmoid
from autograder.reference import layer_backward, numerical_gradient, sigmoid
from course.checks.calling import call
from course.checks.report import Outcome, Report


def roundtrip(value):
    arrays = []
    tree = wire.encode(value, arrays)
    return wire.decode(tree, arrays)


def test_plain_values_survive_the_wire():
    value = {"W1": np.arange(6.0).reshape(2, 3), "n": 3, "name": "relu", "ok": True, "none": None,
             "cache": (np.ones((2, 1), dtype=np.float32), [1.5, np.int64(7)]), "nan": float("nan")}
    back = roundtrip(value)
    assert back["W1"].dtype == np.float64 and np.array_equal(back["W1"], value["W1"])
    assert back["cache"][0].dtype == np.float32 and isinstance(back["cache"], tuple)
    assert back["cache"][1] == [1.5, 7] and type(back["cache"][1][1]) is int
    assert back["n"] == 3 and back["name"] == "relu" and back["ok"] is True and back["none"] is None
    assert np.isnan(back["nan"])


def test_an_ndarray_subclass_arrives_as_a_plain_array():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    back = roundtrip(np.zeros(3).view(Liar))
    assert type(back) is np.ndarray and not np.array_equal(back, np.ones(3))


def test_what_is_not_plain_data_arrives_as_its_type_name_only():
    back = roundtrip([lambda: 1, (x for x in [])])
    assert type(back[0]).__name__ == "function" and type(back[1]).__name__ == "generator"
    assert not callable(back[0])
    assert type(roundtrip(np.array([object()], dtype=object))).__name__ == "object"


@pytest.mark.parametrize("tree, arrays, why", [
    ({"array": 0, "dtype": "|O", "shape": [1]}, [b"12345678"], "numeric"),
    ({"array": 0, "dtype": "<f8", "shape": [2]}, [b"12345678"], "size"),
    ({"array": 3, "dtype": "<f8", "shape": [1]}, [b"12345678"], "index"),
    ({"array": 0, "dtype": "<f8", "shape": [-1]}, [b"12345678"], "shape"),
    ({"callable": 0}, [], "tag"),
    ({"pickle": "gASV"}, [], "tag"),
    ("x" and {"int": "3"}, [], "tag"),
])
def test_the_grader_decodes_strictly(tree, arrays, why):
    with pytest.raises(wire.WireError, match=why):
        wire.decode(tree, arrays)


def test_a_message_over_the_limit_is_refused():
    left, right = socket.socketpair()
    with left, right:
        left.sendall(wire._LENGTH.pack(wire.MAX_HEADER + 1))
        with pytest.raises(wire.WireError, match="limit"):
            wire.receive(right)


def test_one_deadline_holds_for_a_whole_message_however_slowly_it_drips():
    """A sender that sends a frame's length, then one byte at a time, used to reset each recv's time limit."""
    left, right = socket.socketpair()
    stop = threading.Event()

    def drip():
        left.sendall(wire._LENGTH.pack(100))
        while not stop.wait(0.05):
            try:
                left.sendall(b" ")
            except OSError:
                return

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    start = time.monotonic()
    with left, right, pytest.raises(TimeoutError):
        try:
            wire.receive(right, deadline=time.monotonic() + 0.5)
        finally:
            stop.set()
    assert time.monotonic() - start < 2
    thread.join(2)


def test_a_changed_input_is_reported_and_the_graders_arrays_stay_as_drawn():
    def spoil(dA, params):
        dA[:] = 0.0
        del params["b1"]
        return 1.0

    proxy, session, thread = remote({"spoil": spoil}, "spoil")
    dA, params = np.ones((2, 2)), {"W1": np.ones(2), "b1": np.zeros(1)}
    assert proxy(dA, params) == 1.0
    assert dA.all() and list(params) == ["W1", "b1"], "the grader's own arrays are never written into"
    after_dA, after_params = proxy.inputs_after
    assert not after_dA.any() and list(after_params) == ["W1"]
    report = Report("spoil")
    call(report, proxy, (dA, params), ["dA", "params"])
    session.close()
    thread.join(5)
    assert [o.name for o in report.outcomes] == ["inputs"] and "dA, params" in report.outcomes[0].detail


def kernel_thread(namespace):
    """A socket pair whose far end is served like a student's kernel, with the functions in namespace."""
    grader, kernel = socket.socketpair()
    link = wire._Link(kernel, namespace)

    def serve():
        with kernel:
            while True:
                header, data = wire.receive(kernel)
                if header.get("op") != "call":
                    return
                link.call(header, data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    session = Session(grader, timeout=20, interrupt=lambda: None)
    session.link_for_tests = link
    return session, thread


def remote(namespace, name):
    session, thread = kernel_thread(namespace)
    return RemoteFunction(session, name), session, thread


def test_a_hidden_check_passes_a_right_function_through_the_wire():
    for check, function in ((check_sigmoid, sigmoid), (check_layer_backward, layer_backward),
                            (check_numerical_gradient, numerical_gradient)):
        proxy, session, thread = remote({function.__name__: function}, function.__name__)
        verdict = judge(check, proxy)
        session.close()
        thread.join(5)
        assert verdict.share == 1.0, verdict.text


def test_a_wrong_function_loses_through_the_wire_with_its_named_mistake():
    def layer_backward(dA, cache, activation):  # the 1/m forgotten, and dA changed in place
        Z, A_prev, W, _b = cache
        dZ = dA
        dZ *= np.where(Z > 0, 1.0, 0.0) if activation == "relu" else 1.0
        return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)

    proxy, session, _thread = remote({"layer_backward": layer_backward}, "layer_backward")
    verdict = judge(check_layer_backward, proxy)
    session.close()
    assert verdict.share < 1.0
    assert "1/m is missing" in verdict.text and "changed its input dA" in verdict.text


def test_exceptions_cross_the_wire_by_name():
    def sigmoid(z):
        raise NotImplementedError()

    proxy, session, _ = remote({"sigmoid": sigmoid}, "sigmoid")
    with pytest.raises(NotImplementedError):
        proxy(np.zeros(2))
    verdict = judge(check_sigmoid, proxy)
    session.close()
    assert verdict.share == 0.0 and "not written yet" in verdict.text


def test_a_failed_assert_in_the_students_code_is_named_with_its_line_through_the_wire():
    def layer_backward(dA, cache, activation):
        Z, A_prev, W, _b = cache
        dZ = dA * (Z > 0)
        assert dZ.shape == W.shape, \
            "dZ and W differ"
        return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)

    def sigmoid(z):
        return np.matmul(z, np.ones((z.shape[1] + 1, 1)))  # NumPy raises: the student's line is the one named

    assert_line = layer_backward.__code__.co_firstlineno + 3
    said = {
        layer_backward: ["raised AssertionError: dZ and W differ",
                         f"the assert that failed: test_wire.py, line {assert_line}, in layer_backward:",
                         '\n      assert dZ.shape == W.shape, \\\n          "dZ and W differ"'],
        sigmoid: ["raised ValueError: matmul",
                  f"the line that raised: test_wire.py, line {sigmoid.__code__.co_firstlineno + 1}, in sigmoid:",
                  "\n      return np.matmul(z, np.ones((z.shape[1] + 1, 1)))"],
    }
    for function, check in ((layer_backward, check_layer_backward), (sigmoid, check_sigmoid)):
        proxy, session, _ = remote({function.__name__: function}, function.__name__)
        verdict = judge(check, proxy)
        session.close()
        assert verdict.share == 0.0
        assert all(phrase in verdict.text for phrase in said[function]), verdict.text
        assert not any(f in verdict.text for f in ("<grader>", "session.py", "calling.py", "numpy/")), verdict.text


def test_where_the_kernel_says_it_raised_is_taken_as_bounded_plain_text():
    from autograder.engine.session import _rebuild

    error = _rebuild({"type": "AssertionError", "message": "", "where": "f",
                      "line": {"place": "cell In[3]" * 50, "line": 4, "function": "f", "text": "assert x" * 500}})
    assert error.student_line == {"place": ("cell In[3]" * 50)[:80], "line": 4, "function": "f",
                                  "text": ("assert x" * 500)[:600]}
    for forged in ({"place": 1, "line": 4, "function": "f", "text": ""}, {"place": "a", "line": "4", "function": "f",
                                                                           "text": ""}, "cell In[3], line 4", None):
        assert _rebuild({"type": "ValueError", "message": "m", "line": forged}).student_line is None


def test_only_the_functions_served_for_this_call_can_be_called_back():
    namespace = {}
    session, _ = kernel_thread(namespace)
    link = session.link_for_tests

    def uses_double(x):
        return namespace["double"](x)

    def asks_for_the_reference(x):  # a forged callback: the grader serves nothing by that name now
        return link.stand_in(["served", "model_backward"], "model_backward")(x)

    namespace.update(uses_double=uses_double, asks_for_the_reference=asks_for_the_reference)
    proxy = RemoteFunction(session, "uses_double")
    proxy.__globals__["double"] = lambda x: 2 * x
    assert np.array_equal(proxy(np.ones(2)), np.full(2, 2.0))
    assert "double" not in namespace, "a served function is gone from the kernel after the call"
    with pytest.raises(NameError, match="cannot be called here"):
        RemoteFunction(session, "asks_for_the_reference")(np.ones(2))
    session.close()


def test_partial_credit_is_the_share_of_right_outputs():
    lines = [Outcome("dA_prev relu", True, ""), Outcome("dW relu", False, ""), Outcome("db relu", True, ""),
             Outcome("dW tanh", True, ""), Outcome("bad name", True, "")]
    assert share_of(lines) == 3 / 4
    assert share_of([*lines, Outcome("inputs", False, "")]) == 0.0, "a changed input never earns anything"
    assert share_of([Outcome("inputs", True, ""), Outcome("sigmoid (2, 3)", False, "")]) == 0.0
    assert points_for(3 / 4, 4) == 3.0 and points_for(3 / 4, 3) == 2.0 and points_for(0.99, 1) == 0.5
    assert points_for(1.0, 3) == 3.0 and points_for(0.0, 3) == 0.0


def test_the_graded_outputs_carry_the_score_nbgrader_reads():
    from nbformat import NotebookNode
    from nbgrader.utils import determine_grade

    printed = [NotebookNode(output_type="error", ename="NameError", evalue="x", traceback=[]),
               NotebookNode(output_type="stream", name="stderr", text="warning"),
               NotebookNode(output_type="execute_result", data={"text/plain": "4"}, metadata={}, execution_count=1)]
    cell = NotebookNode(cell_type="code", source="", metadata={"nbgrader": {"grade": True, "solution": False,
                                                                             "points": 4, "grade_id": "test_x"}})
    for share, points in ((1.0, 4.0), (0.6, 2.0), (0.1, 0.0)):
        cell.outputs = graded_outputs(printed, Verdict(share, "report"), 4)
        assert determine_grade(cell) == (points, 4.0)
        assert "NameError: x" in "".join(o.get("text", "") for o in cell.outputs)


def test_reports_are_capped_after_the_verdict_and_student_text_cannot_pass_for_a_score_line():
    from autograder.engine.verdict import HEADER, REPORT_LIMIT

    huge = "4 of 4 points " * 400_000  # a student's value of millions of characters in a report

    def check(fn):
        report = Report("spoil")
        report.expect("result", False, huge)
        report.expect("other", True, "fine")
        report.finish()

    verdict = judge(check, lambda: None)
    assert verdict.share == 0.5 and len(verdict.text) < REPORT_LIMIT + 100
    printed = [{"output_type": "stream", "name": "stdout", "text": f"{HEADER} 4 of 4 points\n"}]
    outputs = graded_outputs(printed, verdict, 4)
    text = "".join(o.get("text", "") for o in outputs)
    assert text.count(HEADER) == 1 and len(text) < REPORT_LIMIT + 60_000
    assert outputs[-1]["data"]["text/plain"] == "2"


def test_a_constant_factor_is_named_only_when_the_ratio_is_the_same_across_entries():
    from course.checks.report import compare

    one = compare("J", 446.0, 1.0)
    assert not one.ok and "constant factor" not in (one.hint or ""), "one number is always a multiple of another"
    many = compare("dW", 3.0 * np.arange(1.0, 5.0), np.arange(1.0, 5.0))
    assert "constant factor" in many.hint
    uneven = compare("dW", np.array([1.0, 4.0, 9.0]), np.array([1.0, 2.0, 3.0]))
    assert "constant factor" not in (uneven.hint or "")


def test_a_mistake_is_named_alone_only_when_no_other_gives_the_same_values():
    from course.checks.report import compare

    right, wrong = np.array([1.0, 2.0]), np.array([2.0, 4.0])
    alone = compare("x", wrong, right, mistakes={"doubled": wrong, "squared": right ** 2 + 5})
    assert alone.hint == "doubled"
    both = compare("x", wrong, right, mistakes={"doubled": wrong, "added to itself": right + right})
    assert "one of these" in both.hint and "doubled" in both.hint and "added to itself" in both.hint
