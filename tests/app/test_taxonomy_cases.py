"""A label set that does not match the database: the app says so in French and hides nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest
from test_pages import shown

import ess_nlp.app
from ess_nlp.taxonomy import default_taxonomy_path

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")


def overview(db: Path, monkeypatch: pytest.MonkeyPatch, taxonomy: Path) -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    monkeypatch.setenv("ESS_NLP_TAXONOMY", str(taxonomy))
    at = AppTest.from_file(MAIN, default_timeout=300)
    at.run()
    at.switch_page("app/pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_taxonomy_missing_a_domain(tmp_path, labelled_db, monkeypatch):
    data = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    domains = next(f for f in data["facets"] if f["id"] == "domains")
    domains["labels"] = [label for label in domains["labels"] if label["id"] != "soigner"]
    path = tmp_path / "sans-soigner.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    at = overview(labelled_db, monkeypatch, path)
    warning = next(w.value for w in at.warning if "absentes de la taxonomie" in w.value)
    assert "« soigner »" in warning
    options = at.selectbox(key="overview_domain").options
    assert "soigner (hors taxonomie)" in options  # shown apart, not dropped
    at.selectbox(key="overview_domain").set_value("soigner").run()
    assert not at.exception and any(s.value.startswith("Passages : soigner") for s in at.subheader)


def test_a_broken_taxonomy_file(tmp_path, labelled_db, monkeypatch):
    path = tmp_path / "cassee.yaml"
    path.write_text("facets: [ {id: domains, labels: ", encoding="utf-8")
    at = overview(labelled_db, monkeypatch, path)
    error = shown(next(e.value for e in at.error))
    assert error.startswith("La taxonomie n'a pas pu être lue") and "cassee.yaml" in error
    assert at.get("plotly_chart")  # the page still works with the default names
