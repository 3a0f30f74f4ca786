"""Documents a print shop accepts, read back from the files: A4 pages, French language, the
cover, the document properties, clickable links, and initiative cards whose passage is printed
once (in its footnote)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from ess_nlp.export import export, export_synthesis, prepare
from ess_nlp.export._model import card_fields, french_date, link_parts
from ess_nlp.store import Store
from ess_nlp.synthesis import Item, Synthesis, create_synthesis, draft_synthesis, edit, resolve_scope

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
META = {"draft": False, "version": 4, "group": "t4-banques", "updated_at": "2026-11-03T09:30:00+00:00"}


@pytest.fixture
def doc(store: Store) -> Synthesis:
    """The financer draft, with a sub-item holding a web address."""
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    first = doc.proposals[0].id
    return edit.add_item(doc, edit.make_item("proposal", "Voir https://exemple.fr/fonds."), parent=first)


def parts(data: bytes, *names: str) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [etree.fromstring(z.read(name)) for name in names]


def test_docx_is_a4_french_with_properties_from_the_synthesis(doc: Synthesis) -> None:
    import docx

    data = export_synthesis(doc, "docx", mask=False, meta=META)
    word = docx.Document(io.BytesIO(data))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.left_margin.cm == pytest.approx(2.5, abs=0.01)
    styles, settings = parts(data, "word/styles.xml", "word/settings.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default is not None and default.get(f"{W}val") == "fr-FR"
    assert {lang.get(f"{W}val") for lang in styles.iter(f"{W}lang")} == {"fr-FR"}
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == "fr-FR"
    core = word.core_properties
    assert core.title == "Financer" and core.author == "Groupe de travail t4-banques" and core.language == "fr-FR"
    assert core.created.date() == dt.date(2026, 11, 3) and core.revision == 4 and core.version == "Version 4"
    assert "python-docx" not in (core.comments + core.author + core.last_modified_by)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        app = z.read("docProps/app.xml").decode("utf-8")
    assert "docProps/thumbnail.jpeg" not in names and "Microsoft" not in app and "ess-nlp" in app
    # the cover: title, scope, working group, version and date, then a page break
    texts = [p.text for p in word.paragraphs]
    assert (word.paragraphs[0].style.name, texts[0]) == ("Title", "Financer")
    cover = texts[: texts.index("Nous constatons")]
    assert "Financer" in cover and "Domaine : Financer" in cover and "Groupe de travail : t4-banques" in cover
    assert "Version 4 du 3 novembre 2026" in cover
    (body,) = parts(data, "word/document.xml")
    assert body.find(f".//{W}br[@{W}type='page']") is not None


def test_docx_web_addresses_are_hyperlinks(doc: Synthesis) -> None:
    data = export_synthesis(doc, "docx", mask=False, meta=META)
    (body,) = parts(data, "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels if r.get("TargetMode") == "External"}
    links = {"".join(link.itertext()): targets[link.get(f"{R}id")] for link in body.iter(f"{W}hyperlink")}
    assert links["https://exemple.fr/fonds"] == "https://exemple.fr/fonds"  # the final dot stays out
    assert links["www.epargne-nord.org"] == "https://www.epargne-nord.org"  # the card's web address
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # and in the footnotes (the cited passage)
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        note_rels = etree.fromstring(z.read("word/_rels/footnotes.xml.rels"))
    note_targets = {r.get("Id"): r.get("Target") for r in note_rels}
    in_notes = {"".join(link.itertext()): note_targets[link.get(f"{R}id")] for link in notes.iter(f"{W}hyperlink")}
    assert in_notes["www.epargne-nord.org"] == "https://www.epargne-nord.org"


def test_odt_is_a4_french_with_real_footnotes_and_links(doc: Synthesis) -> None:
    data = export_synthesis(doc, "odt", mask=False, meta=META)
    styles, content, meta = parts(data, "styles.xml", "content.xml", "meta.xml")
    layouts = list(styles.iter(f"{STYLE}page-layout-properties"))
    assert layouts and all((p.get(f"{FO}page-width"), p.get(f"{FO}page-height")) == ("21cm", "29.7cm") for p in layouts)
    masters = {m.get(f"{STYLE}name"): m for m in styles.iter(f"{STYLE}master-page")}
    assert "Standard" in masters and masters["Standard"].find(f".//{TEXT}page-number") is not None
    default = styles.find(f".//{STYLE}default-style[@{STYLE}family='paragraph']/{STYLE}text-properties")
    assert (default.get(f"{FO}language"), default.get(f"{FO}country")) == ("fr", "FR")
    assert "fr-FR" in etree.tostring(meta).decode("utf-8")
    # footnotes: the call is a superscript anchor, the number hangs apart from the note's text
    config = styles.find(f".//{TEXT}notes-configuration[@{TEXT}note-class='footnote']")
    anchor = config.get(f"{TEXT}citation-body-style-name")
    anchor_style = styles.find(f".//{STYLE}style[@{STYLE}name='{anchor}']/{STYLE}text-properties")
    assert anchor_style.get(f"{STYLE}text-position").startswith("super")
    footnote = styles.find(f".//{STYLE}style[@{STYLE}name='Footnote']/{STYLE}paragraph-properties")
    assert footnote.get(f"{FO}text-indent").startswith("-") and footnote.get(f"{FO}margin-left") != "0cm"
    links = {"".join(a.itertext()): a.get(f"{XLINK}href") for a in content.iter(f"{TEXT}a")}
    assert links["https://exemple.fr/fonds"] == "https://exemple.fr/fonds"
    assert links["www.epargne-nord.org"] == "https://www.epargne-nord.org"
    cover = [" ".join(p.itertext()) for p in content.iter(f"{TEXT}p", f"{TEXT}h")][:6]
    assert "Financer" in cover and "Groupe de travail : t4-banques" in cover and "Version 4 du 3 novembre 2026" in cover


def test_pdf_cover_cards_links_and_each_passage_once(doc: Synthesis) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(export_synthesis(doc, "pdf", mask=False, meta=META)))
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in reader.pages)
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR" and reader.metadata.author == "Groupe de travail t4-banques"
    cover = " ".join(reader.pages[0].extract_text().split())
    assert cover.startswith("Financer") and "Version 4 du 3 novembre 2026" in cover and "Nous proposons" not in cover
    flat = " ".join(" ".join(p.extract_text() for p in reader.pages[1:]).split())
    for initiative in doc.initiatives:
        passage = " ".join(initiative.citations[0].text.split())
        assert flat.count(passage) == 1  # in the notes only; the card is short
        assert f"Organisation : {initiative.organisation}" in flat and f"Lieu : {initiative.place}" in flat
    assert "Résultats : 14 clubs, 410 000 euros" in flat
    uris = {a.get_object()["/A"]["/URI"] for p in reader.pages for a in p.get("/Annots", [])}
    assert {"https://exemple.fr/fonds", "https://www.epargne-nord.org"} <= uris


def test_a_card_is_short_and_its_passage_is_in_the_footnote(store: Store) -> None:
    long_passage = " ".join(["La coopérative accompagne des porteurs de projets dans le quartier."] * 12)
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    cited = doc.initiatives[0]
    citation = replace(cited.citations[0], text=long_passage)
    pasted = Item("ix", "initiative", long_passage, citations=(citation,), organisation="Coop", place="Lyon")
    fields = dict(card_fields(pasted))
    assert len(fields["what"]) < 330 and fields["what"].endswith("…") and fields["place"] == "Lyon"
    doc = edit.add_item(doc, pasted, section="initiatives")
    prepared = prepare(doc, mask=False)
    card = [b for b in prepared.blocks if b.item == "ix" and b.kind == "field"]
    assert [b.label for b in card] == ["Organisation", "Lieu", "Ce qu'elle fait"]
    assert long_passage in prepared.notes[card[-1].note - 1].text  # type: ignore[operator]
    # a wording the group wrote is never cut
    written = Item("iy", "initiative", "Un texte réécrit " * 40, organisation="Coop")
    assert dict(card_fields(written))["what"] == " ".join(("Un texte réécrit " * 40).split())


def test_link_parts_only_link_web_addresses() -> None:
    parts_ = link_parts("Voir www.a.org, puis https://b.fr/x?y=1. Pas javascript:alert(1) ni file:///etc.")
    assert [(t, u) for t, u in parts_ if u] == [("www.a.org", "https://www.a.org"), ("https://b.fr/x?y=1", "https://b.fr/x?y=1")]
    assert "".join(t for t, _ in parts_).startswith("Voir www.a.org, puis")


def test_a_saved_synthesis_exports_its_group_and_version(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESS_NLP_USERS", str(tmp_path / "absent.toml"))
    draft = export(store, fmt="md", theme="T4").doc
    saved = create_synthesis(store, edit.set_title(draft, "Coopérer en T4"), author="amelie", group="t4")
    text = export(store, fmt="md", synthesis_id=saved.id).data.decode("utf-8")
    head = text.split("## ")[0]
    assert head.startswith("# Coopérer en T4") and "Groupe de travail : t4" in head
    assert re.search(r"Version 1 du \d{1,2}(er)? \w+ 20\d\d", head)
    users = tmp_path / "users.toml"
    users.write_text('[groups.t4]\nname = "Coopérer dans les territoires"\n', encoding="utf-8")
    monkeypatch.setenv("ESS_NLP_USERS", str(users))  # the group's name from the users file
    head = export(store, fmt="md", synthesis_id=saved.id).data.decode("utf-8").split("## ")[0]
    assert "Groupe de travail : Coopérer dans les territoires" in head
    # the app's button passes the id and version only: the group and the date come from the database
    meta = {"synthesis_id": saved.id, "version": saved.version}
    head = export_synthesis(saved.doc, "md", store=store, meta=meta).decode("utf-8").split("## ")[0]
    day = french_date(dt.date.fromisoformat(saved.updated_at[:10]))
    assert "Groupe de travail : Coopérer dans les territoires" in head and f"Version 1 du {day}" in head
    assert "Brouillon du" in export(store, fmt="md", domain="consommer").data.decode("utf-8").split("## ")[0]


def test_a_card_is_never_cut_across_pages(doc: Synthesis) -> None:
    import docx
    from pypdf import PdfReader

    cards = tuple(
        Item(f"c{n}", "initiative", f"Action numéro {n} menée dans le quartier. Résultats : {n} emplois, {n + 3} familles.",
             title=f"Projet {n}", organisation=f"Association {n}", place="Lille", url=f"www.projet{n}.org")
        for n in range(30)
    )  # fmt: skip
    many = edit.set_title(doc, "Cartes")
    many = Synthesis(many.title, many.scope, initiatives=cards)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(export_synthesis(many, "pdf", mask=False))).pages]
    for n in range(30):
        where = {i for i, text in enumerate(pages) for line in (f"Organisation : Association {n} ", f"www.projet{n}.org")
                 if line in text + " "}  # fmt: skip
        assert len(where) == 1, (n, where)
    word = docx.Document(io.BytesIO(export_synthesis(many, "docx", mask=False)))
    lines = [p for p in word.paragraphs if p.text.startswith(("Organisation :", "Lieu :", "Ce qu'elle fait :", "Résultats :", "Site web :"))]
    assert len(lines) == 30 * 5
    assert [bool(p.paragraph_format.keep_with_next) for p in lines[:5]] == [True, True, True, True, False]
    (content,) = parts(export_synthesis(many, "odt", mask=False), "content.xml")
    styles = [p.get(f"{TEXT}style-name") for p in content.iter(f"{TEXT}p") if "".join(p.itertext()).startswith("Organisation :")]
    assert set(styles) == {"Initiative_20_card_20_line"}  # kept with the next line (keep-with-next in styles.xml)
