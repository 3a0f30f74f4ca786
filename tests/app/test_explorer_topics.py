"""« Explorer » with topics: list, map, a topic's units, and edits kept with who and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ess_nlp.app
from ess_nlp.store import Store
from ess_nlp.topics import latest_run_id, list_edits, topic_models

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")
pytestmark = pytest.mark.slow  # clusters the sample corpus when the pipeline did not


def open_explorer(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=300)
    at.run()
    at.switch_page("app/pages/explorer.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def biggest_topic(db: Path) -> tuple[str, int, str]:
    with Store(db) as store:
        model = topic_models(store)[0]["model"]
        run = latest_run_id(store, model)
        row = store.conn.execute(
            "SELECT topic_id, name FROM topics WHERE run_id = ? ORDER BY size DESC LIMIT 1", (run,)
        ).fetchone()
    return model, int(row["topic_id"]), str(row["name"])


def select_topic(at: AppTest, topic: int) -> None:
    table = at.dataframe(key="explorer_topics").value
    row = next(i for i, name in enumerate(table["sujet"]) if name.startswith(f"{topic} · "))
    at.session_state["explorer_topics"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()


def test_topics_table_map_and_units(topics_db, monkeypatch):
    at = open_explorer(topics_db, monkeypatch)
    assert at.dataframe(key="explorer_topics").value.shape[0] >= 2
    assert at.get("plotly_chart")
    _model, topic, name = biggest_topic(topics_db)
    select_topic(at, topic)
    assert not at.exception, [e.value for e in at.exception]
    header = next(m.value for m in at.markdown if m.value.startswith(f"**Sujet {topic} · "))
    assert name in header


def test_filters_narrow_the_topics(topics_db, monkeypatch):
    at = open_explorer(topics_db, monkeypatch)
    sources = at.multiselect(key="explorer_sources")
    sources.set_value([sources.options[0]]).run()
    assert any("Filtres appliqués" in c.value for c in at.caption)


def test_rename_needs_a_reason_then_is_logged(tmp_path, topics_db, monkeypatch):
    import sys

    db = sys.modules["ess_ui_dbfixtures"].copy_db(topics_db, tmp_path / "edit.sqlite3")
    at = open_explorer(db, monkeypatch)
    model, topic, _ = biggest_topic(db)
    select_topic(at, topic)
    # Form fields are sent with the submit button (as in the browser): fill them, then submit.
    at.text_input(key="explorer_edit_name").input("Habitat coopératif")
    at.text_input(key="explorer_edit_who").input("Claire")
    next(b for b in at.button if b.label == "Appliquer la modification").click().run()
    assert any("Dites pourquoi" in e.value for e in at.error)
    with Store(db) as store:
        assert list_edits(store, model) == []
    at.text_input(key="explorer_edit_name").input("Habitat coopératif")
    at.text_input(key="explorer_edit_who").input("Claire")
    at.text_area(key="explorer_edit_why").input("Le thème parle d'habitat partagé.")
    next(b for b in at.button if b.label == "Appliquer la modification").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Store(db) as store:
        (edit,) = list_edits(store, model)
        name = store.conn.execute(
            "SELECT name FROM topics WHERE run_id = ? AND topic_id = ?", (latest_run_id(store, model), topic)
        ).fetchone()[0]
    assert (edit.kind, edit.who, edit.why) == ("rename", "Claire", "Le thème parle d'habitat partagé.")
    assert name == "Habitat coopératif"
    log = next(e for e in at.expander if e.label.startswith("Historique des modifications"))
    assert log.label.endswith("(1)")
    assert list(log.dataframe[0].value["qui"]) == ["Claire"]


def test_outlier_constants_mirror_the_topics_package():
    from ess_nlp import topics
    from ess_nlp.app.pages import explorer

    assert (explorer.OUTLIER, explorer.OUTLIER_LABEL) == (topics.OUTLIER, topics.OUTLIER_LABEL)
