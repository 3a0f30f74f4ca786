"""Fixtures of the app tests: the sample database (built once per session), an empty one, and
one of hand-made bad-input cahiers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# Loaded by file path (tests/ is not a package) under one name, so tests/e2e shares its cache.
if "ess_ui_dbfixtures" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "ess_ui_dbfixtures", Path(__file__).with_name("dbfixtures.py")
    )
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    sys.modules["ess_ui_dbfixtures"] = _module
dbfixtures = sys.modules["ess_ui_dbfixtures"]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dbfixtures.shared_sample_db(tmp_path_factory)


@pytest.fixture(scope="session")
def edge_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dbfixtures.build_edge_db(tmp_path_factory.mktemp("ui_edge") / "edge.sqlite3")


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    from ess_nlp.store import Store

    path = tmp_path / "empty.sqlite3"
    Store(path).close()
    return path


@pytest.fixture(scope="session")
def topics_db(tmp_path_factory: pytest.TempPathFactory, sample_db: Path) -> Path:
    """A copy of the sample database with topics (run here when the pipeline did not)."""
    return dbfixtures.topics_db(sample_db, tmp_path_factory.mktemp("ui_topics") / "topics.sqlite3")


@pytest.fixture(scope="session")
def labelled_db(tmp_path_factory: pytest.TempPathFactory, sample_db: Path) -> Path:
    """A copy of the sample database whose cahiers carry their gold domains and themes as app
    annotations (the coverage map works from them when no classifier ran)."""
    return dbfixtures.labelled_db(sample_db, tmp_path_factory.mktemp("ui_labelled") / "labelled.sqlite3")


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database with every hostile input of issue 17 ingested beside it (a copy of the
    session's one, which tests/e2e shares)."""
    shared = dbfixtures.shared_hostile_db(tmp_path_factory)
    return dbfixtures.copy_db(shared, tmp_path_factory.mktemp("ui_hostile") / "hostile.sqlite3")
