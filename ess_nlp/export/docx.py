"""Word (.docx) export with python-docx: headings (Titre, Titre 1, Titre 2), numbered
proposals, and real Word footnotes holding the sources.

python-docx has no footnote API, so the footnotes part (``word/footnotes.xml``) is written
here and related to the document; each footnote reference is a ``w:footnoteReference`` run,
as Word and LibreOffice write them.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from ess_nlp.export._model import UNSOURCED, Block, Note, Prepared, clean_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _footnote_reference(paragraph: Paragraph, number: int) -> None:
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    align = OxmlElement("w:vertAlign")
    align.set(qn("w:val"), "superscript")
    props.append(align)
    run.append(props)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(number))
    run.append(ref)
    paragraph._p.append(run)


def _footnotes_xml(notes: tuple[Note, ...]) -> bytes:
    w = f"{{{W_NS}}}"
    root = etree.Element(w + "footnotes", nsmap={"w": W_NS})
    for note_id, kind, mark in (("-1", "separator", "separator"), ("0", "continuationSeparator", "continuationSeparator")):
        fn = etree.SubElement(root, w + "footnote", {w + "type": kind, w + "id": note_id})
        etree.SubElement(etree.SubElement(etree.SubElement(fn, w + "p"), w + "r"), w + mark)
    for note in notes:
        fn = etree.SubElement(root, w + "footnote", {w + "id": str(note.number)})
        p = etree.SubElement(fn, w + "p")
        ppr = etree.SubElement(p, w + "pPr")
        etree.SubElement(ppr, w + "spacing", {w + "after": "0"})
        ref_run = etree.SubElement(p, w + "r")
        rpr = etree.SubElement(ref_run, w + "rPr")
        etree.SubElement(rpr, w + "vertAlign", {w + "val": "superscript"})
        etree.SubElement(ref_run, w + "footnoteRef")
        run = etree.SubElement(p, w + "r")
        rpr = etree.SubElement(run, w + "rPr")
        etree.SubElement(rpr, w + "sz", {w + "val": "18"})
        t = etree.SubElement(run, w + "t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        t.text = " " + clean_text(note.text)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _block(document: DocxDocument, block: Block) -> None:
    text = clean_text(block.text)
    if block.kind == "title":
        paragraph = document.add_heading(text, level=0)
    elif block.kind == "heading":
        paragraph = document.add_heading(text, level=1)
    elif block.kind == "subheading":
        paragraph = document.add_heading(text, level=2)
    elif block.kind == "proposal":
        paragraph = document.add_paragraph()
        indent = 0.75 + 0.75 * block.depth
        paragraph.paragraph_format.left_indent = Cm(indent)
        paragraph.paragraph_format.first_line_indent = Cm(-0.75)
        if block.number:
            lead = paragraph.add_run(block.number + "\t" if block.number != "Ou :" else "Ou : ")
            lead.bold = True
        paragraph.add_run(text)
    elif block.kind == "bullet":
        paragraph = document.add_paragraph(text, style="List Bullet")
    elif block.kind == "meta":
        paragraph = document.add_paragraph()
        paragraph.add_run(text).italic = True
    else:
        paragraph = document.add_paragraph(text)
    if block.unsourced:
        flag = paragraph.add_run(" " + UNSOURCED)
        flag.italic = True
    if block.note is not None:
        _footnote_reference(paragraph, block.note)


def write_docx(prepared: Prepared) -> bytes:
    """The synthesis as a .docx file (bytes)."""
    document = new_document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    core = document.core_properties
    core.title = clean_text(prepared.title)
    core.subject = "Synthèse de groupe de travail — cahiers d'espérance de l'ESS"
    core.language = "fr-FR"
    for block in prepared.blocks:
        _block(document, block)
    if prepared.notes:
        part = Part(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, _footnotes_xml(prepared.notes), document.part.package
        )
        document.part.relate_to(part, RT.FOOTNOTES)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
