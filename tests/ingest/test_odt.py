"""OpenDocument reader: list styles and numbering, notes, tables, headings."""

from __future__ import annotations

import pytest
from ingest_factories import OdtBuilder

from ess_nlp.errors import IngestError
from ess_nlp.ingest import read_bytes


def paragraphs(builder: OdtBuilder) -> list[str]:
    return read_bytes(builder.to_bytes(), "cahier.odt").text.split("\n\n")


def test_numbered_lists_nested_levels_and_restarts() -> None:
    b = OdtBuilder()
    style = b.list_style("Numbered", [("1", "", "."), ("a", "", ")")])
    b.heading("Nos propositions")
    b.paragraph("Nous proposons :")
    b.list(
        [
            "Créer un fonds.",
            ("Ouvrir la commande publique :", ["en réservant des lots ;", "en simplifiant."]),
            "Garantir les prêts.",
        ],
        style,
    )
    b.paragraph("Entre deux listes.")
    b.list(["Nouvelle liste.", "Suite."], style)
    b.list(["Continue la précédente."], style, continuenumbering="true")
    assert paragraphs(b) == [
        "Nos propositions",
        "Nous proposons :",
        "1. Créer un fonds.",
        "2. Ouvrir la commande publique :",
        "a) en réservant des lots ;",
        "b) en simplifiant.",
        "3. Garantir les prêts.",
        "Entre deux listes.",
        "1. Nouvelle liste.",
        "2. Suite.",
        "3. Continue la précédente.",
    ]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (("I", "", "."), ["I. a", "II. b"]),
        (("i", "(", ")"), ["(i) a", "(ii) b"]),
        (("A", "", " -"), ["A - a", "B - b"]),
        (("", "", "•"), ["• a", "• b"]),
        (("", "", "–"), ["– a", "– b"]),
    ],
)
def test_number_formats_prefixes_suffixes_and_bullets(
    level: tuple[str, str, str], expected: list[str]
) -> None:
    b = OdtBuilder()
    b.list(["a", "b"], b.list_style("L", [level]))
    assert paragraphs(b) == expected


def test_notes_tables_and_spaces() -> None:
    b = OdtBuilder()
    b.paragraph("Un tiers des jeunes{note:Enquête 2010 de la CRESS.} sont sans emploi.")
    b.table([["Proposition", "Acteurs"], ["Guichet unique", "Région, CRESS"]])
    doc = read_bytes(b.to_bytes(), "c.odt")
    assert doc.text.split("\n\n") == [
        "Un tiers des jeunes sont sans emploi.",
        "Proposition | Acteurs",
        "Guichet unique | Région, CRESS",
    ]
    assert [(f.marker, f.text) for f in doc.footnotes] == [("1", "Enquête 2010 de la CRESS.")]
    assert doc.text[: doc.footnotes[0].anchor].endswith("Un tiers des jeunes")


def test_a_spreadsheet_renamed_odt_is_refused() -> None:
    import io

    from odf.opendocument import OpenDocumentSpreadsheet

    buffer = io.BytesIO()
    OpenDocumentSpreadsheet().write(buffer)
    with pytest.raises(IngestError, match="type déclaré"):
        read_bytes(buffer.getvalue(), "tableur.odt")
