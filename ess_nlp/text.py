"""Small text helpers shared across the package."""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    """``text`` stripped, case-folded and without accents, for comparisons (« Se Loger » and
    « se loger » fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
