"""« Fusionner / séparer » on the Propositions page (issue 16): a click takes effect in the
database and says so in French."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ess_nlp.app
from ess_nlp.store import Store

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")
dbfixtures = sys.modules["ess_ui_dbfixtures"]


def _open_on_first_row(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=180)
    at.run()
    at.switch_page("app/pages/proposals.py")
    at.run()
    at.session_state["proposals_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    return at


def _group_of(db: Path, text: str) -> set[str]:
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT m2.proposal_id FROM proposals p JOIN duplicate_members m ON m.proposal_id = p.id"
            " JOIN duplicate_members m2 ON m2.group_id = m.group_id WHERE p.text = ?", (text,)).fetchall()
    return {r[0] for r in rows}


def test_split_then_merge_from_the_page(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = dbfixtures.copy_db(sample_db, tmp_path / "groups.sqlite3")
    at = _open_on_first_row(db, monkeypatch)
    first = str(at.dataframe(key="proposals_table").value.iloc[0]["proposition"])
    assert len(_group_of(db, first)) >= 2  # the table lists the largest groups first
    at.button(key="proposals_group_split").click().run()
    assert not at.exception and not at.error
    assert any("séparée de son groupe" in s.value for s in at.success)
    assert _group_of(db, first) == set()

    at = _open_on_first_row(db, monkeypatch)
    chosen = str(at.dataframe(key="proposals_table").value.iloc[0]["proposition"])
    target = at.selectbox(key="proposals_group_target")
    assert target.options, "another group to merge with"
    target.select_index(0).run()
    at.button(key="proposals_group_merge").click().run()
    assert not at.exception and not at.error
    assert any("mise dans ce groupe" in s.value for s in at.success)
    with Store(db) as store:
        actions = [r[0] for r in store.conn.execute("SELECT action FROM duplicate_edits ORDER BY id")]
    assert actions == ["split", "merge"]
    assert len(_group_of(db, chosen)) >= 3
