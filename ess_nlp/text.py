"""Text helpers shared across the package: accent folding (for comparisons, search and
highlighting) and slugs (for file names). Each variant is written once here."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "fold_with_map", "fold_words", "slug", "strip_accents"]


def strip_accents(text: str) -> str:
    """``text`` without its combining marks (« Épargne » → « Epargne »), case and length of each
    base character kept."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """``text`` stripped, case-folded and without accents, for comparisons (« Se Loger » and
    « se loger » fold alike)."""
    return strip_accents(text.strip().casefold())


def fold_words(text: str) -> str:
    """:func:`fold` with typographic apostrophes made straight, « œ » written « oe » and runs of
    white space made one space (for matching headings and phrases written in several ways)."""
    return " ".join(fold(text.replace("’", "'").replace("œ", "oe").replace("Œ", "Oe")).split())


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` lowercased without accents, and for each folded character its index in ``text``
    (to highlight in the original what was found in the folded text)."""
    folded: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        for c in unicodedata.normalize("NFKD", char.lower()):
            if not unicodedata.combining(c):
                folded.append(c)
                index.append(i)
    return "".join(folded), index


def slug(text: str, *, default: str = "synthese", length: int = 60) -> str:
    """An ASCII file-name part: lower case, accents dropped, other characters as hyphens
    (« Finance éthique & solidaire » → ``finance-ethique-solidaire``); ``default`` when nothing
    is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:length] or default
