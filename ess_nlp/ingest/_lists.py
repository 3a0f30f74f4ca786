"""List markers: recognising typed ones and formatting automatic ones."""

from __future__ import annotations

import re

# A typed list marker at the start of a line: "1.", "2)", "2.1", "3 -", "a)", "iv.", "(1)", "-", "•"...
LIST_MARKER_RE = re.compile(
    r"^(?:\(?\d{1,3}[.)°]|\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3} ?[-–—]|\(\d{1,3}\)|\(?[a-zA-Z][.)]"
    r"|\(?[ivxlcdmIVXLCDM]{1,6}[.)]|[-–—•▪◦‣⁃*+·➢►✓■□o])\s+\S"
)

_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def starts_with_marker(line: str) -> bool:
    return LIST_MARKER_RE.match(line.lstrip()) is not None


def roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def letters_repeated(n: int) -> str:
    """Word's letter numbering: a..z, then aa, bb... (the letter repeated)."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def letters_base26(n: int) -> str:
    """Spreadsheet-style letters: a..z, aa, ab... (ODF and HTML)."""
    if n <= 0:
        return str(n)
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def format_number(n: int, fmt: str) -> str:
    """Format ``n`` in a numbering style (Word ``numFmt`` names, ODF/HTML short names)."""
    if fmt in {"decimal", "1", "decimalEnclosedParen", "decimalEnclosedFullstop", "decimalHalfWidth"}:
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return letters_repeated(n)
    if fmt == "upperLetter":
        return letters_repeated(n).upper()
    if fmt == "a":
        return letters_base26(n)
    if fmt == "A":
        return letters_base26(n).upper()
    if fmt in {"lowerRoman", "i"}:
        return roman(n)
    if fmt in {"upperRoman", "I"}:
        return roman(n).upper()
    if fmt in {"ordinal", "ordinalText"}:
        return "1er" if n == 1 else f"{n}e"
    if fmt in {"none", ""}:
        return ""
    return str(n)


_DASHES = {"-", "–", "—"}


def bullet_glyph(char: str) -> str:
    """Automatic bullets become "•", except dashes which stay as they are."""
    char = char.strip()
    return char if char in _DASHES else "•"
