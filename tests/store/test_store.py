"""The SQLite store: migrations, idempotent re-ingestion, replacement, search, transactions."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from ess_nlp.records import Document, Footnote, Page, Unit
from ess_nlp.store import Store, fts_query
from ess_nlp.store._migrations import available_migrations


def make_doc(source: str, text: str) -> Document:
    return Document(
        source=source,
        text=text,
        format="txt",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        pages=(Page(1, 0, len(text)),),
        footnotes=(Footnote("1", "Une note.", 3),),
    )


def make_units(doc: Document) -> list[Unit]:
    key = doc.sha256[:10]
    cahier = Unit(
        f"{key}:c1", "cahier", None, doc.source, 0, len(doc.text), doc.text, title="T", cahier=f"{key}:c1"
    )
    sentence = Unit(
        f"{key}:c1.t1",
        "sentence",
        cahier.id,
        doc.source,
        0,
        len(doc.text),
        doc.text,
        cahier=cahier.id,
        lemmas="créer un coopératif",
    )
    return [cahier, sentence]


def test_migrations_apply_once_and_are_recorded(tmp_path):
    path = tmp_path / "db.sqlite3"
    Store(path).close()
    with Store(path) as store:  # a second open applies nothing new
        versions = [row[0] for row in store.conn.execute("SELECT version FROM schema_migrations")]
        assert versions == sorted(v for v, _, _ in available_migrations())
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_add_document_is_idempotent_and_replaces_changed_sources(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        first = make_doc("a.txt", "Nous proposons de créer des coopératives.")
        other = make_doc("b.txt", "Un autre cahier sur l'économie solidaire.")
        assert store.add_document(first, make_units(first)) == "added"
        assert store.add_document(other, make_units(other)) == "added"
        assert store.add_document(first, make_units(first)) == "unchanged"
        changed = make_doc("a.txt", "Nous proposons de financer les SCIC.")
        assert store.add_document(changed, make_units(changed)) == "replaced"
        assert [u.text for u in store.units("sentence", source="a.txt")] == [changed.text]
        # the other source is untouched, and the old text left the full-text index
        assert [u.source for u in store.units("sentence", source="b.txt")] == ["b.txt"]
        assert store.search("coopératives") == []
        assert [h.unit.source for h in store.search("SCIC")] == ["a.txt"]
        assert store.add_document(make_doc("copie.txt", other.text), []) == "duplicate"


def test_search_ignores_accents_and_matches_lemmas(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        doc = make_doc("a.txt", "Nous proposons de créer des coopératives.")
        store.add_document(doc, make_units(doc))
        assert len(store.search("cooperatives")) == 1  # typed without accents
        assert len(store.search("COOPÉRATIVES")) == 1
        assert store.search("coopératif") == []  # not a word form of the text...
        assert len(store.search("coopératif", lemmas="coopératif")) == 1  # ...but one of its lemmas
        assert store.search('"; DROP TABLE units; --') == []


def test_fts_query_quotes_every_word():
    assert fts_query('économie "sociale" OR') == '"économie" AND "sociale" AND "OR"'
    assert fts_query("coop*") == '"coop"*'
    assert fts_query("  ") == ""


def test_failed_transaction_leaves_nothing(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        doc = make_doc("a.txt", "Texte.")
        broken = [*make_units(doc), make_units(doc)[0]]  # duplicate unit id
        with pytest.raises(sqlite3.IntegrityError):
            store.add_document(doc, broken)
        assert store.sources() == []
        assert store.count_units() == {}


def test_remove_source_cascades(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        doc = make_doc("a.txt", "Nous proposons de créer des coopératives.")
        store.add_document(doc, make_units(doc))
        assert store.remove_source("a.txt")
        assert store.count_units() == {}
        assert store.conn.execute("SELECT count(*) FROM footnotes").fetchone()[0] == 0
        assert store.search("coopératives") == []
        assert not store.remove_source("a.txt")


def test_document_round_trip(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        doc = make_doc("a.txt", "Texte.")
        store.add_document(doc, make_units(doc))
        assert store.document("a.txt") == doc
        assert store.document("absent.txt") is None


def test_shipped_migrations_are_numbered_once_each_without_gaps():
    """Two branches adding the same number would make the runner apply one file and skip the other."""
    versions = [version for version, _, _ in available_migrations()]
    assert versions == list(range(1, len(versions) + 1)), versions


def test_bulk_keeps_savepoint_journals_in_memory_and_restores_the_defaults(tmp_path):
    with Store(tmp_path / "base.sqlite3") as store:
        pragmas = ("temp_store", "cache_size")

        def read() -> tuple[int, ...]:
            return tuple(store.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in pragmas)

        before = read()
        with store.bulk():
            assert read() == (2, -64 * 1024)  # 2: MEMORY
            with store.transaction(), store.transaction():  # a savepoint inside, as the writer does
                store.conn.execute("CREATE TABLE bulk_probe (x)")
        assert read() == before
        with pytest.raises(RuntimeError), store.bulk():
            raise RuntimeError("interrupted")
        assert read() == before
