"""The masterclass in a real browser: JupyterLab, Debian's Chromium, Playwright.

Starts JupyterLab on a free loopback port with a random token, in a scratch
copy of ``notebooks/``, and opens the lessons as a teacher would: every cell
run (Run All, real builds), then another device type chosen in the picker's
dropdown and Build clicked, checking that no error shows and that the views
follow.  Screenshots of each widget are kept in ``artifacts/browser/``.
Playwright cannot download browsers here: it drives ``/usr/bin/chromium``
(Debian's package).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") is None,
                       reason="no /usr/bin/chromium (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL template of a lesson in a workspace of its own, notebook folder) of a JupyterLab
    started for these tests."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings")}
    log = (home / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--allow-root", "--LabApp.expose_app_in_browser=True",
         "--MappingKernelManager.default_kernel_name=balena-lab"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n"
                                       + (home / "jupyterlab.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield f"{base}/lab/workspaces/{{workspace}}/tree/{{lesson}}?token={token}", root
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


#: The lessons with a device type picker wired to a build panel: Run All, pick another
#: device type, click Build.
PICKED = {"01-dockerfiles.ipynb": "raspberrypi3", "02-single-container.ipynb": "raspberrypi3",
          "03-templates.ipynb": "raspberrypi3", "04-multiple-dockerfiles.ipynb": "raspberrypi3",
          "05-nodejs.ipynb": "genericx86-64-ext", "06-multi-service.ipynb": "raspberrypi3",
          "08-standard-dockerfiles.ipynb": "raspberrypi3"}
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("0[1-9]-*.ipynb"))
WIDGETS = (".balena-lab-picker, .balena-lab-build, .balena-lab-precedence, "
           ".balena-lab-template, .balena-lab-lint, .balena-lab-reset, .balena-lab-presenter, "
           ".balena-lab-device")


@pytest.mark.docker
@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_runs_in_jupyterlab_and_its_widgets_follow_the_picker(
    lesson: str, jupyterlab: tuple[str, Path], docker_client: object,
    base_images: dict[str, str],
) -> None:
    from playwright.sync_api import sync_playwright

    url, _ = jupyterlab
    out = ARTIFACTS / "browser" / lesson.removesuffix(".ipynb")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            try:
                # A workspace of its own: JupyterLab would reopen the last test's notebook.
                own = url.format(workspace=lesson.removesuffix(".ipynb"), lesson=lesson)
                _lesson(page, own, lesson, out)
            except Exception:
                page.screenshot(path=str(out / "failure.png"))
                raise
        finally:
            browser.close()


def _run_all(page: Page, url: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url)
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')",
                           timeout=60_000)
    try:
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=10_000)
    except PlaywrightTimeout:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells');"
                  " return true; }")
    page.wait_for_timeout(1000)
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
        "?.getAttribute('data-status') === 'idle' && ![...document.querySelectorAll("
        "'.jp-InputArea-prompt')].some(p => p.textContent.includes('[*]'))",
        timeout=900_000)


def _errors(page: Page) -> list[str]:
    shown = page.locator("[data-mime-type='application/vnd.jupyter.error'], .balena-lab-error")
    return [text[:600] for text in shown.all_text_contents()]


def _build(page: Page, target: str) -> None:
    """Press Build on the last build panel, which follows the picker, and wait for it."""
    from balena_lab.catalog.devicetypes import get_device_type

    panel = page.locator(".balena-lab-build").last
    panel.scroll_into_view_if_needed()
    assert target in (panel.text_content() or "")  # "ready to build for raspberrypi3"
    panel.get_by_role("button", name="Build").click()
    page.wait_for_function(
        "(t) => [...document.querySelectorAll('.balena-lab-build')].pop()"
        ".textContent.includes('built for ' + t)", arg=target, timeout=600_000)
    wanted = f"{target} / {get_device_type(target).arch}"
    assert wanted in (panel.text_content() or "")  # the build's result table


def _lesson(page: Page, url: str, lesson: str, out: Path) -> None:
    _run_all(page, url)
    assert not _errors(page), _errors(page)
    target = PICKED.get(lesson)
    if target is not None:
        views = page.locator(".balena-lab-precedence, .balena-lab-template")
        linked = views.first if views.count() else None  # the first one follows the picker
        before = (linked.text_content() or "") if linked is not None else ""
        picker = page.locator(".balena-lab-device-type select").first
        picker.scroll_into_view_if_needed()
        label = next(t for t in picker.locator("option").all_text_contents()
                     if f"({target})" in t)
        picker.select_option(label=label)
        if linked is not None:
            # The old text may name the target too ("Dockerfile.raspberrypi3 ignored"):
            # wait for the view to change, not only for the name to appear.
            page.wait_for_function(
                "([t, old]) => { const text = document.querySelector("
                "'.balena-lab-precedence, .balena-lab-template').textContent;"
                " return text !== old && text.includes(t); }",
                arg=[target, before], timeout=30_000)
            after = linked.text_content() or ""
            assert after != before and target in after, after[:300]
        if page.locator(".balena-lab-build").count():
            _build(page, target)
        assert not _errors(page), _errors(page)
    for index, widget in enumerate(page.locator(WIDGETS).all()):
        widget.scroll_into_view_if_needed()
        kind = (widget.get_attribute("class") or "").split("balena-lab-")[-1].split()[0]
        widget.screenshot(path=str(out / f"{index:02d}-{kind}.png"))
