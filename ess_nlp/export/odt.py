"""OpenDocument text (.odt) export with odfpy: headings with outline levels, numbered
proposals, and real footnotes (``text:note`` of class footnote) holding the sources."""

from __future__ import annotations

import io

from odf import teletype
from odf.element import Element
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.text import H, Note, NoteBody, NoteCitation, P, Span

from ess_nlp.export._model import UNSOURCED, Block, Prepared, clean_text


def _styles(doc: OpenDocumentText) -> dict[str, Style]:
    def paragraph(name: str, *, size: str = "11pt", bold: bool = False, italic: bool = False,
                  margin_left: str = "0cm", indent: str = "0cm", family_parent: str | None = None,
                  outline: int | None = None, space_before: str = "0.1cm") -> Style:  # fmt: skip
        attrs = {"name": name, "family": "paragraph"}
        if family_parent:
            attrs["parentstylename"] = family_parent
        if outline is not None:
            attrs["defaultoutlinelevel"] = str(outline)
        style = Style(**attrs)
        text_props = {"fontsize": size}
        if bold:
            text_props["fontweight"] = "bold"
        if italic:
            text_props["fontstyle"] = "italic"
        style.addElement(TextProperties(**text_props))
        style.addElement(
            ParagraphProperties(marginleft=margin_left, textindent=indent, margintop=space_before, marginbottom="0.15cm")
        )
        doc.styles.addElement(style)
        return style

    styles = {
        "title": paragraph("Title", size="20pt", bold=True, outline=1, space_before="0cm"),
        "heading": paragraph("Heading_20_1", size="15pt", bold=True, outline=1, space_before="0.4cm"),
        "subheading": paragraph("Heading_20_2", size="12.5pt", bold=True, outline=2, space_before="0.3cm"),
        "paragraph": paragraph("Text_20_body"),
        "bullet": paragraph("List_20_Bullet", margin_left="0.75cm", indent="-0.5cm"),
        "meta": paragraph("Initiative_20_meta", italic=True),
        "link": paragraph("Initiative_20_link"),
        "footnote": paragraph("Footnote", size="9pt", space_before="0cm"),
    }
    for depth in range(4):
        styles[f"proposal{depth}"] = paragraph(
            f"Proposal_20_{depth}", margin_left=f"{0.9 + 0.75 * depth}cm", indent="-0.9cm"
        )
    bold = Style(name="Strong_20_Emphasis", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.styles.addElement(bold)
    italic = Style(name="Emphasis", family="text")
    italic.addElement(TextProperties(fontstyle="italic"))
    doc.styles.addElement(italic)
    styles["strong"] = bold
    styles["em"] = italic
    return styles


def _element(block: Block, styles: dict[str, Style]) -> H | P:
    if block.kind in ("title", "heading", "subheading"):
        level = {"title": 1, "heading": 1, "subheading": 2}[block.kind]
        el = H(outlinelevel=level, stylename=styles[block.kind])
        teletype.addTextToElement(el, clean_text(block.text))
        return el
    if block.kind == "proposal":
        el = P(stylename=styles[f"proposal{min(block.depth, 3)}"])
        if block.number:
            lead = Span(stylename=styles["strong"])
            teletype.addTextToElement(lead, block.number + " ")
            el.addElement(lead)
    elif block.kind == "bullet":
        el = P(stylename=styles["bullet"])
        teletype.addTextToElement(el, "– ")
    else:
        el = P(stylename=styles.get(block.kind, styles["paragraph"]))
    body = Span()
    teletype.addTextToElement(body, clean_text(block.text))
    el.addElement(body)
    if block.unsourced:
        flag = Span(stylename=styles["em"])
        teletype.addTextToElement(flag, " " + UNSOURCED)
        el.addElement(flag)
    return el


def write_odt(prepared: Prepared) -> bytes:
    """The synthesis as an .odt file (bytes)."""
    doc = OpenDocumentText()
    styles = _styles(doc)
    notes = {n.number: n for n in prepared.notes}
    for block in prepared.blocks:
        el = _element(block, styles)
        if block.note is not None:
            note = Note(id=f"ftn{block.note}", noteclass="footnote")
            note.addElement(NoteCitation(text=str(block.note)))
            body = NoteBody()
            p = P(stylename=styles["footnote"])
            teletype.addTextToElement(p, clean_text(notes[block.note].text))
            body.addElement(p)
            note.addElement(body)
            el.addElement(note)
        doc.text.addElement(el)
    doc.meta.addElement(_meta_title(prepared.title))
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _meta_title(title: str) -> Element:
    from odf.dc import Title

    return Title(text=clean_text(title))
