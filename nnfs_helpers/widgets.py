"""Sliders and the figure they control, shown without an ipywidgets Output widget.

    interactive_figure(show_valley,
                       learning_rate=FloatSlider(value=0.035, min=0.005, max=0.045, step=0.001),
                       momentum=FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01),
                       steps=fixed(30))

shows the sliders, then whatever `show_valley(learning_rate=..., momentum=..., steps=30)`
shows (its figure, anything it prints), and shows it again each time a slider moves, like
`ipywidgets.interact`. The difference is where the figure goes. `interact` draws into an
Output widget; when nbclient (tools/run_notebooks.py, tests/test_rerun.py) runs such a cell it
answers every output drawn into that widget by sending a message to the kernel on the shell
socket while it is waiting on that socket for the cell's reply. That send can swallow the
socket's wake-up, and the reply then sits unread until the cell timeout (nbclient issue
#312; see docs/widget-stall.md). Here the figure is an ordinary output with a
display id, replaced in place when a slider moves, as notebook 01 does by hand: no Output
widget, so nothing is sent back to the kernel while a cell runs.

`function` is called with the sliders' values (and the `fixed(...)` ones) inside IPython's
`capture_output`; what it shows with `plt.show()` or `display()` and what it prints are
captured and shown as the outputs under the sliders. A figure it leaves open is shown and
closed. The first call fixes how many outputs there are; a later call that shows fewer
blanks the rest, one that shows more drops the extra ones.
"""

import traceback

import ipywidgets as widgets
from IPython.display import display
from IPython.utils.capture import capture_output

__all__ = ["interactive_figure", "InteractiveFigure", "controls"]

_BLANK = {"text/plain": ""}


class Controls(widgets.Box):
    """A row or column of sliders whose text form says what they are.

    A notebook file records a widget's text form, and that is what shows in its place before
    the notebook runs: `HBox(children=(FloatSlider(value=1.5, ...` looks like a broken run,
    this reads as an instruction."""

    def __repr__(self):
        names = ", ".join(str(getattr(w, "description", "") or type(w).__name__) for w in self.children)
        return (f"Sliders ({names}): run this cell to move them; "
                "the figure is drawn for their starting values.")


def controls(*items, vertical=False):
    """Show widgets side by side (or one under another) with a readable text form."""
    for item in items:
        if not isinstance(item, widgets.Widget):
            raise TypeError(f"controls() takes widgets such as FloatSlider(...), got {item!r}")
    layout = widgets.Layout(display="flex", flex_flow="column" if vertical else "row wrap")
    return Controls(list(items), layout=layout)


class InteractiveFigure:
    """Controls and the outputs of `function` for their values; see `interactive_figure`."""

    def __init__(self, function, controls):
        if not callable(function):
            raise TypeError(f"interactive_figure needs a function to call, got {type(function).__name__}")
        if not controls:
            raise TypeError("interactive_figure needs at least one control, e.g. x=FloatSlider(...)")
        for name, control in controls.items():
            if not isinstance(control, (widgets.ValueWidget, widgets.fixed)):
                raise TypeError(
                    f"control {name!r} must be a widget with a value (FloatSlider, IntSlider, Dropdown, ...) "
                    f"or fixed(value), got {control!r}; interact's shorthands such as (0, 1) are not accepted")
        self.function = function
        self.controls = dict(controls)
        self.widgets = [c for c in self.controls.values() if isinstance(c, widgets.Widget)]
        self.box = Controls(self.widgets, layout=widgets.Layout(display="flex", flex_flow="column"))
        self.slots = []  # DisplayHandles of the outputs under the controls
        self.calls = 0

    def values(self):
        """The keyword arguments `function` gets now."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self):
        """Call `function` with the current values; return its outputs as (data, metadata) pairs."""
        import matplotlib.pyplot as plt

        before = set(plt.get_fignums())
        with capture_output() as captured:
            try:
                self.function(**self.values())
                for number in sorted(set(plt.get_fignums()) - before):
                    # A figure the function drew but did not show: show it here, then close it
                    # so the end of the cell does not show it a second time.
                    figure = plt.figure(number)
                    display(figure)
                    plt.close(figure)
            finally:
                self.calls += 1
        items = []
        text = captured.stdout + captured.stderr
        if text:
            items.append(({"text/plain": text}, {}))
        items += [(dict(output.data), dict(output.metadata or {})) for output in captured.outputs]
        return items

    def show(self):
        """Display the controls and the first outputs; watch the controls for changes."""
        items = self.render()
        display(self.box)
        for data, metadata in items or [(_BLANK, {})]:
            self.slots.append(display(data, metadata=metadata, raw=True, display_id=True))
        for control in self.widgets:
            control.observe(self.redraw, names="value")
        return self

    def redraw(self, change=None):
        """Call `function` again and replace the outputs shown (a control moved)."""
        try:
            items = self.render()
        except Exception:  # noqa: BLE001 - shown where the figure would be, as interact does
            items = [({"text/plain": traceback.format_exc()}, {})]
        for index, slot in enumerate(self.slots):
            data, metadata = items[index] if index < len(items) else (_BLANK, {})
            slot.update(data, metadata=metadata, raw=True)

    def _ipython_display_(self):
        # Already shown by show(): a cell that ends with interactive_figure(...) shows nothing more.
        pass

    def __repr__(self):
        names = ", ".join(self.controls)
        return f"<interactive figure of {getattr(self.function, '__name__', 'a function')}({names})>"


def interactive_figure(function, **controls):
    """Show `controls` (sliders, ...) and what `function(**values)` shows, redrawn when they move.

    The figure is an ordinary output replaced through its display id, not an Output widget,
    so executing the cell with nbclient cannot stall (see the module docstring). Returns the
    `InteractiveFigure`; ending a cell with this call displays nothing more.
    """
    return InteractiveFigure(function, controls).show()
