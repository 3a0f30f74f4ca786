"""Paths and independent, minimal text extraction of the rendered corpus, used only to check the build.

These helpers do not use ``ess_nlp``: they check that the files really hold what the gold says,
in the way SPEC.md describes (real Word numbering, real footnotes, hyphenated PDF lines...).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
AUTHORING = ROOT / "corpus" / "authoring"
SAMPLE_DIR = ROOT / "corpus" / "sample"
CROSS_DIR = ROOT / "corpus" / "crossformat"
GOLD_DIR = ROOT / "corpus" / "gold"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
NS = {"text": TEXT_NS, "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}


def norm(text: str) -> str:
    """NFC, typographic apostrophes straightened, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def text_txt(path: Path) -> str:
    text = decode(path.read_bytes())
    text = re.sub(r"\[\^?\d+\](?!:)", "", text)  # footnote markers, not the note lines "[^1]: "
    return norm(text)


def text_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "lxml")
    article = soup.find("article")
    assert article is not None, f"{path.name}: no <article>"
    for sup in article.find_all("sup"):
        sup.decompose()
    return norm(article.get_text(" "))


def docx_paragraphs(path: Path) -> list[tuple[str, etree._Element]]:
    """(text, w:p element) of every body paragraph, table cells included, in order."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    out = []
    for p in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((text, p))
    return out


def text_docx(path: Path) -> str:
    return norm(" ".join(t for t, _ in docx_paragraphs(path)))


def odt_root(path: Path) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read("content.xml"))


def odt_text(el: etree._Element) -> str:
    """Text of an ODF element without its footnotes."""
    parts = []
    if el.text:
        parts.append(el.text)
    for child in el:
        if child.tag != f"{{{TEXT_NS}}}note":
            parts.append(odt_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def text_odt(path: Path) -> str:
    root = odt_root(path)
    paras = root.xpath("//office:text//text:p | //office:text//text:h", namespaces=NS)
    body = [odt_text(p) for p in paras if not p.xpath("ancestor::text:note", namespaces=NS)]
    return norm(" ".join(body))


@cache
def pdf_lines(path: Path, min_size: float = 9.0) -> list[list[str]]:
    """Lines of text per page, keeping only characters of at least ``min_size`` points."""
    import pdfplumber

    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            kept = page.filter(lambda o: o.get("object_type") != "char" or o.get("size", 0) >= min_size)
            pages.append((kept.extract_text() or "").splitlines())
    return pages


def join_pdf_lines(lines: list[str]) -> str:
    text = "\n".join(lines)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)  # soft hyphenation at line ends
    return norm(text)


def text_pdf(path: Path) -> str:
    text = join_pdf_lines([line for page in pdf_lines(path) for line in page])
    # a dropped footnote marker leaves a gap that is not a space ("départementaux² ." -> ".")
    return re.sub(r" ([.,)])", r"\1", text)


def text_csv(path: Path) -> str:
    rows = csv.reader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";")
    return norm(" ".join(cell for row in rows for cell in row))


def document_text(path: Path) -> str:
    ext = path.suffix.lstrip(".")
    return {
        "txt": text_txt,
        "md": text_txt,
        "html": text_html,
        "docx": text_docx,
        "odt": text_odt,
        "pdf": text_pdf,
        "csv": text_csv,
    }[ext](path)
