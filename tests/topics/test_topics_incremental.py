"""The main job's topic step keeps what is stored: an unchanged level is reused, a few added
units are placed in the existing topics, many added units refit (ids, names and edits kept)."""

from __future__ import annotations

import sqlite3
from collections import Counter

import numpy as np
import pytest
from topics_corpus import add_sections, make_corpus

from ess_nlp.store import Store
from ess_nlp.store._migrations import available_migrations
from ess_nlp.topics import load_run, rename_edit
from ess_nlp.topics._db import edit_topics
from ess_nlp.topics.step import topics_step

SUBJECTS: dict[str, str] = {}


@pytest.fixture
def store(tmp_path):  # type: ignore[no-untyped-def]
    with Store(tmp_path / "ess.sqlite3") as store:
        ids, texts, subjects = make_corpus(per_subject=15, seed=31)
        SUBJECTS.update(zip(add_sections(store, ids, texts), subjects, strict=True))
        yield store


def assignments(store: Store, run_id: int) -> dict[str, tuple[int, str]]:
    rows = store.conn.execute("SELECT unit_id, topic_id, origin FROM topic_assignments WHERE run_id = ?", (run_id,))
    return {r["unit_id"]: (int(r["topic_id"]), r["origin"]) for r in rows}


def test_unchanged_units_reuse_the_stored_run(store) -> None:  # type: ignore[no-untyped-def]
    first = topics_step(store)
    second = topics_step(store)
    assert first.counts["reused"] == 0 and second.counts["reused"] == 1
    assert second.counts["run_id"] == first.counts["run_id"]
    assert "repris du calcul précédent" in second.summary
    assert store.conn.execute("SELECT count(*) FROM topic_runs").fetchone()[0] == 1


def test_a_few_added_units_are_placed_without_refitting(store) -> None:  # type: ignore[no-untyped-def]
    first = topics_step(store)
    before = assignments(store, first.counts["run_id"])
    topic = min(t for t, _ in before.values() if t >= 0)
    edit_topics(store, "section", rename_edit(topic, "Nom donné par le groupe", who="anne"))
    ids, texts, subjects = make_corpus(per_subject=2, seed=32, subjects=("mobilite", "finance"))
    new_units = add_sections(store, ids, texts)
    report = topics_step(store)
    assert report.counts["placed"] == 4 and report.counts["reused"] == 0
    after = assignments(store, report.counts["run_id"])
    assert {u: after[u] for u in before} == before  # nobody else moved
    assert {after[u][1] for u in new_units} == {"assigned"}
    result = load_run(store, "section")
    assert result.info[topic].name == "Nom donné par le groupe"
    # Each new unit lands in the topic holding most units of its subject.
    for unit, subject in zip(new_units, subjects, strict=True):
        same = Counter(t for u, (t, _) in before.items() if SUBJECTS[u] == subject)
        assert after[unit][0] == same.most_common(1)[0][0]
    # A further unchanged run reuses the placed run.
    assert topics_step(store).counts["reused"] == 1


def test_many_added_units_refit_and_keep_ids_and_names(store) -> None:  # type: ignore[no-untyped-def]
    first = topics_step(store)
    names = {t: i.name for t, i in load_run(store, "section").info.items()}
    ids, texts, _ = make_corpus(per_subject=12, seed=33, subjects=("sante",))
    add_sections(store, ids, texts)
    report = topics_step(store)
    assert report.counts["placed"] == 0 and report.counts["reused"] == 0
    assert report.counts["run_id"] != first.counts["run_id"]
    later = load_run(store, "section")
    kept = [t for t in names if t in later.info]
    assert len(kept) >= len(names) - 1
    assert all(later.info[t].name == names[t] for t in kept)
    assert max(later.info) >= max(names) + 1  # the new subject gets a new id


def test_removed_units_leave_the_run_without_refitting(store) -> None:  # type: ignore[no-untyped-def]
    first = topics_step(store)
    before = assignments(store, first.counts["run_id"])
    path = store.conn.execute("SELECT path FROM sources ORDER BY path LIMIT 1").fetchone()["path"]
    store.remove_source(path)
    report = topics_step(store)
    after = assignments(store, report.counts["run_id"])
    assert len(after) == len(before) - 1
    assert all(after[u] == before[u] for u in after)
    assert "sections retirées" in report.summary


def test_topic_placement_migration_keeps_existing_assignments(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for version, _, sql in available_migrations():
        if version < 7:
            conn.executescript(sql)
    conn.executescript(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);"
        + "".join(
            f"INSERT INTO schema_migrations VALUES ({v}, '{n}', 'x');" for v, n, _ in available_migrations() if v < 7
        )
        + "INSERT INTO sources(id, path, sha256, format, size, text, ingested_at) VALUES (1, 'a.txt', 'h', 'txt', 1, 't', 'x');"
        + "INSERT INTO units(id, source_id, level, ord, start, end, text) VALUES ('u1', 1, 'section', 0, 0, 1, 't');"
        + "INSERT INTO topic_runs(id, model, created_at, backend, seed, data_hash, n_units, n_topics, outlier_share)"
        " VALUES (1, 'section', 'x', 'tfidf-svd', 42, 'h', 1, 1, 0);"
        + "INSERT INTO topic_assignments VALUES (1, 'u1', 0, 0, 1.0, 1.0, 'cluster', 0, 0, x'00000000');"
    )
    conn.close()
    with Store(path) as store:
        row = store.conn.execute("SELECT unit_id, origin FROM topic_assignments").fetchone()
        assert (row["unit_id"], row["origin"]) == ("u1", "cluster")
        store.conn.execute("UPDATE topic_assignments SET origin = 'assigned'")
        assert np.isfinite(store.conn.execute("SELECT probability FROM topic_assignments").fetchone()[0])
