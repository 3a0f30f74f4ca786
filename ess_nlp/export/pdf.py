"""PDF export with fpdf2: headings, numbered proposals with superscript note calls, and the
sources as numbered notes at the end (« Sources »), since fpdf2 has no page footnotes.

French text needs a Unicode TrueType font; the first found of:

1. ``$ESS_NLP_PDF_FONT`` (a .ttf; ``$ESS_NLP_PDF_FONT_BOLD`` for bold, else the same file);
2. DejaVu Sans (Debian/Ubuntu package ``fonts-dejavu-core``: ``/usr/share/fonts/truetype/dejavu/``);
3. Liberation Sans, Noto Sans, FreeSans (other Linux packages), Arial on macOS and Windows.

With none of them the export still works with the PDF core font Helvetica (no file needed):
characters outside Latin-1 are replaced by the nearest ones (œ → oe, ’ → ', « … » kept) and
a warning is logged.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ess_nlp.export._model import UNSOURCED, Prepared, clean_text

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
    env = os.environ.get("ESS_NLP_PDF_FONT")
    if env and Path(env).is_file():
        bold = os.environ.get("ESS_NLP_PDF_FONT_BOLD")
        return PdfFont(Path(env), Path(bold) if bold and Path(bold).is_file() else Path(env))
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
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 6, self.t(f"{self.doc_title[:90]} — page {self.page_no()}"), align="C")


def write_pdf(prepared: Prepared, *, font: PdfFont | None = None) -> bytes:
    """The synthesis as a PDF file (bytes)."""
    pdf = _Pdf(font or find_font(), prepared.title)
    pdf.set_title(pdf.t(prepared.title))
    pdf.set_lang("fr-FR")
    pdf.set_creator("ess-nlp")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    base_margin = pdf.l_margin

    def text_with_note(text: str, note: int | None, unsourced: bool, size: float = 11, height: float = 5.6) -> None:
        pdf.set_font(pdf.family, "", size)
        pdf.write(height, pdf.t(text))
        if unsourced:
            pdf.set_font(pdf.family, "I", size)
            pdf.write(height, pdf.t(" " + UNSOURCED))
        if note is not None:
            pdf.char_vpos = "SUP"
            pdf.set_font(pdf.family, "", size)
            pdf.write(height, str(note))
            pdf.char_vpos = "LINE"
        pdf.ln(height + 1.4)

    for block in prepared.blocks:
        pdf.set_left_margin(base_margin)
        pdf.set_x(base_margin)
        if block.kind == "title":
            pdf.set_font(pdf.family, "B", 18)
            pdf.multi_cell(width, 8.5, pdf.t(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
        elif block.kind == "heading":
            pdf.ln(2)
            pdf.set_font(pdf.family, "B", 14)
            pdf.multi_cell(width, 7, pdf.t(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
        elif block.kind == "subheading":
            pdf.set_font(pdf.family, "B", 12)
            pdf.multi_cell(width, 6.5, pdf.t(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind == "meta":
            pdf.set_font(pdf.family, "I", 10)
            pdf.multi_cell(width, 5.2, pdf.t(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind in ("proposal", "bullet"):
            indent = 8.0 * (block.depth + 1)
            lead = block.number if block.kind == "proposal" else "–"
            pdf.set_font(pdf.family, "B", 11)
            pdf.set_x(base_margin + indent - 8)
            pdf.cell(8 if lead != "Ou :" else 10, 5.6, pdf.t(lead))
            pdf.set_left_margin(base_margin + indent + (2 if lead == "Ou :" else 0))
            text_with_note(block.text, block.note, block.unsourced)
        else:
            text_with_note(block.text, block.note, block.unsourced)
    pdf.set_left_margin(base_margin)
    if prepared.notes:
        pdf.ln(3)
        pdf.set_font(pdf.family, "B", 14)
        pdf.multi_cell(width, 7, pdf.t("Sources"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(pdf.family, "", 8.5)
        for note in prepared.notes:
            pdf.set_x(base_margin)
            pdf.multi_cell(width, 4.2, pdf.t(f"{note.number}. {note.text}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.8)
    return bytes(pdf.output())
