"""The organisation's export template: logo, fonts and heading colour reach DOCX, ODT and PDF;
every bad input is one French sentence naming the file and the reason, and the export goes on."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ess_nlp.export import export, export_synthesis, load_template
from ess_nlp.export.pdf import find_font
from ess_nlp.store import Store
from ess_nlp.synthesis import Scope, Synthesis


def logo(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (300, 120), (200, 30, 60)).save(path, "PNG")
    return path


@pytest.fixture
def small() -> Synthesis:
    from ess_nlp.synthesis import Item

    return Synthesis("Coopérer", Scope("theme", "T4", "T4 — Coopérer"), proposals=(Item("p1", "proposal", "Créer un fonds."),))


def test_a_template_sets_logo_fonts_and_colour_everywhere(tmp_path: Path, small: Synthesis) -> None:
    from pypdf import PdfReader

    logo(tmp_path / "logo.png")
    system = find_font()
    font_line = f'font_file = "{system.regular}"\n' if system.regular else ""
    (tmp_path / "modele.toml").write_text(
        'organisation = "CRESS Occitanie"\nlogo = "logo.png"\nfont = "DejaVu Serif"\n'
        f'heading_colour = "#1F4E79"\n{font_line}',
        encoding="utf-8",
    )
    template = load_template(tmp_path / "modele.toml")
    assert template.warnings == () and template.logo is not None and template.logo.format == "PNG"
    docx = export_synthesis(small, "docx", mask=False, template=template)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        styles = z.read("word/styles.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    assert media and 'w:ascii="DejaVu Serif"' in styles and 'w:val="1F4E79"' in styles
    assert "CRESS Occitanie" in body
    odt = export_synthesis(small, "odt", mask=False, template=template)
    with zipfile.ZipFile(io.BytesIO(odt)) as z:
        pictures = [n for n in z.namelist() if n.startswith("Pictures/")]
        ostyles = z.read("styles.xml").decode("utf-8")
        content = z.read("content.xml").decode("utf-8")
    assert pictures and pictures[0] in content and 'style:font-name="DejaVu Serif"' in ostyles
    assert 'fo:color="#1F4E79"' in ostyles and "CRESS Occitanie" in content
    reader = PdfReader(io.BytesIO(export_synthesis(small, "pdf", mask=False, template=template)))
    assert reader.pages[0].images and "CRESS Occitanie" in reader.pages[0].extract_text()
    cover = reader.pages[0].extract_text()
    assert "Thème de travail T4 — Coopérer" in cover


@pytest.mark.parametrize(
    ("content", "files", "expected"),
    [
        ('logo = "absent.png"\n', {}, ["absent.png", "inutilisable (introuvable)", "sans logo"]),
        ('logo = "faux.png"\n', {"faux.png": b"pas une image"}, ["faux.png", "pas une image lisible"]),
        ('logo = "logo.gif"\n', {"logo.gif": "gif"}, ["logo.gif", "format GIF non pris en charge"]),
        ("organisation = \n", {}, ["modele.toml", "pas du TOML correct, ligne 1", "mise en page par défaut"]),
        ('couleur = "rouge"\n', {}, ["modele.toml", "clé « couleur » inconnue"]),
        ('heading_colour = "bleu"\n', {}, ["modele.toml", "couleur « bleu » invalide"]),
        ('font_file = "police.ttf"\n', {"police.ttf": b"<html>"}, ["police.ttf", "pas une police TrueType"]),
        ("font = 12\n", {}, ["modele.toml", "« font » attend un texte"]),
        (b"\xff\xfe\x00organisation", {}, ["modele.toml", "pas du texte UTF-8"]),
    ],
)
def test_a_bad_template_is_one_french_sentence_and_the_export_goes_on(
    tmp_path: Path, small: Synthesis, content: str | bytes, files: dict[str, bytes | str], expected: list[str]
) -> None:
    from PIL import Image

    for name, data in files.items():
        if data == "gif":
            Image.new("RGB", (10, 10)).save(tmp_path / name, "GIF")
        else:
            (tmp_path / name).write_bytes(data)  # type: ignore[arg-type]
    path = tmp_path / "modele.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    template = load_template(path)
    assert len(template.warnings) == 1, template.warnings
    sentence = template.warnings[0]
    assert sentence.startswith("Modèle d'export « ") and str(path) in sentence and "\n" not in sentence
    for part in expected:
        assert part in sentence, sentence
    for fmt in ("docx", "odt", "pdf"):
        data = export_synthesis(small, fmt, mask=False, template=template)
        assert data[:2] == b"PK" or data.startswith(b"%PDF-")


def test_an_unreadable_or_missing_template_file(tmp_path: Path, small: Synthesis, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "dossier.toml"
    folder.mkdir()
    sentence = load_template(folder).warnings[0]
    assert str(folder) in sentence and "c'est un dossier" in sentence and "mise en page par défaut" in sentence
    missing = tmp_path / "absent.toml"
    monkeypatch.setenv("ESS_NLP_EXPORT_TEMPLATE", str(missing))
    (sentence,) = load_template().warnings
    assert str(missing) in sentence and "introuvable" in sentence
    assert export_synthesis(small, "docx", mask=False)[:2] == b"PK"
    monkeypatch.delenv("ESS_NLP_EXPORT_TEMPLATE")
    monkeypatch.chdir(tmp_path)  # no var/export_template.toml here: no template, no warning
    assert load_template().warnings == () and load_template().source is None


def test_export_returns_the_template_warnings(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "modele.toml"
    path.write_text('logo = "absent.png"\norganisation = "CRESS"\n', encoding="utf-8")
    monkeypatch.setenv("ESS_NLP_EXPORT_TEMPLATE", str(path))
    result = export(store, fmt="docx", domain="financer")
    assert len(result.warnings) == 1 and "absent.png" in result.warnings[0]
    with zipfile.ZipFile(io.BytesIO(result.data)) as z:
        assert "CRESS" in z.read("word/document.xml").decode("utf-8")  # what was right is kept
    assert export(store, fmt="md", domain="financer").warnings == ()  # Markdown has no layout
