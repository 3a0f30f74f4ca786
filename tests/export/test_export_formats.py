"""Every export format, read back with its reader library: headings, numbering, footnotes, and
cited text equal to the source passage; hostile input (formulas, script tags); masking."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ess_nlp.export import FORMATS, export, export_synthesis, prepare, write_export
from ess_nlp.export.pdf import PdfFont, write_pdf
from ess_nlp.store import Store
from ess_nlp.synthesis import Synthesis, create_synthesis, draft_synthesis, edit, item_for, resolve_scope

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def doc(store: Store) -> Synthesis:
    """The financer draft, with an introduction, a sub-item, an alternative and an item whose
    citation was removed."""
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    doc = edit.set_introduction(doc, "Les banques se retirent.\n\nNous proposons d'agir.")
    first = doc.proposals[0].id
    doc = edit.add_item(doc, edit.make_item("proposal", "D'abord en Île-de-France"), parent=first)
    doc = edit.add_item(doc, edit.make_item("proposal", "Que l'État garantisse", alternative=True), parent=first)
    last = doc.constats[-1].id
    return edit.remove_citation(doc, last, 0)


def source_text(store: Store, source: str) -> str:
    found = store.document(source)
    assert found is not None
    return found.text


def cited_items(doc: Synthesis) -> list:  # type: ignore[type-arg]
    return [item for _, item in doc.items() if item.citations]


def word_numbers(path: Path) -> list[tuple[str, str]]:
    """(number as Word draws it, text) of each numbered paragraph, computed from numbering.xml."""
    with zipfile.ZipFile(path) as z:
        numbering = etree.fromstring(z.read("word/numbering.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    abstract_of = {n.get(f"{W}numId"): n.find(f"{W}abstractNumId").get(f"{W}val") for n in numbering.iter(f"{W}num")}
    levels = {
        (a.get(f"{W}abstractNumId"), lvl.get(f"{W}ilvl")): (lvl.find(f"{W}numFmt").get(f"{W}val"), lvl.find(f"{W}lvlText").get(f"{W}val"))
        for a in numbering.iter(f"{W}abstractNum") for lvl in a.iter(f"{W}lvl")
    }  # fmt: skip
    counters: dict[str, list[int]] = {}
    out = []
    for p in body.iter(f"{W}p"):
        num = p.find(f"{W}pPr/{W}numPr")
        if num is None:
            continue
        num_id, level = num.find(f"{W}numId").get(f"{W}val"), int(num.find(f"{W}ilvl").get(f"{W}val"))
        assert abstract_of.get(num_id) is not None, "a paragraph numbered with an undefined list"
        count = counters.setdefault(num_id, [0] * 9)
        count[level] += 1
        count[level + 1 :] = [0] * (8 - level)
        fmt, text = levels[(abstract_of[num_id], str(level))]
        value = count[level]
        shown = {"decimal": str(value), "lowerLetter": "abcdefghijklmnopqrstuvwxyz"[value - 1], "lowerRoman": "i" * value}[fmt]
        out.append((text.replace(f"%{level + 1}", shown), "".join(t.text or "" for t in p.iter(f"{W}t"))))
    return out


def test_docx_headings_numbering_and_real_footnotes(store: Store, doc: Synthesis, tmp_path: Path) -> None:
    import docx

    data = export_synthesis(doc, "docx", mask=False)
    path = tmp_path / "s.docx"
    path.write_bytes(data)
    word = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings[0] == ("Title", "Financer")
    assert ("Heading 1", "Nous constatons") in headings and ("Heading 1", "Nous proposons") in headings
    assert ("Heading 1", "Exemples") in headings and ("Heading 1", "Organisations contributrices") in headings
    texts = [p.text for p in word.paragraphs]
    numbered = word_numbers(path)  # the numbers Word draws from numbering.xml, not typed text
    assert numbered[0] == ("1.", doc.proposals[0].text) and numbered[1] == ("a)", "D'abord en Île-de-France [source à préciser]")
    assert [n for n, _ in numbered if not n.endswith(")")] == [f"{k}." for k in range(1, len(doc.proposals) + 1)]
    assert not any(re.match(r"\d+\.\t", t) for t in texts)
    assert any(t.startswith("Ou :\tQue l'État garantisse") for t in texts)
    assert any(t.endswith("[source à préciser]") for t in texts)
    # footnotes: one per cited item, each holding the exact source passages
    with zipfile.ZipFile(path) as z:
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    refs = body.findall(f".//{W}footnoteReference")
    real = [n for n in notes.findall(f"{W}footnote") if int(n.get(f"{W}id")) > 0]
    assert len(refs) == len(real) == len(cited_items(doc))
    note_texts = ["".join(t.text or "" for t in n.iter(f"{W}t")) for n in real]
    for item, note in zip(cited_items(doc), note_texts, strict=True):
        for c in item.citations:
            assert source_text(store, c.source)[c.start : c.end] == c.text
            assert f"« {' '.join(c.text.split())} »" in note
            assert c.cahier_title in note


def test_docx_reads_back_with_the_ingester(doc: Synthesis, tmp_path: Path) -> None:
    from ess_nlp.ingest import read_document

    path = tmp_path / "synthese.docx"
    path.write_bytes(export_synthesis(doc, "docx", mask=False))
    back = read_document(path)
    assert "Nous proposons" in back.text and len(back.footnotes) == len(cited_items(doc))
    assert doc.proposals[0].citations[0].text in back.footnotes[len(doc.constats) - 1].text


def test_odt_headings_and_footnotes(store: Store, doc: Synthesis, tmp_path: Path) -> None:
    from odf import teletype
    from odf.namespaces import STYLENS, TEXTNS
    from odf.opendocument import load
    from odf.text import H, List, ListLevelStyleNumber, Note, P

    path = tmp_path / "s.odt"
    path.write_bytes(export_synthesis(doc, "odt", mask=False))
    odt = load(str(path))
    headings = [(h.getAttrNS(TEXTNS, "outline-level"), teletype.extractText(h)) for h in odt.getElementsByType(H)]
    assert headings[0] == ("1", "Financer") and ("1", "Nous proposons") in headings
    assert any(level == "2" for level, _ in headings)  # initiative titles
    notes = odt.getElementsByType(Note)
    assert len(notes) == len(cited_items(doc))
    assert all(n.getAttrNS(TEXTNS, "note-class") == "footnote" for n in notes)
    first_proposal = doc.proposals[0]
    # proposals are a real list: items of a text:list whose list style numbers 1. then a)
    lists = [x for x in odt.getElementsByType(List) if x.getAttrNS(TEXTNS, "style-name") == "Propositions"]
    assert len(lists) == 1
    items = [i for i in lists[0].childNodes if i.qname == (TEXTNS, "list-item")]
    assert len(items) == len(doc.proposals)
    assert teletype.extractText(items[0].childNodes[0]).startswith(first_proposal.text)
    subs = [x for x in items[0].childNodes if x.qname == (TEXTNS, "list")]
    assert teletype.extractText(subs[0]).startswith("D'abord en Île-de-France")
    number_styles = {
        (s.getAttrNS(TEXTNS, "level"), s.getAttrNS(STYLENS, "num-format"), s.getAttrNS(STYLENS, "num-suffix"))
        for s in odt.getElementsByType(ListLevelStyleNumber)
    }
    assert {("1", "1", "."), ("2", "a", ")")} <= number_styles
    paragraphs = [teletype.extractText(p) for p in odt.getElementsByType(P)]
    assert not any(p.startswith("1. ") for p in paragraphs)
    assert any(p.startswith("Ou : Que l'État garantisse") for p in paragraphs)
    note_texts = [teletype.extractText(n) for n in notes]
    for c in first_proposal.citations:
        assert any(c.text in t for t in note_texts)


@pytest.mark.parametrize("unicode_font", [True, False])
def test_pdf_text_and_sources(doc: Synthesis, unicode_font: bool) -> None:
    from pypdf import PdfReader

    prepared = prepare(doc, mask=False)
    font = None if unicode_font else PdfFont(None, None)
    data = write_pdf(prepared, font=font)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    assert flat.startswith("Financer") and "Nous proposons" in flat and "Sources" in flat
    assert "1." in flat and "Ou :" in flat
    passage = " ".join(doc.proposals[0].citations[0].text.split())
    if unicode_font:
        assert passage in flat
        assert "Île-de-France" in flat
    else:  # Latin-1 fallback: readable, accents of Latin-1 kept
        assert "Ile-de-France" in flat or "Île-de-France" in flat


def test_markdown_footnotes_and_escaping(store: Store, doc: Synthesis) -> None:
    text = export_synthesis(doc, "md", mask=False).decode("utf-8")
    assert text.startswith("# Financer\n")
    assert "## Nous proposons" in text and re.search(r"^1\. .+\[\^\d+\]$", text, re.M)
    notes = re.findall(r"^\[\^(\d+)\]: ", text, re.M)
    assert len(notes) == len(cited_items(doc))
    hostile = export(store, fmt="md", domain="financer", mask=False).data.decode("utf-8")
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_csv_bom_semicolons_and_formula_neutralised(store: Store) -> None:
    data = export(store, fmt="csv", domain="financer", mask=False).data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["partie", "n°", "type", "élément"]
    cells = [cell for row in body for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    passages = {row[header.index("passage cité")] for row in body}
    starts = {(row[header.index("fichier")], row[header.index("début")], row[header.index("fin")]) for row in body}
    for source, start, end in starts:
        if source:
            text = source_text(store, source)[int(start) : int(end)]
            assert text in passages or "'" + text in passages


def test_xlsx_cells_are_text_never_formulas(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "s.xlsx"
    path.write_bytes(export(store, fmt="xlsx", domain="financer", mask=False).data)
    sheet = load_workbook(path).active
    assert sheet is not None
    values = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in values)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in values)
    assert any(isinstance(c.value, str) and c.value.startswith("'=HYPERLINK") for c in values)
    header = [c.value for c in sheet[1]]
    assert header[3] == "élément" and sheet.freeze_panes == "A2"


def test_json_has_everything(doc: Synthesis) -> None:
    data = json.loads(export_synthesis(doc, "json", mask=False, meta={"draft": True}))
    assert data["export"]["draft"] is True and data["export"]["masked"] is False
    assert Synthesis.from_json(data["synthesis"]) == doc
    assert len(data["footnotes"]) == len(cited_items(doc))
    assert data["numbers"][doc.proposals[0].id] == "1."
    added = {c.id for c in doc.proposals[0].children}  # sub-item and alternative written by hand
    assert set(data["unsourced"]) == {doc.constats[-1].id} | added
    assert {c["name"] for c in data["contributors"]} >= {"Épargne Solidaire Nord", "La Garonnelle"}


def test_iramuteq_star_lines_and_sanitised_text(store: Store) -> None:
    text = export(store, fmt="iramuteq", domain="financer").data.decode("utf-8")
    stars = [line for line in text.splitlines() if line.startswith("****")]
    assert len(stars) == 3  # the three cahiers of the domain
    for line in stars:
        for var in line.split()[1:]:
            assert re.fullmatch(r"\*[a-z0-9]+_[a-z0-9_]+", var), var
    assert any("*domaine_financer" in s and "*territoire_lille" in s for s in stars)
    body = [line for line in text.splitlines() if line and not line.startswith("****")]
    assert not any("*" in line or line.startswith("-") for line in body)
    assert "[courriel]" in text and "marie.dupont@exemple.fr" not in text  # masked by default


def test_masking_is_on_by_default(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    contact = next(u for u in store.units("sentence") if "marie.dupont" in u.text)
    doc = edit.add_item(doc, item_for(store, contact.id, kind="text"), section="constats")
    masked = export_synthesis(doc, "md").decode("utf-8")
    assert "marie.dupont@exemple.fr" not in masked and "06 12 34 56 78" not in masked
    assert "Marie Dupont" not in masked, [line for line in masked.splitlines() if "Marie" in line]
    assert r"\[personne\]" in masked and r"\[téléphone\]" in masked  # Markdown-escaped brackets
    assert "Épargne Solidaire Nord" in masked  # organisations are kept
    clear = export_synthesis(doc, "md", mask=False).decode("utf-8")
    assert "marie.dupont@exemple.fr" in clear


def test_theme_without_synthesis_exports_the_draft_and_saved_one_otherwise(store: Store, tmp_path: Path) -> None:
    result = export(store, fmt="json", domain="financer")
    assert result.draft and result.filename == "financer-brouillon.json"
    saved = create_synthesis(store, edit.set_title(result.doc, "Financer l'ESS"), author="amelie")
    again = export(store, fmt="json", domain="financer")
    assert not again.draft and again.doc.title == "Financer l'ESS"
    by_id = export(store, fmt="docx", synthesis_id=saved.id)
    out = write_export(by_id, tmp_path / "sub" / by_id.filename)
    assert out.read_bytes()[:2] == b"PK" and not list(out.parent.glob(".export-*"))


def test_every_format_on_an_empty_synthesis(store: Store) -> None:
    from ess_nlp.synthesis import Scope

    empty = Synthesis("Vide", Scope("theme", "T9"))
    out = {fmt: export_synthesis(empty, fmt, store=store, mask=False) for fmt in FORMATS}
    for fmt in ("docx", "odt", "xlsx"):  # a zip package that opens
        with zipfile.ZipFile(io.BytesIO(out[fmt])) as package:
            assert package.testzip() is None and package.namelist(), fmt
    assert out["pdf"].startswith(b"%PDF-") and out["pdf"].rstrip().endswith(b"%%EOF")
    assert "Vide" in out["md"].decode("utf-8")
    header, *rows = out["csv"].decode("utf-8-sig").splitlines()
    assert header.startswith("partie;") and not rows  # the columns, and no item
    document = json.loads(out["json"])
    assert document["synthesis"]["title"] == "Vide"
    assert not any(document["synthesis"][part] for part in ("constats", "proposals", "initiatives"))
    assert out["iramuteq"].decode("utf-8").strip() == ""  # no cited cahier: an empty corpus


def test_script_tag_in_a_cahier_is_inert_everywhere(store: Store, tmp_path: Path) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    assert any("<script>" in c.cahier_title for c in doc.citations())
    for fmt in ("docx", "odt"):
        path = tmp_path / f"s.{fmt}"
        path.write_bytes(export_synthesis(doc, fmt, mask=False))
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/footnotes.xml" if fmt == "docx" else "content.xml").decode("utf-8")
        assert "<script>" not in xml and "&lt;script&gt;" in xml


def test_a_theme_with_syntheses_from_several_groups_asks_which(store: Store) -> None:
    from ess_nlp.export import AmbiguousExportError

    draft = export(store, fmt="json", theme="T4").doc
    first = create_synthesis(store, edit.set_title(draft, "Synthèse du groupe T4"), author="amelie", group="t4")
    assert export(store, fmt="json", theme="T4").saved == first  # one synthesis: it is the one exported
    second = create_synthesis(store, edit.set_title(draft, "Autre lecture"), author="sam", group="t5")
    with pytest.raises(AmbiguousExportError) as caught:
        export(store, fmt="docx", theme="T4")
    message = str(caught.value)
    for s in (first, second):
        assert f"n° {s.id} « {s.title} » (groupe {s.group}" in message
    assert "--synthesis" in message and "--theme T4" in message
    assert export(store, fmt="json", synthesis_id=first.id).doc.title == "Synthèse du groupe T4"
    assert export(store, fmt="iramuteq", theme="T4").data  # the theme's cahiers: no synthesis to choose
