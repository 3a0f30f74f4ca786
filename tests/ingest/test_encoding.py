"""Encoding detection of text files: UTF-8 (BOM or not), UTF-16 with BOM, cp1252/ISO-8859-1."""

from __future__ import annotations

import codecs

import pytest

from ess_nlp.errors import IngestError
from ess_nlp.ingest import read_bytes
from ess_nlp.ingest._encoding import decode_text, looks_french

FRENCH = "L’œuvre « Économie sociale » : élèves, à côté, déjà, Noël, maïs, garçon, 12 € — fin…"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-bom"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16-le-bom"),
        (FRENCH.encode("cp1252"), "cp1252"),
    ],
)
def test_french_text_decodes_right_in_each_supported_encoding(data: bytes, encoding: str) -> None:
    doc = read_bytes(data, "note.txt")
    assert doc.text == FRENCH
    assert doc.metadata["encoding"] == encoding
    assert "\ufeff" not in doc.text


def test_iso_8859_1_text_decodes_as_its_cp1252_superset() -> None:
    text = "Réunion à Saint-Étienne : cinq élèves, un garçon."
    assert read_bytes(text.encode("latin-1"), "a.txt").text == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            "Les élèves à l'école, déjà très nombreux, apprécient la forêt.".encode("mac_roman"),
            "encodage illisible",
        ),
        (
            "Les élèves à l'école, déjà très nombreux, apprécient la forêt.".encode("cp850"),
            "encodage illisible",
        ),
        ("Les élèves à l'école".encode("utf-16-le"), "UTF-16 sans marque"),
        ("Les élèves à l'école".encode("utf-16-be"), "UTF-16 sans marque"),
        (bytes(range(256)) * 4, "binaire"),
    ],
    ids=["mac-roman", "dos-cp850", "utf16-le-without-bom", "utf16-be-without-bom", "binary"],
)
def test_unreadable_encodings_are_refused_with_a_clear_french_message(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        read_bytes(data, "dossier/cahier.txt")
    message = str(info.value)
    assert message.startswith("dossier/cahier.txt : ")
    assert reason in message
    assert info.value.source == "dossier/cahier.txt"


def test_invalid_bytes_after_a_utf8_bom_are_an_error() -> None:
    with pytest.raises(IngestError, match="marque UTF-8"):
        read_bytes(codecs.BOM_UTF8 + "élève".encode("cp1252"), "a.txt")


def test_declared_encoding_wins_and_a_wrong_strict_declaration_is_reported() -> None:
    data = "Ça coûte 3 €".encode("cp1252")
    assert decode_text(data, "x", "windows-1252", strict_declared=True) == ("Ça coûte 3 €", "cp1252")
    with pytest.raises(IngestError, match="encodage déclaré « utf-8 »"):
        decode_text(data, "x", "utf-8", strict_declared=True)
    with pytest.raises(IngestError, match="inconnu"):
        decode_text(data, "x", "klingon", strict_declared=True)
    # Without strictness (an HTML meta tag), a wrong declaration falls back to detection.
    assert decode_text(data, "x", "utf-8")[0] == "Ça coûte 3 €"


def test_looks_french_tolerates_a_few_odd_symbols_but_not_many() -> None:
    assert looks_french("Prix : 12 ¤ (ancienne monnaie) et beaucoup de texte ordinaire.")
    assert not looks_french("Les Žl¸ves ˆ l'Žcole, dŽjˆ tr¸s nombreux.")
