"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per session.

Without /usr/bin/chromium (or Playwright) the tests skip with a message; with ``CI=true`` they
fail instead, so a CI image that lost its browser cannot pass silently.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the e2e_* helper modules

import e2e_axe  # noqa: E402
from e2e_server import LabServer, start_lab, stop_lab  # noqa: E402

CHROMIUM = Path(os.environ.get("PENINSULA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    # Hermetic: every host except the local server fails at once (no internet waits).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def in_ci() -> bool:
    """True when the environment says we run in CI (then missing tools fail, not skip)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must not be skipped)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is an e2e test."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium that Playwright drives (never downloaded)."""
    if not CHROMIUM.is_file():
        skip_or_fail(
            f"{CHROMIUM} not found: install it with `apt-get install -y chromium fonts-noto-cjk`"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator:
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright (python) is not installed: pip install -r requirements-dev.txt")
    pw = sync_playwright().start()
    try:
        instance = pw.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
    except Exception as err:
        pw.stop()
        pytest.fail(f"could not launch {chromium_path}: {err}", pytrace=False)
    yield instance
    instance.close()
    pw.stop()


@pytest.fixture(scope="session")
def lab_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: Path
) -> Iterator[LabServer]:
    """JupyterLab on 127.0.0.1 serving a temporary copy of the course; stopped at the end."""
    server = start_lab(tmp_path_factory.mktemp("jupyterlab"))
    yield server
    stop_lab(server)


@pytest.fixture(scope="session")
def lesson_runs(browser, lab_server: LabServer):
    """Each lesson run once in the browser, shared by all test files."""
    from e2e_lessons import LessonRuns

    return LessonRuns(browser, lab_server)


@pytest.fixture
def page(browser, lab_server: LabServer) -> Iterator:
    """A fresh browser page (own context) for tests that drive JupyterLab themselves."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def axe_ready() -> None:
    """axe-core from ``npm ci`` (skip, or fail in CI, when it is missing)."""
    if not e2e_axe.axe_available():
        skip_or_fail(f"{e2e_axe.AXE_JS} missing: run `npm ci` at the repository root")
