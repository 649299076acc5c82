"""Demonstration cells: ungraded code that defines nothing later cells use, not run while a notebook is graded.

A source notebook marks such a cell with `"backprop_course": {"demonstration": true}` in the cell's metadata
(05's experiments, 02's timing, figures). The mark survives `nbgrader generate_assignment`, so students see it,
but the student's copy never decides: a student can delete or add metadata. The instructor's copy does:

- a cell of the submission is skipped only if a marked cell of a source notebook of the course has the same cell
  id AND exactly the same text (a changed demonstration is the student's own code, and runs);
- and only if no later code cell of the submission that runs uses a name the cell defines (`ast`, below), so that
  even a student who builds on a demonstration in a cell or function of their own gets it run (a later
  demonstration that is skipped runs nothing, so it reads nothing).

nbgrader does the same for its locked cells (it takes them from the gradebook); demonstration cells are not
nbgrader cells, so the course's source notebooks are their gradebook. A skipped cell's output says why it was not
run, in the graded notebook and the feedback page.

What `ast` cannot see: a cell that changes an object through a method call (`values.append(1)`,
`np.random.seed(0)`) or through `globals()`. Marked cells must not do that; `tests/test_demonstrations.py` checks
every marked cell of the sources with `safe_to_skip` and that grading a complete notebook with them skipped
gives full marks.
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

from nbformat import NotebookNode

NOTE = "not run while grading: a demonstration that defines nothing graded; run it in JupyterLab\n"
# A later cell that calls one of these may read any name, so nothing before it is skipped.
READS_ANY_NAME = frozenset({"globals", "locals", "vars", "eval", "exec", "get_ipython", "__import__", "dir"})


def is_marked(cell):
    """Whether the cell carries the demonstration mark (in whichever copy it is read from)."""
    return bool((cell.get("metadata", {}).get("backprop_course") or {}).get("demonstration"))


def marked_in_sources(course_dir):
    """{(cell id, cell text)} of every marked code cell of the course's source notebooks: the authority."""
    marked = set()
    for path in sorted(Path(course_dir, "source").glob("*/*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") == "code" and is_marked(cell) and not cell.get("metadata", {}).get("nbgrader"):
                marked.add((cell.get("id"), _text(cell)))
    return marked


def _text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


@functools.lru_cache(maxsize=1024)  # a notebook's later cells are parsed once for every marked cell before them
def _parse(text):
    """The cell's Python as IPython runs it (magics turned into calls), or None if it does not parse. The tree is
    shared between calls: it is only read."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(text))
    except (SyntaxError, ValueError):
        return None


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
          ast.GeneratorExp, ast.DictComp)


def defined_names(tree):
    """Every global name the code may bind or change: what it assigns, deletes, imports, defines or loops over at
    the top level, the object an item or attribute is assigned into (at any depth), and from inside functions,
    classes and comprehensions only what they declare `global`/`nonlocal` or bind with `:=`. Their own local
    names (parameters, assignments in a function body, a comprehension's variable) are not globals."""
    names = set()

    def changed(node):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)

    def inner(scope):  # a nested scope: only these reach the notebook's globals
        for node in ast.walk(scope):
            changed(node)
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                names.add(node.target.id)

    def scan(node):
        changed(node)
        if isinstance(node, SCOPES):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            for part in _evaluated_outside(node):
                scan(part)
            inner(node)
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        for child in ast.iter_child_nodes(node):
            scan(child)

    for statement in tree.body:
        scan(statement)
    return names


def _evaluated_outside(scope):
    """The parts of a function, class, lambda or comprehension that run in the enclosing scope."""
    if isinstance(scope, ast.ClassDef):
        return [*scope.decorator_list, *scope.bases, *(k.value for k in scope.keywords)]
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = scope.args
        return [*getattr(scope, "decorator_list", []), *args.defaults, *(d for d in args.kw_defaults if d)]
    return [scope.generators[0].iter]


def _loads(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _definitely_bound(statement):
    """Names a top-level statement always binds (whatever the data): plain assignments, imports, def, class."""
    if isinstance(statement, ast.Assign):  # `x = ...` and `x, y = ...` (an unpacking binds all or raises)
        return {n.id for t in statement.targets if isinstance(t, (ast.Name, ast.Tuple, ast.List))
                for n in ([t] if isinstance(t, ast.Name) else t.elts) if isinstance(n, ast.Name)}
    if isinstance(statement, ast.AnnAssign) and statement.value is not None and isinstance(statement.target, ast.Name):
        return {statement.target.id}
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    return set()


def first_use(names, later_texts):
    """(index into later_texts, name) of the first later cell that may read one of `names` while it still holds
    the value the earlier cell gave it, or None. A name a later cell rebinds for sure before reading it (at the top
    level of the cell) is no longer followed; a cell that does not parse runs nothing and reads nothing."""
    followed = set(names)
    for index, text in enumerate(later_texts):
        tree = _parse(text)
        if tree is None or not followed:
            continue
        for statement in tree.body:
            read = _loads(statement)
            if read & READS_ANY_NAME:
                return index, min(read & READS_ANY_NAME)
            used = read & followed
            if used:
                return index, min(used)
            followed -= _definitely_bound(statement)
    return None


def safe_to_skip(text, later_texts):
    """Whether a cell of this text may be skipped before cells of later_texts: it parses, imports no `*`,
    reads no name through globals()/eval/exec, and no later cell reads a name it defines."""
    tree = _parse(text)
    if tree is None:
        return False
    if any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names) for n in ast.walk(tree)):
        return False
    if _loads(tree) & READS_ANY_NAME:
        return False
    return first_use(defined_names(tree), later_texts) is None


def cells_to_skip(nb, marked):
    """Indices of the cells of nb to skip: marked in the instructor's copy (`marked`, from marked_in_sources),
    unchanged, and safe to skip in this notebook as the student handed it in.

    The cells are decided from the last to the first, and a cell that is skipped reads nothing: a demonstration
    whose names only later skipped demonstrations read is skipped too, and one that a cell which runs reads (an
    edited demonstration, say) runs, with every demonstration it builds on."""
    code = [(index, cell) for index, cell in enumerate(nb.cells) if cell.get("cell_type") == "code"]
    skipped, run_later = set(), []  # run_later: the texts of the later cells that run, in notebook order
    for index, cell in reversed(code):
        text = _text(cell)
        if (cell.get("id"), text) in marked and safe_to_skip(text, run_later):
            skipped.add(index)
        else:
            run_later.insert(0, text)
    return skipped


def mark_skipped(cell):
    """Give a skipped cell the note as its only output, and say so in its metadata (`backprop_course.skipped`)."""
    cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=NOTE)]
    cell.execution_count = None
    cell.metadata.setdefault("backprop_course", {})["skipped"] = True
