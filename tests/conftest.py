"""Shared fixtures: paths to the sample corpus, its gold and the real data beside the project."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "corpus" / "sample"
GOLD_DIR = ROOT / "corpus" / "gold"
SHARED_DATA = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def sample_gold() -> list[dict]:
    path = GOLD_DIR / "sample.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that use it skip with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not available: {SHARED_DATA} is absent (it sits beside the project in CI)")
    return SHARED_DATA


def dbfixtures() -> object:
    """``tests/app/dbfixtures.py``, loaded by file path (tests/ is not a package) under the one
    name tests/app and tests/e2e use, so that every module shares its cache."""
    import importlib.util
    import sys

    if "ess_ui_dbfixtures" not in sys.modules:
        spec = importlib.util.spec_from_file_location("ess_ui_dbfixtures", ROOT / "tests" / "app" / "dbfixtures.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["ess_ui_dbfixtures"] = module
    return sys.modules["ess_ui_dbfixtures"]


@pytest.fixture(scope="session")
def shared_sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's main command over ``corpus/sample``, built once per test session and shared by
    the pytest-xdist workers (``tests/app/dbfixtures.py``); read-only: copy it to write."""
    return dbfixtures().shared_sample_db(tmp_path_factory)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture(autouse=True)
def _fresh_login_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Failed logins are counted for the whole process (ess_nlp.access.THROTTLE): each test
    starts with no failure counted, so one test's wrong passwords never lock another's account."""
    from ess_nlp.access import LoginThrottle, _users

    monkeypatch.setattr(_users, "THROTTLE", LoginThrottle())


# Scheduling only (issue 14: suite time), nothing about what a test checks. Under
# ``pytest -n 2 --dist loadfile`` (scripts/test.sh) each module is one unit of work, so its
# module fixtures are built once, on one worker; the modules that take longest start first, in
# this order, so that no long module is left for the end while the other worker idles; the
# others follow in collection order. Modules that share a costly session fixture form one unit.
SLOW_FIRST = (
    "tests/test_parallel.py",
    "tests/e2e/test_syntheses_e2e.py",
    "tests/e2e/test_app_browser.py",
    "tests/e2e/test_french_ui.py",
    "tests/app/test_hostile_pages.py",
    "tests/e2e/test_hostile_served.py",
    "tests/extract/test_extract_gold.py",
    "tests/classify/test_same_on_every_machine.py",
    "tests/extract/test_kinds.py",
    "tests/privacy/test_privacy_real.py",
    "tests/app/test_annotate_page.py",
    "tests/extract/test_extract_real_sets.py",
    "tests/cli/test_ingest_cli.py",
    "tests/e2e/test_markdown_injection.py",
    "tests/topics/test_topics_real_data.py",
    "tests/test_isolation.py",
    "tests/test_pipeline.py",
    "tests/app/test_pages.py",
    "tests/app/test_syntheses.py",
    "tests/topics/test_topics_model.py",
    "tests/topics/test_topics_backends.py",
    "tests/classify/test_notebook.py",
    "tests/export/test_export_large.py",
    "tests/ingest/test_hostile.py",
    "tests/extract/test_extract_shared_data.py",
)
# The two modules served by the session's one app server (tests/e2e/conftest.py: app_url).
SAME_GROUP = {"tests/e2e/test_french_ui.py": "tests/e2e/test_app_browser.py"}


def _module(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    return SAME_GROUP.get(module, module)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``--dist loadfile`` with :data:`SAME_GROUP`'s modules in one unit, in the order of the
    collection (not by number of tests)."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return _module(nodeid)

    config.option.loadscopereorder = False
    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(SLOW_FIRST)}
    order = {id(item): n for n, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(_module(item.nodeid), len(rank)), order[id(item)]))
