"""Word reader: automatic numbering, footnotes, tables and the run-level details of WordprocessingML."""

from __future__ import annotations

import pytest
from ingest_factories import DocxBuilder

from ess_nlp.ingest import read_bytes


def paragraphs(builder: DocxBuilder) -> list[str]:
    return read_bytes(builder.to_bytes(), "cahier.docx").text.split("\n\n")


def test_automatic_numbering_nested_levels_and_restarts() -> None:
    b = DocxBuilder()
    numbered = b.abstract([("decimal", "%1."), ("lowerLetter", "%2)")])
    b.heading("Nos propositions")
    first = b.num(numbered)
    b.item("Créer un fonds.", first)
    b.item("Ouvrir la commande publique :", first)
    b.item("en réservant des lots ;", first, level=1)
    b.item("en simplifiant les dossiers.", first, level=1)
    b.item("Garantir les prêts.", first)
    b.item("sous-point après un retour au niveau 0", first, level=1)
    b.paragraph("Un paragraphe entre deux listes.")
    second = b.num(numbered)  # a new list instance with startOverride: restarts at 1
    b.item("Premier de la deuxième liste.", second)
    b.item("Deuxième.", second)
    b.paragraph("Une phrase qui n'interrompt pas la numérotation Word.")
    b.item("Troisième, même liste.", second)
    assert paragraphs(b) == [
        "Nos propositions",
        "1. Créer un fonds.",
        "2. Ouvrir la commande publique :",
        "a) en réservant des lots ;",
        "b) en simplifiant les dossiers.",
        "3. Garantir les prêts.",
        "a) sous-point après un retour au niveau 0",
        "Un paragraphe entre deux listes.",
        "1. Premier de la deuxième liste.",
        "2. Deuxième.",
        "Une phrase qui n'interrompt pas la numérotation Word.",
        "3. Troisième, même liste.",
    ]


def test_list_instances_without_override_continue_their_abstract_numbering() -> None:
    b = DocxBuilder()
    numbered = b.abstract([("decimal", "%1)")])
    b.item("un", b.num(numbered, restart=False))
    b.item("deux", b.num(numbered, restart=False))
    assert paragraphs(b) == ["1) un", "2) deux"]


@pytest.mark.parametrize(
    ("levels", "starts", "expected"),
    [
        ([("upperRoman", "%1.")], [4], ["IV. a", "V. b"]),
        ([("lowerRoman", "(%1)")], [1], ["(i) a", "(ii) b"]),
        ([("upperLetter", "%1 -")], [1], ["A - a", "B - b"]),
        ([("decimalZero", "%1.")], [9], ["09. a", "10. b"]),
        ([("bullet", "\uf0b7")], [1], ["• a", "• b"]),
        ([("bullet", "–")], [1], ["– a", "– b"]),
        ([("decimal", "%1.%2.")], [1], ["1.1. a", "2.1. b"]),
    ],
    ids=[
        "upper-roman-start-4",
        "lower-roman-parens",
        "upper-letter-dash",
        "decimal-zero",
        "symbol-bullet",
        "dash-bullet",
        "multi-level-text",
    ],
)
def test_number_formats_and_level_text(
    levels: list[tuple[str, str]], starts: list[int], expected: list[str]
) -> None:
    b = DocxBuilder()
    num = b.num(b.abstract(levels, starts), restart=False)  # keep the abstract start values
    b.item("a", num)
    b.item("b", num)
    assert paragraphs(b) == expected


def test_legal_numbering_shows_parent_levels_in_decimal() -> None:
    b = DocxBuilder()
    abstract = b.abstract([("upperRoman", "%1."), ("decimal", "%1.%2")])
    num = b.num(abstract)
    b.item("Titre", num)
    b.item("Sous-titre", num, level=1)
    assert paragraphs(b) == ["I. Titre", "I.1 Sous-titre"]


def test_footnotes_are_kept_apart_with_anchors_and_sequential_markers() -> None:
    b = DocxBuilder()
    b.paragraph("Un tiers des jeunes{note:Enquête 2010 de la CRESS.} sont sans emploi.")
    b.paragraph("La CRESS{note:Chambre régionale de l'économie sociale et solidaire.} le confirme.")
    doc = read_bytes(b.to_bytes(), "c.docx")
    assert doc.text == "Un tiers des jeunes sont sans emploi.\n\nLa CRESS le confirme."
    assert [(f.marker, f.text) for f in doc.footnotes] == [
        ("1", "Enquête 2010 de la CRESS."),
        ("2", "Chambre régionale de l'économie sociale et solidaire."),
    ]
    assert doc.text[: doc.footnotes[0].anchor].endswith("Un tiers des jeunes")
    assert doc.text[: doc.footnotes[1].anchor].endswith("La CRESS")


def test_table_rows_are_paragraphs_with_cells_joined_by_pipes() -> None:
    b = DocxBuilder()
    b.paragraph("Avant le tableau.")
    b.table([["Proposition", "Acteurs concernés", ""], ["Créer un guichet unique", "Région, CRESS", ""]])
    b.paragraph("Après.")
    assert paragraphs(b) == [
        "Avant le tableau.",
        "Proposition | Acteurs concernés",
        "Créer un guichet unique | Région, CRESS",
        "Après.",
    ]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_runs_hidden_text_deletions_fields_breaks_and_symbols() -> None:
    b = DocxBuilder()
    b.raw_paragraph(
        "<w:r><w:t>Visible</w:t></w:r>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>CACHÉ</w:t></w:r>"
        "<w:del><w:r><w:delText>SUPPRIMÉ</w:delText></w:r></w:del>"
        '<w:ins><w:r><w:t xml:space="preserve"> inséré</w:t></w:r></w:ins>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> lien</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:tab/><w:t>tabulé</w:t><w:br/><w:t xml:space="preserve">ligne suivante </w:t></w:r>'
        '<w:r><w:t>porte</w:t><w:noBreakHyphen/><w:t>parole coo</w:t><w:softHyphen/><w:t xml:space="preserve">pération </w:t></w:r>'
        '<w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r>'
    )
    assert paragraphs(b) == ["Visible inséré lien tabulé", "ligne suivante porte-parole coopération •"]


def test_not_a_zip_is_reported() -> None:
    from ess_nlp.errors import IngestError

    with pytest.raises(IngestError, match="n'est pas une archive zip"):
        read_bytes(b"Ceci est du texte, pas un document Word.", "faux.docx")


def test_numbering_inherited_from_paragraph_styles() -> None:
    b = DocxBuilder()
    b.doc.add_paragraph("Un", style="List Number")
    b.doc.add_paragraph("Deux", style="List Number")
    b.doc.add_paragraph("Puce", style="List Bullet")
    assert paragraphs(b) == ["1. Un", "2. Deux", "• Puce"]


def test_an_empty_numbered_paragraph_counts_but_leaves_no_bare_marker() -> None:
    b = DocxBuilder()
    num = b.num(b.abstract([("decimal", "%1.")]))
    b.item("un", num)
    b.item("", num)
    b.item("trois", num)
    assert paragraphs(b) == ["1. un", "3. trois"]
