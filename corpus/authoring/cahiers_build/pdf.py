"""PDF rendering with our own line breaking: justification, hyphenation, raised footnote markers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .model import (
    COMPILED_RUNNING_HEADER,
    DEFAULT_RUNNING_HEADER,
    FIXED_DATETIME,
    FONT_BOLD,
    FONT_REGULAR,
    Cahier,
    El,
)

# --------------------------------------------------------------------------------------------
# PDF: own line breaking (justification, hyphenation, raised footnote markers)
# --------------------------------------------------------------------------------------------

VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæ")
INSEPARABLE = {
    "bl",
    "cl",
    "fl",
    "gl",
    "pl",
    "br",
    "cr",
    "dr",
    "fr",
    "gr",
    "pr",
    "tr",
    "vr",
    "ch",
    "ph",
    "th",
    "gn",
    "qu",
    "gu",
}


def hyphen_points(word: str) -> list[int]:
    """Positions where a lowercase French word may be split (simple syllable rules)."""
    n = len(word)
    if n < 7 or not word.isalpha() or word != word.lower():
        return []
    is_v = []
    for i, ch in enumerate(word):
        v = ch in VOWELS
        if ch == "u" and i > 0 and word[i - 1] in "qg":
            v = False
        is_v.append(v)
    points = []
    i = 0
    while i < n:
        if is_v[i]:
            i += 1
            continue
        s = i
        while i < n and not is_v[i]:
            i += 1
        e = i
        if s == 0 or e == n:
            continue
        cluster = word[s:e]
        if len(cluster) == 1:
            p = s
        elif len(cluster) == 2:
            p = s if cluster in INSEPARABLE else s + 1
        elif len(cluster) == 3:
            p = s + 1 if cluster[1:] in INSEPARABLE else s + 2
        else:
            p = s + 2
        if p >= 3 and n - p >= 3 and word[p - 1] != "x":
            points.append(p)
    return points


def split_token(token: str) -> tuple[str, str, str]:
    """(prefix incl. apostrophe part, hyphenable core, suffix punctuation)."""
    m = re.fullmatch(r"(.*?['’])?([A-Za-zÀ-ÿœæŒÆ]+)([^A-Za-zÀ-ÿœæŒÆ]*)", token)
    if not m:
        return token, "", ""
    return (m.group(1) or ""), m.group(2), m.group(3)


@dataclass
class Piece:
    text: str
    sup: bool = False  # raised footnote marker


@dataclass
class Token:
    pieces: list[Piece]
    notes: list[str] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass
class PLine:
    x: float
    tokens: list[Token]
    width: float  # available width
    justify: bool
    size: float
    bold: bool
    height: float
    gap_before: float = 0.0
    keep_next: int = 0  # lines of the following block that must share the page
    prefix: str | None = None  # list marker drawn at prefix_x
    prefix_x: float = 0.0
    notes: list[str] = field(default_factory=list)
    new_page: bool = False


class PdfLayout:
    """Lays out cahiers into pages of positioned text, then draws them with fpdf2."""

    PAGE_W, PAGE_H = 210.0, 297.0
    LEFT, RIGHT = 22.0, 22.0
    BODY_TOP, BODY_BOTTOM = 27.0, 274.0
    BODY_SIZE, LINE_H = 10.5, 5.0
    PARA_GAP, ITEM_GAP = 3.2, 1.2
    NOTE_SIZE, NOTE_LINE_H = 8.0, 3.8
    SUP_SIZE, SUP_RAISE = 6.5, 1.7

    def __init__(self, running_header: str, footer: str, title: str, author: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.add_font("DejaVu", "", FONT_REGULAR)
        pdf.add_font("DejaVu", "B", FONT_BOLD)
        pdf.set_auto_page_break(False)
        pdf.set_margins(self.LEFT, self.BODY_TOP, self.RIGHT)
        pdf.set_creation_date(FIXED_DATETIME)
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator("ess-nlp corpus build")
        pdf.set_producer("fpdf2")
        self.pdf = pdf
        self.header = running_header
        self.footer = footer
        self.width = self.PAGE_W - self.LEFT - self.RIGHT
        self.lines: list[PLine] = []
        self.notes: dict[str, str] = {}
        self.hyphenated = 0

    # measuring ---------------------------------------------------------------------------
    def sw(self, text: str, size: float, bold: bool = False) -> float:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        return float(self.pdf.get_string_width(text))

    def token_width(self, tok: Token, size: float, bold: bool) -> float:
        return sum(self.sw(p.text, self.SUP_SIZE if p.sup else size, bold and not p.sup) for p in tok.pieces)

    def tokens_of(self, el: El, prefix_notes: str = "") -> list[Token]:
        text = el.text
        cuts = sorted(el.notes)
        tokens: list[Token] = []
        pos = 0
        for word in text.split(" "):
            start, end = pos, pos + len(word)
            pieces: list[Piece] = []
            notes = []
            last = start
            for cpos, marker in cuts:
                if start < cpos <= end:
                    pieces.append(Piece(text[last:cpos]))
                    pieces.append(Piece(marker, sup=True))
                    notes.append(marker)
                    last = cpos
            pieces.append(Piece(text[last:end]))
            tokens.append(Token([p for p in pieces if p.text], notes))
            pos = end + 1
        return tokens

    # line breaking ------------------------------------------------------------------------
    def wrap(
        self,
        tokens: list[Token],
        width: float,
        size: float,
        bold: bool,
        hyphenate: bool,
        first_width: float | None = None,
    ) -> list[tuple[list[Token], bool]]:
        """Greedy justified line breaking with French hyphenation; returns (tokens, is_last)."""
        space = self.sw(" ", size, bold)
        lines: list[list[Token]] = []
        cur: list[Token] = []
        cur_w = 0.0
        queue = list(tokens)
        while queue:
            tok = queue.pop(0)
            w = self.token_width(tok, size, bold)
            avail = first_width if (first_width is not None and not lines) else width
            need = w if not cur else cur_w + space + w
            if need <= avail:
                cur.append(tok)
                cur_w = need
                continue
            left = avail - (cur_w + space if cur else 0)
            if hyphenate and not tok.notes and cur and left > 0.08 * avail:
                pre, core, suf = split_token(tok.plain)
                best = None
                for p in hyphen_points(core):
                    head = pre + core[:p] + "-"
                    if self.sw(head, size, bold) <= left:
                        best = p
                if best is not None:
                    cur.append(Token([Piece(pre + core[:best] + "-")]))
                    queue.insert(0, Token([Piece(core[best:] + suf)]))
                    lines.append(cur)
                    self.hyphenated += 1
                    cur, cur_w = [], 0.0
                    continue
            if cur:
                lines.append(cur)
            cur, cur_w = [tok], w
        if cur:
            lines.append(cur)
        return [(ln, i == len(lines) - 1) for i, ln in enumerate(lines)]

    def add_block(
        self,
        el: El,
        *,
        size: float,
        bold: bool,
        gap: float,
        hyphenate: bool,
        justify: bool,
        indent: float = 0.0,
        prefix: str | None = None,
        prefix_w: float = 0.0,
        keep_next: int = 0,
        new_page: bool = False,
        line_h: float | None = None,
    ) -> None:
        x = self.LEFT + indent + prefix_w
        width = self.width - indent - prefix_w
        lh = line_h or self.LINE_H * size / self.BODY_SIZE
        tokens = self.tokens_of(el)
        for k, (toks, last) in enumerate(self.wrap(tokens, width, size, bold, hyphenate)):
            notes = [m for t in toks for m in t.notes]
            self.lines.append(
                PLine(
                    x=x,
                    tokens=toks,
                    width=width,
                    justify=justify and not last,
                    size=size,
                    bold=bold,
                    height=lh,
                    gap_before=gap if k == 0 else 0.0,
                    keep_next=keep_next if k == 0 else 0,
                    prefix=prefix if k == 0 else None,
                    prefix_x=self.LEFT + indent,
                    notes=notes,
                    new_page=new_page and k == 0,
                )
            )

    def add_cahier(self, c: Cahier, new_page: bool) -> None:
        for fn in c.footnotes:
            self.notes[str(fn["marker"])] = fn["text"]
        first = True
        for el in c.elements:
            np_ = new_page and first
            first = False
            if el.kind == "banner":
                self.add_block(
                    el, size=11, bold=True, gap=0, hyphenate=False, justify=False, keep_next=3, new_page=np_
                )
            elif el.kind == "title":
                self.add_block(
                    el,
                    size=15,
                    bold=True,
                    gap=2.0,
                    hyphenate=False,
                    justify=False,
                    keep_next=3,
                    new_page=np_,
                    line_h=7.0,
                )
            elif el.kind == "heading":
                self.add_block(el, size=11.5, bold=True, gap=5.0, hyphenate=False, justify=False, keep_next=2)
            elif el.kind == "para":
                self.add_block(
                    el, size=self.BODY_SIZE, bold=False, gap=self.PARA_GAP, hyphenate=True, justify=True
                )
            elif el.kind == "item":
                indent = 5.0 + 7.0 * el.depth
                gap = self.PARA_GAP if self._starts_list(el) else self.ITEM_GAP
                self.add_block(
                    el,
                    size=self.BODY_SIZE,
                    bold=False,
                    gap=gap,
                    hyphenate=True,
                    justify=True,
                    indent=indent,
                    prefix=el.marker,
                    prefix_w=7.0,
                )
            elif el.kind == "alt":
                self.add_block(
                    el,
                    size=self.BODY_SIZE,
                    bold=False,
                    gap=self.ITEM_GAP,
                    hyphenate=True,
                    justify=True,
                    indent=12.0 + 7.0 * el.depth,
                )
            elif el.kind == "table":
                for r, row in enumerate(el.rows):
                    self.add_block(
                        El("para", " | ".join(row)),
                        size=self.BODY_SIZE,
                        bold=r == 0,
                        gap=self.PARA_GAP if r == 0 else 0.8,
                        hyphenate=False,
                        justify=False,
                    )
        self._prev_list = None

    _prev_list: int | None = None

    def _starts_list(self, el: El) -> bool:
        starts = el.list_id != self._prev_list
        self._prev_list = el.list_id
        return starts

    # pagination ----------------------------------------------------------------------------
    def note_lines(self, marker: str) -> list[tuple[list[Token], bool]]:
        el = El("para", self.notes[marker])
        return self.wrap(self.tokens_of(el), self.width - 5.0, self.NOTE_SIZE, False, False)

    def paginate(self) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        page: dict[str, Any] = {}

        def open_page() -> dict[str, Any]:
            p: dict[str, Any] = {"lines": [], "notes": [], "y": self.BODY_TOP, "notes_h": 0.0}
            pages.append(p)
            return p

        def notes_height(markers: list[str]) -> float:
            return sum(len(self.note_lines(m)) * self.NOTE_LINE_H + 0.8 for m in markers)

        page = open_page()
        for i, line in enumerate(self.lines):
            if line.new_page and page["lines"]:
                page = open_page()
            gap = line.gap_before if page["lines"] else 0.0
            need = gap + line.height
            extra_notes = notes_height(line.notes)
            keep = sum(ln.height for ln in self.lines[i + 1 : i + 1 + line.keep_next])
            limit = self.BODY_BOTTOM - (
                page["notes_h"] + extra_notes + (4.0 if page["notes"] or line.notes else 0)
            )
            if page["lines"] and page["y"] + need + keep > limit:
                page = open_page()
                gap = 0.0
            page["y"] += gap
            page["lines"].append((page["y"], line))
            page["y"] += line.height
            page["notes"].extend(line.notes)
            page["notes_h"] += extra_notes
        return pages

    # drawing -------------------------------------------------------------------------------
    def draw_tokens(self, line: PLine, baseline: float) -> None:
        pdf = self.pdf
        space = self.sw(" ", line.size, line.bold)
        widths = [self.token_width(t, line.size, line.bold) for t in line.tokens]
        gap = space
        if line.justify and len(line.tokens) > 1:
            gap = (line.width - sum(widths)) / (len(line.tokens) - 1)
        x = line.x
        for k, tok in enumerate(line.tokens):
            px = x
            for pi, piece in enumerate(tok.pieces):
                text = piece.text
                if k < len(line.tokens) - 1 and pi == len(tok.pieces) - 1 and not piece.sup:
                    text += " "  # a real space glyph so extractors see the word boundary
                if piece.sup:
                    pdf.set_font("DejaVu", "", self.SUP_SIZE)
                    pdf.text(px, baseline - self.SUP_RAISE, text)
                    px += self.sw(piece.text, self.SUP_SIZE)
                else:
                    pdf.set_font("DejaVu", "B" if line.bold else "", line.size)
                    pdf.text(px, baseline, text)
                    px += self.sw(piece.text, line.size, line.bold)
            x += widths[k] + gap

    def render(self) -> bytes:
        pages = self.paginate()
        pdf = self.pdf
        total = len(pages)
        for n, page in enumerate(pages, start=1):
            pdf.add_page()
            pdf.set_font("DejaVu", "", 8)
            pdf.set_text_color(90, 90, 90)
            pdf.text(self.LEFT, 14.0, self.header)
            pdf.set_line_width(0.2)
            pdf.line(self.LEFT, 16.0, self.PAGE_W - self.RIGHT, 16.0)
            foot = f"Page {n}" if self.footer == "page" else f"{n} / {total}"
            fw = self.sw(foot, 8)
            pdf.set_font("DejaVu", "", 8)
            pdf.text((self.PAGE_W - fw) / 2, 287.0, foot)
            pdf.set_text_color(0, 0, 0)
            for y, line in page["lines"]:
                baseline = y + line.height * 0.78
                if line.prefix:
                    pdf.set_font("DejaVu", "", line.size)
                    pdf.text(line.prefix_x, baseline, line.prefix + " ")
                self.draw_tokens(line, baseline)
            if page["notes"]:
                y = self.BODY_BOTTOM - page["notes_h"] - 1.0
                pdf.line(self.LEFT, y, self.LEFT + 45.0, y)
                y += 1.5
                for m in page["notes"]:
                    pdf.set_font("DejaVu", "", self.SUP_SIZE)
                    pdf.text(self.LEFT, y + self.NOTE_LINE_H * 0.78 - self.SUP_RAISE * 0.7, m)
                    for toks, _last in self.note_lines(m):
                        nl = PLine(
                            x=self.LEFT + 5.0,
                            tokens=toks,
                            width=self.width - 5.0,
                            justify=False,
                            size=self.NOTE_SIZE,
                            bold=False,
                            height=self.NOTE_LINE_H,
                        )
                        self.draw_tokens(nl, y + self.NOTE_LINE_H * 0.78)
                        y += self.NOTE_LINE_H
                    y += 0.8
        return bytes(pdf.output())


def render_pdf(cahiers: list[Cahier]) -> tuple[bytes, int]:
    compiled = len(cahiers) > 1
    style = cahiers[0].style
    header = style.get("running_header") or (COMPILED_RUNNING_HEADER if compiled else DEFAULT_RUNNING_HEADER)
    title = "Recueil des cahiers d'espérance 2011" if compiled else cahiers[0].spec["title"]
    author = "États généraux de l'ESS" if compiled else cahiers[0].spec["organisations"][0]["name"]
    layout = PdfLayout(header, style.get("footer", "page"), title, author)
    for i, c in enumerate(cahiers):
        layout.add_cahier(c, new_page=i > 0)
    return layout.render(), layout.hyphenated
