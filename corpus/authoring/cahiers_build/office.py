"""Office renderings: real .docx (python-docx) and .odt (odfpy), with byte-stable zips."""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from .model import BULLET_MARKERS, FIXED_DATETIME, ZIP_DATE, Cahier, El

# --------------------------------------------------------------------------------------------
# Zip normalisation (deterministic docx/odt)
# --------------------------------------------------------------------------------------------


def normalise_zip(data: bytes, first: str | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    if first and first in names:
        names.remove(first)
        names.insert(0, first)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for n in names:
            info = zipfile.ZipInfo(n, ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, src.read(n))
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def render_docx(c: Cahier) -> bytes:
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = docx.Document()
    cp = doc.core_properties
    cp.author = c.spec["organisations"][0]["name"]
    cp.last_modified_by = cp.author
    cp.title = c.spec["title"]
    cp.created = FIXED_DATETIME
    cp.modified = FIXED_DATETIME
    cp.last_printed = FIXED_DATETIME
    cp.revision = 1
    cp.comments = ""
    auto = c.style.get("numbering") == "auto"

    numbering = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    next_abs = max(abstract_ids, default=0) + 1
    next_num = max(num_ids, default=0) + 1
    abstract_for: dict[tuple[str, str], int] = {}

    def lvl_xml(ilvl: int, pattern: str) -> str:
        if pattern in BULLET_MARKERS:
            fmt, text = "bullet", {"-": "-", "*": "*", "o": "o"}.get(pattern, pattern)
        else:
            fmt = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman"}[pattern[0]]
            text = f"%{ilvl + 1}{pattern[1:]}"
        left = 720 * (ilvl + 1)
        return (
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{html.escape(text)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr></w:lvl>'
        )

    def new_num(pattern: str, sub_pattern: str, start: int = 1) -> int:
        nonlocal next_abs, next_num
        key = (pattern, sub_pattern)
        if key not in abstract_for:
            abs_id = next_abs
            next_abs += 1
            xml = (
                f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abs_id}">'
                f'<w:nsid w:val="{0x5E5A0000 + abs_id:08X}"/><w:multiLevelType w:val="hybridMultilevel"/>'
                + lvl_xml(0, pattern)
                + lvl_xml(1, sub_pattern)
                + "</w:abstractNum>"
            )
            first_num = numbering.find(qn("w:num"))
            el = parse_xml(xml)
            if first_num is not None:
                first_num.addprevious(el)
            else:
                numbering.append(el)
            abstract_for[key] = abs_id
        num_id = next_num
        next_num += 1
        numbering.append(
            parse_xml(
                f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_for[key]}"/>'
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            )
        )
        return num_id

    note_ids = {str(f["marker"]): i for i, f in enumerate(c.footnotes, start=1)}

    def fill(par: Any, el: El) -> None:
        last = 0
        for pos, marker in sorted(el.notes):
            if el.text[last:pos]:
                par.add_run(el.text[last:pos])
            par._p.append(
                parse_xml(
                    f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{note_ids[marker]}"/></w:r>'
                )
            )
            last = pos
        if el.text[last:]:
            par.add_run(el.text[last:])

    nums: dict[int, int] = {}
    for idx, el in enumerate(c.elements):
        if el.kind == "banner":
            doc.add_paragraph(el.text).runs[0].bold = True
        elif el.kind == "title":
            doc.add_heading(el.text, level=0)
        elif el.kind == "heading":
            doc.add_heading(el.text, level=1)
        elif el.kind == "para":
            fill(doc.add_paragraph(), el)
        elif el.kind == "table":
            table = doc.add_table(rows=len(el.rows), cols=len(el.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(el.rows):
                for k, cell_text in enumerate(row):
                    cell = table.cell(r, k)
                    cell.text = cell_text
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
        elif el.kind == "alt":
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Pt(36 * (el.depth + 1))
            fill(p, el)
        elif el.kind == "item":
            if auto:
                assert el.list_id is not None
                if el.list_id not in nums:
                    sub = next(
                        (e for e in c.elements[idx:] if e.list_id == el.list_id and e.depth == 1), None
                    )
                    nums[el.list_id] = new_num(
                        el.pattern or "1.", sub.pattern if sub and sub.pattern else "a)", el.index
                    )
                p = doc.add_paragraph(style="List Paragraph")
                numpr = p._p.get_or_add_pPr().get_or_add_numPr()
                numpr.get_or_add_ilvl().val = el.depth
                numpr.get_or_add_numId().val = nums[el.list_id]
                fill(p, el)
            else:
                p = doc.add_paragraph()
                p.paragraph_format.left_indent = Pt(18 * (el.depth + 1))
                p.add_run(el.marker + " ")
                fill(p, el)

    if c.footnotes:
        notes = [
            f'<w:footnotes xmlns:w="{W_NS}">',
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>',
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote>",
        ]
        for f in c.footnotes:
            notes.append(
                f'<w:footnote w:id="{note_ids[str(f["marker"])]}">'
                '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve"> {html.escape(f["text"], quote=False)}'
                "</w:t></w:r></w:p></w:footnote>"
            )
        notes.append("</w:footnotes>")
        blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + "".join(notes)).encode("utf-8")
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, doc.part.package)
        doc.part.relate_to(part, RT.FOOTNOTES)
        settings = doc.settings.element
        settings.append(
            parse_xml(
                f'<w:footnotePr xmlns:w="{W_NS}"><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
            )
        )
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


# --------------------------------------------------------------------------------------------
# ODT
# --------------------------------------------------------------------------------------------


def render_odt(c: Cahier) -> bytes:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        ListLevelProperties,
        ParagraphProperties,
        Style,
        TableColumnProperties,
        TextProperties,
    )
    from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import (
        H,
        List,
        ListItem,
        ListLevelStyleBullet,
        ListLevelStyleNumber,
        ListStyle,
        Note,
        NoteBody,
        NoteCitation,
        P,
    )

    doc = OpenDocumentText()
    doc.meta.addElement(dc.Title(text=c.spec["title"]))
    doc.meta.addElement(dc.Creator(text=c.spec["organisations"][0]["name"]))
    doc.meta.addElement(meta.CreationDate(text=FIXED_DATETIME.isoformat()))
    doc.meta.addElement(dc.Date(text=FIXED_DATETIME.isoformat()))

    title_style = Style(name="Title", family="paragraph")
    title_style.addElement(TextProperties(fontsize="18pt", fontweight="bold"))
    title_style.addElement(ParagraphProperties(marginbottom="0.4cm"))
    doc.styles.addElement(title_style)
    h1 = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph", defaultoutlinelevel="1")
    h1.addElement(TextProperties(fontsize="14pt", fontweight="bold"))
    h1.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm"))
    doc.styles.addElement(h1)
    body = Style(name="Text_20_body", displayname="Text body", family="paragraph")
    body.addElement(ParagraphProperties(marginbottom="0.25cm", textalign="justify"))
    doc.styles.addElement(body)
    note_style = Style(name="Footnote", family="paragraph")
    note_style.addElement(TextProperties(fontsize="9pt"))
    doc.styles.addElement(note_style)
    indent = Style(name="Alternative", family="paragraph", parentstylename="Text_20_body")
    indent.addElement(ParagraphProperties(marginleft="1.2cm"))
    doc.automaticstyles.addElement(indent)
    auto = c.style.get("numbering") == "auto"
    list_styles: dict[tuple[str, str], Any] = {}

    def level_style(level: int, pattern: str) -> Any:
        props = ListLevelProperties(spacebefore=f"{0.6 * level:.1f}cm", minlabelwidth="0.6cm")
        if pattern in BULLET_MARKERS:
            st = ListLevelStyleBullet(level=level, bulletchar=pattern)
        else:
            st = ListLevelStyleNumber(level=level, numformat=pattern[0], numsuffix=pattern[1:], startvalue=1)
        st.addElement(props)
        return st

    def list_style(pattern: str, sub_pattern: str) -> Any:
        key = (pattern, sub_pattern)
        if key not in list_styles:
            ls = ListStyle(name=f"L{len(list_styles) + 1}")
            ls.addElement(level_style(1, pattern))
            ls.addElement(level_style(2, sub_pattern))
            doc.automaticstyles.addElement(ls)
            list_styles[key] = ls
        return list_styles[key]

    def para(el: El, stylename: Any = body) -> Any:
        p = P(stylename=stylename)
        last = 0
        for pos, marker in sorted(el.notes):
            p.addText(el.text[last:pos])
            fn = next(f for f in c.footnotes if str(f["marker"]) == marker)
            note = Note(id=f"ftn{marker}", noteclass="footnote")
            note.addElement(NoteCitation(text=marker))
            nb = NoteBody()
            nb.addElement(P(stylename=note_style, text=fn["text"]))
            note.addElement(nb)
            p.addElement(note)
            last = pos
        p.addText(el.text[last:])
        return p

    els = c.elements
    i = 0
    table_n = 0
    seen_lists: set[int | None] = set()
    while i < len(els):
        el = els[i]
        if el.kind == "banner":
            doc.text.addElement(P(stylename=body, text=el.text))
        elif el.kind == "title":
            doc.text.addElement(P(stylename=title_style, text=el.text))
        elif el.kind == "heading":
            doc.text.addElement(H(outlinelevel=1, stylename=h1, text=el.text))
        elif el.kind == "para":
            doc.text.addElement(para(el))
        elif el.kind == "table":
            table_n += 1
            t = Table(name=f"Tableau{table_n}")
            colstyle = Style(name=f"Tableau{table_n}.A", family="table-column")
            colstyle.addElement(TableColumnProperties(columnwidth=f"{16 / len(el.rows[0]):.2f}cm"))
            doc.automaticstyles.addElement(colstyle)
            t.addElement(TableColumn(numbercolumnsrepeated=len(el.rows[0]), stylename=colstyle))
            header = TableHeaderRows()
            for r, row in enumerate(el.rows):
                tr = TableRow()
                for cell_text in row:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=cell_text))
                    tr.addElement(cell)
                (header if r == 0 else t).addElement(tr)
                if r == 0:
                    t.addElement(header)
            doc.text.addElement(t)
        elif el.kind in ("item", "alt"):
            lid = el.list_id
            group = []
            while i < len(els) and els[i].list_id == lid and els[i].kind in ("item", "alt"):
                group.append(els[i])
                i += 1
            if auto:
                sub = next((g for g in group if g.depth == 1), None)
                ls = list_style(group[0].pattern or "1.", sub.pattern if sub and sub.pattern else "a)")
                top = odt_list(group, ls, para, List, ListItem, indent)
                if lid in seen_lists:  # a list resumed after a paragraph continues its numbering
                    top.setAttribute("continuenumbering", "true")
                elif group[0].index != 1:
                    top.childNodes[0].setAttribute("startvalue", str(group[0].index))
                seen_lists.add(lid)
                doc.text.addElement(top)
            else:
                for g in group:
                    if g.kind == "item":
                        typed = El(
                            "para",
                            g.marker + " " + g.text,
                            notes=[(pos + len(g.marker) + 1, m) for pos, m in g.notes],
                        )
                        doc.text.addElement(para(typed, indent if g.depth else body))
                    else:
                        doc.text.addElement(para(g, indent))
            continue
        i += 1
    buf = io.BytesIO()
    doc.write(buf)
    data = buf.getvalue()
    return normalise_zip(fix_odt_meta(data), first="mimetype")


def odt_list(group: list[El], ls: Any, para: Any, List: Any, ListItem: Any, alt_style: Any) -> Any:
    top = List(stylename=ls)
    j = 0
    while j < len(group):
        el = group[j]
        li = ListItem()
        li.addElement(para(el))
        j += 1
        subs = []
        while j < len(group) and group[j].depth == 1:
            subs.append(group[j])
            j += 1
        if subs:
            sub_list = List()
            for s in subs:
                sli = ListItem()
                sli.addElement(para(s))
                sub_list.addElement(sli)
            li.addElement(sub_list)
        while j < len(group) and group[j].kind == "alt":
            li.addElement(para(group[j], alt_style))
            j += 1
        top.addElement(li)
    return top


def fix_odt_meta(data: bytes) -> bytes:
    """Pin the generator/date fields odfpy writes so the output is byte-stable."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for n in src.namelist():
            blob = src.read(n)
            if n == "meta.xml":
                text = blob.decode("utf-8")
                text = re.sub(
                    r"<meta:generator>[^<]*</meta:generator>",
                    "<meta:generator>ess-nlp corpus build</meta:generator>",
                    text,
                )
                blob = text.encode("utf-8")
            dst.writestr(n, blob)
    return buf.getvalue()
