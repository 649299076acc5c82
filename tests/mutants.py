"""What every assignment's check tests assert about its catalogue of mutants, written once.

`run_hidden(exercise, fn)` and `run_visible(exercise, fn)` are each test module's own way to call its checks.
"""

import pytest

from course.checks import CheckFailed


def assert_two_per_exercise(exercises, mutants):
    for exercise in exercises:
        assert sum(e == exercise for e, _, _ in mutants) >= 2, exercise


def assert_hidden_catches(run_hidden, exercise, mutant, phrase, runs=3):
    """The hidden check fails the mutant on every run (its inputs are fresh) and names the mistake; `phrase` is
    one phrase, or a tuple of phrases any of which will do."""
    phrases = (phrase,) if isinstance(phrase, str) else phrase
    for _ in range(runs):
        with pytest.raises(CheckFailed) as failure:
            run_hidden(exercise, mutant)
        if phrases:
            assert any(p in str(failure.value) for p in phrases), str(failure.value)


def visible_catches(run_visible, exercise, mutant):
    try:
        run_visible(exercise, mutant)
    except CheckFailed:
        return True
    return False


def assert_unwritten_says_so(exercises, run_hidden, run_visible):
    def stub(*args):
        raise NotImplementedError()

    for exercise in exercises:
        with pytest.raises(CheckFailed, match="not written yet"):
            run_hidden(exercise, stub)
        with pytest.raises(CheckFailed, match="not written yet"):
            run_visible(exercise, stub)
