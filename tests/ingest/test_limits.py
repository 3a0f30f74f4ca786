"""Limits per file: set in one place, each violation one French sentence naming the file, what was
found, the limit and how to raise it; readers bounded in structure, size and decompression."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from hostile_files import (
    big_csv,
    declare_size,
    docx_bytes,
    docx_paragraphs,
    entity_expansion_docx,
    far_cell_xlsx,
    lying_zip_docx,
    nested_docx,
    nested_html,
    pdf_stream_bomb,
    prose,
)

from ess_nlp.errors import ConfigError, IngestError
from ess_nlp.ingest import Limits, read_bytes, read_document

MB = 1024 * 1024


def refused(data: bytes, name: str, **limits: object) -> IngestError:
    with pytest.raises(IngestError) as info:
        read_bytes(data, name, limits=Limits(**limits))  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"{name} : ") and "\n" not in message
    return info.value


def assert_names_limit(error: IngestError, name: str) -> None:
    """The message names the limit and how to raise it."""
    assert f"--limit {name}=" in error.reason and f'ESS_NLP_LIMITS="{name}=' in error.reason


# --- the Limits object ---------------------------------------------------------------------------


def test_limits_are_changed_by_name_with_units() -> None:
    limits = Limits().replace("max_seconds=90s, max_file_bytes=1.5GB,max_memory_bytes=300Mo")
    assert limits.max_seconds == 90.0
    assert limits.max_file_bytes == int(1.5 * 1024 * MB)
    assert limits.max_memory_bytes == 300 * MB
    assert Limits().replace(["max_rows=10", "max_compression_ratio=50.5"]).max_compression_ratio == 50.5
    assert Limits().replace([]) == Limits()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("max_secondes=3", "max_secondes=3"),
        ("max_rows", "NOM=VALEUR"),
        ("max_rows=-3", "max_rows"),
        ("max_rows=10MB", "max_rows"),
        ("max_file_bytes=beaucoup", "max_file_bytes"),
    ],
)
def test_a_bad_limit_is_one_french_config_error(text: str, needle: str) -> None:
    with pytest.raises(ConfigError, match="Limite") as info:
        Limits().replace(text)
    assert needle in str(info.value)


# --- size, text length, rows and cells -------------------------------------------------------------


def test_text_over_its_length_limit_is_refused_before_it_is_split() -> None:
    error = refused(prose(5000), "long.txt", max_text_chars=1000)
    assert error.reason.startswith("le texte extrait est trop long (")
    assert "limite 1 000)" in error.reason
    assert_names_limit(error, "max_text_chars")


def test_a_million_row_csv_is_refused_at_the_row_limit() -> None:
    error = refused(big_csv(1200), "million.csv", max_rows=1000)
    assert "plus de 1 000 lignes" in error.reason
    assert_names_limit(error, "max_rows")
    error = refused(big_csv(1200), "million.csv", max_cells=500)
    assert "cellules" in error.reason


def test_a_far_away_cell_does_not_make_the_workbook_huge() -> None:
    # The sheet declares A1:XFD1048576 (17 billion cells); only its three real cells are read.
    doc = read_bytes(far_cell_xlsx(), "lointaine.xlsx")
    assert "Créer une monnaie locale complémentaire" in doc.text
    assert "loin" not in doc.text  # a cell without a column header is no text column
    assert doc.metadata["rows"] == "1"


def test_a_csv_with_very_many_columns_is_read_in_linear_time() -> None:
    header = ";".join(f"Colonne {i}" for i in range(20_000)) + ";Proposition"
    row = ";" * 20_000 + "Créer une coopérative d'habitants dans chaque quartier. Elle loge dix familles."
    doc = read_bytes(f"{header}\n{row}\n".encode(), "large.csv")
    assert "coopérative d'habitants" in doc.text


# --- structure -------------------------------------------------------------------------------------


def test_deeply_nested_html_is_refused_quickly_and_its_limit_named() -> None:
    error = refused(nested_html(100_000), "imbrique.html")
    assert "éléments HTML imbriqués sur plus de 200 niveaux" in error.reason
    assert_names_limit(error, "max_nesting_depth")


def test_html_nested_within_the_limit_is_read_without_recursion() -> None:
    # 900 levels: deeper than the recursion limit allows a recursive walk to go.
    doc = read_bytes(nested_html(900), "profond.html", limits=Limits(max_nesting_depth=1000))
    assert doc.text == "Au fond du puits."


def test_deeply_nested_docx_is_refused_with_its_limit() -> None:
    error = refused(nested_docx(2000), "imbrique.docx")
    assert "éléments XML imbriqués" in error.reason
    assert_names_limit(error, "max_nesting_depth")


def test_docx_nested_within_the_limit_is_read_without_recursion() -> None:
    doc = read_bytes(nested_docx(60), "tableaux.docx")  # 60 tables, each inside the last one's cell
    assert doc.text == "Au fond."


def test_entity_expansion_is_refused_not_expanded() -> None:
    error = refused(entity_expansion_docx(), "entites.docx")
    assert "déclare des entités" in error.reason


def test_declared_entities_are_refused_even_when_harmless() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY nom "Coopérative">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&nom;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    assert "déclare des entités" in refused(docx_bytes(xml), "dtd.docx").reason


def test_spreadsheets_are_parsed_with_defused_xml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


# --- decompression ---------------------------------------------------------------------------------


def test_a_zip_member_that_inflates_past_its_declared_size_is_refused() -> None:
    error = refused(lying_zip_docx(0.01), "mensonge.docx")
    assert "déclare une taille fausse" in error.reason


def test_a_member_declared_smaller_but_honest_about_its_data_is_refused_too() -> None:
    good = docx_bytes(docx_paragraphs(["Un paragraphe ordinaire."] * 50))
    assert "déclare une taille fausse" in refused(declare_size(good, "word/document.xml", 10), "faux.docx").reason


def test_pdf_compressed_stream_bomb_is_refused_without_inflating_it() -> None:
    error = refused(pdf_stream_bomb(0.02), "bombe.pdf")  # 20 MB of spaces in a 20 KB stream
    assert error.reason.startswith("PDF suspect (bombe de décompression ?)")
    assert "limite 200" in error.reason
    assert_names_limit(error, "max_compression_ratio")


def test_pdf_streams_are_bounded_by_the_unzipped_limit_too() -> None:
    error = refused(pdf_stream_bomb(0.02), "bombe.pdf", max_compression_ratio=10_000, max_unzipped_bytes=2 * MB)
    assert "une fois décompressé (limite 2,0 Mo)" in error.reason
    assert_names_limit(error, "max_unzipped_bytes")


def test_pdf_streams_inflate_normally_outside_a_read() -> None:
    import pdfminer.pdftypes

    read_bytes(pdf_stream_bomb(0.001), "petit.pdf", limits=Limits(max_compression_ratio=1e6))
    # The reader has put its bounded proxy in pdfminer; outside a read it is plain zlib.
    big = b"x" * 5 * MB
    assert pdfminer.pdftypes.zlib.decompress(zlib.compress(big)) == big


def test_every_limit_of_a_real_file_can_be_raised(tmp_path: Path) -> None:
    path = tmp_path / "imbrique.html"
    path.write_bytes(nested_html(300))
    with pytest.raises(IngestError, match="max_nesting_depth"):
        read_document(path)
    assert read_document(path, limits=Limits().replace("max_nesting_depth=400")).text == "Au fond du puits."


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESS_NLP_LIMITS", "max_seconds=90,max_file_bytes=200MB")
    limits = Limits.from_env()
    assert (limits.max_seconds, limits.max_file_bytes) == (90.0, 200 * MB)
    monkeypatch.setenv("ESS_NLP_LIMITS", "")
    assert Limits.from_env() == Limits()
