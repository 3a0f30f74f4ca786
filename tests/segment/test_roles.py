"""Tables of contents, letter headers, annexes and signatories: sections with a role, never
headings of their own; numbered lists that skip, repeat or resume their numbering stay lists."""

from __future__ import annotations

import hashlib

import pytest

from ess_nlp.records import Document
from ess_nlp.segment import ROLES, section_role, split_blocks, split_document
from ess_nlp.segment._labels import load_labels
from ess_nlp.segment._roles import letter_header, toc_blocks


def doc_of(text: str) -> Document:
    return Document("t.txt", text, "txt", hashlib.sha256(text.encode()).hexdigest())


def sections(text: str) -> list[tuple[str | None, str | None, str | None]]:
    return [(u.title, u.kind, section_role(u)) for u in split_document(doc_of(text)) if u.level == "section"]


REPORT = """Coopérer pour des territoires solidaires

Sommaire

Introduction ..................... 3
Coopérer dans les territoires..... 9
Nos propositions ................. 12
Annexes ........................... 18

Introduction

Les acteurs de l'ESS se sont réunis pendant deux ans pour préparer ce document commun à tous.

Nos propositions

1. Créer un fonds national pour les PTCE.

2. Ouvrir la commande publique.

Annexes

Liste des thèmes

1. Développer les monnaies locales.

Signataires

- Réseau des territoires solidaires
"""


def test_table_of_contents_is_one_section_and_its_lines_are_not_headings() -> None:
    assert sections(REPORT) == [
        ("Sommaire", "contexte", "sommaire"),
        ("Introduction", "contexte", None),
        ("Nos propositions", "proposition", None),
        ("Annexes", "contexte", "annexe"),
        ("Liste des thèmes", "contexte", "annexe"),
        ("Signataires", "contexte", "annexe"),
    ]


@pytest.mark.parametrize(
    "entries",
    [
        "Introduction ..................... 3\nCoopérer dans les territoires ..... 9",  # dotted leaders
        "Introduction … 3\n\nCoopérer dans les territoires … 9",
        "Introduction 3\n\nCoopérer dans les territoires 9\n\nNos propositions 12",  # pages only, in order
        "1. Introduction ........ 3\n\n2. Nos constats ........ 7",
    ],
)
def test_toc_entries_are_recognised(entries: str) -> None:
    blocks = split_blocks(entries)
    assert toc_blocks(blocks, load_labels()) == set(range(len(blocks)))


@pytest.mark.parametrize(
    "text",
    [
        "Nous avons créé 12 emplois en 2010.\n\nLe budget atteint 480 000 euros.",
        "Il y a 3\n\nEt ensuite 2",  # pages going down, no leader, no "Sommaire"
        "Article 12",
    ],
)
def test_prose_with_numbers_is_not_a_toc(text: str) -> None:
    assert toc_blocks(split_blocks(text), load_labels()) == set()


def test_a_document_that_is_only_a_table_of_contents() -> None:
    found = sections("Sommaire\n\nIntroduction ....... 3\n\nNos constats ....... 5\n\nNos propositions ....... 9\n")
    assert found and all(role == "sommaire" for _, _, role in found)


LETTER = """Association Les Amis du Marais
12 rue des Halles
79000 Niort

Niort, le 3 mars 2011

Objet : Demande de création d'un fonds de garantie

Madame la Ministre,

Notre association accompagne depuis 2006 les chômeurs de longue durée du marais poitevin et de ses communes.
"""


def test_letter_header_up_to_the_salutation_is_a_lettre_section() -> None:
    blocks = split_blocks(LETTER)
    assert letter_header(blocks, load_labels()) == 4
    assert [(kind, role) for _, kind, role in sections(LETTER)] == [("contexte", "lettre"), ("autre", None)]


def test_prose_is_not_a_letter_header() -> None:
    blocks = split_blocks("Madame Dupont préside l'association depuis 2006.\n\nElle a créé 12 emplois.")
    assert letter_header(blocks, load_labels()) == 0


def test_address_lines_are_not_headings() -> None:
    text = ("Une volonté de participation citoyenne\n\nVille d'Allonnes\n\n"
            "Hotel de ville, esplanade Nelson Mandela 72700, Allonnes\n\n"
            "Lauréat 3 étoiles des Trophées de la Participation et de la Concertation 2021, dans la catégorie démocratie.")
    assert [title for title, _, _ in sections(text)] == [None]


@pytest.mark.parametrize(
    "numbers",
    [("1 -", "2 -", "4 -"), ("1 -", "2 -", "2 -"), ("3 -", "4 -", "5 -")],
    ids=["skipped", "repeated", "not-from-one"],
)
def test_numbered_items_that_skip_or_repeat_stay_one_list(numbers: tuple[str, ...]) -> None:
    items = "\n\n".join(f"{n} {text}" for n, text in zip(numbers, ("Créer un fonds", "Former les bénévoles",
                                                                   "Ouvrir un tiers-lieu"), strict=True))
    text = f"Titre\n\nNos propositions\n\n{items}"
    assert [title for title, _, _ in sections(text)] == ["Nos propositions"]


def test_items_interrupted_by_a_paragraph_stay_items_but_numbered_headings_do_not() -> None:
    text = ("Titre\n\nNos propositions\n\n1 - Créer un fonds\n\n2 - Former les bénévoles\n\n"
            "Ce point demande un effort de formation de tous les élus concernés, sur plusieurs années.\n\n"
            "3 - Ouvrir un tiers-lieu")
    assert [title for title, _, _ in sections(text)] == ["Nos propositions"]
    headed = "Titre\n\n1 - Le contexte\n\nLe quartier est enclavé.\n\n2 - Nos propositions\n\n- Développer."
    assert [title for title, _, _ in sections(headed)] == ["1 - Le contexte", "2 - Nos propositions"]


TOPICS = ("Titre\n\n1) Transition écologique\n\nDévelopper le ferroutage.\n\nFavoriser les circuits courts.\n\n"
          "2) Fiscalité et dépenses publiques\n\nRétablir l'ISF.\n\n3) Démocratie et citoyenneté\n\n"
          "- Rendre le vote obligatoire\n\n- Reconnaître le vote blanc")


def test_numbered_topics_each_heading_proposals_are_headings() -> None:
    """A meeting report's topics (« 1) Transition écologique », then its proposals): sections,
    so the topic names are neither proposals nor findings."""
    assert [title for title, _, _ in sections(TOPICS)] == [
        "1) Transition écologique", "2) Fiscalité et dépenses publiques", "3) Démocratie et citoyenneté",
    ]


@pytest.mark.parametrize("text", [
    # titled proposals, each explained by a paragraph
    "Titre\n\n1) Vote obligatoire\n\nLe vote deviendrait un devoir civique.\n\n2) Vote blanc\n\nIl serait compté.",
    # a list of proposals with one explained (the items open like proposals)
    "Titre\n\n1) Créer un fonds\n\nDévelopper le ferroutage.\n\n2) Former les bénévoles\n\nOuvrir un lieu.",
    # one topic-like item among proposals
    TOPICS.replace("2) Fiscalité et dépenses publiques", "2) Rétablir la taxe d'habitation"),
])
def test_lists_that_are_not_topic_lists_stay_lists(text: str) -> None:
    assert [title for title, _, _ in sections(text)] == [None]


def test_roles_are_the_documented_ones() -> None:
    assert set(ROLES) == {"sommaire", "lettre", "annexe", "signataires"}


def test_a_run_longer_than_a_topic_list_stays_a_list() -> None:
    def topics(n: int) -> str:
        return "Titre\n\n" + "\n\n".join(f"{k}) Thème numéro {k}\n\nDévelopper le point {k}." for k in range(1, n + 1))

    assert len(sections(topics(30))) == 30
    assert [title for title, _, _ in sections(topics(31))] == [None]
