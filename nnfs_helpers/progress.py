"""Progress bars for training loops: an ipywidgets bar in a notebook, nothing elsewhere.

Kept apart from plotting (no matplotlib), so that the network code can show progress without
importing a plotting library or changing its style settings.
"""

import numbers

__all__ = ["progress_bar", "TrainingProgress"]


def progress_bar(epochs, description="Training"):
    """An ipywidgets progress bar whose text form (what a notebook file records, and what a
    notebook opened but not yet run shows in its place) says what it is, instead of
    `IntProgress(value=0, ...)`, which looks like a run that never happened."""
    import ipywidgets as widgets

    class ProgressBar(widgets.IntProgress):
        def __repr__(self):
            return (f"{self.description} progress: a bar that fills as the {self.max:,} epochs run "
                    "(it shows when this cell runs).")

    return ProgressBar(value=0, min=0, max=int(epochs), description=str(description))


class TrainingProgress:
    """A progress bar for a training loop written out in a notebook.

        progress = TrainingProgress(epochs)
        for epoch in range(epochs):
            ...
            progress.update(epoch)
        progress.close()

    It shows in JupyterLab and Colab (an ipywidgets bar, redrawn about four times a second)
    and does nothing elsewhere; the text a notebook file records does not change while it runs.
    """

    def __init__(self, epochs, description="Training"):
        if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        self.epochs = int(epochs)
        self._bar = None
        self._last = 0.0
        try:
            from IPython import get_ipython
            from IPython.display import display
            import ipywidgets  # noqa: F401  (the bar needs it; without it there is no bar)
        except ImportError:
            return
        shell = get_ipython()
        if shell is None or not getattr(shell, "kernel", None):
            return
        self._bar = progress_bar(self.epochs, description)
        display(self._bar)

    def update(self, epoch):
        """Note that `epoch` (counted from 0) is done; redraw at most about four times a second."""
        if self._bar is None:
            return
        import time

        now = time.perf_counter()
        if now - self._last > 0.25:
            self._bar.value = min(int(epoch) + 1, self.epochs)
            self._last = now

    def close(self):
        """Show the bar full and green."""
        if self._bar is not None:
            self._bar.value = self.epochs
            self._bar.bar_style = "success"
