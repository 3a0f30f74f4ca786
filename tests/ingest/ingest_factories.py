"""Builders of small source documents for the ingestion tests (python-docx, odfpy, fpdf2).

Each builder returns the file's bytes; tests write them into ``tmp_path`` when they need a path.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


# --- docx -----------------------------------------------------------------------------------


class DocxBuilder:
    """A python-docx document with helpers for automatic numbering and footnotes."""

    def __init__(self) -> None:
        import docx

        self.doc = docx.Document()
        numbering = self.doc.part.numbering_part.element
        from docx.oxml.ns import qn

        self._qn = qn
        self._numbering = numbering
        abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        self._next_abstract = max(abstract_ids, default=0) + 1
        self._next_num = max(num_ids, default=0) + 1
        self._notes: list[tuple[int, str]] = []

    def abstract(self, levels: Sequence[tuple[str, str]], starts: Sequence[int] | None = None) -> int:
        """Define an abstract numbering; ``levels`` are ``(numFmt, lvlText)`` per level."""
        from docx.oxml import parse_xml

        abstract_id = self._next_abstract
        self._next_abstract += 1
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{(starts or [1] * len(levels))[i]}"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{html.escape(text)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        element = parse_xml(
            f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'
        )
        first_num = self._numbering.find(self._qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self._numbering.append(element)
        return abstract_id

    def num(self, abstract_id: int, restart: bool = True) -> int:
        """A list instance of ``abstract_id``; ``restart`` adds a startOverride on levels 0 and 1."""
        from docx.oxml import parse_xml

        num_id = self._next_num
        self._next_num += 1
        overrides = (
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
            '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride>'
            if restart
            else ""
        )
        self._numbering.append(
            parse_xml(
                f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                f"{overrides}</w:num>"
            )
        )
        return num_id

    def item(self, text: str, num_id: int, level: int = 0) -> None:
        p = self.doc.add_paragraph(style="List Paragraph")
        numpr = p._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = level
        numpr.get_or_add_numId().val = num_id
        self._fill(p, text)

    def paragraph(self, text: str) -> None:
        self._fill(self.doc.add_paragraph(), text)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def table(self, rows: Sequence[Sequence[str]]) -> None:
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for k, text in enumerate(row):
                table.cell(r, k).text = text

    def raw_paragraph(self, inner_xml: str) -> None:
        """Append ``<w:p>`` with the given inner WordprocessingML."""
        from docx.oxml import parse_xml

        self.doc.element.body.append(parse_xml(f'<w:p xmlns:w="{W_NS}">{inner_xml}</w:p>'))

    def _fill(self, p: object, text: str) -> None:
        """Text where "{note:TEXT}" becomes a real footnote reference."""
        import re

        from docx.oxml import parse_xml

        pos = 0
        for match in re.finditer(r"\{note:([^}]*)\}", text):
            if match.start() > pos:
                p.add_run(text[pos : match.start()])  # type: ignore[attr-defined]
            note_id = len(self._notes) + 1
            self._notes.append((note_id, match.group(1)))
            p._p.append(  # type: ignore[attr-defined]
                parse_xml(
                    f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{note_id}"/></w:r>'
                )
            )
            pos = match.end()
        if text[pos:]:
            p.add_run(text[pos:])  # type: ignore[attr-defined]

    def to_bytes(self) -> bytes:
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        if self._notes:
            notes = [f'<w:footnotes xmlns:w="{W_NS}">']
            notes.append(
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            )
            notes.append(
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                "</w:r></w:p></w:footnote>"
            )
            for note_id, text in self._notes:
                notes.append(
                    f'<w:footnote w:id="{note_id}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
                    f'</w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {html.escape(text)}</w:t>'
                    "</w:r></w:p></w:footnote>"
                )
            notes.append("</w:footnotes>")
            blob = "".join(notes).encode("utf-8")
            part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, self.doc.part.package)
            self.doc.part.relate_to(part, RT.FOOTNOTES)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# --- odt ------------------------------------------------------------------------------------


class OdtBuilder:
    """An odfpy text document with numbered/bulleted list styles, notes and tables."""

    def __init__(self) -> None:
        from odf.opendocument import OpenDocumentText

        self.doc = OpenDocumentText()
        self._styles: dict[str, object] = {}
        self._notes = 0

    def list_style(self, name: str, levels: Sequence[tuple[str, str, str]]) -> str:
        """``levels``: ``(num_format, prefix, suffix)``; num_format "" with suffix "•" makes a bullet."""
        from odf.style import ListLevelProperties
        from odf.text import ListLevelStyleBullet, ListLevelStyleNumber, ListStyle

        style = ListStyle(name=name)
        for i, (fmt, prefix, suffix) in enumerate(levels, start=1):
            if fmt:
                level = ListLevelStyleNumber(level=i, numformat=fmt, numprefix=prefix, numsuffix=suffix)
            else:
                level = ListLevelStyleBullet(level=i, bulletchar=suffix)
            level.addElement(ListLevelProperties(spacebefore=f"{0.6 * i}cm", minlabelwidth="0.6cm"))
            style.addElement(level)
        self.doc.automaticstyles.addElement(style)
        return name

    def heading(self, text: str, level: int = 1) -> None:
        from odf.text import H

        self.doc.text.addElement(H(outlinelevel=level, text=text))

    def paragraph(self, text: str) -> None:
        self.doc.text.addElement(self._p(text))

    def _p(self, text: str) -> object:
        """A paragraph where "{note:TEXT}" becomes a footnote."""
        import re

        from odf.text import Note, NoteBody, NoteCitation, P

        p = P()
        pos = 0
        for match in re.finditer(r"\{note:([^}]*)\}", text):
            if match.start() > pos:
                p.addText(text[pos : match.start()])
            self._notes += 1
            note = Note(id=f"ftn{self._notes}", noteclass="footnote")
            note.addElement(NoteCitation(text=str(self._notes)))
            body = NoteBody()
            body.addElement(P(text=match.group(1)))
            note.addElement(body)
            p.addElement(note)
            pos = match.end()
        if text[pos:]:
            p.addText(text[pos:])
        return p

    def list(self, items: Sequence[str | tuple[str, Sequence[str]]], style: str, **attributes: str) -> None:
        """A list; an item may be ``(text, sub_items)`` for a nested list."""
        self.doc.text.addElement(self._list(items, style, **attributes))

    def _list(
        self, items: Sequence[str | tuple[str, Sequence[str]]], style: str | None, **attributes: str
    ) -> object:
        from odf.text import List, ListItem

        kwargs: dict[str, str] = dict(attributes)
        if style:
            kwargs["stylename"] = style
        lst = List(**kwargs)
        for item in items:
            li = ListItem()
            text, sub = (item, ()) if isinstance(item, str) else item
            li.addElement(self._p(text))
            if sub:
                li.addElement(self._list(list(sub), None))
            lst.addElement(li)
        return lst

    def table(self, rows: Sequence[Sequence[str]]) -> None:
        from odf.table import Table, TableCell, TableColumn, TableRow
        from odf.text import P

        table = Table(name=f"Tableau{len(rows)}")
        table.addElement(TableColumn(numbercolumnsrepeated=len(rows[0])))
        for row in rows:
            tr = TableRow()
            for cell_text in row:
                cell = TableCell()
                cell.addElement(P(text=cell_text))
                tr.addElement(cell)
            table.addElement(tr)
        self.doc.text.addElement(table)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.write(buffer)
        return buffer.getvalue()


# --- pdf ------------------------------------------------------------------------------------


@dataclass
class PdfLine:
    """A line of a test PDF, drawn at the left margin (``indent`` mm further).

    ``full`` lines are justified to the width of the widest line of the document, like the
    wrapped lines of a justified paragraph; the last line of a paragraph is not ``full``.
    In ``text``, "word^1" draws "1" as a small raised marker right after "word".
    """

    text: str
    size: float = 11.0
    bold: bool = False
    gap_before: float = 0.0  # extra vertical space before the line, in mm
    indent: float = 0.0
    full: bool = False


@dataclass
class PdfPage:
    lines: list[PdfLine]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (marker, text) at the page bottom


def _tokens(text: str) -> list[list[tuple[str, bool]]]:
    """Words, each a list of (piece, raised) pieces."""
    words = []
    for word in text.split(" "):
        pieces: list[tuple[str, bool]] = []
        for k, piece in enumerate(word.split("^")):
            if k == 0:
                pieces.append((piece, False))
            else:
                marker = "".join(ch for ch in piece if ch.isdigit() or ch == "*")
                pieces.append((marker, True))
                if piece[len(marker) :]:
                    pieces.append((piece[len(marker) :], False))
        words.append([p for p in pieces if p[0]])
    return words


def pdf_bytes(
    pages: Sequence[PdfPage],
    *,
    header: str | None = "Cahiers d'espérance — Recueil de test",
    footer: str | None = "Page {n}",
    encrypt_password: str | None = None,
) -> bytes:
    """Draw ``pages`` line by line with fpdf2 (A4, DejaVu): header, footer, raised markers, notes."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    pdf.set_auto_page_break(False)

    def set_font(line: PdfLine, raised: bool) -> None:
        pdf.set_font("DejaVu", "B" if line.bold and not raised else "", line.size * (0.6 if raised else 1.0))

    def width(line: PdfLine, word: list[tuple[str, bool]]) -> float:
        total = 0.0
        for piece, raised in word:
            set_font(line, raised)
            total += pdf.get_string_width(piece)
        return total

    def natural(line: PdfLine) -> float:
        words = _tokens(line.text)
        set_font(line, False)
        return line.indent + sum(width(line, w) for w in words) + pdf.get_string_width(" ") * (len(words) - 1)

    block = max((natural(line) for page in pages for line in page.lines), default=0.0)
    total = len(pages)
    for n, page in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.set_font("DejaVu", "", 8)
            pdf.text(20, 14, header)
        if footer:
            pdf.set_font("DejaVu", "", 8)
            pdf.text(100, 287, footer.format(n=n, total=total))
        y = 30.0
        for line in page.lines:
            y += line.gap_before
            words = _tokens(line.text)
            widths = [width(line, w) for w in words]
            set_font(line, False)
            space = pdf.get_string_width(" ")
            if line.full and len(words) > 1:
                space = (block - line.indent - sum(widths)) / (len(words) - 1)
            x = 20.0 + line.indent
            for word, word_width in zip(words, widths, strict=True):
                px = x
                for piece, raised in word:
                    set_font(line, raised)
                    pdf.text(px, y - (1.8 if raised else 0.0), piece)
                    px += pdf.get_string_width(piece)
                x += word_width + space
            y += line.size * 0.45
        if page.notes:
            y = 262.0 - 4.0 * len(page.notes)
            pdf.line(20, y - 4, 60, y - 4)
            for marker, text in page.notes:
                pdf.set_font("DejaVu", "", 5.5)
                pdf.text(20, y - 1.2, marker)
                pdf.set_font("DejaVu", "", 8)
                pdf.text(24, y, text)
                y += 4.0
    if encrypt_password is not None:
        pdf.set_encryption(owner_password="owner-secret", user_password=encrypt_password)
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A one-page PDF holding only an image (what a scan without OCR looks like)."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("L", (200, 100), color=200)
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.image(image, x=20, y=20, w=170)
    return bytes(pdf.output())


# --- the text contract ----------------------------------------------------------------------


def assert_text_contract(doc: object) -> None:
    """Check the text conventions of :mod:`ess_nlp.ingest` on a Document."""
    from ess_nlp.records import Document

    assert isinstance(doc, Document)
    text = doc.text
    assert text and text == text.strip()
    for paragraph in text.split("\n\n"):
        assert paragraph, "no empty paragraph (no triple newline)"
        assert "\n" not in paragraph, "paragraphs hold no newline"
        assert paragraph == paragraph.strip() and "  " not in paragraph, "whitespace is normalised"
        assert not any(ch in paragraph for ch in "\t\u00a0\u202f\u00ad\u200b\ufeff\r\x0c")
    for note in doc.footnotes:
        assert 0 <= note.anchor <= len(text) and note.text == note.text.strip() and note.marker
    anchors = [note.anchor for note in doc.footnotes]
    assert anchors == sorted(anchors)
    if doc.pages:
        assert doc.pages[0].start == 0 and doc.pages[-1].end == len(text)
        for before, after in zip(doc.pages, doc.pages[1:], strict=False):
            assert before.end == after.start and before.number + 1 == after.number
    previous_end = 0
    for part in doc.parts:
        assert previous_end <= part.start < part.end <= len(text)
        previous_end = part.end
        for _, _, start, end in part.fields:
            assert part.start <= start < end <= part.end
