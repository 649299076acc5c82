"""The README's two set-up commands are the ones CI and the main job run."""

import re


def setup_commands(readme):
    section = readme.split("## Set-up")[1].split("\n## ")[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_ci_runs_exactly_the_readme_test_command(repo):
    _main, tests = setup_commands((repo / "README.md").read_text())
    ci = [line for line in (repo / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == tests
    assert tests.endswith("python -m pytest") and "pip install -r requirements.txt" in tests


def test_main_command_runs_the_example_class(repo):
    main, _ = setup_commands((repo / "README.md").read_text())
    assert main.endswith("python -m autograder example-class") and "pip install -r requirements.txt" in main


def test_commands_work_on_a_stock_image(repo):
    """A stock Debian image has empty package lists and no venv module: each command fetches the one and installs
    the other before using them; the tests' command installs the Chromium the browser tests drive."""
    from .test_browser import CHROMIUM

    main, tests = setup_commands((repo / "README.md").read_text())
    for command in (main, tests):
        steps = [step.strip() for step in command.split("&&")]
        assert steps[0] == "apt-get update"
        install = steps[1].split()
        assert install[:3] == ["apt-get", "install", "-y"] and {"bubblewrap", "python3-venv"} <= set(install)
        assert steps.index("python3 -m venv .venv") > 1
    assert "chromium" in tests.split("&&")[1].split() and CHROMIUM == "/usr/bin/chromium"
