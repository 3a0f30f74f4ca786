"""Fixtures of the synthesis tests: the small extracted corpus (built once), a writable copy."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

if "ess_synthesis_corpus" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "ess_synthesis_corpus", Path(__file__).with_name("synthesis_corpus.py")
    )
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    sys.modules["ess_synthesis_corpus"] = _module
corpus = sys.modules["ess_synthesis_corpus"]


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.shared(tmp_path_factory)


@pytest.fixture
def store(corpus_db: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    from ess_nlp.store import Store

    with Store(corpus.copy(corpus_db, tmp_path / "work.sqlite3")) as s:
        yield s
