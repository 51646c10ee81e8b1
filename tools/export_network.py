"""Generate nnfs_helpers/network.py from the notebook cells tagged `export`.

The notebooks are the single source of the network code: a class is written once, in
the notebook that teaches it, in a code cell tagged `export`, and a later notebook adds
or replaces a method with `@add_to_class(Cls)`. Running those cells in notebook order
defines the network. This script writes the same definitions as a module a person can
read: each class in one piece, holding the method that wins (the last definition, as
when the cells run in order).

    python tools/export_network.py           # regenerate the module
    python tools/export_network.py --check   # exit 1 if the module is out of date

How the cells are folded (with the `ast` module):

* `@add_to_class(Cls)` functions, `Cls.name = <literal>` assignments, and placeholder
  attributes set by `Cls.name = <expression>` or `for n in (...): setattr(Cls, n, ...)`
  are members of `Cls`. For every member name the last definition wins. A member keeps
  the place of its first definition in the class; literal class attributes come first.
* A member folded into its class body keeps its source text exactly (from
  `ast.get_source_segment`), indented one level; lines inside a multi-line string other
  than a docstring are left as they are, so that no string changes.
* A placeholder that every later definition replaces disappears, and so does a private
  helper that only such placeholders used.
* Anything whose place matters stays where it is, with its decorator, and the class keeps
  the definition it replaces (the statement in place overrides it when the module runs):
  a member whose decorators or default values use a name defined after the class; every
  member added after a statement that stays in place and reads or changes the class when
  the module is imported (say `_old = Cls.forward`); every later definition of a
  placeholder that is kept (because later cells do not replace all of it).
* A class exported twice is refused: a class is written once.
* Imports are hoisted to the top and deduplicated; classes appear in the order they are
  first defined; other functions and constants stay in notebook order.
* A comment block directly above a definition (no blank line between) belongs to it and
  moves with it; other comments between definitions are dropped. Comments inside a
  definition are part of its source text.
* `# notebooks/NN_name.ipynb` names the notebook a block comes from; inside a class that
  several cells build, it precedes each member.
"""

import argparse
import ast
import builtins
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MODULE = ROOT / "nnfs_helpers" / "network.py"
TAG = "export"
FOLDING_DECORATOR = "add_to_class"
INDENT = "    "

HEADER = '''"""The network code taught in the notebooks.

GENERATED FILE: DO NOT EDIT. It holds the code of the notebook cells tagged `export`,
folded by tools/export_network.py: each class in one piece, with the last definition of
each method (as when the cells run in notebook order) and a comment naming the notebook
that teaches it. To change the code, edit the notebook, then run
`python tools/export_network.py`; a test fails whenever this file and the notebooks
disagree.
"""
'''

# What the old module began with: every cell uses np without importing it.
IMPLICIT_IMPORTS = ["import numpy as np"]

CONCATENATED_HEADER = '''"""The network code taught in the notebooks.

GENERATED FILE: DO NOT EDIT. Each block below is a notebook cell tagged `export`,
copied character for character, in notebook order. To change the code, edit the
notebook that teaches it, then run `python tools/export_network.py`; a test fails
whenever this file and the notebooks disagree.
"""

import numpy as np
'''


def exported_cells(notebook_dir=NOTEBOOKS):
    """Yield (notebook file name, cell source) for every cell tagged `export`."""
    for path in sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and TAG in cell.get("metadata", {}).get("tags", []):
                yield path.name, cell.source.strip("\n")


def render_concatenated(cells):
    """The cells one after the other: what running them in order does (the reference)."""
    parts = [CONCATENATED_HEADER]
    for name, source in cells:
        parts.append(f"\n\n# ---- from notebooks/{name} ----\n{source}\n")
    return "".join(parts)


# ---- reading the cells -------------------------------------------------------------

@dataclass
class Block:
    """One statement of a cell (or of a class body), with its text and its comments."""
    notebook: str
    node: ast.stmt
    text: str          # the statement's source, from its first decorator to its end
    comments: list     # the comment lines directly above it
    names: tuple = ()  # the class attributes it defines (for members)
    indented: bool = False  # text already at class-body indentation


@dataclass
class ClassEntry:
    name: str
    header: Block
    docstring: str = None
    members: list = field(default_factory=list)   # Blocks, in order of first definition
    pinned: set = field(default_factory=set)       # names that must stay at module level
    barrier: bool = False                          # changed in ways not folded: fold no more
    opaque: bool = False                           # written in a form kept as it is
    notebooks: set = field(default_factory=set)


def _lines(source):
    return source.split("\n")


def _start_line(node):
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _comments_above(lines, first_line, indent=""):
    """The comment lines directly above line `first_line` (1-based), with no blank line between."""
    comments = []
    row = first_line - 2
    while row >= 0 and lines[row].strip().startswith("#") and lines[row].startswith(indent):
        comments.insert(0, lines[row])
        row -= 1
    return comments


def _segment(source, node, skip_decorators=0):
    """The statement's text: the decorators kept, then ast.get_source_segment, then a trailing comment."""
    lines = _lines(source)
    decorators = getattr(node, "decorator_list", [])[skip_decorators:]
    first = min([node.lineno] + [d.lineno for d in decorators])
    head = lines[first - 1:node.lineno - 1]
    body = ast.get_source_segment(source, node, padded=True)
    rest = lines[node.end_lineno - 1][node.end_col_offset:]
    if rest.strip().startswith("#"):
        body += rest
    return "\n".join(head + [body])


def _string_continuation_lines(text):
    """Rows (1-based) of `text` that continue a multi-line string other than a docstring:
    indenting them would change the string."""
    docstring_rows = set()
    for node in ast.walk(ast.parse(text)):
        if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and ast.get_docstring(node, clean=False) is not None):
            docstring_rows.add(node.body[0].lineno)
    rows = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            if token.start[0] in docstring_rows:
                continue
            rows.update(range(token.start[0] + 1, token.end[0] + 1))
    return rows


def indent(text):
    """`text` one level deeper, leaving blank lines empty and multi-line strings (not docstrings) unchanged."""
    keep = _string_continuation_lines(text)
    return "\n".join(line if (not line.strip() or row in keep) else INDENT + line
                     for row, line in enumerate(text.split("\n"), start=1))


def _is_literal(node):
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def _folding_target(node, classes):
    """The class of `@add_to_class(Cls)` when it is the outermost decorator, else None."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
        return None
    decorator = node.decorator_list[0]
    if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name)
            and decorator.func.id == FOLDING_DECORATOR and len(decorator.args) == 1 and not decorator.keywords
            and isinstance(decorator.args[0], ast.Name) and decorator.args[0].id in classes):
        return decorator.args[0].id
    return None


def _attribute_setter(node, classes):
    """(class, names, literal) for `Cls.a = Cls.b = value`, `setattr(Cls, "a", value)` or
    `for n in ("a", "b"): setattr(Cls, n, value)`; None for anything else."""
    if isinstance(node, ast.Assign):
        owners = {t.value.id for t in node.targets
                  if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)}
        if (len(owners) == 1 and all(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                                     for t in node.targets) and owners <= set(classes)):
            return owners.pop(), tuple(t.attr for t in node.targets), _is_literal(node.value)
        return None

    def setattr_call(call, name_of_second):
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "setattr"
                and len(call.args) == 3 and not call.keywords and isinstance(call.args[0], ast.Name)
                and call.args[0].id in classes):
            return name_of_second(call.args[1])
        return None

    if isinstance(node, ast.Expr):
        name = setattr_call(node.value, lambda arg: arg.value if isinstance(arg, ast.Constant)
                            and isinstance(arg.value, str) else None)
        if name:
            return node.value.args[0].id, (name,), False
    if (isinstance(node, ast.For) and not node.orelse and len(node.body) == 1 and isinstance(node.target, ast.Name)
            and isinstance(node.iter, (ast.Tuple, ast.List))
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.iter.elts)
            and isinstance(node.body[0], ast.Expr)):
        loop_variable = node.target.id
        if setattr_call(node.body[0].value, lambda arg: isinstance(arg, ast.Name) and arg.id == loop_variable):
            return node.body[0].value.args[0].id, tuple(e.value for e in node.iter.elts), False
    return None


def _changes_class(node, classes):
    """Classes a statement may change at import time in a way the folding does not model."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return set()  # bodies run later; decorators and defaults are checked separately
    changed = set()
    for sub in ast.walk(node):
        if (isinstance(sub, ast.Attribute) and isinstance(sub.ctx, (ast.Store, ast.Del))
                and isinstance(sub.value, ast.Name) and sub.value.id in classes):
            changed.add(sub.value.id)
        if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in ("setattr", "delattr")
                and sub.args and isinstance(sub.args[0], ast.Name) and sub.args[0].id in classes):
            changed.add(sub.args[0].id)
    return changed


def _definition_time_names(node):
    """Names a def evaluates when it runs: decorators (after the folding one), defaults, annotations."""
    parts = list(node.decorator_list[1:])
    args = node.args
    parts += args.defaults + [d for d in args.kw_defaults if d is not None]
    parts += [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
              if a is not None and a.annotation is not None]
    if node.returns is not None:
        parts.append(node.returns)
    return {n.id for part in parts for n in ast.walk(part) if isinstance(n, ast.Name)}


def _bound_names(node):
    """Module-level names a statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
    return names


def _used_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


# ---- folding ---------------------------------------------------------------------------

def fold(cells):
    """(imports, top-level items, classes) for a sequence of (notebook name, source) pairs.

    Top-level items are ("class", name) or ("block", Block), in output order."""
    statements = [(name, source, node) for name, source in cells for node in ast.parse(source).body]

    # Which classes exist at each point (a class must be defined before a member is added to it).
    # First pass: find placeholders that a later statement replaces completely.
    # A placeholder that something reads before it is replaced is kept.
    classes_so_far = set()
    setters = []    # (index, class, names)
    defined = []    # (index, class, name): every definition of a member
    observed = []   # (index, class): a statement that reads or changes the class otherwise
    for index, (_, _, node) in enumerate(statements):
        target = _folding_target(node, classes_so_far)
        setter = None if target else _attribute_setter(node, classes_so_far)
        observed += [(index, name) for name in (_import_time_names(node, setter) | _changes_class(node, classes_so_far))
                     if name in classes_so_far and not (setter or target)]
        if isinstance(node, ast.ClassDef):
            classes_so_far.add(node.name)
        elif target:
            defined.append((index, target, node.name))
        elif setter:
            owner, names, _ = setter
            setters.append((index, owner, names))
            defined.extend((index, owner, name) for name in names)
    replaced = set()
    for index, owner, names in setters:
        later = [max((i for i, o, n in defined if i > index and o == owner and n == name), default=None)
                 for name in names]
        if None not in later and not any(index < i < max(later) and o == owner for i, o in observed):
            replaced.add(index)

    imports, seen_imports = [], set()
    for text in IMPLICIT_IMPORTS:
        seen_imports.add(text)
        imports.append(text)
    items, classes = [], {}
    bound_before = {}      # class name -> module names bound before the class statement
    bound = set(dir(builtins)) | {"np"}
    for _, _, node in statements:  # imports are hoisted above everything
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= _bound_names(node)
    dropped = []           # statements removed as replaced placeholders

    for index, (notebook, source, node) in enumerate(statements):
        lines = _lines(source)
        comments = _comments_above(lines, _start_line(node))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            text = ast.get_source_segment(source, node)
            if text not in seen_imports:
                seen_imports.add(text)
                imports.append(text)
            bound |= _bound_names(node)
            continue

        if isinstance(node, ast.ClassDef):
            if node.name in classes:
                raise ValueError(f"class {node.name} is exported twice (notebooks/{classes[node.name].header.notebook} "
                                 f"and notebooks/{notebook}): write a class once, and add or replace its "
                                 "methods in later notebooks with @add_to_class")
            _stop_folding_into(classes, _import_time_names(node))
            classes[node.name] = _class_entry(notebook, source, node, comments)
            items.append(("class", node.name))
            bound_before[node.name] = set(bound)
            bound.add(node.name)
            continue

        target = _folding_target(node, classes)
        setter = None if target else _attribute_setter(node, classes)
        if index in replaced:
            dropped.append(node)
            continue
        if target or setter:
            owner = target or setter[0]
            names = (node.name,) if target else setter[1]
            entry = classes[owner]
            foldable = (not entry.barrier and not (set(names) & entry.pinned)
                        and (setter[2] if setter else _definition_time_names(node) <= bound_before[owner]))
            if foldable:
                place = _forget(entry, names)   # the last definition wins
                text = (_segment(source, node, skip_decorators=1) if target
                        else " = ".join(names) + " = " + ast.get_source_segment(source, node.value))
                entry.members.insert(place, Block(notebook, node, text, comments, names))
                entry.notebooks.add(notebook)
                continue
            # Kept in its cell's place: it overrides what the class body holds, and every
            # later definition of these names must come after it.
            entry.pinned |= set(names)
            items.append(("block", Block(notebook, node, _segment(source, node), comments)))
            bound |= _bound_names(node)
            _stop_folding_into(classes, _import_time_names(node, setter))
            continue

        _stop_folding_into(classes, _changes_class(node, classes) | _import_time_names(node))
        items.append(("block", Block(notebook, node, _segment(source, node), comments)))
        bound |= _bound_names(node)

    _drop_unused_helpers(items, classes, dropped)
    return imports, items, classes


def _stop_folding_into(classes, names):
    """A statement kept in place reads or changes these classes when the module is imported:
    what it sees must not change, so nothing more is folded into them."""
    for name in names:
        if name in classes:
            classes[name].barrier = True


def _import_time_names(node, setter=None):
    """Names a statement reads when the module is imported (not inside function bodies;
    not a class's bases, which do not look at the base's attributes; not the class a
    member is added to)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        names = _definition_time_names(node)
        first = node.decorator_list[0] if node.decorator_list else None
        if first is not None and not (isinstance(first, ast.Call) and getattr(first.func, "id", None) == FOLDING_DECORATOR):
            names |= _used_names(first)
        return names
    if isinstance(node, ast.ClassDef):
        names = set()
        for part in node.decorator_list + [k.value for k in node.keywords]:
            names |= _used_names(part)
        for statement in node.body:
            names |= _import_time_names(statement)
        return names
    if setter is not None:
        if isinstance(node, ast.Assign):
            return _used_names(node.value)
        call = node.value if isinstance(node, ast.Expr) else node.body[0].value
        return _used_names(call.args[2])
    return _used_names(node)


def _forget(entry, names):
    """Remove `names` from the class's members; return where a new definition of them goes:
    the place of a member it replaces completely, else the end."""
    place = None
    for index, member in enumerate(entry.members):
        if member.names and set(member.names) & set(names):
            member.names = tuple(n for n in member.names if n not in names)
            if not member.names and place is None:
                place = index
    entry.members = [m for m in entry.members if m.names is None or m.names]
    return len(entry.members) if place is None else place


def _class_entry(notebook, source, node, comments):
    lines = _lines(source)
    if any(statement.lineno == node.lineno or statement.col_offset != len(INDENT) for statement in node.body):
        # A body on the `class` line, or not indented by four spaces: kept whole, nothing folded in.
        entry = ClassEntry(node.name, Block(notebook, node, _segment(source, node), comments),
                           notebooks={notebook}, barrier=True)
        entry.opaque = True
        return entry
    body = list(node.body)
    docstring = None
    if ast.get_docstring(node, clean=False) is not None:
        docstring = body.pop(0)
    members = []
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = (statement.name,)
        elif isinstance(statement, ast.Assign) and all(isinstance(t, ast.Name) for t in statement.targets):
            names = tuple(t.id for t in statement.targets)
        else:
            names = None  # kept as it is, wherever it is
        text = "\n".join(lines[_start_line(statement) - 1:statement.end_lineno])
        member_comments = _comments_above(lines, _start_line(statement), " " * statement.col_offset)
        members.append(Block(notebook, statement, text, member_comments, names or (), indented=True))
        if names is None:
            members[-1].names = None
    first_member = body[0] if body else None
    header_end = (_start_line(first_member) - 1 - len(members[0].comments)) if first_member else None
    if docstring is not None:
        header_end = docstring.lineno - 1
        docstring_text = "\n".join(lines[docstring.lineno - 1:docstring.end_lineno])
    header_text = "\n".join(lines[_start_line(node) - 1:header_end]).rstrip()
    entry = ClassEntry(node.name, Block(notebook, node, header_text, comments), members=members,
                       notebooks={notebook})
    entry.docstring = docstring_text if docstring is not None else None
    return entry


def _drop_unused_helpers(items, classes, dropped):
    """Remove private helpers that only the removed placeholders used."""
    candidates = set().union(*(_used_names(node) for node in dropped)) if dropped else set()
    candidates = {name for name in candidates if name.startswith("_")}
    while candidates:
        used = set()
        for kind, item in items:
            if kind == "block":
                names = _used_names(item.node)
                if isinstance(item.node, (ast.FunctionDef, ast.ClassDef)):
                    names.discard(item.node.name)  # a helper that calls itself is still unused
                used |= names
        for entry in classes.values():
            used |= _used_names(entry.header.node)
            for member in entry.members:
                used |= _used_names(member.node)
        unused = {name for name in candidates if name not in used}
        removable = [(kind, item) for kind, item in items
                     if kind == "block" and isinstance(item.node, (ast.FunctionDef, ast.Assign))
                     and _bound_names(item.node) and _bound_names(item.node) <= unused]
        if not removable:
            break
        for pair in removable:
            items.remove(pair)
        candidates -= unused


def public_names(items, classes):
    """Classes and public functions, in module order: the module's __all__."""
    names = []
    for kind, item in items:
        if kind == "class":
            if not item.startswith("_"):
                names.append(item)
        elif isinstance(item.node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.node.name.startswith("_"):
            names.append(item.node.name)
    return names


# ---- writing ---------------------------------------------------------------------------

def _render_class(entry):
    header = entry.header
    if entry.opaque:
        return header.text
    several = len(entry.notebooks) > 1
    parts = []
    if entry.docstring is not None:
        parts.append(entry.docstring)
    attributes = [m for m in entry.members if not m.indented and isinstance(m.node, (ast.Assign,))]
    others = [m for m in entry.members if m not in attributes]
    previous = None
    for member in attributes + others:
        lines = []
        if several and not (member in attributes and previous in attributes and previous.notebook == member.notebook):
            lines.append(f"{INDENT}# notebooks/{member.notebook}")
        elif several:  # an attribute of the same notebook as the one above: one group
            parts[-1] += "\n" + indent("\n".join(member.comments + [member.text]))
            previous = member
            continue
        previous = member
        if member.indented:
            lines += member.comments
            lines.append(member.text)
        else:
            lines += [INDENT + c for c in member.comments]
            lines.append(indent(member.text))
        parts.append("\n".join(lines))
    if not parts:
        parts.append(INDENT + "pass")
    return header.text + "\n" + "\n\n".join(parts)


def render(cells):
    """The folded module text for a sequence of (notebook name, source) pairs."""
    imports, items, classes = fold(cells)
    out = [HEADER, "\n" + "\n".join(_sorted_imports(imports)) + "\n"]
    out.append("\n__all__ = [\n" + "".join(f'    "{name}",\n' for name in public_names(items, classes)) + "]\n")
    previous = None
    for kind, item in items:
        block = classes[item].header if kind == "class" else item
        lines = []
        if block.notebook != previous:
            lines.append(f"# notebooks/{block.notebook}")
            previous = block.notebook
        lines += block.comments
        lines.append(_render_class(classes[item]) if kind == "class" else block.text)
        out.append("\n\n" + "\n".join(lines) + "\n")
    return "".join(out)


def _sorted_imports(imports):
    """Standard library first, then other packages, then this course's; one group each."""
    def group(text):
        module = ast.parse(text).body[0]
        top = (module.module if isinstance(module, ast.ImportFrom) else module.names[0].name).split(".")[0]
        if top == "nnfs_helpers":
            return 2
        return 0 if top in sys.stdlib_module_names else 1
    groups = [[], [], []]
    for text in imports:
        groups[group(text)].append(text)
    return "\n\n".join("\n".join(sorted(g, key=lambda t: (t.startswith("from"), t))) for g in groups if g).split("\n")


def build(notebook_dir=NOTEBOOKS):
    return render(exported_cells(notebook_dir))


def missing_sources(current):
    """Notebooks the current module was generated from that no longer exist."""
    named = re.findall(r"^\s*# (?:---- from )?notebooks/(\S+\.ipynb)(?: ----)?$", current, re.M)
    return sorted({name for name in named if not (NOTEBOOKS / name).exists()})


def _first_difference(expected, current):
    for number, (want, have) in enumerate(zip(expected.split("\n"), current.split("\n")), start=1):
        if want != have:
            return number, want, have
    shorter = min(len(expected.split("\n")), len(current.split("\n")))
    return shorter + 1, "(end of file)" if len(expected) < len(current) else "...", "..."


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the module is up to date")
    args = parser.parse_args(argv)
    text = build()
    module = MODULE.relative_to(ROOT) if MODULE.is_relative_to(ROOT) else MODULE
    current = MODULE.read_text() if MODULE.exists() else ""
    missing = missing_sources(current)
    if missing and not args.check:
        # Never drop code because a notebook is absent (renamed, or not written yet).
        print(f"not regenerating {module}: it holds code from notebooks that "
              f"do not exist: {', '.join(missing)}")
        return 1
    if args.check:
        if text != current:
            if not current:
                print(f"{module} is missing: run python tools/export_network.py")
                return 1
            line, want, have = _first_difference(text, current)
            print(f"{module} is out of date: it differs from the notebook cells tagged 'export' "
                  f"from line {line}\n  expected: {want}\n  found:    {have}\n"
                  "Edit the notebook, not the module, then run python tools/export_network.py")
            return 1
        print(f"{module} is up to date")
        return 0
    if text != current:
        MODULE.write_text(text)
        print(f"wrote {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
