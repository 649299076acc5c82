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


def test_in_the_bundle_02_brings_the_functions_of_a_finished_01(repo, tmp_path, capsys):
    """The bundle's release/ keeps the assignment folders side by side: 02's tools cell, run from 02's folder,
    brings the five activations from the student's finished 01 (here the course's solutions put into it)."""
    import nbformat
    import numpy as np

    from autograder.commands.example_class import completed
    from autograder.notebooks import grade_id, read_notebook
    from course.earlier import bring

    out = build_bundle(repo, tmp_path / "bundle")
    first = out / "release" / "01_single_example" / "01_single_example.ipynb"
    nbformat.write(completed(read_notebook(first), read_notebook(repo / "source" / "01_single_example" /
                                                                   "01_single_example.ipynb")), first)
    tools = next(c for c in read_notebook(out / "release" / "02_vectorized" / "02_vectorized.ipynb").cells
                 if grade_id(c) == "tools_from_01")
    namespace = {"np": np}
    here = out / "release" / "02_vectorized"
    exec(tools.source.replace("bring(", "bring_here("),  # noqa: S102 - the release's own cell
         {"bring_here": lambda *names: bring(*names, namespace=namespace, here=here)})
    assert capsys.readouterr().out.startswith(f"bring: from 01_single_example.ipynb (yours, {first}): sigmoid, ")
    assert namespace["relu"](np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
