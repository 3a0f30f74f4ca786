"""Fixtures of the app tests: the sample database (built once per session), an empty one, and
one of hand-made bad-input cahiers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("ui_dbfixtures", Path(__file__).with_name("dbfixtures.py"))
assert _spec is not None and _spec.loader is not None
dbfixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dbfixtures)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ui_sample")
    return dbfixtures.build_sample_db(tmp / "sample.sqlite3", tmp / "render")


@pytest.fixture(scope="session")
def edge_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dbfixtures.build_edge_db(tmp_path_factory.mktemp("ui_edge") / "edge.sqlite3")


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    from ess_nlp.store import Store

    path = tmp_path / "empty.sqlite3"
    Store(path).close()
    return path
