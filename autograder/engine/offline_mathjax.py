"""Maths in the HTML the course writes (nbgrader's feedback), typeset with no network.

nbconvert's HTML loads MathJax from a CDN by default: offline, every formula would show as raw `$\\frac{1}{m}$`.
The MathJax used instead is the copy that the PyPI package `jupyter-server-mathjax` installs (MathJax 2.7, in
requirements.txt), loaded from disk by a file:// URL, so a feedback page opened from disk needs no network on the
machine that generated it.
"""

from __future__ import annotations

from pathlib import Path

# MathJax 2's TeX input with HTML-CSS output (the combined configuration the package ships), in safe mode.
CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"

# nbgrader's feedback template; ours (feedback_offline) extends it and only changes where MathJax comes from.
TEMPLATE_DIR = Path(__file__).with_name("feedback_template")
TEMPLATE_NAME = "feedback_offline"


class MathJaxMissing(RuntimeError):
    """The MathJax package is not installed."""


def mathjax_file():
    """The installed MathJax.js (a Path); MathJaxMissing with what to do if the package is missing."""
    try:
        import jupyter_server_mathjax
    except ImportError as error:
        raise MathJaxMissing("MathJax for offline maths is missing: run `pip install -r requirements.txt` "
                             "(it installs jupyter-server-mathjax)") from error
    path = Path(jupyter_server_mathjax.__file__).parent / "static" / "MathJax.js"
    if not path.is_file():
        raise MathJaxMissing(f"{path} is missing: reinstall it with `pip install --force-reinstall "
                             "jupyter-server-mathjax`")
    return path


def mathjax_url():
    """The file:// URL of the installed MathJax with the course's configuration, for HTMLExporter.mathjax_url."""
    return f"{mathjax_file().resolve().as_uri()}?config={CONFIG}"


def configure(c):
    """Set an nbgrader/nbconvert config object `c` to write HTML whose maths needs no network.

    Args:
        c: the traitlets Config of nbgrader_config.py.
    """
    c.HTMLExporter.mathjax_url = mathjax_url()
    # generate_feedback: our template (it puts mathjax_url in place of nbgrader's built-in CDN address), found
    # beside nbgrader's own templates, which it extends.
    from nbgrader.converters import generate_feedback

    nbgrader_templates = (Path(generate_feedback.__file__).parent.parent / "server_extensions" / "formgrader"
                          / "templates")
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.template_file = "offline.html.j2"
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATE_DIR), str(nbgrader_templates)]
