"""People's edits commit with ``synchronous = FULL``, bulk writes with ``NORMAL`` (issue 18, item
8; the measured cost is in docs/reliability.md): the statements SQLite receives say which."""

from __future__ import annotations

from pathlib import Path

from ess_nlp.store import Store
from ess_nlp.synthesis import Scope, Synthesis, create_synthesis, edit, save_synthesis


def statements(store: Store) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    return seen


def sync_level(store: Store) -> int:
    return int(store.conn.execute("PRAGMA synchronous").fetchone()[0])


def test_a_durable_transaction_commits_with_full_then_goes_back_to_normal(tmp_path: Path) -> None:
    with Store(tmp_path / "b.sqlite3") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal" and sync_level(store) == 1  # NORMAL
        seen = statements(store)
        with store.transaction(durable=True):
            assert sync_level(store) == 2  # FULL while the edit is written and committed
            with store.transaction(durable=True):  # nested: a savepoint of the same transaction
                pass
        assert sync_level(store) == 1
        assert seen.index("PRAGMA synchronous = FULL") < seen.index("BEGIN IMMEDIATE") < seen.index("COMMIT")
        assert seen.index("COMMIT") < seen.index("PRAGMA synchronous = NORMAL")
        seen.clear()
        with store.transaction():  # a bulk write keeps NORMAL
            assert sync_level(store) == 1
        assert "PRAGMA synchronous = FULL" not in seen


def test_a_failed_durable_transaction_also_goes_back_to_normal(tmp_path: Path) -> None:
    with Store(tmp_path / "b.sqlite3") as store:
        try:
            with store.transaction(durable=True) as conn:
                conn.execute("CREATE TABLE t(x)")
                raise RuntimeError("stop")
        except RuntimeError:
            pass
        assert sync_level(store) == 1 and not store.conn.in_transaction


def test_synthesis_saves_are_durable(tmp_path: Path) -> None:
    with Store(tmp_path / "b.sqlite3") as store:
        seen = statements(store)
        saved = create_synthesis(store, Synthesis("Financer", Scope("theme", "T4")), author="amelie")
        save_synthesis(store, saved.id, edit.set_introduction(saved.doc, "Intro."), base_version=1, author="amelie")
        commits = [n for n, s in enumerate(seen) if s == "COMMIT"]
        fulls = [n for n, s in enumerate(seen) if s == "PRAGMA synchronous = FULL"]
        assert len(commits) == len(fulls) == 2 and all(f < c for f, c in zip(fulls, commits, strict=True))


def test_annotations_are_durable(tmp_path: Path) -> None:
    import hashlib

    from ess_nlp.annotate.annotations import save_annotation
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document

    text = "Un cahier\n\nNous proposons de mutualiser les locaux."
    doc = Document(source="a.txt", text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())
    with Store(tmp_path / "b.sqlite3") as store:
        store.add_document(doc, split_document(doc))
        unit = next(store.units("cahier")).id
        seen = statements(store)
        save_annotation(store, unit, "domains", ["financer"], annotator="alice", seen=None)
        assert seen.index("PRAGMA synchronous = FULL") < seen.index("COMMIT") < seen.index("PRAGMA synchronous = NORMAL")
