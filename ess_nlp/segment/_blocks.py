"""Blocks: the paragraphs of a document's plain text, with their offsets and list markers."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ess_nlp.text import fold_words

# A list marker at the start of a block: "1.", "2)", "3 -", "a)", "b.", "iv)", "-", "•"…
# Letters and roman numerals need a closing "." or ")"; digits may also take " -".
_MARKER = re.compile(
    r"""^(?P<marker>
        \(?\d{1,3}\s?[.)]                # 1.  2)  (3)
      | \d{1,3}\s?[-–—](?=\s)            # 1 -  2 –
      | \d{1,3}°                         # 1°
      | \(?[a-hA-H][.)](?=\s)            # a)  b.  (c); not "M." (Monsieur)
      | \(?(?:[ivx]{1,4}|[IVX]{1,4})[.)](?=\s)   # iv)  II.
      | (?:[IVX]{1,4})\s?[-–—](?=\s)     # II -
      | [-–—•▪◦·*➢►✓→](?=\s)              # bullets
    )\s+(?=\S)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Block:
    """A paragraph of the plain text: ``text == source_text[start:end]`` (stripped)."""

    start: int
    end: int
    text: str

    @property
    def marker(self) -> str | None:
        match = _MARKER.match(self.text)
        return match.group("marker").strip() if match else None

    @property
    def body_start(self) -> int:
        """Offset where the text after the list marker begins."""
        match = _MARKER.match(self.text)
        return self.start + (match.end() if match else 0)


def split_blocks(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """Split ``text[start:end]`` at blank lines into stripped blocks.

    A single line break followed by a list marker also starts a new block, so list items
    written one per line without blank lines between them stay separate units.
    """
    end = len(text) if end is None else end
    blocks: list[Block] = []
    for match in _BLOCK.finditer(text, start, end):
        _append_lines(blocks, text, match.start(), match.end())
    return blocks


# Runs of lines without a blank line between them. Written with a repeat per line, not per
# character: a per-character alternation makes the regex engine keep state for each character
# (870 MB for a 6.8 MB paragraph).
_BLOCK = re.compile(r"(?:\n(?![ \t]*\n))?[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
# How far after a line break a list marker is looked for (indentation included).
_MARKER_WINDOW = 256


def _append_lines(blocks: list[Block], text: str, start: int, end: int) -> None:
    """Append the block ``text[start:end]``, cut before lines that open with a list marker."""
    cut_points = [start]
    nxt = text.find("\n", start, end) + 1
    while nxt > 0:
        # A bounded window: slicing to the end of the block at every line is quadratic.
        if _MARKER.match(text[nxt : min(end, nxt + _MARKER_WINDOW)].lstrip(" \t")):
            cut_points.append(nxt)
        nxt = text.find("\n", nxt, end) + 1
    cut_points.append(end)
    for a, b in itertools.pairwise(cut_points):
        raw = text[a:b]
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        blocks.append(Block(a + lead, a + lead + len(stripped), stripped))


def fold(text: str) -> str:
    """Lowercase text without accents, typographic apostrophes made straight, spaces squeezed."""
    return fold_words(text)


def marker_style(marker: str) -> str:
    """A coarse family of a list marker, to tell list items from sub-items and headings."""
    core = marker.lstrip("(")
    if core[:1].isdigit():
        return "digit" + re.sub(r"[\d\s]", "", core)
    if re.fullmatch(r"(?:[ivx]{1,4}|[IVX]{1,4})\s?[.)\-–—]", core):
        return "roman" + core[-1]
    if re.fullmatch(r"[a-zA-Z][.)]", core):
        return "letter" + core[-1]
    return "bullet"


def marker_value(marker: str) -> int | None:
    """The number a marker stands for ("3." -> 3, "c)" -> 3, "IV -" -> 4), None for bullets."""
    core = re.sub(r"[\s().\-–—°]", "", marker)
    if core.isdigit():
        return int(core)
    if re.fullmatch(r"[ivxIVX]{1,4}", core):
        return _roman(core.upper())
    if re.fullmatch(r"[a-zA-Z]", core):
        return ord(core.lower()) - ord("a") + 1
    return None


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(numeral):
        value = values[ch]
        total += -value if i + 1 < len(numeral) and values[numeral[i + 1]] > value else value
    return total
