"""The rendered files really hold what the gold says, in the way SPEC.md describes.

Each file is opened with python-docx, pdfplumber, lxml (ODF XML) or BeautifulSoup, independently of
``ess_nlp``: automatic Word numbering without number text, real footnotes, hyphenated PDF lines,
running headers, raised footnote markers, page breaks inside a proposal list.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from corpus_extract import (
    CROSS_DIR,
    NS,
    SAMPLE_DIR,
    TEXT_NS,
    W,
    document_text,
    docx_paragraphs,
    join_pdf_lines,
    norm,
    odt_root,
    odt_text,
    pdf_lines,
)
from lxml import etree

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MARKER_START = re.compile(r"^\s*(\d+|[a-z]|[ivx]+)\s?[.)/-]\s")


@cache
def text_of(path: Path) -> str:
    return document_text(path)


def gold_strings(g: dict[str, Any]) -> list[str]:
    strings = [p["text"] for p in g["proposals"]] + [c["text"] for c in g["constats"]]
    strings += [s["title"] for s in g["sections"] if s["title"]] + [g["title"]]
    strings += [f["text"] for ini in g["initiatives"] for f in ini["figures"]]
    strings += [u for ini in g["initiatives"] for u in ini["urls"]]
    return strings


def test_every_gold_string_occurs_in_its_rendered_file(sample_gold: list[dict[str, Any]]) -> None:
    missing = []
    for g in sample_gold:
        text = text_of(SAMPLE_DIR / g["source"])
        missing += [(g["id"], s) for s in gold_strings(g) if norm(s) not in text]
    assert not missing, missing[:10]


def test_every_crossformat_gold_string_occurs_in_each_format(cross_gold: list[dict[str, Any]]) -> None:
    missing = []
    for g in cross_gold:
        text = text_of(CROSS_DIR / g["source"])
        missing += [(g["source"], s) for s in gold_strings(g) if norm(s) not in text]
    assert not missing, missing[:10]


def test_footnote_texts_are_in_the_notes_not_the_body(sample_gold: list[dict[str, Any]]) -> None:
    with_notes = [g for g in sample_gold if g["footnotes"]]
    assert {g["format"] for g in with_notes} >= {"docx", "odt", "pdf"}
    for g in with_notes:
        path = SAMPLE_DIR / g["source"]
        if g["format"] in ("docx", "odt", "pdf"):
            body = text_of(path)
            for f in g["footnotes"]:
                assert norm(f["text"]) not in body, f"{g['id']}: note text leaked into the body"
        if g["format"] in ("txt", "md"):
            raw = path.read_bytes().decode("utf-8-sig", errors="replace")
            for f in g["footnotes"]:
                note = (
                    f"[{f['marker']}] {f['text']}"
                    if g["format"] == "txt"
                    else f"[^{f['marker']}]: {f['text']}"
                )
                assert note in raw, (g["id"], note)
        elif g["format"] == "docx":
            notes = zipfile.ZipFile(path).read("word/footnotes.xml").decode("utf-8")
            document = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
            assert document.count("<w:footnoteReference ") == len(g["footnotes"])
            assert all(f["text"] in notes for f in g["footnotes"])
        elif g["format"] == "odt":
            notes = odt_root(path).xpath("//text:note[@text:note-class='footnote']", namespaces=NS)
            assert len(notes) == len(g["footnotes"])
            bodies = [norm("".join(n.itertext())) for n in notes]
            assert all(any(norm(f["text"]) in b for b in bodies) for f in g["footnotes"])
        elif g["format"] == "pdf":
            small = norm(" ".join(" ".join(page) for page in _pdf_small_text(path)))
            assert all(norm(f["text"]) in small for f in g["footnotes"]), g["id"]


def _pdf_small_text(path: Path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        pages = []
        for page in pdf.pages:
            notes = page.filter(lambda o: o.get("object_type") != "char" or o.get("size", 99) < 9)
            lines = (notes.extract_text() or "").splitlines()
            pages.append(lines[1:-1])  # without the running header and the page number
        return pages


# --- docx ------------------------------------------------------------------------------------


def test_docx_automatic_numbering_is_real_word_numbering(
    specs: dict[str, dict[str, Any]], cahiers: dict
) -> None:
    auto = [
        s
        for s in specs.values()
        if s.get("file", "").endswith(".docx") and (s.get("style") or {}).get("numbering") == "auto"
    ]
    assert len(auto) >= 3
    for spec in auto:
        path = SAMPLE_DIR / spec["file"]
        items = [el for el in cahiers[spec["id"]].elements if el.kind == "item"]
        numbered = []
        for text, p in docx_paragraphs(path):
            num_pr = p.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                ilvl = int(num_pr.find(f"{W}ilvl").get(f"{W}val"))
                num_id = num_pr.find(f"{W}numId").get(f"{W}val")
                numbered.append((text, ilvl, num_id))
        assert [n[0] for n in numbered] == [el.text for el in items], spec["id"]
        assert [n[1] for n in numbered] == [el.depth for el in items], spec["id"]
        assert not any(MARKER_START.match(t) for t, _, _ in numbered), (
            f"{spec['id']}: number typed in the text"
        )
        # one w:num per list, each restarting at 1 through a startOverride
        lists = {el.list_id for el in items}
        num_ids = {n[2] for n in numbered}
        assert len(num_ids) == len(lists), spec["id"]
        numbering = etree.fromstring(zipfile.ZipFile(path).read("word/numbering.xml"))
        for num_id in num_ids:
            num = numbering.find(f"{W}num[@{W}numId='{num_id}']")
            assert num is not None
            start = num.find(f"{W}lvlOverride[@{W}ilvl='0']/{W}startOverride")
            assert start is not None and start.get(f"{W}val") == "1"
            abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")
            abstract = numbering.find(f"{W}abstractNum[@{W}abstractNumId='{abstract_id}']")
            assert abstract is not None and abstract.find(f"{W}lvl[@{W}ilvl='1']") is not None


def test_docx_headings_title_and_tables(sample_gold: list[dict[str, Any]]) -> None:
    for g in (g for g in sample_gold if g["format"] == "docx"):
        d = docx.Document(str(SAMPLE_DIR / g["source"]))
        styled = [(p.style.name, p.text) for p in d.paragraphs]
        assert ("Title", g["title"]) in styled or g["first_line"] != g["title"], g["id"]
        headings = [t for s, t in styled if s.startswith("Heading")]
        assert headings == [s["title"] for s in g["sections"] if s["title"]], g["id"]
    table_docs = [
        g
        for g in sample_gold
        if g["format"] == "docx" and docx.Document(str(SAMPLE_DIR / g["source"])).tables
    ]
    assert table_docs, "no docx with a real table"


# --- odt -------------------------------------------------------------------------------------


def test_odt_lists_headings_and_notes_are_real_odf(specs: dict[str, dict[str, Any]], cahiers: dict) -> None:
    auto = [
        s
        for s in specs.values()
        if s.get("file", "").endswith(".odt") and (s.get("style") or {}).get("numbering") == "auto"
    ]
    assert auto
    for spec in auto:
        root = odt_root(SAMPLE_DIR / spec["file"])
        els = cahiers[spec["id"]].elements
        items = root.xpath("//office:text//text:list-item", namespaces=NS)
        assert [norm(odt_text(i.xpath("text:p", namespaces=NS)[0])) for i in items] == [
            norm(el.text) for el in els if el.kind == "item"
        ], spec["id"]
        top_lists = root.xpath("//office:text/text:list", namespaces=NS)
        assert len(top_lists) == len({el.list_id for el in els if el.kind == "item"})
        headings = [norm(odt_text(h)) for h in root.xpath("//office:text/text:h", namespaces=NS)]
        assert headings == [norm(el.text) for el in els if el.kind == "heading"]
        for item in items:
            assert not MARKER_START.match(odt_text(item.xpath("text:p", namespaces=NS)[0])), spec["id"]
    numbered_styles = odt_root(SAMPLE_DIR / auto[0]["file"]).xpath(
        "//text:list-level-style-number", namespaces=NS
    )
    assert numbered_styles


# --- pdf -------------------------------------------------------------------------------------

PDFS = sorted(p for p in (SAMPLE_DIR / "pdf").glob("*.pdf")) + sorted(CROSS_DIR.glob("*.pdf"))


def _all_lines(path: Path) -> list[list[str]]:
    return pdf_lines(path, min_size=0)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_pdf_has_a_running_header_and_page_numbers(path: Path) -> None:
    pages = _all_lines(path)
    assert pages
    headers = {lines[0] for lines in pages}
    assert len(headers) == 1, f"running header differs between pages: {headers}"
    for n, lines in enumerate(pages, start=1):
        assert lines[-1] in (f"Page {n}", f"{n} / {len(pages)}"), lines[-1]


def test_pdfs_hyphenate_some_words_at_line_ends(cahiers: dict) -> None:
    canonical = " ".join(el.text for c in cahiers.values() for el in c.elements)
    words = set(re.findall(r"\w+", canonical))
    hyphenated = 0
    for path in PDFS:
        for lines in pdf_lines(path):
            for line, nxt in itertools.pairwise(lines):
                m = re.search(r"(\w+)-$", line)
                if m and m.group(1)[-1].islower():
                    joined = m.group(1) + re.match(r"\w*", nxt).group(0)
                    assert joined in words, f"{path.name}: '{line[-20:]}' / '{nxt[:20]}' joins to '{joined}'"
                    hyphenated += 1
    assert hyphenated >= 20


def test_pdf_paragraph_gap_is_larger_than_line_gap() -> None:
    path = SAMPLE_DIR / "pdf" / "c03-ressourcerie-val-de-sevre.pdf"
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        body = page.filter(lambda o: o.get("object_type") != "char" or abs(o.get("size", 0) - 10.5) < 0.1)
        tops = sorted({round(line["top"], 1) for line in body.extract_text_lines()})
    gaps = [b - a for a, b in itertools.pairwise(tops)]
    line_gap = min(gaps)
    assert line_gap > 10
    assert any(g > line_gap * 1.5 for g in gaps), gaps


def test_pdf_footnote_markers_are_small_raised_digits() -> None:
    path = SAMPLE_DIR / "pdf" / "c03-ressourcerie-val-de-sevre.pdf"
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
    body = [c for c in chars if abs(c["size"] - 10.5) < 0.1]
    markers = [c for c in chars if c["size"] < 7 and c["text"].isdigit()]
    assert markers
    body_bottom = max(c["bottom"] for c in body)
    in_text = [m for m in markers if m["bottom"] < body_bottom - 20]
    assert in_text, "no marker inside the body text"
    for m in in_text:
        neighbours = [c for c in body if abs(c["x1"] - m["x0"]) < 0.5 and abs(c["top"] - m["top"]) < 6]
        assert neighbours and all(m["bottom"] < c["bottom"] - 1 for c in neighbours), "marker not raised"


def test_compiled_pdf_starts_each_cahier_on_a_new_page(sample_gold: list[dict[str, Any]]) -> None:
    bundled = sorted(
        (g for g in sample_gold if g["source"] == "pdf/recueil-cahiers-2011.pdf"), key=lambda g: g["order"]
    )
    pages = pdf_lines(SAMPLE_DIR / "pdf" / "recueil-cahiers-2011.pdf")
    starts = [i for i, lines in enumerate(pages) if lines and lines[0].startswith("Cahier d'espérance n° ")]
    assert [pages[i][0] for i in starts] == [g["first_line"] for g in bundled]
    assert starts[0] == 0
    for i, g in zip(starts, bundled, strict=True):
        title = norm(" ".join(pages[i][1:4]))
        assert title.startswith(norm(g["title"])), (g["id"], title)


def test_a_proposal_list_crosses_a_page_break(sample_gold: list[dict[str, Any]]) -> None:
    crossing = []
    for g in (
        g for g in sample_gold if g["format"] == "pdf" and g["source"] != "pdf/recueil-cahiers-2011.pdf"
    ):
        pages = [join_pdf_lines(lines) for lines in pdf_lines(SAMPLE_DIR / g["source"])]
        numbered = [p for p in g["proposals"] if p["parent"] is None and p["number"]]
        found = [next((i for i, t in enumerate(pages) if norm(p["text"])[:60] in t), None) for p in numbered]
        if len({f for f in found if f is not None}) > 1:
            crossing.append(g["id"])
    assert crossing, "no single PDF has a numbered proposal list spanning two pages"


# --- html, txt, md, csv ----------------------------------------------------------------------


def test_html_pages_wrap_the_cahier_in_site_noise(sample_gold: list[dict[str, Any]]) -> None:
    from bs4 import BeautifulSoup

    for g in (g for g in sample_gold if g["format"] == "html"):
        soup = BeautifulSoup((SAMPLE_DIR / g["source"]).read_bytes(), "lxml")
        assert soup.find("header").find("nav") is not None and soup.find("footer") is not None
        article = soup.find("article")
        assert article.find("h1").get_text() == g["title"]
        assert [h.get_text() for h in article.find_all("h2")] == [
            s["title"] for s in g["sections"] if s["title"]
        ]
        assert soup.find("footer").get_text() not in article.get_text()


def test_text_files_keep_typed_markers_and_encodings(sample_gold: list[dict[str, Any]]) -> None:
    encodings = set()
    for g in (g for g in sample_gold if g["format"] in ("txt", "md")):
        data = (SAMPLE_DIR / g["source"]).read_bytes()
        try:
            text = data.decode("utf-8")
            encodings.add("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
            encodings.add("cp1252")
        lines = {norm(line) for line in text.splitlines()}
        for p in g["proposals"]:
            if p["number"] and not p["alternative"]:
                assert any(
                    line.startswith(p["number"]) and line.endswith(norm(p["text"])) for line in lines
                ), (
                    g["id"],
                    p["text"],
                )
    assert {"utf-8", "cp1252", "utf-8-sig"} <= encodings


def test_csv_export_and_sidecar(sample_gold: list[dict[str, Any]]) -> None:
    import csv
    import io

    import yaml

    path = SAMPLE_DIR / "csv" / "formulaire-en-ligne.csv"
    mapping = yaml.safe_load(
        (SAMPLE_DIR / "csv" / "formulaire-en-ligne.columns.yaml").read_text(encoding="utf-8")
    )
    rows = list(
        csv.DictReader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=mapping["delimiter"])
    )
    gold = sorted((g for g in sample_gold if g["format"] == "csv"), key=lambda g: g["order"])
    assert len(rows) == len(gold) >= 20
    for row, g in zip(rows, gold, strict=True):
        assert row[mapping["title"]] == g["title"]
        columns = [c["column"] for c in mapping["text"] if row[c["column"]].strip()]
        assert columns == [s["title"] for s in g["sections"]]


# --- cross-format ----------------------------------------------------------------------------


def test_crossformat_files_carry_the_same_numbered_items(cross_gold: list[dict[str, Any]]) -> None:
    for cid in sorted({g["id"] for g in cross_gold}):
        g = next(x for x in cross_gold if x["id"] == cid)
        items = [p for p in g["proposals"] if p["number"]]
        wanted = {norm(p["text"]) for p in items}
        # docx: automatic numbering, text without numbers, same order (lists that are not
        # proposals, such as an annex's, are numbered too)
        auto_docx = [
            t for t, p in docx_paragraphs(CROSS_DIR / f"{cid}.docx") if p.find(f"{W}pPr/{W}numPr") is not None
        ]
        assert [norm(t) for t in auto_docx if norm(t) in wanted] == [norm(p["text"]) for p in items], cid
        # odt: list items
        root = odt_root(CROSS_DIR / f"{cid}.odt")
        odt_items = [
            norm(odt_text(i.xpath("text:p", namespaces=NS)[0]))
            for i in root.xpath("//text:list-item", namespaces=NS)
        ]
        assert [t for t in odt_items if t in wanted] == [norm(p["text"]) for p in items], cid
        # txt and pdf: typed numbers in the text
        for ext in ("txt", "pdf"):
            text = text_of(CROSS_DIR / f"{cid}.{ext}")
            for p in items:
                assert re.search(re.escape(p["number"]) + r"\s?[.)]\s" + re.escape(norm(p["text"])), text), (
                    cid,
                    ext,
                    p,
                )


def test_text_namespace_constant_matches_odf() -> None:
    assert NS["text"] == TEXT_NS
