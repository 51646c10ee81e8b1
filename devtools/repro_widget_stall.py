"""Reproduce the widget-cell stall: run a few notebook cells N times in fresh kernels.

    python devtools/repro_widget_stall.py --runs 20 --timeout 60 [--notebook notebooks/10_momentum.ipynb]
        [--cells 2,4,6,19,21,23,25] [--log-dir /tmp/stall-logs] [--patch-cell 25=file.py]
        [--no-kernel-debug] [--delay-send 0.05] [--probe]

Runs with the interpreter that runs it (so run it with each environment's python). Each run
executes the chosen cells of the notebook with nbclient as tools/run_notebooks.py does
(NotebookClient, store_widget_state=True) and records, per cell, the seconds taken. A cell
that takes (nearly) its whole timeout is a stall: nbclient's poll for the execute_reply wakes
only at its timeout, finds the reply waiting and returns it, so no error is raised. Every
message the client sees on shell and IOPub, and every one it sends, is logged with a
timestamp to `--log-dir/run-NN.log`, the kernel's --debug log (with the kernel's send
times) to `run-NN.log.kernel`. Prints one line per run and a summary.

What the logs show: the stall happens only when, while a cell runs, the client sends a
comm_msg on the shell socket: nbclient's stand-in for an Output widget answers each output
drawn into the widget (interact's figure) with the widget's new state. It sends from its
IOPub task, through jupyter_client's Session.send, which uses a plain (non-asyncio) shadow
of the shell socket, while its other task waits on that socket (pyzmq asyncio poll) for the
execute_reply. If the reply reaches the socket just before that send, the send consumes the
socket's edge-triggered wake-up and the reply is not read until the poll's timeout.
`--delay-send S` sleeps S seconds before each such send (a slow, loaded client), which makes
the window wide enough to stall nearly every run; `--probe` reads the socket's EVENTS through
the asyncio socket after each send, which makes pyzmq re-check the socket (and so hides the
stall). `--patch-cell` runs a file's text in place of a cell (e.g. devtools/cells/, the
interactive_figure version of notebook 10's cells).
"""

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

import nbformat
import zmq
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

ROOT = Path(__file__).resolve().parent.parent


class LoggingClient(NotebookClient):
    """A NotebookClient that writes every message it handles to a log, with the time."""

    def __init__(self, *args, log_file=None, delay_send=0.0, probe=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.delay_send, self.probe = delay_send, probe
        self.t0 = time.perf_counter()
        self.log_file = log_file

    def note(self, text):
        if self.log_file:
            self.log_file.write(f"{time.perf_counter() - self.t0:9.3f} {text}\n")
            self.log_file.flush()

    def describe(self, msg):
        content = msg.get("content", {})
        parent = msg.get("parent_header", {}).get("msg_id", "")[-8:]
        extra = ""
        if msg["msg_type"] == "status":
            extra = content.get("execution_state")
        elif msg["msg_type"].startswith("comm"):
            data = content.get("data", {})
            state = data.get("state", {})
            extra = f"comm={content.get('comm_id', '')[-6:]} method={data.get('method')} " \
                    f"keys={sorted(state)[:6]} model={state.get('_model_name', '')} msg_id={state.get('msg_id', '-')!r}"[:300]
        elif msg["msg_type"] in ("display_data", "update_display_data", "execute_result"):
            extra = ",".join(content.get("data", {}))
        elif msg["msg_type"] == "clear_output":
            extra = f"wait={content.get('wait')}"
        elif msg["msg_type"] == "stream":
            extra = repr(content.get("text", ""))[:80]
        return f"{msg['msg_type']} parent=..{parent} {extra}"

    def _wrap_channels(self):
        client = self
        for name in ("shell_channel", "iopub_channel"):
            channel = getattr(self.kc, name)
            if getattr(channel, "_logged", False):
                continue
            original_get, original_send = channel.get_msg, channel.send

            async def get_msg(timeout=None, _orig=original_get, _name=name):
                msg = await _orig(timeout=timeout)
                client.note(f"recv {_name[:5]} " + client.describe(msg))
                return msg

            def send(msg, _orig=original_send, _name=name, _channel=channel):
                if client.delay_send and msg["msg_type"] == "comm_msg":
                    # Stands in for a slow client (a loaded machine, a big figure to serialise):
                    # the time between the output arriving and the widget-state reply going out.
                    time.sleep(client.delay_send)
                result = _orig(msg)
                probe = ""
                if client.probe:
                    # What the socket holds right after the send (POLLIN: a message waits to be
                    # read). Reading EVENTS is itself a socket operation, hence optional.
                    events = _channel.socket.get(zmq.EVENTS)
                    probe = f" (socket EVENTS after send: POLLIN={bool(events & zmq.POLLIN)})"
                client.note(f"SEND {_name[:5]} {msg['msg_type']} id=..{msg['header']['msg_id'][-8:]} "
                            f"parent=..{msg.get('parent_header', {}).get('msg_id', '')[-8:]}{probe}")
                return result

            channel.get_msg, channel.send = get_msg, send
            channel._logged = True



def minimal_notebook(path, cells, patches):
    notebook = nbformat.read(path, as_version=4)
    chosen = []
    for index in cells:
        cell = notebook.cells[index]
        assert cell.cell_type == "code", (index, cell.cell_type)
        if index in patches:
            cell.source = patches[index]
        chosen.append(cell)
    notebook.cells = chosen
    return notebook


def run_once(path, cells, patches, timeout, log_path, kernel_debug, delay_send=0.0, probe=False):
    notebook = minimal_notebook(path, cells, patches)
    with open(log_path, "w") as log_file:
        client = LoggingClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
                               record_timing=False, allow_errors=True, log_file=log_file,
                               delay_send=delay_send, probe=probe,
                               resources={"metadata": {"path": str(path.parent)}},
                               extra_arguments=["--debug"] if kernel_debug else [])
        times, stalled, errors = [], None, []
        kernel_log = open(str(log_path) + ".kernel", "w")
        with client.setup_kernel(stderr=kernel_log):
            client._wrap_channels()
            for position, cell in enumerate(notebook.cells):
                client.note(f"=== execute cell {cells[position]}")
                start = time.perf_counter()
                try:
                    client.execute_cell(cell, position)
                except CellTimeoutError:
                    stalled = cells[position]
                    times.append(time.perf_counter() - start)
                    client.note(f"!!! cell {cells[position]} timed out after {timeout} s")
                    break
                times.append(time.perf_counter() - start)
                if times[-1] >= 0.9 * timeout:
                    # nbclient's poll for the reply woke only at its timeout, found the reply
                    # waiting, and returned it without an error: a silent stall.
                    stalled = cells[position]
                    client.note(f"!!! cell {cells[position]} took {times[-1]:.1f} s (timeout {timeout} s)")
                errors += [f"cell {cells[position]}: {o.ename}: {o.evalue}" for o in cell.outputs
                           if o.output_type == "error"]
        kernel_log.close()
        client.set_widgets_metadata()
        widget_state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return times, stalled, errors, widget_state


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, default=ROOT / "notebooks" / "10_momentum.ipynb")
    parser.add_argument("--cells", default="2,4,6,19,21,23,25")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--log-dir", type=Path, default=Path("/tmp/stall-logs"))
    parser.add_argument("--patch-cell", action="append", default=[],
                        help="INDEX=FILE: run FILE's text instead of cell INDEX")
    parser.add_argument("--no-kernel-debug", action="store_true")
    parser.add_argument("--delay-send", type=float, default=0.0,
                        help="sleep this many seconds before each comm_msg the client sends (a slow client)")
    parser.add_argument("--probe", action="store_true",
                        help="log the socket's EVENTS after each send (itself a socket operation)")
    args = parser.parse_args(argv)
    cells = [int(c) for c in args.cells.split(",")]
    patches = {int(k): Path(v).read_text() for k, v in (p.split("=", 1) for p in args.patch_cell)}
    args.log_dir.mkdir(parents=True, exist_ok=True)
    os.environ["IPYKERNEL_CELL_NAME"] = "<cell>"
    import ipykernel, ipywidgets
    print(f"python {sys.version.split()[0]}, ipywidgets {ipywidgets.__version__}, "
          f"ipykernel {ipykernel.__version__}, notebook {args.notebook.name}, cells {cells}, "
          f"timeout {args.timeout} s, {args.runs} runs"
          + (f", client delay before comm_msg sends {args.delay_send} s" if args.delay_send else ""), flush=True)
    stalls = []
    for run in range(args.runs):
        log_path = args.log_dir / f"run-{run:02d}.log"
        times, stalled, errors, state = run_once(args.notebook.resolve(), cells, patches, args.timeout,
                                                 log_path, not args.no_kernel_debug, args.delay_send, args.probe)
        if stalled is not None:
            stalls.append((run, stalled, times[-1]))
        print(f"run {run:2d}: " + " ".join(f"{c}:{t:.1f}s" for c, t in zip(cells, times))
              + (f"  STALL in cell {stalled}" if stalled is not None else "")
              + (f"  ERRORS {errors}" if errors else "")
              + f"  widgets={len(state)}", flush=True)
    print(f"SUMMARY: {len(stalls)} stalls in {args.runs} runs: {stalls}", flush=True)
    return 1 if stalls else 0


if __name__ == "__main__":
    sys.exit(main())
