"""The draft uses the kinds of extracted items (issue 12): « Nous constatons » takes findings,
not descriptions of activity; proposals keep their sub-items; examples are short cards whose
full passage is the citation."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ess_nlp.store import Store
from ess_nlp.synthesis import draft_synthesis, resolve_scope


def test_examples_are_short_cards_with_the_full_passage_cited(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    card = next(i for i in doc.initiatives if i.title == "Épargne Solidaire Nord")
    passage = card.citations[0].text
    assert card.organisation == "Épargne Solidaire Nord" and card.place == "Lille"
    assert card.url == "www.epargne-nord.org"
    assert "Résultats : " in card.text and "410 000 euros" in card.text
    assert len(card.text) < len(passage) + 60
    assert "Site : www.epargne-nord.org" in passage  # the whole passage stays in the footnote


def test_descriptions_of_activity_stay_out_of_nous_constatons(store: Store) -> None:
    scope = resolve_scope(store, "domain", "financer")
    before = draft_synthesis(store, scope)
    first = before.constats[0]
    citation = first.citations[0]
    [(record,)] = store.conn.execute("SELECT id FROM constats WHERE unit_id = ? AND start = ?",
                                     (citation.unit, citation.start)).fetchall()
    store.conn.execute("UPDATE constats SET kind_score = 0.05 WHERE id = ?", (record,))
    after = draft_synthesis(store, scope)
    assert first.text not in [c.text for c in after.constats]
    store.conn.execute("UPDATE constats SET kind_score = 0.95 WHERE id = ?", (record,))
    assert first.text in [c.text for c in draft_synthesis(store, scope).constats]


def test_proposals_keep_their_sub_items(tmp_path: Path) -> None:
    from ess_nlp.extract.step import extract_step
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document

    text = ("Des prêts pour les SCIC\n\nStructure porteuse : Coopérative Ouest\n\nDomaine : Financer\n\n"
            "Nos propositions\n\nNous proposons :\n\n1. D'ouvrir la commande publique aux structures de l'ESS :\n"
            "   a) en réservant des lots aux SIAE ;\n   b) en simplifiant les dossiers de candidature.\n\n"
            "2. De créer un fonds de garantie pour les SCIC.\n")
    doc = Document("scic.txt", text, "txt", hashlib.sha256(text.encode()).hexdigest())
    with Store(tmp_path / "db.sqlite3") as store:
        store.add_document(doc, split_document(doc))
        extract_step(store)
        draft = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    parent = next(p for p in draft.proposals if p.text.startswith("D'ouvrir la commande publique"))
    assert [c.text for c in parent.children] == ["en réservant des lots aux SIAE ;",
                                                 "en simplifiant les dossiers de candidature."]
    assert all(not p.text.startswith("en ") for p in draft.proposals)
