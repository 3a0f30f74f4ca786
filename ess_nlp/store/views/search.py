"""Full-text search over the stored sentences, its bounds, and the keyword-in-context line."""

from __future__ import annotations

import re

import pandas as pd

from ess_nlp.store import QueryError, Store, fts_query
from ess_nlp.text import fold_with_map

__all__ = ["concordance", "fold_with_map", "query_problem", "search_frame", "valid_query"]


def search_frame(store: Store, query: str, *, lemmas: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Sentences matching ``query`` (accents ignored; lemmas too when given), best first:
    ``unit, cahier, source, page, kind, text, rank``."""
    hits = store.search(query, lemmas=lemmas, limit=limit)
    return pd.DataFrame(
        [
            {
                "unit": h.unit.id,
                "cahier": h.unit.cahier,
                "source": h.unit.source,
                "page": h.unit.page,
                "kind": h.unit.kind,
                "text": h.unit.text,
                "rank": h.rank,
            }
            for h in hits
        ],
        columns=["unit", "cahier", "source", "page", "kind", "text", "rank"],
    )


def query_problem(query: str) -> str | None:
    """Why ``query`` goes beyond the bounds of a search (a French sentence), or None."""
    try:
        fts_query(query)
    except QueryError as err:
        return str(err)
    return None


def valid_query(query: str) -> bool:
    """Whether ``query`` has a word to look for (and stays within the bounds of a search)."""
    return query_problem(query) is None and bool(fts_query(query))


def concordance(text: str, query: str, *, width: int = 60) -> tuple[str, str, str]:
    """``(left, keyword, right)`` around the first word of ``text`` matching a word of ``query``
    (accents and case ignored; a word sharing a long prefix counts, for lemma hits)."""
    folded, index = fold_with_map(text)
    words = [w for w in re.findall(r"\w+", fold_with_map(query)[0]) if w]
    best: tuple[int, int] | None = None
    for w in words:
        match = re.search(rf"\b{re.escape(w)}\w*", folded)
        if match is None and len(w) > 5:
            match = re.search(rf"\b{re.escape(w[: max(4, len(w) - 3)])}\w*", folded)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end())
    if best is None or not index:
        return "", "", text[: 2 * width]
    start, end = index[best[0]], index[best[1] - 1] + 1
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    if start > width:
        left = "…" + left
    if end + width < len(text):
        right = right + "…"
    return left, text[start:end], right

