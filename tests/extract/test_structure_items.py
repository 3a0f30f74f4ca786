"""Items and document structure (issue 12): tables of contents, annexes, letters and signatories
give no item; numbered lists resume after a paragraph; the head of a fiche gives the porteur,
its commune and its web address."""

from __future__ import annotations

import pytest

from ess_nlp.extract.places import postal_commune

REPORT = """Coopérer pour des territoires solidaires

Sommaire

Introduction ..................... 3
Nos propositions ................. 12
Annexes ........................... 18

Introduction

Les acteurs de l'ESS se sont réunis pendant deux ans pour préparer ce document commun à tous.

Nos propositions

Nous proposons :

1. Créer un fonds national pour les pôles territoriaux de coopération.

2. Ouvrir la commande publique aux structures de l'ESS.

Ce fonds serait abondé par l'État et les Régions, à parts égales, pendant cinq ans au moins.

3. Former les élus locaux à la coopération économique.

5. Simplifier les appels à projets des collectivités.

Annexes

Liste des thèmes

1. Développer les monnaies locales.

2. Favoriser l'épargne solidaire.

Signataires

- Réseau des territoires solidaires
- Union régionale des coopératives
"""


def test_toc_annex_and_signatories_give_no_item_and_the_list_resumes(extract_text) -> None:
    doc, _, extraction = extract_text(REPORT)
    proposals = [(p.number, p.text) for p in extraction.proposals if p.number]
    assert proposals == [
        ("1.", "Créer un fonds national pour les pôles territoriaux de coopération."),
        ("2.", "Ouvrir la commande publique aux structures de l'ESS."),
        ("3.", "Former les élus locaux à la coopération économique."),
        ("5.", "Simplifier les appels à projets des collectivités."),
    ]
    every = " ".join(r.text for r in extraction.records())
    for absent in ("monnaies locales", "épargne solidaire", "Réseau des territoires", "....."):
        assert absent not in every
    for p in extraction.proposals:
        assert doc.text[p.start : p.end] == p.text


LETTER = """Association Les Amis du Marais
12 rue des Halles
79000 Niort

Niort, le 3 mars 2011

Objet : Créer un fonds de garantie pour les SCIC du marais

Madame la Ministre,

Notre association accompagne depuis 2006 les chômeurs de longue durée du marais poitevin. Nous demandons la création d'un fonds de garantie pour les SCIC.

Veuillez agréer, Madame la Ministre, l'expression de notre haute considération.
"""


def test_letter_header_and_closing_formula_are_not_proposals(extract_text) -> None:
    _, _, extraction = extract_text(LETTER)
    texts = [p.text for p in extraction.proposals]
    assert texts == ["Nous demandons la création d'un fonds de garantie pour les SCIC."]
    [card] = extraction.initiatives
    assert card.porteur == "Les Amis du Marais"
    assert card.places[0].code == "79191"


def test_a_document_that_is_only_a_table_of_contents_says_so(extract_text) -> None:
    text = "Sommaire\n\nIntroduction ....... 3\n\nNos constats ....... 5\n\nNos propositions ....... 9\n"
    _, _, extraction = extract_text(text, "sommaire.txt")
    assert extraction.records() == []
    [note] = extraction.notes
    assert note.startswith("sommaire.txt : ce document ne contient qu'une table des matières")


FICHE = """UNE VOLONTÉ DE PARTICIPATION CITOYENNE

Ville d'Allonnes

Hotel de ville, esplanade Nelson Mandela 72700, Allonnes

Lauréat 3 étoiles des Trophées de la Participation et de la Concertation 2021

https://www.ville-allonnes.fr/ https://allonnesparticipative.fr/

PRÉSENTATION DU PROJET

Depuis plusieurs décennies, la ville d'Allonnes va à la rencontre de ses habitants avec Cap Collectif. Deux budgets participatifs ont été organisés, avec 928 votants en 2019, sur la plateforme allonnesparticipative.fr au Mans.
"""


def test_the_head_of_a_fiche_gives_porteur_commune_and_web_address(extract_text) -> None:
    _, _, extraction = extract_text(FICHE)
    [card] = extraction.initiatives
    assert card.porteur == "Ville d'Allonnes"
    assert card.organisations[0] == card.porteur
    assert (card.places[0].name, card.places[0].code) == ("Allonnes", "72003")
    # of the two addresses in the head, the one the text cites again comes first
    assert card.urls[0] == "https://allonnesparticipative.fr/"
    assert card.to_json()["porteur"] == "Ville d'Allonnes"


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Hotel de ville, esplanade Nelson Mandela 72700, Allonnes", "72003"),
        ("2 rue de l'Hôtel de Ville 44 094 Nantes Cedex", "44109"),
        ("Rue Jules Verne Plessé, 44630", "44128"),
        ("CS 40805 35208 Rennes Cedex 2", "35238"),
        ("251 rue de Vaugirard 75015, Paris", "75056"),
        ("12 rue des Halles, 79000 Niort.", "79191"),
        ("En 2010 nous avions 12000 adhérents.", None),
        ("Le budget atteint 45000 euros par an.", None),
    ],
)
def test_postal_commune(line: str, code: str | None) -> None:
    place = postal_commune(line)
    assert (place.code if place else None) == code


def _needs_model(nlp) -> None:
    if "ess_kinds" not in nlp.pipe_names:
        pytest.skip("no sentence-kind model shipped in models/sentence-kinds")


def test_argument_outside_the_proposals_section_is_not_a_proposal(extract_text, nlp) -> None:
    _needs_model(nlp)
    text = ("Pour des territoires solidaires\n\nIntroduction\n\nLes acteurs de l'ESS se sont réunis pendant deux ans "
            "pour écrire ce texte. Il est temps de changer d'échelle.\n\nNos propositions\n\nNous proposons :\n\n"
            "1. Créer un fonds national pour les pôles territoriaux de coopération.\n\n"
            "2. Ouvrir la commande publique aux structures de l'ESS.\n")
    _, _, extraction = extract_text(text)
    assert [p.number for p in extraction.proposals] == ["1.", "2."]


def test_workshop_observations_are_not_proposals(extract_text, nlp) -> None:
    _needs_model(nlp)
    text = ("Atelier du 12 février\n\nRapport d'étonnement\n\n"
            "- Les habitants connaissent mal la régie de quartier et ses services.\n"
            "- Beaucoup de jeunes du quartier ne viennent jamais aux réunions publiques.\n"
            "- Les associations sportives manquent de bénévoles depuis la fermeture du gymnase.\n")
    _, _, extraction = extract_text(text)
    assert extraction.proposals == ()
    assert len(extraction.constats) >= 2


def test_unstructured_report_sentences_get_their_kind(extract_text, nlp) -> None:
    _needs_model(nlp)
    text = ("Des impôts trop lourds pour les retraités modestes. La fermeture des services publics dans les villages.\n\n"
            "Rétablir l'ISF. Supprimer les niches fiscales des grandes entreprises.\n")
    doc, _, extraction = extract_text(text)
    assert {p.text for p in extraction.proposals} == {"Rétablir l'ISF.",
                                                      "Supprimer les niches fiscales des grandes entreprises."}
    assert any("fermeture des services publics" in c.text for c in extraction.constats)
    for record in extraction.records():
        if record.text and not hasattr(record, "name"):
            assert doc.text[record.start : record.end] == record.text
    assert all(p.kind_score is not None for p in extraction.proposals)


def test_the_initiatives_site_comes_before_the_institutions(extract_text) -> None:
    text = ("Ville de Mérignac\n\nPlace Charles de Gaulle 33700 Mérignac\n\n"
            "www.merignac.com www.budgetparticipatif.merignac.com\n\n"
            "Présentation de l'initiative\n\nLe budget participatif de la ville finance depuis 2019 les projets "
            "que les habitants proposent et votent en ligne ; le site merignac.com publie les résultats.\n")
    _, _, extraction = extract_text(text)
    [card] = extraction.initiatives
    assert card.urls[:2] == ("www.budgetparticipatif.merignac.com", "www.merignac.com")


def test_a_meeting_report_by_topics_gives_the_proposals_under_them_not_the_topics(extract_text) -> None:
    """« 1) Transition écologique » heads the proposals under it: not a proposal, nor a finding."""
    report = ("Compte rendu de la réunion locale.\n\n1) Transition écologique\n\nDévelopper le ferroutage.\n\n"
              "Favoriser les circuits courts dans les cantines.\n\n2) Fiscalité et dépenses publiques\n\n"
              "Rétablir l'ISF.\n\n3) Démocratie et citoyenneté\n\n- Rendre le vote obligatoire\n\n"
              "- Reconnaissance du vote blanc")
    _, _, extraction = extract_text(report)
    assert [p.text for p in extraction.proposals] == [
        "Développer le ferroutage.", "Favoriser les circuits courts dans les cantines.", "Rétablir l'ISF.",
        "Rendre le vote obligatoire", "Reconnaissance du vote blanc",
    ]
    topics = ("Transition écologique", "Fiscalité et dépenses publiques", "Démocratie et citoyenneté")
    assert not [c.text for c in extraction.constats if c.text.startswith(topics)]
