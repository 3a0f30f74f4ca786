"""Drafting from the store: scopes, strongest constats, proposal groups ranked by cahiers,
richest initiative cards, citations that match the source passage, fallbacks."""

from __future__ import annotations

import sys

import pytest

from ess_nlp.errors import ConfigError
from ess_nlp.store import Store
from ess_nlp.synthesis import citation_for, draft_synthesis, item_for, resolve_scope, select_scope

corpus = sys.modules["ess_synthesis_corpus"]


def source_slice(store: Store, source: str, start: int, end: int) -> str:
    doc = store.document(source)
    assert doc is not None
    return doc.text[start:end]


def test_resolve_scope_names_and_errors(store: Store) -> None:
    assert resolve_scope(store, "theme", "t4").value == "T4"
    assert resolve_scope(store, "theme", "T4").label.startswith("T4 — Changer le comportement des banques")
    assert resolve_scope(store, "domain", "Se loger").value == "se_loger"
    with pytest.raises(ConfigError, match="Thème « T13 » inconnu"):
        resolve_scope(store, "theme", "T13")
    with pytest.raises(ConfigError, match=r"Aucun thème émergent|introuvable"):
        resolve_scope(store, "topic", "section:0")


def test_domain_draft_from_form_fields(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    assert "formulaire" in doc.notes[0]
    # the proposal two cahiers carry comes first, citing both
    first = doc.proposals[0]
    assert len(first.cahiers) == 2
    assert {c.organisation for c in first.citations} == {"Épargne Solidaire Nord", "La Garonnelle"}
    # the Dijon cahier (consommer) is out of scope
    texts = " ".join(i.text for _, i in doc.items())
    assert "déchetterie" not in texts
    # constats with figures rank first; initiatives sorted by richness (14 clubs, euros, jobs, url)
    assert any(ch.isdigit() for ch in doc.constats[0].text)
    assert doc.initiatives[0].title == "Épargne Solidaire Nord"
    assert doc.initiatives[0].url == "www.epargne-nord.org"


def test_every_citation_matches_its_source_passage(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    cited = list(doc.citations())
    assert len(cited) >= 6
    for c in cited:
        assert source_slice(store, c.source, c.start, c.end) == c.text
        assert c.unit and c.cahier and c.cahier_title


def test_theme_draft_uses_predictions_when_stored(store: Store) -> None:
    cahiers = {u.title: u.id for u in store.units("cahier")}
    lille = cahiers["Des clubs d'épargnants pour les entreprises de Lille"]
    corpus.add_predictions(store, [(lille, "themes", "T5", 0.9)])
    doc = draft_synthesis(store, resolve_scope(store, "theme", "T5"))
    assert "classification" in doc.notes[0]
    assert {c.cahier for c in doc.citations()} == {lille} | {
        c.cahier for c in doc.proposals[0].citations
    }  # the group cites the other cahier carrying the same proposal
    assert all(c.organisation for c in doc.citations())


def test_theme_draft_without_classification_uses_keywords(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "theme", "T4"))
    assert "mots-clés" in doc.notes[0]
    assert any("banque" in i.text for i in doc.constats)


def test_empty_scope_gives_an_empty_draft_with_a_note(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "soigner"))
    assert doc.size == 0 and "Aucun passage" in doc.notes[-1]


def test_fallback_without_extraction(tmp_path_factory: pytest.TempPathFactory) -> None:
    db = corpus.shared(tmp_path_factory, extract=False)
    with Store(db) as store:
        doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
        assert doc.proposals and doc.constats and doc.initiatives
        for c in doc.citations():
            assert source_slice(store, c.source, c.start, c.end) == c.text
        # list markers are not part of the proposal text
        assert not any(p.text.startswith("1.") for p in doc.proposals)


def test_topic_scope_selects_assigned_units(store: Store) -> None:
    import numpy as np

    sections = [u for u in store.units("section") if u.kind == "proposition"]
    conn = store.conn
    conn.execute(
        "INSERT INTO topic_runs(id, model, level, created_at, backend, seed, data_hash, n_units, n_topics,"
        " outlier_share) VALUES (1, 'section', 'section', 'now', 'tfidf-svd', 0, 'x', ?, 1, 0)",
        (len(sections),),
    )
    conn.execute("INSERT INTO topic_identities(model, topic_id, name, created_at) VALUES ('section', 0, 'Garanties', 'now')")
    conn.execute("INSERT INTO topics(run_id, topic_id, name, label, size) VALUES (1, 0, 'Garanties', 'garantie', 1)")
    chosen = next(u for u in sections if "Garonnelle" in (store.unit(u.cahier or "").title or ""))  # type: ignore[union-attr]
    for u in sections:
        conn.execute(
            "INSERT INTO topic_assignments VALUES (1, ?, ?, ?, 1.0, 1.0, 'cluster', 0, 0, ?)",
            (u.id, 0 if u.id == chosen.id else -1, 0 if u.id == chosen.id else -1, np.zeros(2, np.float32).tobytes()),
        )
    scope = resolve_scope(store, "topic", "section:0")
    assert scope.label == "Garanties"
    assert select_scope(store, scope).units == frozenset({chosen.id})
    doc = draft_synthesis(store, scope)
    assert {p.text for p in doc.proposals} >= {
        "Reconnaître les monnaies locales complémentaires dans le code monétaire et financier."
    }
    assert not doc.constats


def test_item_for_a_record_and_a_unit(store: Store) -> None:
    record = store.conn.execute("SELECT id, text FROM initiatives ORDER BY id LIMIT 1").fetchone()
    item = item_for(store, record["id"])
    assert item.kind == "initiative" and item.citations[0].record == record["id"]
    sentence = next(u for u in store.units("sentence") if "benne" in u.text)
    item = item_for(store, sentence.id)
    assert item.kind == "constat" and item.citations[0].text == sentence.text
    assert citation_for(store, sentence.id).unit == sentence.id
    assert item_for(store, sentence.id, kind="proposal").kind == "proposal"
    with pytest.raises(ConfigError, match="Passage « nope » introuvable"):
        item_for(store, "nope")


def test_item_for_a_section_quotes_its_body_without_the_heading(store: Store) -> None:
    section = next(u for u in store.units("section") if u.title and u.kind == "proposition")
    item = item_for(store, section.id)
    citation = item.citations[0]
    assert item.kind == "proposal" and not item.text.startswith(section.title)
    source_text = section.text[citation.start - section.start : citation.end - section.start]
    assert citation.text == source_text and section.text.endswith(citation.text)
    assert " ".join(citation.text.split()) == item.text

