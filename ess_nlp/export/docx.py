"""Word (.docx) export with python-docx, made for print: A4 pages, French (``fr-FR``) as the
language of the document defaults and of every style, a cover page (logo, title, scope,
working group, version and date, organisation), headings (Titre, Titre 1, Titre 2), proposals
numbered by Word itself (a numbering definition in ``word/numbering.xml``: 1., 2., then a), b)
for sub-items; « Ou : » alternatives unnumbered), initiative cards, clickable web addresses,
page numbers in the footer, and real Word footnotes holding the sources.

python-docx has no footnote API, so the footnotes part (``word/footnotes.xml``) is written
here and related to the document; each footnote reference is a ``w:footnoteReference`` run,
as Word and LibreOffice write them. The document properties (title, author, dates, version)
come from the synthesis, never from python-docx's template (its thumbnail and its
« Microsoft Macintosh Word » application properties are dropped).
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from ess_nlp.export._model import UNSOURCED, Block, Note, Prepared, card_continues, clean_text, link_parts
from ess_nlp.export.template import ExportTemplate

LANGUAGE = "fr-FR"
#: Indent of each list level, in twentieths of a point (567 = 1 cm).
_STEP = 567
_LINK_COLOUR = "0563C1"
_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>ess-nlp</Application><DocSecurity>0</DocSecurity></Properties>"
)


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


def _footnotes_part(document: DocxDocument, notes: tuple[Note, ...]) -> XmlPart:
    """``word/footnotes.xml``: the two separators, then one footnote per note (its number
    hanging, web addresses as links related to the footnotes part itself)."""
    root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>")
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root, document.part.package)
    for note_id, kind in (("-1", "separator"), ("0", "continuationSeparator")):
        root.append(parse_xml(f'<w:footnote {nsdecls("w")} w:type="{kind}" w:id="{note_id}"><w:p><w:r><w:{kind}/></w:r></w:p></w:footnote>'))
    small = '<w:rPr><w:sz w:val="18"/></w:rPr>'
    for note in notes:
        runs = []
        for piece, target in link_parts(clean_text(note.text)):
            if not piece:
                continue
            run = f'<w:r>{small}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>'
            if target is not None:
                r_id = part.relate_to(target, RT.HYPERLINK, is_external=True)
                run = (
                    f'<w:hyperlink r:id="{r_id}" w:history="1"><w:r><w:rPr><w:color w:val="{_LINK_COLOUR}"/>'
                    f'<w:u w:val="single"/><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">{escape(piece)}</w:t></w:r></w:hyperlink>'
                )
            runs.append(run)
        root.append(
            parse_xml(
                f'<w:footnote {nsdecls("w", "r")} w:id="{note.number}"><w:p><w:pPr><w:spacing w:after="0"/>'
                '<w:ind w:left="284" w:hanging="284"/></w:pPr>'
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r><w:r><w:tab/></w:r>'
                f"{''.join(runs)}</w:p></w:footnote>"
            )
        )
    return part


def _numbering(document: DocxDocument) -> int:
    """Add the proposals' numbering definition (1. / a) / i)) and return its ``w:numId``."""
    numbering = document.part.numbering_part.element
    used = [int(x) for x in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
    abstract_id = max(used, default=0) + 1
    formats = (("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3)"), ("decimal", "%4."))
    levels = "".join(
        f'<w:lvl w:ilvl="{n}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{_STEP * (n + 1)}" w:hanging="{_STEP}"/></w:pPr>'
        f"<w:rPr><w:b/></w:rPr></w:lvl>"
        for n, (fmt, text) in enumerate(formats)
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:  # the schema wants every abstractNum before the nums
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = numbering.add_num(abstract_id)
    return int(num.numId)


def _number(paragraph: Paragraph, num_id: int, level: int) -> None:
    """Number ``paragraph`` with list ``num_id`` at ``level`` (``w:numPr``, placed where the
    schema wants it: after the paragraph's style)."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _add_text(paragraph: Paragraph, text: str) -> None:
    """``text`` as runs, web addresses as clickable links (``w:hyperlink``)."""
    for piece, target in link_parts(clean_text(text)):
        if not piece:
            continue
        if target is None:
            paragraph.add_run(piece)
            continue
        r_id = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
        link = parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}" w:history="1"><w:r><w:rPr>'
            f'<w:color w:val="{_LINK_COLOUR}"/><w:u w:val="single"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(piece)}</w:t></w:r></w:hyperlink>'
        )
        paragraph._p.append(link)


def _styled(document: DocxDocument, style_id: str) -> Paragraph:
    """A new paragraph of style ``style_id`` (python-docx's lookup by name scans every style of
    the template for each paragraph: minutes on a 5,000-item synthesis)."""
    paragraph = document.add_paragraph()
    paragraph._p.style = style_id
    return paragraph


def _block(document: DocxDocument, block: Block, num_id: int, ids: dict[str, str], *, keep: bool = False) -> None:
    """One block as a paragraph; ``keep`` keeps it on the page of the next one (a card's lines)."""
    text = clean_text(block.text)
    if block.kind == "heading":
        paragraph = document.add_heading(text, level=1)
    elif block.kind == "subheading":
        paragraph = document.add_heading(text, level=2)
    elif block.kind == "proposal":
        paragraph = _styled(document, ids["List Paragraph"])
        numbered = block.number not in ("", "Ou :")
        if numbered:
            _number(paragraph, num_id, min(block.depth, 3))
        else:
            fmt = paragraph.paragraph_format
            fmt.left_indent = Cm(1.0 * (block.depth + 1))
            fmt.first_line_indent = Cm(-1.0) if block.number else None
            if block.number:
                paragraph.add_run("Ou :\t").bold = True
        _add_text(paragraph, text)
    elif block.kind == "bullet":
        paragraph = _styled(document, ids["List Bullet"])
        _add_text(paragraph, text)
    elif block.kind == "field":
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.space_after, fmt.keep_with_next = Cm(0.4), Pt(2), keep or None
        paragraph.add_run(block.label + " : ").bold = True
        _add_text(paragraph, text)
    else:
        paragraph = document.add_paragraph()
        _add_text(paragraph, text)
    if block.unsourced:
        flag = paragraph.add_run(" " + UNSOURCED)
        flag.italic = True
    if block.note is not None:
        _footnote_reference(paragraph, block.note)


def _page_setup(document: DocxDocument, title: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.25)
    section.different_first_page_header_footer = True  # no footer on the cover
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centred
    footer.add_run(clean_text(title)[:90] + " — page ").font.size = Pt(8)
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>'))


def _french(document: DocxDocument) -> None:
    """fr-FR in the document defaults (every style inherits them), in any style that names its
    own language, and as the theme's font language."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}/>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    if rpr.find(qn("w:lang")) is None:
        rpr.append(parse_xml(f"<w:lang {nsdecls('w')}/>"))
    for lang in styles.iter(qn("w:lang")):  # the defaults, and any style that names a language
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
    # the template's Word 2010 copy of the styles (en-US) would contradict styles.xml
    for r_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(r_id)


def _look(document: DocxDocument, template: ExportTemplate) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = template.font, Pt(11)
    colour = RGBColor.from_string(template.heading_colour)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name, style.font.color.rgb = template.headings, colour
        rfonts = style.element.rPr.find(qn("w:rFonts"))
        if rfonts is not None:  # the template's theme fonts would win over the name
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
    normal_rfonts = normal.element.rPr.find(qn("w:rFonts"))
    if normal_rfonts is not None:
        normal_rfonts.set(qn("w:eastAsia"), template.font)


def _cover(document: DocxDocument, prepared: Prepared, template: ExportTemplate) -> None:
    cover = prepared.front
    if template.logo is not None:
        width = Cm(4.5) if template.logo.ratio <= 1 else Cm(4.5 / template.logo.ratio)
        document.add_picture(str(template.logo.path), width=width)
    title = document.add_heading(clean_text(cover.title), level=0)
    title.paragraph_format.space_before = Cm(6 if template.logo is None else 3)
    for n, line in enumerate(cover.lines()):
        paragraph = document.add_paragraph(clean_text(line), style="Subtitle" if n == 0 else None)
        paragraph.paragraph_format.space_after = Pt(4)
    if template.organisation:
        closing = document.add_paragraph()
        closing.paragraph_format.space_before = Cm(8)
        closing.add_run(clean_text(template.organisation)).bold = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _properties(document: DocxDocument, prepared: Prepared, template: ExportTemplate) -> None:
    cover = prepared.front
    author = f"Groupe de travail {cover.group}" if cover.group else template.organisation or "ess-nlp"
    core = document.core_properties
    core.title = clean_text(prepared.title)
    core.subject = clean_text(cover.scope) or "Synthèse de groupe de travail — cahiers d'espérance de l'ESS"
    core.author = core.last_modified_by = clean_text(author)
    core.comments = ""
    core.keywords = "ESS ; cahiers d'espérance ; synthèse"
    core.category = "Synthèse"
    core.language = LANGUAGE
    core.version = cover.version
    core.revision = int(cover.version.split()[-1]) if cover.version.startswith("Version ") else 1
    moment = dt.datetime.combine(cover.date, dt.time(12, 0), tzinfo=dt.UTC)
    core.created = core.modified = moment
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML.encode("utf-8")  # python-docx keeps this part as plain bytes


def write_docx(prepared: Prepared, template: ExportTemplate | None = None) -> bytes:
    """The synthesis as a .docx file (bytes), laid out with ``template`` (defaults if None)."""
    template = template or ExportTemplate()
    document = new_document()
    _page_setup(document, prepared.title)
    _french(document)
    _look(document, template)
    _properties(document, prepared, template)
    num_id = _numbering(document)
    ids = {name: document.styles[name].style_id for name in ("List Paragraph", "List Bullet")}
    blocks = prepared.blocks
    for at, block in enumerate(blocks):
        if block.kind == "title":
            _cover(document, prepared, template)
        else:
            _block(document, block, num_id, ids, keep=card_continues(blocks, at))
    if prepared.notes:
        document.part.relate_to(_footnotes_part(document, prepared.notes), RT.FOOTNOTES)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
