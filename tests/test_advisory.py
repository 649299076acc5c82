"""Visible checks decide when a student runs them, and only advise while nbgrader grades."""

import numpy as np
import pytest

from course import checks


def wrong_relu(z):
    return np.abs(z)


def test_a_failing_visible_check_raises_for_the_student(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(checks.CheckFailed, match="not |z|"):
        checks.check_relu(wrong_relu)


def test_while_grading_it_reports_and_leaves_the_grade_to_the_hidden_check(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert checks.check_relu(wrong_relu) is None
    out = capsys.readouterr().out
    assert "negative inputs must become 0, not |z|" in out and "the grade is the hidden check's" in out


def test_every_exported_check_is_wrapped():
    for name in checks.__all__:
        if name.startswith("check_"):
            assert getattr(checks, name).__wrapped__.__name__ == name
