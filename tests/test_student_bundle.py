import ast

from autograder.commands.student_bundle import build_bundle


def test_bundle_has_release_and_course_but_nothing_of_the_instructor(repo, tmp_path):
    out = build_bundle(repo, tmp_path / "bundle")
    assert (out / "release").is_dir() and (out / "course" / "checks" / "__init__.py").is_file()
    assert not (out / "autograder").exists() and not (out / "source").exists()
    assert "-e ." in (out / "requirements.txt").read_text()
    assert 'include = ["course*"]' in (out / "pyproject.toml").read_text()


def test_course_never_imports_the_autograder(repo):
    for path in (repo / "course").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "autograder" for n in names), f"{path} imports autograder"
