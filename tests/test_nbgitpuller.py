"""The JupyterHub path: nbgitpuller clones the course on the first click of the hub link and
updates it on every later click, keeping learners' edits and restoring deleted notebooks.

Run against a local repository standing in for the published one, on the branch that the
launch setting's `hub_branch` names, exactly as the hub's nbgitpuller extension runs it.
"""

import subprocess

import pytest
from nbgitpuller.pull import GitPuller

import launch_env
import launch_links

pytestmark = pytest.mark.launch

CONFIG = launch_links.settings()
GIT = ["git", "-c", "user.name=course", "-c", "user.email=course@localhost"]


def click(url, folder, branch):
    """What one click on the nbgitpuller link does to the learner's folder."""
    for _ in GitPuller(url, str(folder), branch=branch).pull():
        pass


@pytest.fixture()
def published(tmp_path):
    repository = launch_env.snapshot_repository(tmp_path / "published", CONFIG["ref"])
    launch_env.run(["git", "branch", "-M", CONFIG["hub_branch"]], cwd=repository)
    return repository


def test_two_clicks_restore_a_deleted_notebook_keep_an_edit_and_bring_updates(published, tmp_path):
    home = tmp_path / "home" / "nnfs-notebooks"
    url = f"file://{published}"
    click(url, home, CONFIG["hub_branch"])
    notebooks = home / "notebooks"
    first, deleted = sorted(notebooks.glob("0[12]_*.ipynb"))
    assert first.exists() and deleted.exists()

    # The learner edits notebook 01 and deletes notebook 02 ("delete it to reset it").
    edited = first.read_text().replace('"# 01 ', '"# 01 (my notes) ', 1)
    assert edited != first.read_text()
    first.write_text(edited)
    deleted.unlink()
    # Meanwhile the course is updated upstream.
    (published / "UPDATED.md").write_text("an update to the course\n")
    launch_env.run([*GIT, "add", "UPDATED.md"], cwd=published)
    launch_env.run([*GIT, "commit", "-q", "-m", "update"], cwd=published)

    click(url, home, CONFIG["hub_branch"])
    assert deleted.exists(), "the deleted notebook came back"
    assert first.read_text() == edited, "the learner's edit was kept"
    assert (home / "UPDATED.md").exists(), "the update arrived"


def test_a_tag_cannot_be_followed_which_is_why_the_hub_link_uses_a_branch(published, tmp_path):
    home = tmp_path / "home" / "nnfs-notebooks"
    url = f"file://{published}"
    click(url, home, CONFIG["ref"])  # the first click works with a tag...
    (home / "notebooks" / "02_layer_of_neurons.ipynb").unlink()
    with pytest.raises(Exception) as failure:  # ...the second cannot compare with origin/<tag>
        click(url, home, CONFIG["ref"])
    assert isinstance(failure.value, (subprocess.CalledProcessError, ValueError, RuntimeError)), failure.value


def test_the_hub_link_names_the_branch_and_the_launch_badges_the_fixed_ref():
    link = launch_links.nbgitpuller_url(CONFIG, "https://hub.example.org")
    assert f"branch={CONFIG['hub_branch']}" in link
    assert CONFIG["hub_branch"] != CONFIG["ref"]
    assert f"/{CONFIG['ref']}?" in launch_links.binder_url(CONFIG, "01_single_neuron.ipynb")
    assert f"/blob/{CONFIG['ref']}/" in launch_links.colab_url(CONFIG, "01_single_neuron.ipynb")
