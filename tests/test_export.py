"""The network module is generated from the notebooks, never drifts from them, and defines
exactly what running the exported cells in notebook order defines."""

import ast
import importlib.util
import inspect
import itertools
import json
import re
import textwrap
import types
from pathlib import Path

import pytest

import export_network

ROOT = Path(__file__).resolve().parent.parent
_counter = itertools.count()


def load_module(text, tmp_path, stem):
    """Import `text` as a fresh module (its own name, so two versions can be compared)."""
    name = f"{stem}_{next(_counter)}"
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_code(a, b):
    """Two code objects compile the same program (names, constants, bytecode), wherever they sit.

    The first constant may be a docstring, which the folding indents: compared cleaned."""
    if (a.co_code, a.co_names, a.co_varnames, a.co_freevars, a.co_cellvars, a.co_argcount,
            a.co_posonlyargcount, a.co_kwonlyargcount, a.co_flags) != (
            b.co_code, b.co_names, b.co_varnames, b.co_freevars, b.co_cellvars, b.co_argcount,
            b.co_posonlyargcount, b.co_kwonlyargcount, b.co_flags):
        return False
    if len(a.co_consts) != len(b.co_consts):
        return False
    for index, (x, y) in enumerate(zip(a.co_consts, b.co_consts)):
        if isinstance(x, types.CodeType) and isinstance(y, types.CodeType):
            if not same_code(x, y):
                return False
        elif index == 0 and isinstance(x, str) and isinstance(y, str):
            if inspect.cleandoc(x) != inspect.cleandoc(y):
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def differences(old, new):
    """What differs between two modules' classes and functions (empty when they agree)."""
    found = []

    def compare_values(where, x, y):
        if type(x) is not type(y):
            found.append(f"{where}: {type(x).__name__} became {type(y).__name__}")
            return
        if isinstance(x, (staticmethod, classmethod)):
            x, y = x.__func__, y.__func__
        if isinstance(x, types.FunctionType):
            if not same_code(x.__code__, y.__code__):
                found.append(f"{where}: different code")
            if (x.__defaults__, x.__kwdefaults__, x.__annotations__) != (y.__defaults__, y.__kwdefaults__,
                                                                          y.__annotations__):
                found.append(f"{where}: different defaults or annotations")
            if inspect.getdoc(x) != inspect.getdoc(y):
                found.append(f"{where}: different docstring")
        elif isinstance(x, type):
            pass  # compared below, by name
        elif isinstance(x, (int, float, str, tuple, list, dict, type(None))):
            if x != y:
                found.append(f"{where}: {x!r} became {y!r}")

    for name, old_value in vars(old).items():
        if name.startswith("__") or isinstance(old_value, types.ModuleType):
            continue
        if isinstance(old_value, type) and old_value.__module__ == old.__name__:
            new_value = getattr(new, name, None)
            if not isinstance(new_value, type):
                found.append(f"class {name} is missing")
                continue
            if [b.__name__ for b in old_value.__bases__] != [b.__name__ for b in new_value.__bases__]:
                found.append(f"{name}: different base classes")
            if inspect.getdoc(old_value) != inspect.getdoc(new_value):
                found.append(f"{name}: different docstring")
            ignored = {"__module__", "__dict__", "__weakref__", "__doc__"}
            old_names, new_names = set(vars(old_value)) - ignored, set(vars(new_value)) - ignored
            if old_names != new_names:
                found.append(f"{name}: attributes {sorted(old_names ^ new_names)} differ")
            for attribute in old_names & new_names:
                compare_values(f"{name}.{attribute}", vars(old_value)[attribute], vars(new_value)[attribute])
        elif isinstance(old_value, types.FunctionType) and old_value.__module__ == old.__name__:
            if hasattr(new, name):
                compare_values(name, old_value, getattr(new, name))
            elif inspect.getsource(old_value).lstrip().startswith("@add_to_class"):
                pass  # a function added to a class also left its name in the old module
            elif name.startswith("_") and name not in inspect.getsource(new):
                pass  # a private helper of placeholders that were replaced: nothing uses it
            else:
                found.append(f"function {name} is missing")
    return found


def fold_and_compare(cells, tmp_path):
    """Render both ways, import both, and return (folded text, old module, new module)."""
    old = load_module(export_network.render_concatenated(cells), tmp_path, "concatenated")
    text = export_network.render(cells)
    new = load_module(text, tmp_path, "folded")
    assert differences(old, new) == []
    return text, old, new


# ---- the real notebooks -------------------------------------------------------------

def test_network_module_matches_notebooks():
    expected = export_network.build()
    actual = export_network.MODULE.read_text()
    assert actual == expected, (
        "nnfs_helpers/network.py differs from the notebook cells tagged 'export': "
        "run python tools/export_network.py (and edit the notebook, not the module)"
    )


def test_check_passes_on_the_committed_module(capsys):
    assert export_network.main(["--check"]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_folded_module_defines_what_the_cells_define_when_run_in_order(tmp_path):
    cells = list(export_network.exported_cells())
    text, old, new = fold_and_compare(cells, tmp_path)
    classes = [name for name, value in vars(old).items() if isinstance(value, type)
               and value.__module__ == old.__name__]
    assert len(classes) >= 20
    # Behaviour too: the same seed gives the same layer and the same training history.
    layers = []
    for module in (old, new):
        module.np.random.seed(0)
        layers.append(module.Layer_Dense(3, 4, weight_init="he"))
    assert (layers[0].weights == layers[1].weights).all()
    histories = []
    for module in (old, new):
        module.np.random.seed(1)
        X = module.np.random.randn(40, 2)
        y = (X[:, 0] > X[:, 1]).astype(int)
        model = module.Model()
        model.add(module.Layer_Dense(2, 8, weight_regularizer_l2=1e-3))
        model.add(module.Activation_ReLU())
        model.add(module.Layer_Dense(8, 2))
        model.add(module.Activation_Softmax())
        model.set(loss=module.Loss_CategoricalCrossentropy(), optimizer=module.Optimizer_Adam(learning_rate=0.01),
                  accuracy=module.Accuracy_Categorical())
        model.finalize()
        histories.append(model.train(X, y, epochs=3, batch_size=16, print_every=0))
    assert histories[0] == histories[1]


def _names_imported_from_network():
    """Every name the notebooks, tests and helpers take from nnfs_helpers.network."""
    from IPython.core.inputtransformer2 import TransformerManager
    sources = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                sources.append(TransformerManager().transform_cell("".join(cell["source"])))
    for path in sorted((ROOT / "tests").glob("*.py")) + sorted((ROOT / "nnfs_helpers").rglob("*.py")):
        if path != export_network.MODULE and path.name != "test_export.py":
            sources.append(path.read_text())
    names = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module == "nnfs_helpers.network":
                names |= {alias.name for alias in node.names}
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "network":
                names.add(node.attr)
    return names


def test_every_name_anything_imports_is_public(tmp_path):
    import nnfs_helpers.network as network
    old = load_module(export_network.render_concatenated(list(export_network.exported_cells())), tmp_path, "old")
    imported = _names_imported_from_network()
    assert {"Layer_Dense", "Model", "add_to_class", "gradient_check"} <= imported
    for name in imported:
        if hasattr(old, name):  # (names of other modules called `network` are not ours)
            assert name in network.__all__, f"{name} is imported from nnfs_helpers.network but not in __all__"
    assert all(hasattr(network, name) for name in network.__all__)
    assert not [name for name in network.__all__ if name.startswith("_")]
    assert len(network.__all__) == len(set(network.__all__))


def final_definitions(cells):
    """(notebook, source segment) of each def that survives when the cells run in order:
    a method's last definition, and every module-level function."""
    last, functions = {}, []
    for notebook, source in cells:
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, ast.FunctionDef):
                        last[node.name, member.name] = (notebook, source, member)
            elif isinstance(node, ast.FunctionDef):
                decorator = node.decorator_list[0] if node.decorator_list else None
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "add_to_class":
                    last[decorator.args[0].id, node.name] = (notebook, source, node)
                else:
                    functions.append((notebook, source, node))
            elif isinstance(node, ast.For):  # placeholders set in a loop: replaced later or kept as is
                pass
    return list(last.values()) + functions


def test_every_final_definition_is_in_the_module_verbatim():
    module = export_network.MODULE.read_text()
    cells = list(export_network.exported_cells())
    assert cells, "no cells tagged 'export' were found"
    for name, source in cells:
        ast.parse(source)
    checked = 0
    for notebook, source, node in final_definitions(cells):
        segment = ast.get_source_segment(source, node)
        if node.name.startswith("_") and node.name not in module:
            continue  # a private placeholder helper that nothing uses any more
        # A method folded into its class is one level deeper (blank lines stay empty).
        assert segment in module or textwrap.indent(segment, "    ") in module, \
            f"{node.name} from {notebook} is not in the module verbatim"
        checked += 1
    assert checked >= 60
    # The first definitions that later cells replace are gone: one __init__ per class.
    tree = ast.parse(module)
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        names = [m.name for m in cls.body if isinstance(m, ast.FunctionDef)]
        assert len(names) == len(set(names)), f"{cls.name} defines a method twice"
    layer_dense = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Layer_Dense")
    assert "weight_init" in ast.get_source_segment(module, layer_dense)


def test_module_reads_as_one_piece_per_class():
    module = export_network.MODULE.read_text()
    tree = ast.parse(module)
    # Imports at the top only, each once.
    first_other = next(i for i, n in enumerate(tree.body) if not isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr)))
    assert not [n for n in tree.body[first_other:] if isinstance(n, (ast.Import, ast.ImportFrom))]
    imports = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert len(imports) == len(set(imports))
    # Layer_Dense and Model, built by many notebooks, are each one class statement that names them.
    for name in ("Layer_Dense", "Model"):
        (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
        taught_in = set(re.findall(r"# notebooks/(\S+)", ast.get_source_segment(module, cls)))
        assert len(taught_in) >= 2, f"{name} names only {taught_in}"
    assert "_written_in_notebook_20" not in module  # the placeholders notebook 20 replaces are gone


# ---- folding, on small notebook-like cells ------------------------------------------

ADD_TO_CLASS = '''def add_to_class(cls):
    """Decorator: attach the function below it to `cls` as a method."""
    def attach(method):
        setattr(cls, method.__name__, method)
        return method
    return attach'''

CELLS = [
    ("02_layer.ipynb", '''class Layer:
    """A layer."""

    def __init__(self, n):
        self.n = n

    def forward(self, x):
        # scale by n
        return x * self.n'''),
    ("07_backward.ipynb", ADD_TO_CLASS),
    ("07_backward.ipynb", '''@add_to_class(Layer)
def backward(self, d):
    return d * self.n'''),
    ("09_sizes.ipynb", '''import math


# The constructor this notebook teaches.
@add_to_class(Layer)
def __init__(self, n, scale=1):
    self.n = math.sqrt(n) * scale


Layer.frozen = Layer.shared = False'''),
    ("10_model.ipynb", '''def _written_later(name):
    def method(*args):
        raise NotImplementedError(f"Layer.{name} comes in notebook 11")
    return method


for _name in ("save", "load"):
    setattr(Layer, _name, _written_later(_name))'''),
    ("11_save.ipynb", '''import math
import pickle


@add_to_class(Layer)
def save(self):
    """Pickle the layer.

    Two lines of docstring."""
    return pickle.dumps(self.n)


@add_to_class(Layer)
@staticmethod
def load(data):
    return pickle.loads(data)'''),
]


def test_the_last_definition_wins_in_the_place_of_the_first(tmp_path):
    text, old, new = fold_and_compare(CELLS, tmp_path)
    assert "self.n = math.sqrt(n) * scale" in text
    assert "self.n = n\n" not in text  # notebook 02's constructor is replaced
    body = text[text.index("class Layer:"):]
    assert body.index("def __init__") < body.index("def forward") < body.index("def backward")
    assert ("    # notebooks/09_sizes.ipynb\n    # The constructor this notebook teaches.\n"
            "    def __init__(self, n, scale=1):\n") in text
    assert "    # notebooks/02_layer.ipynb\n    def forward(self, x):\n        # scale by n\n" in text
    assert "    frozen = shared = False\n" in text
    assert new.Layer(4).n == 2.0 and new.Layer(4).backward(1) == 2.0
    assert not hasattr(new, "backward")  # add_to_class no longer leaves the name in the module


def test_placeholders_replaced_later_disappear(tmp_path):
    text, old, new = fold_and_compare(CELLS, tmp_path)
    assert "_written_later" not in text and "setattr(Layer" not in text and "NotImplementedError" not in text
    assert "@add_to_class" not in text
    assert "    @staticmethod\n    def load(data):" in text
    assert new.Layer.load(new.Layer(9).save()) == 3.0
    # The docstring is indented with its method: help() shows the same text.
    assert '        """Pickle the layer.\n\n        Two lines of docstring."""' in text


def test_a_placeholder_not_replaced_everywhere_keeps_the_order_of_the_cells(tmp_path):
    cells = CELLS[:-1] + [("11_save.ipynb", '''import pickle


@add_to_class(Layer)
def save(self):
    return pickle.dumps(self.n)''')]
    text, old, new = fold_and_compare(cells, tmp_path)
    assert "setattr(Layer, _name, _written_later(_name))" in text
    assert "@add_to_class(Layer)\ndef save(self):" in text  # after the loop, as in the notebooks
    assert text.index("setattr(Layer, _name") < text.index("def save(self)")
    assert new.Layer(1).save() == old.Layer(1).save()
    with pytest.raises(NotImplementedError):
        new.Layer(1).load()


def test_imports_are_hoisted_once_and_all_lists_the_public_names(tmp_path):
    text, old, new = fold_and_compare(CELLS, tmp_path)
    tree = ast.parse(text)
    imports = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert imports == ["import math", "import pickle", "import numpy as np"]
    assert text.index("import pickle") < text.index("__all__") < text.index("class Layer")
    assert new.__all__ == ["Layer", "add_to_class"]


def test_a_default_defined_after_the_class_keeps_the_method_in_its_cell(tmp_path):
    cells = CELLS[:2] + [("08_limit.ipynb", '''LIMIT = 3


@add_to_class(Layer)
def clip(self, x, limit=LIMIT):
    return min(x, limit)''')]
    text, old, new = fold_and_compare(cells, tmp_path)
    assert "@add_to_class(Layer)\ndef clip(self, x, limit=LIMIT):" in text
    assert new.Layer(1).clip(5) == 3


def test_a_multiline_string_keeps_its_value(tmp_path):
    cells = CELLS[:2] + [("08_text.ipynb", '''@add_to_class(Layer)
def describe(self):
    """What the layer is."""
    return """first line
second line"""''')]
    text, old, new = fold_and_compare(cells, tmp_path)
    assert "    def describe(self):" in text
    assert new.Layer(1).describe() == "first line\nsecond line"


def test_concatenated_rendering_is_the_reference():
    text = export_network.render_concatenated(CELLS)
    assert "# ---- from notebooks/09_sizes.ipynb ----\nimport math\n" in text
    assert text.count("def __init__") == 2


# ---- --check ------------------------------------------------------------------------

def test_check_reports_a_stale_module_and_exits_1(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "network.py"
    stale.write_text(export_network.build().replace("def forward(self, inputs):", "def forward(self, x):", 1))
    monkeypatch.setattr(export_network, "MODULE", stale)
    assert export_network.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "is out of date" in out and "expected:     def forward(self, inputs):" in out
    assert "found:        def forward(self, x):" in out and "run python tools/export_network.py" in out
    stale.unlink()
    assert export_network.main(["--check"]) == 1
    assert "is missing" in capsys.readouterr().out
    assert not stale.exists()  # --check never writes


def test_a_class_changed_in_another_way_keeps_later_methods_in_their_cells(tmp_path):
    cells = CELLS[:2] + [("08_swap.ipynb", '''Layer.forward.__doc__ = "scale by n"
if True:
    del Layer.forward


@add_to_class(Layer)
def forward(self, x):
    return x + self.n''')]
    text, old, new = fold_and_compare(cells, tmp_path)
    assert text.index("del Layer.forward") < text.index("@add_to_class(Layer)\ndef forward(self, x):")
    assert new.Layer(2).forward(1) == 3


def test_a_class_exported_twice_is_refused_with_a_clear_message():
    cells = CELLS[:1] + [("12_again.ipynb", "class Layer:\n    pass")]
    with pytest.raises(ValueError, match="class Layer is exported twice .*02_layer.ipynb.*12_again.ipynb"):
        export_network.render(cells)


def test_a_method_read_before_it_is_replaced_is_not_folded(tmp_path):
    """Wrapping the old constructor: the saved one must stay notebook 02's."""
    cells = CELLS[:2] + [("08_wrap.ipynb", '''_first_init = Layer.__init__


@add_to_class(Layer)
def __init__(self, n):
    _first_init(self, n)
    self.n += 1''')]
    text, old, new = fold_and_compare(cells, tmp_path)
    assert "    def __init__(self, n):\n        self.n = n" in text  # notebook 02's, still in the class
    assert text.index("_first_init = Layer.__init__") < text.index("@add_to_class(Layer)\ndef __init__(self, n):")
    assert new.Layer(2).n == 3


def test_a_placeholder_read_before_it_is_replaced_stays(tmp_path):
    cells = CELLS[:-1] + [("10_model.ipynb", "_first_save = Layer.save"), CELLS[-1]]
    text, old, new = fold_and_compare(cells, tmp_path)
    assert "setattr(Layer, _name, _written_later(_name))" in text
    with pytest.raises(NotImplementedError):
        new._first_save(new.Layer(1))
