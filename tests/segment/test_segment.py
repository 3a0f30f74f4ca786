"""Splitting plain text into cahiers, sections, paragraphs and sentences."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ess_nlp.records import Document, Part
from ess_nlp.segment import split_blocks, split_document


def doc_of(text: str, parts: tuple[Part, ...] = ()) -> Document:
    return Document("t.txt", text, "txt", hashlib.sha256(text.encode()).hexdigest(), parts=parts)


COMPILED = """Cahier d'espérance n° 1

La Ressourcerie du Marais

Présentation de l'initiative

Structure porteuse : Association Ressourcerie du Marais

Depuis 2006, nous collectons 340 tonnes d'objets par an.

NOS CONSTATS

Les déchets augmentent. Les collectivités manquent de moyens.

Nos propositions

Nous proposons :

1. Créer un fonds territorial.

2. D'exiger des clauses sociales :

a) dans les marchés publics ;

b) dans les concessions.

Cahier d'espérance n° 2

Jardins du Coteau

1 - Le contexte

Le quartier est enclavé.

2 - Nos propositions

- Développer les jardins.
- Que la ville prête des terrains.
"""


def by_level(units, level):
    return [u for u in units if u.level == level]


def test_compiled_document_splits_at_banners_with_titles_and_sections():
    units = split_document(doc_of(COMPILED))
    cahiers = by_level(units, "cahier")
    assert [c.title for c in cahiers] == ["La Ressourcerie du Marais", "Jardins du Coteau"]
    assert cahiers[0].text.startswith("Cahier d'espérance n° 1")
    assert cahiers[0].metadata["organisation"] == "Association Ressourcerie du Marais"
    sections = by_level(units, "section")
    assert [(s.title, s.kind) for s in sections] == [
        ("Présentation de l'initiative", "initiative"),
        ("NOS CONSTATS", "constat"),
        ("Nos propositions", "proposition"),
        ("1 - Le contexte", "contexte"),
        ("2 - Nos propositions", "proposition"),
    ]


def test_list_items_are_paragraphs_with_their_markers():
    units = split_document(doc_of(COMPILED))
    items = [(p.number, p.text) for p in by_level(units, "paragraph") if p.number]
    assert items == [
        ("1.", "1. Créer un fonds territorial."),
        ("2.", "2. D'exiger des clauses sociales :"),
        ("a)", "a) dans les marchés publics ;"),
        ("b)", "b) dans les concessions."),
        ("-", "- Développer les jardins."),
        ("-", "- Que la ville prête des terrains."),
    ]
    # the sentence of a list item starts after its marker
    first_item = next(p for p in by_level(units, "paragraph") if p.number == "1.")
    sentence = next(u for u in units if u.parent == first_item.id)
    assert sentence.text == "Créer un fonds territorial."
    assert "fonds" in sentence.lemmas.split()


def test_separator_lines_and_repeated_title_labels_split_cahiers():
    text = (
        "Titre de l'initiative : Le Jardin partagé\n\nStructure porteuse : Les Amis du Jardin\n\n"
        "Constat :\n\nLes friches se multiplient.\n\n* * *\n\n"
        "Titre de l'initiative : La Cantine solidaire\n\nPropositions\n\n1) Ouvrir une cantine.\n\n"
        "* * *\n\nTitre de l'initiative : Le Garage associatif\n\nIl faudrait aider les garages."
    )
    cahiers = by_level(split_document(doc_of(text)), "cahier")
    assert [c.title for c in cahiers] == ["Le Jardin partagé", "La Cantine solidaire", "Le Garage associatif"]
    assert all("* * *" not in c.text for c in cahiers)


def test_numbered_list_of_short_items_is_not_taken_for_headings():
    text = "Titre\n\nNos propositions\n\n1 - Créer un fonds\n\n2 - Former les bénévoles\n\n3 - Ouvrir un tiers-lieu"
    units = split_document(doc_of(text))
    assert [s.title for s in by_level(units, "section")] == ["Nos propositions"]
    assert [p.number for p in by_level(units, "paragraph")] == ["1 -", "2 -", "3 -"]


def test_text_before_any_heading_and_cahier_without_headings():
    with_headings = split_document(doc_of("Titre\n\nUn mot d'introduction.\n\nConstat\n\nUn constat."))
    assert [(s.title, s.kind) for s in by_level(with_headings, "section")] == [
        (None, "contexte"),
        ("Constat", "constat"),
    ]
    prose = split_document(doc_of("Un titre\n\nDu texte libre. Encore du texte."))
    assert [(s.title, s.kind) for s in by_level(prose, "section")] == [(None, "autre")]


def test_parts_of_tabular_exports_become_cahiers_with_field_sections():
    text = "Jardin\n\nConstats\n\nPeu de terrains.\n\nPropositions\n\n1) Prêter des terrains.\n\nCantine\n\nConstats\n\nFaim."
    split_at = text.index("Cantine")
    parts = (
        Part(
            0,
            split_at - 2,
            "Jardin",
            {"organisation": "Amis"},
            (("Constats", "constat", 0, 0), ("Propositions", "proposition", 0, 0)),
        ),
        Part(split_at, len(text), "Cantine", {}, (("Constats", "constat", 0, 0),)),
    )
    units = split_document(doc_of(text, parts))
    assert [(c.title, dict(c.metadata)) for c in by_level(units, "cahier")] == [
        ("Jardin", {"organisation": "Amis"}),
        ("Cantine", {}),
    ]
    assert [(s.title, s.kind) for s in by_level(units, "section")] == [
        ("Constats", "constat"),
        ("Propositions", "proposition"),
        ("Constats", "constat"),
    ]


def test_ids_are_unique_stable_and_tree_shaped():
    doc = doc_of(COMPILED)
    units = split_document(doc)
    assert [u.id for u in units] == [u.id for u in split_document(doc)]
    ids = {u.id for u in units}
    assert len(ids) == len(units)
    for unit in units:
        assert unit.parent is None or unit.parent in ids
        assert unit.text == doc.text[unit.start : unit.end]


def test_empty_text_gives_no_units():
    assert split_document(doc_of("")) == []
    assert split_document(doc_of("\n\n  \n")) == []


words = st.sampled_from(
    [
        "Nous",
        "proposons",
        "de",
        "créer",
        "un",
        "fonds",
        ".",
        "1.",
        "-",
        "CONSTATS",
        "Constat",
        ":",
        "\n",
        "\n\n",
        "* * *",
        "Cahier d'espérance n° 3",
        "l'ESS",
        "é",
        "Titre : X",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(words, max_size=60).map(" ".join))
def test_every_unit_points_at_its_text_and_nests_in_its_parent(text):
    doc = doc_of(text)
    units = split_document(doc)
    by_id = {u.id: u for u in units}
    for unit in units:
        assert unit.text == doc.text[unit.start : unit.end]
        assert unit.text.strip() == unit.text and unit.text
        if unit.parent is not None:
            parent = by_id[unit.parent]
            assert parent.start <= unit.start <= unit.end <= parent.end


def test_split_blocks_cuts_at_blank_lines_and_list_lines():
    text = "Un paragraphe\nsur deux lignes.\n\n- un\n- deux\n\n\nFin"
    assert [b.text for b in split_blocks(text)] == [
        "Un paragraphe\nsur deux lignes.",
        "- un",
        "- deux",
        "Fin",
    ]
