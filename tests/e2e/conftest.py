"""Fixtures of the end-to-end tests: the app served by ``streamlit run`` on 127.0.0.1 (a free
port) over a copy of the sample database, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import serve_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if "ess_ui_dbfixtures" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "ess_ui_dbfixtures", ROOT / "tests" / "app" / "dbfixtures.py"
    )
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    sys.modules["ess_ui_dbfixtures"] = _module
dbfixtures = sys.modules["ess_ui_dbfixtures"]


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} absent : installez les paquets Debian chromium et chromium-driver (scripts/test.sh le fait)"
    if os.environ.get("ESS_NLP_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_browser()
    sample = dbfixtures.shared_sample_db(tmp_path_factory)
    # The sample corpus with its gold domains and themes saved as annotations: the coverage map
    # has cells to click even before a classifier ran.
    return dbfixtures.labelled_db(sample, tmp_path_factory.mktemp("e2e") / "app.sqlite3")


@pytest.fixture(scope="session")
def app_url(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on 127.0.0.1, waited for through its health endpoint."""
    log = tmp_path_factory.mktemp("e2e_server") / "streamlit.log"
    try:
        with serve_app(e2e_db, log) as url:
            yield url
    finally:
        if ARTIFACTS.is_dir() and log.exists():
            shutil.copy(log, ARTIFACTS / "streamlit.log")


@pytest.fixture(scope="session")
def browser(e2e_db: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: object, app_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    try:
        yield tab
    finally:
        context.close()
