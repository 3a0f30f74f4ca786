"""Flags on syntheses whose cited passages changed labels (retrain, topic edit, source gone)."""

from __future__ import annotations

import sys

import numpy as np

from ess_nlp.store import Store
from ess_nlp.synthesis import (
    acknowledge_flags,
    create_synthesis,
    draft_synthesis,
    flagged_syntheses,
    open_flags,
    refresh_flags,
    resolve_scope,
)
from ess_nlp.synthesis.step import synthesis_step

corpus = sys.modules["ess_synthesis_corpus"]


def make(store: Store):  # type: ignore[no-untyped-def]
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    return create_synthesis(store, doc, author="amelie")


def test_no_change_no_flag(store: Store) -> None:
    saved = make(store)
    assert refresh_flags(store) == 0 and open_flags(store, saved.id) == []


def test_retrained_labels_flag_the_synthesis_until_seen(store: Store) -> None:
    saved = make(store)
    cahier = next(iter({c.cahier for c in saved.doc.citations()}))
    corpus.add_predictions(store, [(cahier, "themes", "T4", 0.8)])
    opened = refresh_flags(store)
    assert opened >= 1 and flagged_syntheses(store) == {saved.id: opened}
    # (the form's domain also gives way to the model's labels, by the one label rule)
    assert any("thèmes (aucun) → T4" in flag.what for flag in open_flags(store, saved.id))
    assert refresh_flags(store) == 0  # not flagged twice
    assert acknowledge_flags(store, saved.id, who="amelie") == opened
    assert open_flags(store, saved.id) == [] and refresh_flags(store) == 0
    # a later retrain moving the passage to another theme flags again
    corpus.clear_predictions(store)
    corpus.add_predictions(store, [(cahier, "themes", "T5", 0.7)])
    assert refresh_flags(store) >= 1
    assert any("T4 → T5" in flag.what for flag in open_flags(store, saved.id))


def test_topic_edit_flags(store: Store) -> None:
    saved = make(store)
    unit = next(iter(saved.doc.citations())).unit
    conn = store.conn
    conn.execute(
        "INSERT INTO topic_runs(id, model, level, created_at, backend, seed, data_hash, n_units, n_topics,"
        " outlier_share) VALUES (1, 'sentence', 'sentence', 'now', 'tfidf-svd', 0, 'x', 1, 1, 0)"
    )
    conn.execute("INSERT INTO topics(run_id, topic_id, name, label, size) VALUES (1, 0, 'Banques', 'banque', 1)")
    conn.execute(
        "INSERT INTO topic_assignments VALUES (1, ?, 0, 0, 1.0, 1.0, 'cluster', 0, 0, ?)",
        (unit, np.zeros(2, np.float32).tobytes()),
    )
    refresh_flags(store)
    acknowledge_flags(store, saved.id, who="amelie")
    conn.execute("UPDATE topics SET name = 'Crédit bancaire' WHERE run_id = 1 AND topic_id = 0")  # a rename
    assert refresh_flags(store) == 1
    assert "« 0 Banques » → « 0 Crédit bancaire »" in open_flags(store, saved.id)[0].what


def test_removed_source_is_flagged_and_pipeline_step_reports(store: Store) -> None:
    saved = make(store)
    source = next(iter(saved.doc.citations())).source
    store.remove_source(source)
    report = synthesis_step(store)
    assert report.counts["flags"] >= 1
    assert any("introuvable" in f.what for f in open_flags(store, saved.id))
