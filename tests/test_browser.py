"""A real browser: JupyterLab as learners see it, driven by Playwright in Debian's Chromium.

It starts JupyterLab on localhost over a copy of the notebooks, opens notebook 01, runs
every cell and checks: no error output, the sliders render as widgets (not as text), and
moving a slider changes the figure. Then it runs a training notebook and checks that its
progress bar appears and reaches the end. Screenshots go to pytest's temporary folder (nothing is
written into the checkout).
Skipped, with the reason, only where Chromium is not installed (.ci/run installs it).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = None  # set by the `lab` fixture: a folder under pytest's tmp dir
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TOKEN = "nnfs-browser-test"
TRAINING_NOTEBOOK = "12_full_network.ipynb"  # one classic run of train(), with its progress bar
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed ({CHROMIUM} missing): the real-browser test cannot run "
                "here; .ci/run installs Debian's chromium package", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

pytestmark = pytest.mark.launch

# JavaScript run in the page: the notebook panel that is open, and its code cells.
PANEL = "window.jupyterapp.shell.currentWidget"
KERNEL_IDLE = f"""() => {{
  const p = {PANEL};
  const k = p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}}"""
ALL_EXECUTED = f"""() => {{
  const p = {PANEL};
  if (!p.sessionContext.session || p.sessionContext.session.kernel.status !== 'idle') return false;
  return p.content.widgets.filter(c => c.model.type === 'code')
          .every(c => c.model.executionCount !== null);
}}"""
ERRORS = f"""() => {{
  const out = [];
  {PANEL}.content.widgets.forEach((c, i) => {{
    if (c.model.type !== 'code') return;
    const tags = c.model.getMetadata('tags') || [];
    if (tags.includes('raises-exception')) return;
    c.model.outputs.toJSON().forEach(o => {{ if (o.output_type === 'error') out.push(i + ': ' + o.ename); }});
  }});
  return out;
}}"""


def mark_cell(page, needle, label):
    """Give the first code cell whose source contains `needle` a data-test attribute; scroll to it."""
    index = page.evaluate(f"""([needle, label]) => {{
      const cells = {PANEL}.content.widgets;
      const i = cells.findIndex(c => c.model.type === 'code' && c.model.sharedModel.getSource().includes(needle));
      if (i < 0) return -1;
      cells[i].node.setAttribute('data-test', label);
      cells[i].node.scrollIntoView({{block: 'center'}});
      return i;
    }}""", [needle, label])
    assert index >= 0, f"no code cell contains {needle!r}"
    return page.locator(f"[data-test={label}]")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LAB_ROOT = []  # the folder JupyterLab serves


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    global SHOTS
    work = tmp_path_factory.mktemp("lab")
    SHOTS = tmp_path_factory.mktemp("screenshots")
    LAB_ROOT[:] = [work]
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, work)
    # A private settings and workspace folder: no news pop-up, and no tabs restored from
    # an earlier session (each would start a kernel of its own).
    settings = work / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = free_port()
    log = open(work / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={work}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         f"--LabApp.user_settings_dir={work / '.settings'}", f"--LabApp.workspaces_dir={work / '.workspaces'}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (work / "jupyterlab.log").read_text()[-3000:])
            time.sleep(0.5)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield base, browser
        browser.close()
    server.terminate()
    server.wait(timeout=30)
    log.close()


def open_and_run_all(browser, base, name, timeout_s):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/{name}?token={TOKEN}&reset")
    page.wait_for_function("() => !!window.jupyterapp && !!window.jupyterapp.shell.currentWidget", timeout=90_000)
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_EXECUTED, timeout=timeout_s * 1000, polling=500)
    return page


def test_notebook_01_runs_and_its_slider_is_a_live_widget(lab):
    base, browser = lab
    page = open_and_run_all(browser, base, "01_single_neuron.ipynb", 120)
    assert page.evaluate(ERRORS) == []

    cell = mark_cell(page, "FloatSlider", "slider-cell")
    slider = cell.locator(".widget-slider").first
    slider.wait_for(timeout=30_000)
    assert "interactive(children=" not in cell.inner_text(), "the slider shows as text, not as a widget"
    figure = cell.locator(".jp-OutputArea-output img").last
    figure.wait_for(timeout=30_000)
    page.screenshot(path=str(SHOTS / "01_slider_before.png"))
    before = figure.get_attribute("src")

    handle = cell.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_function(
        """([label, before]) => {
             const imgs = document.querySelectorAll(`[data-test=${label}] .jp-OutputArea-output img`);
             return imgs.length > 0 && imgs[imgs.length - 1].getAttribute('src') !== before;
           }""", arg=["slider-cell", before], timeout=30_000)
    page.wait_for_timeout(1500)  # let the last redraw land before the screenshot
    page.screenshot(path=str(SHOTS / "01_slider_after.png"))
    page.close()


def test_a_training_notebook_shows_progress_and_finishes(lab):
    base, browser = lab
    page = open_and_run_all(browser, base, TRAINING_NOTEBOOK, 300)
    assert page.evaluate(ERRORS) == []
    cell = mark_cell(page, "train(", "training-cell")
    bar = cell.locator(".widget-hprogress, .widget-progress").first
    bar.wait_for(timeout=30_000)
    assert cell.locator(".progress-bar-success").count() >= 1, "the progress bar did not reach the end"
    assert "epoch:" in cell.inner_text()
    page.screenshot(path=str(SHOTS / "training_progress.png"))
    page.close()


def test_opening_a_notebook_and_saving_it_changes_nothing(lab):
    """JupyterLab writes the kernel's language_info into a notebook it opens; the notebooks
    record exactly that, so opening one leaves it unmodified and a save rewrites the same bytes
    (`git status` stays clean)."""
    base, browser = lab
    name = "03_activation_functions.ipynb"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/{name}?token={TOKEN}&reset")
    page.wait_for_function("() => !!window.jupyterapp && !!window.jupyterapp.shell.currentWidget", timeout=90_000)
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    page.wait_for_timeout(2000)
    assert page.evaluate(f"{PANEL}.context.model.dirty") is False, "opening the notebook modified it"
    path = page.evaluate(f"{PANEL}.context.path")
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(f"() => !{PANEL}.context.model.dirty", timeout=30_000)
    page.wait_for_timeout(1000)
    page.close()
    saved = (LAB_ROOT[0] / path).read_bytes()
    assert saved == (ROOT / "notebooks" / name).read_bytes(), "saving an unchanged notebook changed the file"
