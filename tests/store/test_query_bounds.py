"""Bounds of a search (issue 19): words, beginnings of words and their expansion are capped,
each refusal a French sentence; what stays within the bounds searches as before."""

from __future__ import annotations

import hashlib
import re

import pytest

from ess_nlp.records import Document, Page, Unit
from ess_nlp.store import MAX_QUERY_TERMS, QueryError, Store, _query, fts_query


def add_sentences(store: Store, sentences: list[str]) -> None:
    text = "\n".join(sentences)
    doc = Document("a.txt", text, "txt", hashlib.sha256(text.encode()).hexdigest(), (Page(1, 0, len(text)),))
    cahier = Unit("k:c1", "cahier", None, doc.source, 0, len(text), text, title="T", cahier="k:c1")
    units, start = [cahier], 0
    for i, s in enumerate(sentences):
        units.append(Unit(f"k:c1.s{i}", "sentence", cahier.id, doc.source, start, start + len(s), s, cahier=cahier.id))
        start += len(s) + 1
    store.add_document(doc, units)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("a* " * 2000, "au moins 3 lettres"),
        (" ".join(f"mot{i}" for i in range(MAX_QUERY_TERMS + 1)), f"{MAX_QUERY_TERMS} au plus"),
        ("pro* soc* eco* coo* ent* sol*", "5 au plus"),
        ("ab*", "« ab* »"),
    ],
)
def test_queries_beyond_the_bounds_are_refused_in_french(query: str, words: str) -> None:
    with pytest.raises(QueryError, match=re.escape(words)):
        fts_query(query)


def test_repeated_words_count_once_and_bounded_queries_still_work() -> None:
    assert fts_query("coop* " * 2000) == '"coop"*'
    assert fts_query(" ".join(f"mot{i}" for i in range(MAX_QUERY_TERMS))).count(" AND ") == MAX_QUERY_TERMS - 1


def test_a_prefix_matching_too_many_words_is_refused(tmp_path, monkeypatch) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        add_sentences(store, [f"La coopérative{i} et l'économie." for i in range(12)] + ["Une Économie sociale."])
        assert len(store.search("coop*")) == 12
        assert len(store.search("econ*")) == 13  # accents and case folded as the index does
        monkeypatch.setattr(_query, "MAX_PREFIX_WORDS", 10)
        with pytest.raises(QueryError, match="« coop\\* » correspond à plus de 10 mots"):
            store.search("coop*")
        assert len(store.search("écon*")) == 13  # one word of the index: within the bound
