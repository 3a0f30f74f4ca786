"""Full-text search queries: the words of what a person typed, turned into a safe FTS5 query,
within bounds that keep one search cheap whatever is typed.

A query keeps at most :data:`MAX_QUERY_TERMS` distinct words; a word ending in ``*`` looks for
a beginning of word (``mutuali*``), which needs at least :data:`MIN_PREFIX_LETTERS` letters, at
most :data:`MAX_PREFIXES` of them per query, each matching at most :data:`MAX_PREFIX_WORDS`
distinct words of the index (checked by :func:`check_prefix_expansion`). A query beyond a bound
raises :class:`QueryError`, whose message says, in French, which bound and what to type.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence

from ess_nlp.errors import EssNlpError
from ess_nlp.text import strip_accents

MAX_QUERY_TERMS = 50
MAX_PREFIXES = 5
MIN_PREFIX_LETTERS = 3
MAX_PREFIX_WORDS = 500

_WORD = re.compile(r"\w+\*?")


class QueryError(EssNlpError, ValueError):
    """A search query goes beyond one of the bounds of a search (``str(err)`` says which)."""


def query_words(text: str) -> list[str]:
    """The distinct words of ``text`` in order (``mot*`` for a beginning of word), within the
    bounds of a search; raises :class:`QueryError` beyond them."""
    words = list(dict.fromkeys(_WORD.findall(text)))
    if len(words) > MAX_QUERY_TERMS:
        raise QueryError(
            f"La recherche contient {len(words)} mots différents ; elle en accepte {MAX_QUERY_TERMS} au plus : "
            "gardez les mots les plus parlants."
        )
    prefixes = [w for w in words if w.endswith("*")]
    short = [w for w in prefixes if len(w) - 1 < MIN_PREFIX_LETTERS]
    if short:
        raise QueryError(
            f"Un début de mot suivi de « * » doit compter au moins {MIN_PREFIX_LETTERS} lettres "
            f"(reçu : « {short[0]} ») : tapez par exemple « mutuali* »."
        )
    if len(prefixes) > MAX_PREFIXES:
        raise QueryError(
            f"La recherche contient {len(prefixes)} débuts de mots suivis de « * » ; elle en accepte "
            f"{MAX_PREFIXES} au plus : écrivez les autres mots en entier."
        )
    return words


def fts_query(text: str) -> str:
    """A safe FTS5 query requiring every word of ``text`` (a trailing ``*`` keeps a prefix),
    within the bounds of :func:`query_words`."""
    words = query_words(text)
    return " AND ".join(f'"{w.rstrip("*")}"' + ("*" if w.endswith("*") else "") for w in words)


MAX_FORMS_PER_WORD = 120


def fts_query_with_forms(text: str, forms: Mapping[str, Sequence[str]]) -> str:
    """Like :func:`fts_query`, each whole word standing for itself or any of its ``forms``
    (folded inflections, keyed by the folded word: « creer » → « cree », « creent »…), at most
    :data:`MAX_FORMS_PER_WORD` of them; a beginning of word (``mot*``) stays a prefix."""
    clauses = []
    for word in query_words(text):
        if word.endswith("*"):
            clauses.append(f'"{word.rstrip("*")}"*')
            continue
        alternatives = [fold(word)] + [f for f in forms.get(fold(word), ()) if re.fullmatch(r"[\w-]+", f)]
        unique = list(dict.fromkeys(alternatives))[:MAX_FORMS_PER_WORD]
        clauses.append("(" + " OR ".join(f'"{f}"' for f in unique) + ")" if len(unique) > 1 else f'"{word}"')
    return " AND ".join(clauses)


def fold(word: str) -> str:
    """``word`` as the index stores it (lower case, accents removed: ``unicode61 remove_diacritics 2``)."""
    return strip_accents(word.lower())


def check_prefix_expansion(conn: sqlite3.Connection, text: str) -> None:
    """Raise :class:`QueryError` when a beginning of word of ``text`` matches more than
    :data:`MAX_PREFIX_WORDS` distinct words of the index (FTS5 would read each one's list)."""
    prefixes = [fold(w.rstrip("*")) for w in query_words(text) if w.endswith("*")]
    if not prefixes:
        return
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.units_vocab USING fts5vocab(main, units_fts, row)")
    for prefix in prefixes:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        (n,) = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM temp.units_vocab WHERE term >= ? AND term < ? LIMIT ?)",
            (prefix, upper, MAX_PREFIX_WORDS + 1),
        ).fetchone()
        if n > MAX_PREFIX_WORDS:
            raise QueryError(
                f"Le début de mot « {prefix}* » correspond à plus de {MAX_PREFIX_WORDS} mots différents "
                "du corpus : ajoutez-lui des lettres."
            )
