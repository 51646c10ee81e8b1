"""The network module is generated from the notebooks and never drifts from them."""

import ast

import export_network


def test_network_module_matches_notebooks():
    expected = export_network.build()
    actual = export_network.MODULE.read_text()
    assert actual == expected, (
        "nnfs_helpers/network.py differs from the notebook cells tagged 'export': "
        "run python tools/export_network.py (and edit the notebook, not the module)"
    )


def test_every_exported_cell_is_in_the_module_verbatim():
    module = export_network.MODULE.read_text()
    cells = list(export_network.exported_cells())
    assert cells, "no cells tagged 'export' were found"
    for name, source in cells:
        assert source in module, f"a cell of {name} is not in the module"
        ast.parse(source)


def test_render_is_deterministic_and_marks_each_source():
    cells = [("02_a.ipynb", "x = 1"), ("03_b.ipynb", "y = 2")]
    text = export_network.render(cells)
    assert text == export_network.render(cells)
    assert "# ---- from notebooks/02_a.ipynb ----\nx = 1\n" in text
    assert text.index("x = 1") < text.index("y = 2")
    assert "GENERATED FILE" in text
