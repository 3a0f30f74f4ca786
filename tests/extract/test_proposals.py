"""The ``ess_proposals`` component on small inline French texts, and proposals in context."""

from __future__ import annotations

import pytest
from spacy.language import Language

from ess_nlp.extract._context import EXTENSION, UnitContext


def labels(nlp: Language, text: str, ctx: UnitContext | None = None) -> list[tuple[str, str]]:
    doc = nlp.make_doc(text)
    if ctx is not None:
        doc._.set(EXTENSION, ctx)
    doc = nlp(doc)
    return [(span.text, span.label_) for span in doc.spans["proposals"]]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Il faut créer un fonds de garantie pour les coopératives.", "cue"),
        ("Il faudrait que chaque département dispose d'un fonds dédié.", "cue"),
        ("Nous souhaitons que la commande publique s'ouvre aux SIAE.", "cue"),
        ("Nous proposons de réserver des lots aux entreprises d'insertion.", "cue"),
        ("Les aides au poste devraient être indexées sur le SMIC.", "cue"),
        ("Les SCIC doivent être reconnues comme des partenaires des collectivités.", "cue"),
        ("Que l'État garantisse les prêts d'honneur.", "que"),
        ("Développez les circuits courts dans les cantines !", "imperative"),
        ("Créer un guichet unique de l'ESS dans chaque région.", "infinitive"),
        ("Suppression des niches fiscales inutiles.", "nominal"),
        ("Fiscalité : supprimer les niches fiscales inutiles.", "infinitive"),
        ("L'idée qui ressort est qu’il faut une meilleure prise en compte des citoyens.", "cue"),
    ],
)
def test_prose_proposals_are_found_with_their_cue(nlp: Language, text: str, cue: str) -> None:
    found = labels(nlp, text)
    assert found == [(text, cue)]


@pytest.mark.parametrize(
    "text",
    [
        "Nous avons créé 12 emplois en 2006 avec le soutien de la CRESS.",  # a statement of fact
        "L'association accompagne 40 familles chaque année.",
        "Il faut en moyenne deux ans entre la première idée et le premier salarié.",
        "Nous proposons des ateliers collectifs chaque semaine.",  # "proposer" = to offer
        "Qu'est-ce que la Fabrique partagée ?",
        "Une CIGALES est une indivision qui doit être dissoute au bout de cinq ans.",
        "Nous proposons :",  # an intro, not a proposal
        "Nos propositions",
        "Domaine : Créer",  # a form label, not a proposal
    ],
)
def test_statements_of_fact_intros_and_questions_are_not_proposals(nlp: Language, text: str) -> None:
    assert labels(nlp, text) == []


def test_intro_goes_to_its_own_span_group(nlp: Language) -> None:
    doc = nlp("Pour que ces lieux puissent durer, nous proposons :")
    assert doc.spans["proposals"] == [] or list(doc.spans["proposals"]) == []
    assert [s.text for s in doc.spans["proposal_intros"]] == ["Pour que ces lieux puissent durer, nous proposons :"]


def test_list_item_without_context_reads_its_marker(nlp: Language) -> None:
    assert labels(nlp, "1. De créer un fonds territorial de garantie.") == [
        ("De créer un fonds territorial de garantie.", "infinitive")
    ]


def test_list_item_in_a_proposal_list_is_a_proposal_whatever_its_form(nlp: Language) -> None:
    ctx = UnitContext(section_kind="autre", number="-", in_proposal_list=True, marker_end=2)
    assert labels(nlp, "- un fonds de garantie pour les SCIC ;", ctx) == [
        ("un fonds de garantie pour les SCIC ;", "list")
    ]


@pytest.mark.parametrize("text", ["- Démocratie et citoyenneté :", "- La fiscalité et les dépenses publiques :",
                                  "- Pour les retraités :"])
def test_a_short_label_heading_its_items_is_not_a_proposal(nlp: Language, text: str) -> None:
    ctx = UnitContext(section_kind="proposition", number="-", in_proposal_list=True, marker_end=2)
    assert labels(nlp, text, ctx) == []


@pytest.mark.parametrize("text", ["- Créer un fonds de garantie :", "- Création d'un fonds de garantie :",
                                  "- Que l'État garantisse les prêts :"])
def test_a_proposal_detailed_by_its_items_stays_a_proposal(nlp: Language, text: str) -> None:
    ctx = UnitContext(section_kind="proposition", number="-", in_proposal_list=True, marker_end=2)
    assert [span for span, _ in labels(nlp, text, ctx)] == [text[2:]]


def test_the_items_under_a_heading_item_are_proposals_of_their_own(extract_text) -> None:
    """Grand Débat reports list proposals under their theme (« - Fiscalité et dépenses
    publiques : » then « * … » items): the theme is not a proposal, each item is one. (A theme
    that reads as a verbless proposal, « Organisation de l'État … : », still counts as one.)"""
    text = ("Propositions\n\n"
            "Les propositions qui ont reçu l'assentiment le plus fort sont les suivantes :\n"
            "- Fiscalité et dépenses publiques :\n"
            "  * impliquer les acteurs de terrain dans la rédaction des lois (13 votes),\n"
            "  * réduire la bureaucratie administrative (12 votes).\n"
            "- Démocratie citoyenne :\n"
            "  * renforcer l'instruction civique (15 votes).\n")
    _, _, extraction = extract_text(text)
    got = [p.text for p in extraction.proposals]
    assert not any(t.startswith(("Fiscalité", "Démocratie")) for t in got), got
    assert any(t.startswith("impliquer les acteurs") for t in got)
    assert any(t.startswith("renforcer l'instruction") for t in got)
    assert all(p.parent is None for p in extraction.proposals)


def test_infinitive_item_in_an_initiative_section_is_an_activity_not_a_proposal(nlp: Language) -> None:
    ctx = UnitContext(section_kind="initiative", number="-", marker_end=2)
    assert labels(nlp, "- Accompagner les porteurs de projets vers l'emploi.", ctx) == []


def test_alternative_after_a_proposal(nlp: Language) -> None:
    ctx = UnitContext(section_kind="proposition", after_proposal=True)
    assert labels(nlp, "Ou : que les Régions garantissent ces prêts.", ctx) == [
        ("que les Régions garantissent ces prêts.", "alternative")
    ]


def test_words_starting_with_ou_are_not_alternatives(nlp: Language) -> None:
    ctx = UnitContext(section_kind="autre", after_proposal=True)
    assert labels(nlp, "Ouvrir les marchés publics aux SIAE.", ctx) == [
        ("Ouvrir les marchés publics aux SIAE.", "infinitive")
    ]


def test_table_rows_give_the_proposal_cell(nlp: Language) -> None:
    text = ("Proposition | Acteurs concernés | Échéance\n"
            "Créer un guichet unique de l'ESS | Région, CRESS | 2012\n"
            "Financer l'animation des PTCE | État | 2013")
    assert labels(nlp, text) == [
        ("Créer un guichet unique de l'ESS", "table"),
        ("Financer l'animation des PTCE", "table"),
    ]


def test_proposals_of_a_cahier_with_numbers_parents_and_alternatives(extract_text, cahier: str) -> None:
    doc, _, extraction = extract_text(cahier)
    got = [(p.number, p.text, p.parent is not None, p.alternative) for p in extraction.proposals]
    assert got == [
        ("1.", "De créer un fonds territorial de garantie pour les SCIC.", False, False),
        ("2.", "D'ouvrir la commande publique aux structures de l'ESS :", False, False),
        ("a)", "en réservant des lots aux SIAE ;", True, False),
        ("b)", "en simplifiant les dossiers de candidature.", True, False),
        ("3.", "Que l'État garantisse les prêts d'honneur.", False, False),
        (None, "que les Régions garantissent ces prêts.", True, True),
        (None, "Il faudrait que chaque département dispose d'un fonds de garantie dédié.", False, False),
    ]
    by_id = {p.id: p for p in extraction.proposals}
    assert by_id[extraction.proposals[2].parent].number == "2."
    assert by_id[extraction.proposals[5].parent].number == "3."
    for p in extraction.proposals:
        assert doc.text[p.start : p.end] == p.text
        assert p.source == "cahier.txt" and p.cahier and p.section


def test_records_link_to_existing_units(extract_text, cahier: str) -> None:
    _, units, extraction = extract_text(cahier)
    by_id = {u.id: u for u in units}
    for record in extraction.records():
        unit = by_id[record.unit]
        assert unit.start <= record.start and record.end <= max(unit.end, record.end)
    prose = extraction.proposals[-1]
    assert by_id[prose.unit].level == "sentence"
    assert by_id[extraction.proposals[0].unit].level == "paragraph"
