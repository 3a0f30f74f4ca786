"""Settings: every ESS_NLP_* variable read at call time into one frozen object."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ess_nlp.errors import ConfigError
from ess_nlp.settings import DEFAULT_DB, PROJECT_MODELS, Settings, resolve_db, settings


def test_defaults_without_any_variable() -> None:
    chosen = settings({})
    assert chosen == Settings()
    assert chosen.db_path == DEFAULT_DB and chosen.models_dir == PROJECT_MODELS
    assert chosen.taxonomy is None and not chosen.login_forced


def test_each_variable_sets_its_field() -> None:
    chosen = settings(
        {
            "ESS_NLP_DB": "/tmp/x.sqlite3",
            "ESS_NLP_MODELS": "/tmp/models",
            "ESS_NLP_KIND_MODEL": "none",
            "ESS_NLP_TAXONOMY": "tax.yaml",
            "ESS_NLP_LIMITS": "max_seconds=5",
            "ESS_NLP_APP_MAX_MB": "7",
            "ESS_NLP_APP_MAX_PAGES": "9",
            "ESS_NLP_USERS": "u.toml",
            "ESS_NLP_SECRETS": "s.toml",
            "ESS_NLP_LOGIN": "1",
            "ESS_NLP_PDF_FONT": "f.ttf",
            "ESS_NLP_PDF_FONT_BOLD": "fb.ttf",
            "ESS_NLP_GROUPING": "sentence",
        }
    )
    assert chosen == Settings(
        db_path=Path("/tmp/x.sqlite3"),
        models_dir=Path("/tmp/models"),
        kind_model="none",
        taxonomy=Path("tax.yaml"),
        limits="max_seconds=5",
        app_max_mb=7,
        app_max_pages=9,
        users_path=Path("u.toml"),
        secrets_path=Path("s.toml"),
        login_forced=True,
        pdf_font=Path("f.ttf"),
        pdf_font_bold=Path("fb.ttf"),
        grouping="sentence",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        chosen.db_path = Path("other")  # type: ignore[misc]


def test_read_at_call_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ESS_NLP_DB", str(tmp_path / "a.sqlite3"))
    assert resolve_db() == tmp_path / "a.sqlite3"
    monkeypatch.setenv("ESS_NLP_DB", str(tmp_path / "b.sqlite3"))
    assert resolve_db() == tmp_path / "b.sqlite3"
    assert resolve_db(tmp_path / "given.sqlite3") == tmp_path / "given.sqlite3"


def test_the_store_opens_the_database_the_environment_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ess_nlp.store import Store

    monkeypatch.setenv("ESS_NLP_DB", str(tmp_path / "env.sqlite3"))
    with Store() as store:
        assert store.path == tmp_path / "env.sqlite3"
    assert (tmp_path / "env.sqlite3").is_file()


@pytest.mark.parametrize("value", ["zero", "0", "-3", "1.5"])
def test_a_bad_number_is_refused_in_french(value: str) -> None:
    with pytest.raises(ConfigError, match="ESS_NLP_APP_MAX_MB invalide"):
        settings({"ESS_NLP_APP_MAX_MB": value})


def test_an_unknown_grouping_method_is_refused_in_french() -> None:
    with pytest.raises(ConfigError, match=r"ESS_NLP_GROUPING invalide.*lexical, semantic, core, sentence.*« meaning »"):
        settings({"ESS_NLP_GROUPING": "meaning"})


def test_the_grouping_methods_are_those_the_grouping_knows() -> None:
    """settings (a leaf module) names the methods itself; they must be ``duplicates.Method``'s."""
    from typing import get_args

    from ess_nlp.extract.duplicates import Method
    from ess_nlp.settings import GROUPING_METHODS

    assert get_args(Method) == GROUPING_METHODS


def test_no_module_reads_the_environment_but_settings() -> None:
    package = Path(__file__).resolve().parents[1] / "ess_nlp"
    readers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "ESS_NLP_" in path.read_text(encoding="utf-8") and "environ.get(" in path.read_text(encoding="utf-8")
    )
    assert readers == ["settings.py"], readers
