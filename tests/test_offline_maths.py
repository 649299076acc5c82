"""Maths in the feedback HTML needs no network: MathJax comes from the installed package, not a CDN.
(The page itself is loaded in Chromium with the network blocked in tests/test_browser.py.)"""

from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import nbformat
from nbconvert.exporters import HTMLExporter
from traitlets.config.loader import PyFileConfigLoader

from autograder.engine import offline_mathjax


def course_config(repo):
    return PyFileConfigLoader("nbgrader_config.py", path=str(repo)).load_config()


def test_mathjax_url_is_an_installed_file(repo):
    url = course_config(repo).HTMLExporter.mathjax_url
    parsed = urlparse(url)
    assert parsed.scheme == "file"
    path = Path(url2pathname(parsed.path))
    assert path.name == "MathJax.js" and path.is_file()
    assert "config=" + offline_mathjax.CONFIG in url
    config_file = path.parent / "config" / (offline_mathjax.CONFIG.split(",")[0] + ".js")
    assert config_file.is_file(), "the configuration named in the URL is shipped with it"


def test_feedback_template_loads_the_local_mathjax_only(repo):
    import nbgrader

    config = course_config(repo)
    # what nbgrader's generate_feedback adds to the configuration itself (the stylesheet it inlines)
    config.HTMLExporter.extra_template_paths = [
        str(Path(nbgrader.__file__).parent / "server_extensions/formgrader/static/node_modules/bootstrap/dist/css")]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(r"The cost $J = \frac{1}{m}\sum_i L_i$.")])
    resources = {"nbgrader": {"notebook": "n", "score": 1, "max_score": 2, "late_penalty": 0}}
    html, _ = HTMLExporter(config=config).from_notebook_node(nb, resources=resources)
    sources = [line.split('src="')[1].split('"')[0] for line in html.splitlines() if "<script src=" in line]
    assert sources == [], "no script of the page is loaded from an address: MathJax is loaded by the loader"
    # the loader: the local copy from disk, or the Jupyter server's own copy when a server serves the page
    assert f'var src = "{config.HTMLExporter.mathjax_url}"' in html
    assert '"/static/jupyter_server_mathjax/MathJax.js"' in html
    assert "cdnjs" not in html and 'src="http' not in html
    assert r"\frac{1}{m}" in html, "the formula is left for MathJax to typeset"
