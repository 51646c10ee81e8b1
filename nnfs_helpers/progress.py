"""Progress for training loops: an ipywidgets bar in a notebook, and the one summary line per epoch.

Both of the course's loops, `Model.train` (notebook 18) and `nnfs_helpers.training.train`
(notebooks 08-17), report through TrainingProgress, so they print the same line at the same
epochs. Kept apart from plotting (no matplotlib), so that the network code can show progress
without importing a plotting library or changing its style settings.
"""

import numbers

__all__ = ["progress_bar", "epoch_summary", "TrainingProgress"]


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


def epoch_summary(epoch, *, accuracy, loss, learning_rate, data_loss=None, regularization_loss=None,
                  validation=None):
    """The line a training loop prints for epoch `epoch` (counted from 1).

    Accuracies with 3 decimals; losses with 3 significant digits, trailing zeros kept (1.10, not
    1.1), since a regression loss can be 0.000123 and 3 decimals would print 0.000. A nonzero `regularization_loss` adds the two
    parts of the loss; `validation=(loss, accuracy)` adds the validation numbers.
    """
    line = f"epoch: {epoch:>5}, acc: {accuracy:.3f}, loss: {loss:#.3g}"
    if regularization_loss:
        line += f" (data: {data_loss:#.3g}, reg: {regularization_loss:#.3g})"
    if validation is not None:
        validation_loss, validation_accuracy = validation
        line += f", val_acc: {validation_accuracy:.3f}, val_loss: {validation_loss:#.3g}"
    return line + f", lr: {learning_rate:.6g}"


class TrainingProgress:
    """A progress bar for a training loop written out in a notebook.

        progress = TrainingProgress(epochs)
        for epoch in range(epochs):
            ...
            progress.update(epoch)
        progress.close()

    It shows in JupyterLab and Colab (an ipywidgets bar, redrawn about four times a second)
    and does nothing elsewhere; the text a notebook file records does not change while it runs.
    `show=False` never draws the bar.

    The course's loops call `end_of_epoch(epoch, ...)` instead of `update`, with the epoch
    counted from 1: it also prints epoch_summary(...) every `print_every` epochs and at the
    last epoch (print_every=0: never).
    """

    def __init__(self, epochs, description="Training", *, print_every=0, show=True):
        if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        if isinstance(print_every, bool) or not isinstance(print_every, numbers.Integral) or print_every < 0:
            raise ValueError(f"print_every must be a non-negative integer, got {print_every!r}")
        self.epochs = int(epochs)
        self.print_every = int(print_every)
        self._bar = None
        self._last = 0.0
        if not show:
            return
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

    def end_of_epoch(self, epoch, **summary):
        """Epoch `epoch` (counted from 1) is done: print its epoch_summary(**summary) line if it is
        due (every `print_every` epochs, and the last), and move the bar."""
        if self.print_every and (epoch % self.print_every == 0 or epoch == self.epochs):
            print(epoch_summary(epoch, **summary))
        self.update(epoch - 1)

    def close(self):
        """Show the bar full and green."""
        if self._bar is not None:
            self._bar.value = self.epochs
            self._bar.bar_style = "success"
