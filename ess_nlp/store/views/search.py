"""Full-text search over the stored sentences, its bounds, and the keyword-in-context line.

A search on lemmas finds every inflection of a query's words: the text is searched for each
word's forms (:func:`inflected_forms`, from the French pipeline's lexicon, accents ignored) and
the stored lemmas for the query's lemmas. Hits holding the words as typed come first, then the
others by BM25 rank."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from ess_nlp.store import QueryError, Store, fts_query
from ess_nlp.store._query import query_words
from ess_nlp.text import fold, fold_with_map

__all__ = ["concordance", "fold_with_map", "inflected_forms", "query_problem", "search_frame", "valid_query"]


def inflected_forms(query: str) -> dict[str, list[str]]:
    """For each whole word of ``query`` (folded), its folded inflections from the French
    pipeline's lexicon (« creer » → « cree », « creee », « creent »…); loads the pipeline."""
    from ess_nlp.inflections import lexicon

    lex = lexicon()
    return {fold(w): lex.inflections(w)[1:] for w in query_words(query) if not w.endswith("*")}


def search_frame(
    store: Store,
    query: str,
    *,
    lemmas: str | None = None,
    forms: Mapping[str, Sequence[str]] | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """Sentences matching ``query`` (accents ignored; lemmas and inflected ``forms`` too when
    given), those with the words as typed first, then by rank:
    ``unit, cahier, source, page, kind, text, rank, exact``."""
    hits = store.search(query, lemmas=lemmas, forms=forms, limit=limit)
    typed = [fold(w) for w in query_words(query) if not w.endswith("*")]
    frame = pd.DataFrame(
        [
            {
                "unit": h.unit.id,
                "cahier": h.unit.cahier,
                "source": h.unit.source,
                "page": h.unit.page,
                "kind": h.unit.kind,
                "text": h.unit.text,
                "rank": h.rank,
                "exact": _has_words(h.unit.text, typed),
            }
            for h in hits
        ],
        columns=["unit", "cahier", "source", "page", "kind", "text", "rank", "exact"],
    )
    if frame.empty:
        return frame.astype({"exact": bool})
    return frame.sort_values(["exact", "rank"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _has_words(text: str, words: Sequence[str]) -> bool:
    found = set(re.findall(r"\w+", fold(text)))
    return all(w in found for w in words)


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


def concordance(
    text: str, query: str, *, width: int = 60, forms: Mapping[str, Sequence[str]] | None = None
) -> tuple[str, str, str]:
    """``(left, keyword, right)`` around the first word of ``text`` matching a word of ``query``
    or one of its inflected ``forms`` (accents and case ignored; a word sharing a long prefix
    counts, for lemma hits)."""
    folded, index = fold_with_map(text)
    words = [w for w in re.findall(r"\w+", fold_with_map(query)[0]) if w]
    best: tuple[int, int] | None = None
    for form in {f for w in words for f in (forms or {}).get(w, ())}:
        match = re.search(rf"\b{re.escape(form)}\b", folded)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end())
    for w in words:
        match = re.search(rf"\b{re.escape(w)}\w*", folded)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end())
    for w in words if best is None else []:  # a lemma hit: a word sharing a long prefix
        match = re.search(rf"\b{re.escape(w[: max(4, len(w) - 3)])}\w*", folded) if len(w) > 5 else None
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
