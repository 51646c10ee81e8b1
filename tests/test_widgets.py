"""nnfs_helpers.widgets.interactive_figure: interact's sliders and figure without an Output widget.

In a real kernel (run by nbclient, as tools/run_notebooks.py runs the notebooks): the cell
shows the controls and the function's outputs, creates no Output widget (so nbclient sends
nothing to the kernel while the cell runs, the cause of the widget-cell stall), and moving
a slider replaces the outputs in place through their display ids.
"""

from pathlib import Path

import nbformat
import pytest
from ipywidgets import FloatSlider, fixed
from nbclient import NotebookClient

from nnfs_helpers.widgets import InteractiveFigure

ROOT = Path(__file__).resolve().parent.parent


def test_controls_must_be_widgets_or_fixed():
    with pytest.raises(TypeError, match="function"):
        InteractiveFigure("not a function", {"a": FloatSlider()})
    with pytest.raises(TypeError, match="at least one control"):
        InteractiveFigure(print, {})
    with pytest.raises(TypeError, match="shorthands"):
        InteractiveFigure(print, {"a": (0, 1)})


def test_values_and_render_outside_a_kernel():
    def show(a, b):
        print(f"a={a} b={b}")

    shown = InteractiveFigure(show, {"a": FloatSlider(value=1.5), "b": fixed(2)})
    assert shown.values() == {"a": 1.5, "b": 2}
    assert shown.widgets == [shown.controls["a"]]
    assert shown.render() == [({"text/plain": "a=1.5 b=2\n"}, {})]
    assert "show(a, b)" in repr(shown)


SETUP = """\
import matplotlib.pyplot as plt
from ipywidgets import FloatSlider, fixed
from nnfs_helpers.widgets import interactive_figure


def show(a, b):
    if a < 0:
        raise ValueError("a must not be negative")
    print(f"a={a} b={b}")
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, a])
    plt.show()


def leave_open(a):
    plt.subplots(figsize=(2, 2))  # drawn, never shown
"""


def run(cells):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    client = NotebookClient(notebook, timeout=60, kernel_name="python3", store_widget_state=True,
                            allow_errors=True, resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    return notebook, client


def kinds(outputs):
    found = []
    for output in outputs:
        data = output.get("data", {})
        if output.output_type == "error":
            found.append(f"error: {output.ename}")
        elif "application/vnd.jupyter.widget-view+json" in data:
            found.append("widget")
        elif "image/png" in data:
            found.append("image")
        elif output.output_type in ("display_data", "execute_result"):
            found.append(f"text: {data.get('text/plain', '').strip()}".rstrip())
        else:
            found.append(output.output_type)
    return found


def test_in_a_kernel_shows_controls_and_outputs_and_redraws_in_place():
    notebook, client = run([
        SETUP,
        "shown = interactive_figure(show, a=FloatSlider(value=1.0, min=-1, max=3), b=fixed(2))",
        "shown.controls['a'].value = 2.5",
        "shown.controls['a'].value = -1.0",
        "interactive_figure(leave_open, a=FloatSlider(value=1.0))",
        "print(len(plt.get_fignums()))",
    ])
    cells = notebook.cells
    # After all the cells ran: the second cell's outputs were replaced twice in place,
    # the second time by the error's traceback (the figure slot blanked).
    shown = kinds(cells[1].outputs)
    assert shown[0] == "widget" and len(shown) == 3, shown
    assert "ValueError: a must not be negative" in shown[1], shown
    assert shown[2] == "text:", shown
    assert kinds(cells[2].outputs) == [] and kinds(cells[3].outputs) == []
    # A figure left open is shown once, under the controls, and closed.
    assert kinds(cells[4].outputs) == ["widget", "image"]
    assert cells[5].outputs[0].text.strip() == "0"
    # No Output widget, so nbclient never had a widget of its own to answer for.
    models = [state["state"]["_model_name"] for state in notebook.metadata.widgets[
        "application/vnd.jupyter.widget-state+json"]["state"].values()]
    assert "OutputModel" not in models and "FloatSliderModel" in models, models
    assert not client.comm_objects


def test_first_outputs_are_the_function_outputs():
    notebook, _ = run([SETUP, "interactive_figure(show, a=FloatSlider(value=1.0), b=fixed(2))"])
    assert kinds(notebook.cells[1].outputs) == ["widget", "text: a=1.0 b=2", "image"]


def test_controls_record_a_text_form_that_reads_as_an_instruction():
    import ipywidgets as ipw

    from nnfs_helpers.widgets import controls

    box = controls(ipw.FloatSlider(description="weight w"), ipw.FloatSlider(description="bias b"))
    text = repr(box)
    assert "FloatSlider(" not in text and "weight w, bias b" in text and "run this cell" in text
    with pytest.raises(TypeError, match="takes widgets"):
        controls(1.5)
