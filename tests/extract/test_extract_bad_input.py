"""Bad input of issue 4: no crash, no silent loss, sensible output."""

from __future__ import annotations

from ess_nlp.records import Page


def test_document_with_no_proposals(extract_text) -> None:
    text = ("Le jardin partagé des Brizeaux\n\nCréé en 2012, le jardin réunit 40 familles du quartier. "
            "Les parcelles sont cultivées sans pesticides et une fête a lieu chaque été.\n")
    _, _, extraction = extract_text(text)
    assert extraction.proposals == ()
    [card] = extraction.initiatives
    assert card.name == "Le jardin partagé des Brizeaux" or "Brizeaux" in (card.name or "")
    assert [(f.value, f.unit) for f in card.figures] == [(40, "personnes")]


def test_empty_and_blank_documents(extract_text) -> None:
    for text in ("", "\n\n  \n"):
        _, _, extraction = extract_text(text)
        assert extraction.records() == []


def test_list_of_300_items_keeps_every_item_with_its_number(extract_text) -> None:
    items = "\n\n".join(f"{i}. De créer le dispositif numéro {i} pour les structures de l'ESS." for i in range(1, 301))
    doc, _, extraction = extract_text(f"Nos propositions\n\nNous proposons :\n\n{items}\n")
    assert len(extraction.proposals) == 300
    assert [p.number for p in extraction.proposals] == [f"{i}." for i in range(1, 301)]
    assert len({p.id for p in extraction.proposals}) == 300
    for p in extraction.proposals[::37]:
        assert doc.text[p.start : p.end] == p.text


def test_proposal_spanning_a_page_break_stays_one_proposal(extract_text) -> None:
    text = ("Nos propositions\n\nNous proposons :\n\n"
            "1. De créer un fonds territorial de garantie pour les SCIC et les SCOP qui\n\n"
            "reprennent une entreprise en difficulté dans les territoires ruraux.\n\n"
            "2. D'ouvrir la commande publique aux structures de l'ESS.\n")
    doc, _, extraction = extract_text(text)
    assert [p.number for p in extraction.proposals] == ["1.", "2."]
    first = extraction.proposals[0]
    assert first.text.startswith("De créer un fonds") and first.text.endswith("territoires ruraux.")
    assert doc.text[first.start : first.end] == first.text
    assert extraction.constats == ()  # the continuation is not reported a second time


def test_pdf_pages_do_not_break_extraction(extract_text, nlp) -> None:
    from ess_nlp.extract import extract_units
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document

    text = ("Nos propositions\n\n1. De créer un fonds de garantie pour les SCIC qui\n\n"
            "reprennent des entreprises.\n\n2. Que l'État garantisse les prêts.\n")
    cut = text.index("reprennent")
    doc = Document("cahier.pdf", text, "pdf", "0" * 64, pages=(Page(1, 0, cut), Page(2, cut, len(text))))
    extraction = extract_units(split_document(doc), nlp=nlp)
    assert [p.number for p in extraction.proposals] == ["1.", "2."]
    assert extraction.proposals[0].end > cut


def test_text_in_another_language_gives_no_false_french_proposals(extract_text) -> None:
    text = ("Our cooperative recycles furniture in Bristol. We employ twelve people and we propose "
            "to open a second shop.\n\nThe council should fund social enterprises.\n")
    _, _, extraction = extract_text(text)
    assert extraction.proposals == ()
    for record in extraction.records():
        assert record.text  # whatever is returned is traceable, nothing crashes


def test_all_caps_text(extract_text) -> None:
    text = ("NOS PROPOSITIONS\n\nNOUS PROPOSONS :\n\n1. DE CRÉER UN FONDS DE GARANTIE POUR LES SCIC.\n\n"
            "2. QUE L'ÉTAT GARANTISSE LES PRÊTS D'HONNEUR.\n\nIL FAUT SIMPLIFIER LES DOSSIERS DU FSE.\n")
    doc, _, extraction = extract_text(text)
    texts = [p.text for p in extraction.proposals]
    assert "DE CRÉER UN FONDS DE GARANTIE POUR LES SCIC." in texts
    assert "QUE L'ÉTAT GARANTISSE LES PRÊTS D'HONNEUR." in texts
    assert "IL FAUT SIMPLIFIER LES DOSSIERS DU FSE." in texts
    for p in extraction.proposals:
        assert doc.text[p.start : p.end] == p.text


def test_text_without_punctuation(extract_text) -> None:
    text = ("nos propositions\n\nil faut créer un fonds de garantie pour les scic\n\n"
            "que l'état garantisse les prêts d'honneur\n\nnous avons créé douze emplois en deux mille six\n")
    _, _, extraction = extract_text(text)
    texts = [p.text for p in extraction.proposals]
    assert "il faut créer un fonds de garantie pour les scic" in texts
    assert "que l'état garantisse les prêts d'honneur" in texts
    assert all("douze emplois" not in t for t in texts)


def test_form_placeholders_are_not_proposals(extract_text) -> None:
    text = ("Réunion du 12 février\n\nCommune : Non renseignée\n\nDépartement : Non renseigné\n\n"
            "Constats\n\nLes transports manquent dans les villages du canton depuis dix ans.\n\n"
            "Propositions\n\n(non renseigné)\n\nNéant.\n\nVoir le compte rendu joint.\n\nRétablir une ligne de bus entre les villages.\n")
    _, _, extraction = extract_text(text)
    assert [p.text for p in extraction.proposals] == ["Rétablir une ligne de bus entre les villages."]
