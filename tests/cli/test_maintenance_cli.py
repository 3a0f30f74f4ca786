"""``ess-nlp check`` and ``ess-nlp backup`` (issue 18): an online copy that holds what was stored,
an integrity report, and French sentences for bad targets."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from ess_nlp.cli import app
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store

runner = CliRunner()


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "base.sqlite3"
    text = "Un cahier\n\nNous proposons de mutualiser les locaux."
    doc = Document(source="a.txt", text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())
    with Store(path) as store:
        store.add_document(doc, split_document(doc))
    return path


def test_backup_copies_everything_while_the_base_is_open(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with Store(db) as writer:  # another connection holds the base open meanwhile
        units = writer.conn.execute("SELECT count(*) FROM units").fetchone()[0]
        result = runner.invoke(app, ["backup", str(tmp_path / "copies" / "b.sqlite3"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "intégrité vérifiée" in result.output
    with Store(tmp_path / "copies" / "b.sqlite3") as copy:
        assert copy.conn.execute("SELECT count(*) FROM units").fetchone()[0] == units
    assert not list((tmp_path / "copies").glob("*.partiel"))


def test_check_says_the_base_is_sound(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--db", str(_db(tmp_path))])
    assert result.exit_code == 0 and "aucun problème" in result.output


def test_check_reports_a_broken_reference(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with Store(db) as store:
        store.conn.execute("PRAGMA foreign_keys = OFF")
        store.conn.execute("DELETE FROM sources")  # units now point at nothing
    result = runner.invoke(app, ["check", "--db", str(db)])
    assert result.exit_code == 1 and "problème(s) d'intégrité" in result.output


def test_bad_targets_and_a_missing_base_are_one_sentence(tmp_path: Path) -> None:
    db = _db(tmp_path)
    for target, words in ((tmp_path, "pas un fichier ordinaire"), (db, "la base elle-même")):
        result = runner.invoke(app, ["backup", str(target), "--db", str(db)])
        assert result.exit_code != 0 and words in str(result.exception or result.output)
    result = runner.invoke(app, ["check", "--db", str(tmp_path / "absente.sqlite3")])
    assert result.exit_code != 0 and "base introuvable" in str(result.exception or result.output)
