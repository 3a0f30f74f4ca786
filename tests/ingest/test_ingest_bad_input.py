"""Bad input: each case raises one IngestError whose French message names the file and the reason."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from hostile_files import declare_size
from ingest_factories import DocxBuilder, PdfLine, PdfPage, image_only_pdf, pdf_bytes

from ess_nlp.errors import ConfigError, IngestError
from ess_nlp.ingest import Limits, iter_source_files, read_bytes, read_document

MB = 1024 * 1024


def error_for(path: Path, **kwargs: object) -> IngestError:
    with pytest.raises(IngestError) as info:
        read_document(path, **kwargs)  # type: ignore[arg-type]
    error = info.value
    assert str(error).startswith(f"{path} : "), "the message starts with the file"
    assert error.source == str(path)
    assert "\n" not in str(error), "one line"
    return error


def zip_with_member(name: str, data: bytes, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("vide.txt", b"", "le fichier est vide"),
        ("vide.docx", b"", "le fichier est vide"),
        ("blancs.md", b" \r\n\t\n  ", "que des espaces"),
        ("faux.pdf", bytes(range(256)) * 16, "ce n'est pas un PDF"),
        ("faux.docx", b"Du texte, pas une archive.", "n'est pas une archive zip"),
        ("faux.odt", b"PK\x03\x04 tronque", "n'est pas une archive zip"),
        ("ancien.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "ancien (97-2003)"),
        ("sans-document.docx", zip_with_member("word/autre.xml", b"<x/>"), "word/document.xml"),
        ("xml-casse.docx", zip_with_member("word/document.xml", b"<w:document><w:body>"), "XML illisible"),
        ("faux.xlsx", zip_with_member("xl/autre.xml", b"<x/>"), "xl/workbook.xml"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binaire"),
        (
            "macroman.txt",
            "Les élèves à l'école, déjà très nombreux.".encode("mac_roman"),
            "encodage illisible",
        ),
        ("scan.pdf", image_only_pdf(), "aucun texte extractible"),
        ("chiffre.pdf", pdf_bytes([PdfPage([PdfLine("Secret.")])], encrypt_password="x"), "mot de passe"),
        ("coupe.pdf", pdf_bytes([PdfPage([PdfLine("Texte.")])])[:700], "PDF endommagé"),
        ("page.xyz", b"du texte", "format non pris en charge (l'extension « .xyz »)"),
        ("LISEZMOI", b"du texte", "l'absence d'extension"),
    ],
)
def test_each_bad_file_gives_one_clear_french_line(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    error = error_for(path)
    assert reason in error.reason


def test_zip_bomb_is_refused_before_anything_is_inflated(tmp_path: Path) -> None:
    # 20 MB of zeros deflate to about 20 KB: a 1,000:1 ratio, refused with the default limits.
    path = tmp_path / "bombe.docx"
    path.write_bytes(zip_with_member("word/document.xml", bytes(20 * MB)))
    assert path.stat().st_size < MB
    assert "bombe zip" in error_for(path).reason
    # A member whose declared size is 4 GB but whose data is 1 byte: inflating it would fail with
    # another error, so getting the size message proves the check runs before decompression.
    lying = declare_size(
        zip_with_member("word/document.xml", b"x", zipfile.ZIP_STORED), "word/document.xml", 2**32 - 1
    )
    path.write_bytes(lying)
    reason = error_for(path).reason
    assert "bombe zip" in reason and "4096,0 Mo" in reason and "limite 300,0 Mo" in reason


def test_decompression_limits_are_configurable(tmp_path: Path) -> None:
    b = DocxBuilder()
    b.paragraph("Un document ordinaire. " * 2000)
    path = tmp_path / "ordinaire.docx"
    path.write_bytes(b.to_bytes())
    assert read_document(path).text.startswith("Un document ordinaire.")
    assert "limite 10,0 Ko" in error_for(path, limits=Limits(max_unzipped_bytes=10 * 1024)).reason
    assert (
        "se décompresse" in error_for(path, limits=Limits(max_compression_ratio=2, ratio_min_bytes=1)).reason
    )
    assert "éléments" in error_for(path, limits=Limits(max_zip_entries=3)).reason


def test_file_over_the_size_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "enorme.txt"
    with path.open("wb") as handle:  # a sparse 200 MB file: nothing is written to disk
        handle.truncate(200 * MB)
    started = time.perf_counter()
    error = error_for(path)
    assert time.perf_counter() - started < 1.0
    assert error.reason.startswith("le fichier est trop volumineux (200,0 Mo, limite 100,0 Mo)")
    small = tmp_path / "petit.txt"
    small.write_text("Un texte de quelques dizaines d'octets.", encoding="utf-8")
    assert "trop volumineux" in error_for(small, limits=Limits(max_file_bytes=10)).reason
    with pytest.raises(IngestError, match="trop volumineux"):
        read_bytes(b"x" * 11, "upload.txt", limits=Limits(max_file_bytes=10))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert error_for(tmp_path / "absent.txt").reason == "fichier introuvable"
    folder = tmp_path / "dossier.txt"
    folder.mkdir()
    assert "dossier" in error_for(folder).reason


@pytest.mark.parametrize(
    "field", ["max_file_bytes", "max_unzipped_bytes", "max_compression_ratio", "max_pdf_pages"]
)
def test_limits_must_be_positive(field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        Limits(**{field: 0})


def test_a_batch_keeps_going_past_bad_files(tmp_path: Path) -> None:
    (tmp_path / "a-bon.txt").write_text("Un bon cahier.", encoding="utf-8")
    (tmp_path / "b-vide.txt").write_bytes(b"")
    (tmp_path / "c-faux.pdf").write_bytes(b"pas un pdf")
    (tmp_path / "d-inconnu.rtf").write_bytes(b"{\\rtf1}")
    (tmp_path / "e-bon.md").write_text("# Titre\n\nTexte.", encoding="utf-8")
    read, failed = [], []
    for path in iter_source_files([tmp_path]):
        try:
            read.append(read_document(path).text)
        except IngestError as error:
            failed.append(Path(error.source).name)
    assert read == ["Un bon cahier.", "Titre\n\nTexte."]
    assert failed == ["b-vide.txt", "c-faux.pdf", "d-inconnu.rtf"]
