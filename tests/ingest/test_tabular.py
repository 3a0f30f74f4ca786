"""Tabular form exports: one part per row, column mapping from a sidecar, default mapping, XLSX."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ess_nlp.errors import ConfigError, IngestError
from ess_nlp.ingest import ColumnMapping, default_mapping, read_bytes, read_document

HEADER = ["N°", "Titre de l'initiative", "Structure porteuse", "Commune", "Département", "Domaine",
          "Présentation de l'initiative", "Constats", "Propositions"]  # fmt: skip
ROWS = [
    ["1", "Le Garage solidaire", "Garage Solidaire du Marais", "Niort", "Deux-Sèvres", "Consommer",
     "Nous réparons les voitures des personnes en insertion.",
     "La mobilité est un frein à l'emploi.\nLes transports publics sont rares.",
     "1) Financer les garages solidaires ;\n2) Les faire connaître."],
    ["2", "", "", "", "", "", "", "", ""],
    ["3", "Épicerie du Pont", "L'Épicerie du Pont", "Roubaix", "Nord", "Consommer", "",
     "Un habitant sur deux vit sous le seuil de pauvreté.", ""],
]  # fmt: skip
SIDECAR = """\
delimiter: ";"
encoding: cp1252
title: "Titre de l'initiative"
organisation: "Structure porteuse"
territory: ["Commune", "Département"]
domain: "Domaine"
text:
  - {column: "Présentation de l'initiative", kind: initiative}
  - {column: "Constats", kind: constat}
  - {column: "Propositions", kind: proposition}
"""


def csv_bytes(
    header: list[str], rows: list[list[str]], delimiter: str = ";", encoding: str = "cp1252"
) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "formulaire.csv"
    path.write_bytes(csv_bytes(HEADER, ROWS))
    (tmp_path / "formulaire.columns.yaml").write_text(SIDECAR, encoding="utf-8")
    return path


def test_each_row_is_a_part_with_title_fields_and_metadata(export: Path) -> None:
    doc = read_document(export)
    assert doc.format == "csv" and doc.metadata["encoding"] == "cp1252" and doc.metadata["rows"] == "2"
    assert doc.text.split("\n\n") == [
        "Le Garage solidaire",
        "Présentation de l'initiative",
        "Nous réparons les voitures des personnes en insertion.",
        "Constats",
        "La mobilité est un frein à l'emploi.",
        "Les transports publics sont rares.",
        "Propositions",
        "1) Financer les garages solidaires ;",
        "2) Les faire connaître.",
        "Épicerie du Pont",
        "Constats",
        "Un habitant sur deux vit sous le seuil de pauvreté.",
    ]
    first, second = doc.parts
    assert first.title == "Le Garage solidaire" and second.title == "Épicerie du Pont"
    assert doc.text[first.start : first.end].startswith("Le Garage solidaire")
    assert doc.text[first.start : first.end].endswith("2) Les faire connaître.")
    assert doc.text[second.start : second.end].endswith("seuil de pauvreté.")
    assert [(label, kind) for label, kind, _, _ in first.fields] == [
        ("Présentation de l'initiative", "initiative"),
        ("Constats", "constat"),
        ("Propositions", "proposition"),
    ]
    for label, _, start, end in first.fields:
        assert doc.text[start:end].startswith(label + "\n\n")
        assert first.start <= start < end <= first.end
    assert doc.text[first.fields[1][2] : first.fields[1][3]].endswith("sont rares.")
    assert first.metadata == {
        "row": "2",
        "organisation": "Garage Solidaire du Marais",
        "domain": "Consommer",
        "territory": "Niort, Deux-Sèvres",
        "Commune": "Niort",
        "Département": "Deux-Sèvres",
        "N°": "1",
    }
    assert second.metadata["row"] == "4"


def test_default_mapping_recognises_usual_french_headers() -> None:
    header = [
        "Date",
        "Titre",
        "Organisation",
        "Territoire",
        "Domaine",
        "Question",
        "Contribution",
        "Notre constat",
    ]
    long_texts = [f"Texte libre numéro {i}, assez long pour être une contribution." for i in range(6)]
    rows = [["2011", f"T{i}", "Asso", "Lyon", "Créer", "Même question pour tous", long_texts[i], long_texts[i]]
            for i in range(6)]  # fmt: skip
    mapping = default_mapping(header, rows)
    assert mapping.title == "Titre" and mapping.organisation == "Organisation" and mapping.domain == "Domaine"
    assert mapping.territory == ("Territoire",)
    assert [(t.column, t.kind) for t in mapping.text] == [
        ("Contribution", "autre"),
        ("Notre constat", "constat"),
    ]
    doc = read_bytes(csv_bytes(header, rows, delimiter=",", encoding="utf-8"), "export.csv")
    assert len(doc.parts) == 6 and doc.parts[0].metadata["Question"] == "Même question pour tous"


def test_xlsx_rows_with_an_explicit_mapping_and_sheet() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Brouillon"
    sheet = workbook.create_sheet("Réponses")
    sheet.append(["Nom de l'initiative", "Texte", "Nombre"])
    sheet.append(["Jardin partagé", "Nous cultivons ensemble.\n1. Ouvrir d'autres jardins.", 12.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    mapping = ColumnMapping(sheet="Réponses", title="Nom de l'initiative", text=["Texte"])  # type: ignore[arg-type]
    doc = read_bytes(buffer.getvalue(), "export.xlsx", columns=mapping)
    assert doc.text.split("\n\n") == [
        "Jardin partagé",
        "Texte",
        "Nous cultivons ensemble.",
        "1. Ouvrir d'autres jardins.",
    ]
    assert doc.parts[0].metadata["Nombre"] == "12"
    assert doc.format == "xlsx"
    with pytest.raises(IngestError, match="feuille « Absente »"):
        read_bytes(buffer.getvalue(), "export.xlsx", columns=ColumnMapping(sheet="Absente", text=["Texte"]))  # type: ignore[arg-type]


def test_a_mapped_column_missing_from_the_file_is_reported(tmp_path: Path) -> None:
    mapping = ColumnMapping.from_dict({"title": "Titre absent", "text": ["Constats"]})
    with pytest.raises(IngestError, match="« Titre absent »") as info:
        read_bytes(csv_bytes(HEADER, ROWS), "f.csv", columns=mapping)
    assert "Constats" in str(info.value)  # the columns found are listed


@pytest.mark.parametrize(
    ("sidecar", "reason"),
    [
        ("title: [unclosed", "illisible"),
        ("titre: Titre", "titre"),
        ("text: [{column: Constats, kind: rêve}]", "kind"),
        ("- juste une liste", "dictionnaire"),
    ],
    ids=["bad-yaml", "unknown-key", "bad-kind", "not-a-mapping"],
)
def test_an_invalid_sidecar_is_an_ingest_error_naming_it(export: Path, sidecar: str, reason: str) -> None:
    (export.parent / "formulaire.columns.yaml").write_text(sidecar, encoding="utf-8")
    with pytest.raises(IngestError, match=r"formulaire\.columns\.yaml") as info:
        read_document(export)
    assert reason in str(info.value)


def test_column_mapping_load_raises_config_error(tmp_path: Path) -> None:
    path = tmp_path / "x.columns.yaml"
    path.write_text("delimiter: ';;'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="délimiteur"):
        ColumnMapping.load(path)


def test_a_table_without_any_text_column_asks_for_a_mapping() -> None:
    with pytest.raises(IngestError, match="aucune colonne de texte"):
        read_bytes(csv_bytes(["Code", "Montant"], [["A", "12"], ["B", "13"]]), "chiffres.csv")


@pytest.mark.parametrize("workbook_xml", [b"<junk", b"<workbook/>"])
def test_a_damaged_workbook_is_reported(workbook_xml: bytes) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", workbook_xml)
    with pytest.raises(IngestError, match=r"classeur Excel \(\.xlsx\) endommagé"):
        read_bytes(buffer.getvalue(), "casse.xlsx")
