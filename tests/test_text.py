"""The text students read: the sources are named, never called "seeds", and every formula renders.

Formulas are rendered with KaTeX (the `pykatex` package runs it in-process, no network, no browser): a formula
KaTeX typesets uses only commands that MathJax, which JupyterLab and the feedback HTML use, typesets too.
"""

import re

import pykatex
import pytest

from autograder.notebooks import read_notebook

from .conftest import ASSIGNMENTS, REPO

ERRATA = REPO / "course" / "errata.md"
STUDENT_FILES = sorted(p for p in [*(REPO / "release").rglob("*"), *(REPO / "course").rglob("*")]
                       if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".npz", ".pyc"))

# The course's source texts were once called "seed 000", "seed 001", "seed 002" (also "seed 01", "Seeds 000",
# "seed_002", "shared/seeds", "the seeds' example"). A random generator's seed ("seed 0", "eight seeds") is fine.
SOURCE_AS_SEED = re.compile(r"\bseeds?[\s_-]*0\d|shared/seeds|\bseeds'", re.IGNORECASE)


def test_the_pattern_tells_a_source_from_a_random_seed():
    for named in ("seed 000's network", "Seed 001 writes", "seed 002", "seed 00", "Seeds 001 and 002", "seed01",
                  "seed_002", "in shared/seeds/", "the seeds' 3-layer example"):
        assert SOURCE_AS_SEED.search(named), named
    for fine in ("batches of 32, seed 0.", "with eight different seeds each", "rng = np.random.default_rng(seed)",
                 "another seed: sometimes", "the same seed gives the same parameters", "seed 0 (the default)"):
        assert not SOURCE_AS_SEED.search(fine), fine


@pytest.mark.parametrize("path", STUDENT_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_student_file_calls_a_source_a_seed(path):
    text = path.read_text(encoding="utf-8", errors="ignore")
    found = [m.group(0) for m in SOURCE_AS_SEED.finditer(text)]
    assert not found, f"{path.relative_to(REPO)} calls a source text a seed: {found[:5]}; name it by its title"


CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def formulas(markdown):
    """The $…$ and $$…$$ formulas of a markdown text as (latex, display) pairs, code spans left out.

    Raises ValueError for a `$` that is never closed or an inline formula that runs across a blank line, which
    is what an unbalanced `$` turns into: the rest of the paragraph shown as maths, or raw dollars."""
    text = CODE.sub(" ", markdown)
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] != "$":
            i += 1
            continue
        display = text.startswith("$$", i)
        opening = 2 if display else 1
        j = i + opening
        while j < len(text) and not (text.startswith("$$", j) if display else text[j] == "$"):
            j += 2 if text[j] == "\\" else 1
        if j >= len(text):
            raise ValueError(f"a {'$$' if display else '$'} is never closed: {text[i:i + 60]!r}")
        body = text[i + opening:j]
        if not display and "\n\n" in body:
            raise ValueError(f"an inline formula runs across a blank line: {text[i:i + 60]!r}")
        found.append((body, display))
        i = j + opening
    return found


def test_formulas_finds_inline_and_display_maths_and_refuses_unbalanced_dollars():
    assert formulas("a $x$ and `$not$` then\n$$\\frac{1}{m}$$ and \\$5") == [("x", False), ("\\frac{1}{m}", True)]
    for broken in ("one $x$ and one $y", "$$x$ ", "a $x\n\nb$"):
        with pytest.raises(ValueError):
            formulas(broken)


def render(latex, display):
    """KaTeX's MathML of a formula (its parser is the same for every output, and MathML is the quick one); raises
    with KaTeX's message if it cannot typeset the formula."""
    return pykatex.renderToString(latex, displayMode=display, throwOnError=True, strict=False, output="mathml")


def test_render_refuses_what_would_not_typeset():
    assert "<math" in render("dW = \\tfrac{1}{m}\\, dZ A^{\\top}", False)
    for broken in ("\\frac{1}{m", "\\fraq{1}{m}", "\\begin{aligned} a \\end{align}", "a^^b", "\\left( x"):
        with pytest.raises(pykatex.ParseError):
            render(broken, True)


def markdown_texts():
    """(label, markdown) for every markdown cell of every notebook, source and release, and the errata page."""
    texts = [("course/errata.md", ERRATA.read_text(encoding="utf-8"))]
    for folder in ("source", "release"):
        for name in ASSIGNMENTS:
            nb = read_notebook(REPO / folder / name / f"{name}.ipynb")
            texts += [(f"{folder}/{name} cell {index}", cell.source) for index, cell in enumerate(nb.cells)
                      if cell.cell_type == "markdown"]
    return texts


def test_every_formula_is_balanced_and_renders():
    failures, seen = [], {}
    for label, markdown in markdown_texts():
        try:
            found = formulas(markdown)
        except ValueError as error:
            failures.append(f"{label}: {error}")
            continue
        for latex, display in found:
            if (latex, display) not in seen:
                try:
                    render(latex, display)
                    seen[latex, display] = None
                except pykatex.ParseError as error:
                    seen[latex, display] = f"{str(error)[:200]}"
            if seen[latex, display]:
                failures.append(f"{label}: {latex[:80]!r}: {seen[latex, display]}")
    assert len(seen) > 500, "the notebooks should hold hundreds of distinct formulas"
    assert not failures, "formulas that would not typeset:\n" + "\n".join(failures[:20])


def test_every_notebook_names_its_sources_and_links_the_errata():
    assert ERRATA.read_text(encoding="utf-8").startswith("# Errata in the sources")
    for name in ASSIGNMENTS:
        markdown = "\n".join(c.source for c in read_notebook(REPO / "release" / name / f"{name}.ipynb").cells
                             if c.cell_type == "markdown")
        assert "](../../course/errata.md)" in markdown, f"{name} does not link to the errata page"
        assert "**Sources.**" in markdown and '"Forward and Backward Propagation"' in markdown, name
