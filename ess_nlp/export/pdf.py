"""PDF export with fpdf2, A4 and French (``/Lang fr-FR``): a cover page (logo, title, scope,
working group, version and date, organisation), headings, numbered proposals with superscript
note calls, initiative cards, clickable web addresses, and the sources as numbered notes at the
end (« Sources »), since fpdf2 has no page footnotes: each passage is printed there once.

French text needs a Unicode TrueType font; the first found of:

1. the export template's ``font_file`` (:mod:`ess_nlp.export.template`);
2. ``$ESS_NLP_PDF_FONT`` (a .ttf; ``$ESS_NLP_PDF_FONT_BOLD`` for bold, else the same file);
3. DejaVu Sans (Debian/Ubuntu package ``fonts-dejavu-core``: ``/usr/share/fonts/truetype/dejavu/``);
4. Liberation Sans, Noto Sans, FreeSans (other Linux packages), Arial on macOS and Windows.

With none of them the export still works with the PDF core font Helvetica (no file needed):
characters outside Latin-1 are replaced by the nearest ones (œ → oe, ’ → ', « … » kept) and
a warning is logged.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from ess_nlp.export._model import UNSOURCED, Block, Prepared, clean_text, link_parts
from ess_nlp.export.template import ExportTemplate
from ess_nlp.settings import settings

logger = logging.getLogger(__name__)

_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/freefont/FreeSans.ttf", "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf"),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
)

_LATIN1 = str.maketrans(
    {
        "œ": "oe", "Œ": "OE", "’": "'", "‘": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
        "…": "...", "\u202f": " ", "\u2009": " ", "\u2007": " ", "€": "EUR", "•": "-", "·": "-", "‑": "-",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PdfFont:
    """The font the PDF uses: ``regular``/``bold`` files, or None for the core Helvetica."""

    regular: Path | None
    bold: Path | None
    italic: Path | None = None

    @property
    def unicode(self) -> bool:
        return self.regular is not None


def find_font() -> PdfFont:
    """The Unicode font to embed (see module docstring)."""
    chosen = settings()
    env, env_bold = chosen.pdf_font, chosen.pdf_font_bold
    if env and env.is_file():
        return PdfFont(env, env_bold if env_bold and env_bold.is_file() else env)
    if env:
        logger.warning("ESS_NLP_PDF_FONT=%s is not a file; looking for a system font", env)
    for regular, bold in _CANDIDATES:
        if Path(regular).is_file():
            italic = next(
                (Path(p) for p in (regular.replace(".ttf", "-Oblique.ttf"), regular.replace("-Regular", "-Italic"))
                 if p != regular and Path(p).is_file()),
                Path(regular),
            )  # fmt: skip
            return PdfFont(Path(regular), Path(bold) if Path(bold).is_file() else Path(regular), italic)
    logger.warning("no Unicode TrueType font found; the PDF uses Helvetica (Latin-1 only)")
    return PdfFont(None, None)


def latin1(text: str) -> str:
    """Nearest Latin-1 text (for the core font fallback)."""
    text = text.translate(_LATIN1)
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


class _Pdf(FPDF):
    def __init__(self, font: PdfFont, title: str) -> None:
        super().__init__(format="A4")
        self.font_spec = font
        self.doc_title = title
        self.set_auto_page_break(True, margin=18)
        self.set_margins(20, 18, 20)
        if font.unicode:
            self.add_font("Body", "", str(font.regular))
            self.add_font("Body", "B", str(font.bold))
            self.add_font("Body", "I", str(font.italic or font.regular))
            self.family = "Body"
        else:
            self.family = "Helvetica"

    def t(self, text: str) -> str:
        text = clean_text(text).replace("\t", " ")
        return text if self.font_spec.unicode else latin1(text)

    def footer(self) -> None:
        if self.page_no() == 1:  # the cover
            return
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 6, self.t(f"{self.doc_title[:90]} — page {self.page_no()}"), align="C")


class _Writer:
    """Paragraphs wrapped here, word by word with cached widths, then drawn line by line:
    fpdf2's own line breaking re-measures the whole line at each character, which makes a
    5,000-item synthesis take minutes."""

    def __init__(self, pdf: _Pdf) -> None:
        self.pdf = pdf
        self.widths: dict[tuple[str, str, float], float] = {}

    def width(self, word: str, style: str, size: float) -> float:
        key = (word, style, size)
        found = self.widths.get(key)
        if found is None:
            found = self.widths[key] = self.pdf.get_string_width(word)
        return found

    def wrap(self, text: str, width: float, style: str, size: float) -> list[str]:
        self.pdf.set_font(self.pdf.family, style, size)
        space = self.width(" ", style, size)
        lines: list[str] = []
        for para in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in para.split():
                w = self.width(word, style, size)
                while w > width:  # a word longer than the line: cut it
                    cut = max(1, int(len(word) * width / w) - 1)
                    if line:
                        lines.append(" ".join(line))
                        line, used = [], 0.0
                    lines.append(word[:cut])
                    word = word[cut:]
                    w = self.width(word, style, size)
                extra = w + (space if line else 0.0)
                if line and used + extra > width:
                    lines.append(" ".join(line))
                    line, used = [word], w
                else:
                    line.append(word)
                    used += extra
            lines.append(" ".join(line))
        return lines or [""]

    def paragraph(
        self, text: str, *, left: float, width: float, size: float = 11, style: str = "", height: float = 5.6,
        note: int | None = None, after: float = 1.4,
    ) -> None:  # fmt: skip
        pdf = self.pdf
        lines = self.wrap(pdf.t(text), width - (4 if note is not None else 0), style, size)
        for n, line in enumerate(lines):
            pdf.set_font(pdf.family, style, size)
            if pdf.will_page_break(height):
                pdf.add_page()
            pdf.set_x(left)
            line_width = self.width(line, style, size) if line else 0.0
            pdf.cell(line_width + 0.5, height, line)
            self.links(line, left, style, size, height)
            if note is not None and n == len(lines) - 1:
                pdf.set_font(pdf.family, "", size * 0.62)
                x, y = pdf.get_x(), pdf.get_y()
                pdf.set_xy(x, y - height * 0.28)
                pdf.cell(4, height, str(note))
                pdf.set_xy(pdf.get_x(), y)
            pdf.ln(height)
        pdf.ln(after)

    def links(self, line: str, left: float, style: str, size: float, height: float) -> None:
        """Clickable areas over the web addresses of a drawn line."""
        at = 0.0
        for piece, target in link_parts(line):
            w = self.pdf.get_string_width(piece) if piece else 0.0
            if target is not None:
                self.pdf.link(left + at, self.pdf.get_y(), w, height, target)
            at += w


def _heading_colour(template: ExportTemplate) -> tuple[int, int, int]:
    c = template.heading_colour
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _cover(pdf: _Pdf, out: _Writer, prepared: Prepared, template: ExportTemplate) -> None:
    cover = prepared.front
    left, width = pdf.l_margin, pdf.w - pdf.l_margin - pdf.r_margin
    if template.logo is not None:
        logo_width = 45.0 if template.logo.ratio <= 1 else 45.0 / template.logo.ratio
        pdf.image(str(template.logo.path), x=left, y=pdf.t_margin, w=logo_width)
    pdf.set_y(95)
    pdf.set_text_color(*_heading_colour(template))
    out.paragraph(cover.title, left=left, width=width, size=24, style="B", height=11, after=3)
    for n, line in enumerate(cover.lines()):
        out.paragraph(line, left=left, width=width, size=14 if n == 0 else 12, height=7, after=1)
        pdf.set_text_color(0, 0, 0)
    if template.organisation:
        pdf.set_y(pdf.h - 50)
        out.paragraph(template.organisation, left=left, width=width, style="B", after=0)
    pdf.add_page()


def _field(pdf: _Pdf, out: _Writer, block: Block, text: str, left: float, width: float) -> None:
    label = 34.0
    if pdf.will_page_break(5.6):
        pdf.add_page()
    pdf.set_font(pdf.family, "B", 10)
    pdf.set_x(left + 4)
    pdf.cell(label, 5.6, pdf.t(block.label + " :"))
    if block.link:
        pdf.set_text_color(5, 99, 193)
    out.paragraph(text, left=left + 4 + label, width=width - 4 - label, size=10, note=block.note, after=0.4)
    pdf.set_text_color(0, 0, 0)


def _card_height(blocks: tuple[Block, ...], at: int) -> float:
    """The height (mm) of the initiative card whose title is ``blocks[at]``, about: its lines
    at 10 pt in the value column (75 characters a line); 100 mm at most."""
    height = 7.0
    for block in blocks[at + 1 :]:
        if block.kind != "field" or block.item != blocks[at].item:
            break
        height += 6.0 * max(1, -(-len(block.text) // 75))
    return min(height, 100.0)


def write_pdf(prepared: Prepared, *, font: PdfFont | None = None, template: ExportTemplate | None = None) -> bytes:
    """The synthesis as a PDF file (bytes), laid out with ``template`` (defaults if None)."""
    template = template or ExportTemplate()
    if font is None and template.font_file is not None:
        font = PdfFont(template.font_file, template.font_file_bold or template.font_file)
    pdf = _Pdf(font or find_font(), prepared.title)
    cover = prepared.front
    pdf.set_title(pdf.t(prepared.title))
    pdf.set_subject(pdf.t(cover.scope))
    pdf.set_author(pdf.t(f"Groupe de travail {cover.group}" if cover.group else template.organisation or "ess-nlp"))
    pdf.set_keywords(pdf.t(cover.version))
    pdf.set_lang("fr-FR")
    pdf.set_creator("ess-nlp")
    pdf.add_page()
    out = _Writer(pdf)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    left = pdf.l_margin
    colour = _heading_colour(template)
    blocks = prepared.blocks
    for at, block in enumerate(blocks):
        text = block.text + (f" {UNSOURCED}" if block.unsourced else "")
        if block.kind == "title":
            _cover(pdf, out, prepared, template)
        elif block.kind == "heading":
            if pdf.will_page_break(9 + 3 * 5.6):  # a heading never ends a page
                pdf.add_page()
            pdf.ln(2)
            pdf.set_text_color(*colour)
            out.paragraph(text, left=left, width=width, size=14, style="B", height=7, after=1.5)
            pdf.set_text_color(0, 0, 0)
        elif block.kind == "subheading":
            if pdf.will_page_break(_card_height(blocks, at)):  # a card is not cut across pages
                pdf.add_page()
            pdf.set_text_color(*colour)
            out.paragraph(text, left=left, width=width, size=12, style="B", height=6.5, after=0.5)
            pdf.set_text_color(0, 0, 0)
        elif block.kind == "field":
            _field(pdf, out, block, text, left, width)
        elif block.kind in ("proposal", "bullet"):
            indent = 8.0 * (block.depth + 1) + (2.0 if block.number == "Ou :" else 0.0)
            lead = block.number if block.kind == "proposal" else "–"
            if pdf.will_page_break(5.6):
                pdf.add_page()
            pdf.set_font(pdf.family, "B", 11)
            pdf.set_x(left + 8.0 * block.depth)
            pdf.cell(indent - 8.0 * block.depth, 5.6, pdf.t(lead))
            out.paragraph(text, left=left + indent, width=width - indent, note=block.note)
        else:
            out.paragraph(text, left=left, width=width, note=block.note)
    if prepared.notes:
        pdf.ln(3)
        pdf.set_text_color(*colour)
        out.paragraph("Sources", left=left, width=width, size=14, style="B", height=7, after=1)
        pdf.set_text_color(0, 0, 0)
        for note in prepared.notes:
            out.paragraph(f"{note.number}. {note.text}", left=left, width=width, size=8.5, height=4.2, after=0.8)
    return bytes(pdf.output())
