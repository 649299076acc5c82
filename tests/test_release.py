import pytest

from autograder.commands.release import build_release

pytestmark = pytest.mark.slow


def test_release_is_generated_from_source(repo):
    differences = build_release(repo, check=True)
    assert not differences, "release/ is out of date: run `python -m autograder release`\n" + "\n".join(differences)
