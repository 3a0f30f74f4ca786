"""Fixtures for the tests of the sample corpus build (corpus/authoring/build.py) and its outputs."""

from __future__ import annotations

import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

import pytest
from corpus_extract import AUTHORING, GOLD_DIR


@pytest.fixture(scope="session")
def build_module() -> ModuleType:
    """corpus/authoring/build.py imported as a module (it is a script, not a package)."""
    if str(AUTHORING) not in sys.path:
        sys.path.insert(0, str(AUTHORING))
    spec = importlib.util.spec_from_file_location("corpus_authoring_build", AUTHORING / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def specs(build_module: ModuleType) -> dict[str, dict[str, Any]]:
    from cahiers_build.model import load_specs

    return {str(s["id"]): s for s in load_specs(AUTHORING / "specs")}


@pytest.fixture(scope="session")
def cahiers(build_module: ModuleType, specs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The build's model (elements + gold) of every spec."""
    from cahiers_build.model import build_cahier

    return {sid: build_cahier(spec) for sid, spec in specs.items()}


@pytest.fixture(scope="session")
def cross_gold() -> list[dict[str, Any]]:
    path = GOLD_DIR / "crossformat.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
