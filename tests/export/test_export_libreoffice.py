"""The exported DOCX and ODT open in LibreOffice (headless) and convert to PDF with A4 pages
and French as their language; Word's own numbering comes out as « 1. » and « a) ».

Needs LibreOffice (Debian: ``apt-get install libreoffice-writer-nogui``; ``scripts/test.sh``
installs it when run as root); skipped otherwise."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ess_nlp.export import export_synthesis, load_template
from ess_nlp.store import Store
from ess_nlp.synthesis import draft_synthesis, edit, resolve_scope

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice absent (paquet Debian libreoffice-writer-nogui) : conversion non vérifiée"
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
A4 = (595, 842)  # points


def xml_language(path: Path) -> str:
    """The document's default language as its XML says."""
    with zipfile.ZipFile(path) as z:
        if path.suffix == ".docx":
            styles = etree.fromstring(z.read("word/styles.xml"))
            return str(styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val"))
        styles = etree.fromstring(z.read("styles.xml"))
        props = styles.find(f".//{STYLE}default-style[@{STYLE}family='paragraph']/{STYLE}text-properties")
        return f"{props.get(f'{FO}language')}-{props.get(f'{FO}country')}"


def test_docx_and_odt_convert_to_a4_french_pdf(store: Store, tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader

    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    doc = edit.add_item(doc, edit.make_item("proposal", "D'abord en Île-de-France"), parent=doc.proposals[0].id)
    meta = {"draft": False, "version": 2, "group": "t4", "updated_at": "2026-12-01T10:00:00"}
    Image.new("RGB", (240, 80), (30, 80, 160)).save(tmp_path / "logo.png")
    (tmp_path / "modele.toml").write_text('logo = "logo.png"\norganisation = "CRESS test"\n', encoding="utf-8")
    template = load_template(tmp_path / "modele.toml")
    assert template.warnings == ()
    sources = [tmp_path / "synthese-word.docx", tmp_path / "synthese-libre.odt"]
    for path in sources:
        path.write_bytes(export_synthesis(doc, path.suffix[1:], mask=False, meta=meta, template=template))
    out = tmp_path / "pdf"
    done = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, sources)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    for path in sources:
        pdf_path = out / (path.stem + ".pdf")
        assert pdf_path.is_file(), f"{path.name} not converted: {done.stdout} {done.stderr}"
        assert xml_language(path) == "fr-FR"
        reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
        sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
        assert sizes == {A4}, (path.name, sizes)
        assert reader.trailer["/Root"].get("/Lang") == "fr-FR", path.name  # LibreOffice read French
        pages = [" ".join(p.extract_text().split()) for p in reader.pages]
        assert len(pages) >= 2 and pages[0].startswith("Financer") and "Nous proposons" not in pages[0]
        assert "CRESS test" in pages[0] and reader.pages[0].images, path.name  # the template's logo, drawn
        body = " ".join(pages[1:])
        first = " ".join(doc.proposals[0].text.split())
        assert f"1. {first[:40]}" in body and "a) D'abord en Île-de-France" in body, path.name
        assert "Organisation : Épargne Solidaire Nord" in body
