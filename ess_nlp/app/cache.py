"""Cached data access for the pages.

Every cached function takes the database path (a string) and a change token (the size and
modification time of the database file and its write-ahead log): a write anywhere (a new
import, an annotation, a retrained model) changes the token, so every page reads fresh data on
its next run, and repeated runs of a page between writes cost a dictionary look-up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from ess_nlp.annotate import queue as queue
from ess_nlp.nlp import DEFAULT_PIPELINE, LEMMAS_OFF, shared_pipeline
from ess_nlp.records import Unit
from ess_nlp.settings import resolve_db
from ess_nlp.store import Store
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views import items as items_view
from ess_nlp.store.views import search as search_view

Token = tuple[int, ...]


def db_path() -> Path:
    """The database the app works on: ``$ESS_NLP_DB`` or the project default."""
    return resolve_db()


def db_token(db: str | Path) -> Token:
    """Changes whenever the database (or its write-ahead log) is written."""
    parts: list[int] = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(f"{db}{suffix}")
        except FileNotFoundError:
            parts.extend((0, 0))
        else:
            parts.extend((stat.st_mtime_ns, stat.st_size))
    return tuple(parts)


@contextlib.contextmanager
def open_store(db: str | Path) -> Iterator[Store]:
    """A connection for one query (sessions run in threads: none is shared)."""
    store = Store(db)
    try:
        yield store
    finally:
        store.close()


def current() -> tuple[str, Token]:
    """``(db, token)`` for the database of this run."""
    db = str(db_path())
    return db, db_token(db)


# --- cached queries ---------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def corpus_size(db: str, token: Token) -> corpus_view.CorpusSize:
    with open_store(db) as store:
        return corpus_view.corpus_size(store)


@st.cache_data(show_spinner=False, max_entries=8)
def sources(db: str, token: Token) -> pd.DataFrame:
    with open_store(db) as store:
        return corpus_view.sources_frame(store)


@st.cache_data(show_spinner=False, max_entries=8)
def _file_names(db: str, token: Token) -> dict[str, str]:
    return corpus_view.display_paths(sources(db, token)["fichier"])


def file_label(db: str, token: Token) -> Callable[[str], str]:
    """How the pages show a stored file path: relative to the corpus folder
    (``corpus_view.display_paths``); a path the database does not hold, as it is."""
    names = _file_names(db, token)
    return lambda path: names.get(path, path)


@st.cache_data(show_spinner=False, max_entries=8)
def cahiers(db: str, token: Token) -> pd.DataFrame:
    with open_store(db) as store:
        return corpus_view.cahiers_frame(store)


@st.cache_data(show_spinner=False, max_entries=8)
def reader_links(db: str, token: Token) -> dict[str, str]:
    """``{cahier: its address on « Lire un cahier »}`` for the link columns of tables."""
    from ess_nlp.app.nav import reader_url

    return {str(c): reader_url(str(c)) for c in cahiers(db, token)["id"]}


@st.cache_data(show_spinner=False, max_entries=8)
def labels(db: str, token: Token, level: str = "cahier") -> pd.DataFrame:
    with open_store(db) as store:
        return corpus_view.unit_labels(store, level)


@st.cache_data(show_spinner=False, max_entries=8)
def availability(db: str, token: Token) -> dict[str, bool]:
    with open_store(db) as store:
        return {
            "classification": corpus_view.classification_available(store),
            "extraction": corpus_view.extraction_available(store),
        }


@st.cache_data(show_spinner=False, max_entries=16)
def items(db: str, token: Token, kind: str) -> pd.DataFrame:
    with open_store(db) as store:
        return items_view.items_frame(store, kind)


@st.cache_data(show_spinner=False, max_entries=64)
def cahier_items(db: str, token: Token, cahier: str) -> pd.DataFrame:
    with open_store(db) as store:
        frames = [items_view.items_frame(store, kind, cahier=cahier) for kind in items_view.KIND_NAMES]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@st.cache_data(show_spinner=False, max_entries=64)
def cahier_units(db: str, token: Token, cahier: str) -> list[Unit]:
    with open_store(db) as store:
        return corpus_view.cahier_units(store, cahier)


@st.cache_data(show_spinner=False, max_entries=64)
def source_document(db: str, token: Token, source: str):  # type: ignore[no-untyped-def]
    with open_store(db) as store:
        return store.document(source)


@st.cache_data(show_spinner=False, max_entries=64)
def search(
    db: str, token: Token, query: str, lemmas: str | None, forms: dict[str, list[str]] | None = None, limit: int = 500
) -> pd.DataFrame:
    with open_store(db) as store:
        return search_view.search_frame(store, query, lemmas=lemmas, forms=forms, limit=limit)


@st.cache_data(show_spinner=False, max_entries=256)
def query_lemmas(query: str) -> str:
    """The lemmas of a search query (so "coopératives" also finds "coopérative")."""
    doc = shared_pipeline(DEFAULT_PIPELINE)(query, disable=LEMMAS_OFF)  # the process's one copy
    return " ".join(t.lemma_.lower() for t in doc if not t.is_punct and not t.is_space and t.lemma_.strip())


@st.cache_data(show_spinner="Chargement du lexique français…", max_entries=256)
def query_forms(query: str) -> dict[str, list[str]]:
    """The inflections of each word of a search query (so « créer » also finds « créent »)."""
    return search_view.inflected_forms(query)


ENTITY_LABELS = ("PER", "ORG", "LOC")


@st.cache_data(show_spinner=False, max_entries=64)
def entities(text: str) -> list[tuple[int, int, str]]:
    """Named entities ``(start, end, label)`` in ``text``: persons, organisations and places
    from the French pipeline's recogniser, keeping only those that look like names (a proper
    noun in them, or capitals past the first letter as in « CRESS »; not an all-caps heading),
    so that capitalised verbs opening a list item are not marked."""
    import re

    nlp = shared_pipeline(DEFAULT_PIPELINE)  # the process's one copy, shared with the search
    # Where each paragraph's first word starts: a lone capitalised word there ("Cahier rédigé…",
    # "1 - Présentation") is capitalised for being first, not for being a name.
    openers = {m.start(1) for m in re.finditer(r"(?:^|\n)[^\w\n]*(?:\d+\W+)?(\w)", text)}
    found = []
    for ent in nlp(text, disable=("parser", "lemmatizer")).ents:  # the tagger's PROPN is read below
        if ent.label_ not in ENTITY_LABELS or len(ent.text) < 2:
            continue
        if len(ent) == 1 and ent.start_char in openers and not ent.text.isupper():
            continue
        proper = any(t.pos_ == "PROPN" for t in ent) or any(c.isupper() for c in ent.text[1:])
        heading = ent.text.isupper() and len(ent.text) > 6  # "NOS PROPOSITIONS", not "CRESS"
        if proper and not heading:
            found.append((ent.start_char, ent.end_char, ent.label_))
    return found


def clear() -> None:
    """Forget every cached result (after this session wrote to the database)."""
    st.cache_data.clear()


@st.cache_data(show_spinner=False, max_entries=64)
def footnotes(db: str, token: Token, source: str, start: int, end: int) -> list[tuple[str, str]]:
    """``(marker, text)`` of the footnotes anchored in ``[start, end]`` of ``source``."""
    with open_store(db) as store:
        rows = store.conn.execute(
            "SELECT f.marker, f.text FROM footnotes f JOIN sources s ON s.id = f.source_id"
            " WHERE s.path = ? AND f.anchor BETWEEN ? AND ? ORDER BY f.anchor",
            (source, start, end),
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


@st.cache_data(show_spinner=False, max_entries=64)
def unit_scores(db: str, token: Token, unit: str) -> pd.DataFrame:
    """The current model's scores on one unit, with what carried them."""
    with open_store(db) as store:
        return corpus_view.unit_scores(store, unit)


@st.cache_data(show_spinner=False, max_entries=8)
def current_model_info(db: str, token: Token) -> dict[str, Any] | None:
    with open_store(db) as store:
        return corpus_view.current_model_info(store)


@st.cache_data(show_spinner=False, max_entries=8)
def proposals_table(db: str, token: Token) -> pd.DataFrame:
    with open_store(db) as store:
        return items_view.proposals_table(store)


@st.cache_data(show_spinner=False, max_entries=8)
def labelled_proposals(db: str, token: Token) -> pd.DataFrame:
    """:func:`proposals_table` with each cahier's ``domains`` and ``themes`` (lists of labels)."""
    table = proposals_table(db, token)
    if table.empty:
        return table
    frame = labels(db, token)
    table = table.copy()
    for facet in ("domains", "themes"):
        wide = corpus_view.labels_wide(frame, facet)
        table[facet] = [wide.get(c, []) for c in table["cahier"]]
    return table


@st.cache_data(show_spinner=False, max_entries=8)
def initiatives_table(db: str, token: Token) -> pd.DataFrame:
    with open_store(db) as store:
        return items_view.initiatives_table(store)


@st.cache_data(show_spinner=False, max_entries=256)
def passage_context(db: str, token: Token, unit: str) -> tuple[str, str, str]:
    with open_store(db) as store:
        return items_view.passage_context(store, unit)


# --- annotations ----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def model_key(db: str, token: Token) -> tuple[int, int]:
    """What the model's ranking depends on: the current model's id and the number of units."""
    with open_store(db) as store:
        info = corpus_view.current_model_info(store)
        units = store.conn.execute("SELECT count(*) FROM units").fetchone()[0]
    return (int(info["id"]) if info else 0, int(units))


@st.cache_data(show_spinner="Classement des unités selon l'hésitation du modèle…", max_entries=16)
def model_ranking(db: str, key: tuple[int, int], level: str, facet: str) -> list[str]:
    """Kept across annotations (they do not change the model): recomputed when the model or
    the units change."""
    with open_store(db) as store:
        return queue.model_ranking(store, level, facet)


@st.cache_data(show_spinner=False, max_entries=32)
def annotation_queue(
    db: str, token: Token, level: str, facet: str, annotator: str, others_first: bool
) -> list[str]:
    ranking = model_ranking(db, model_key(db, token), level, facet)
    with open_store(db) as store:
        return queue.annotation_queue(
            store, level, facet, annotator, ranking=ranking, others_first=others_first
        )


@st.cache_data(show_spinner=False, max_entries=256)
def unit(db: str, token: Token, unit_id: str):  # type: ignore[no-untyped-def]
    with open_store(db) as store:
        return store.unit(unit_id)


def latest_revision(db: str, token: Token, unit_id: str, facet: str) -> int:
    from ess_nlp.annotate.annotations import latest_revision as _latest

    with open_store(db) as store:
        return _latest(store, unit_id, facet)


@st.cache_data(show_spinner=False, max_entries=256)
def unit_annotations(db: str, token: Token, unit_id: str, facet: str) -> dict[str, tuple[str, ...]]:
    """``{annotator: labels}``: each annotator's current labels on one unit."""
    from ess_nlp.annotate.annotations import current_annotations

    with open_store(db) as store:
        frame = current_annotations(store, facet, unit=unit_id)
    return dict(zip(frame["annotator"], frame["labels"], strict=True))


@st.cache_data(show_spinner=False, max_entries=256)
def suggestion(db: str, token: Token, unit_id: str, facet: str) -> list[str]:
    with open_store(db) as store:
        return queue.suggestion(store, unit_id, facet)


@st.cache_data(show_spinner=False, max_entries=8)
def current_annotations(db: str, token: Token) -> pd.DataFrame:
    from ess_nlp.annotate.annotations import current_annotations as _current

    with open_store(db) as store:
        return _current(store)


@st.cache_data(show_spinner=False, max_entries=64)
def cahier_names(db: str, token: Token, cahier: str) -> list[tuple[str, str]]:
    with open_store(db) as store:
        return items_view.cahier_names(store, cahier)


# --- topics ---------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def topic_models(db: str, token: Token) -> list[dict[str, Any]]:
    from ess_nlp.store._migrations import applied_versions

    with open_store(db) as store:
        if 4 not in applied_versions(store.conn):
            return []
        from ess_nlp.topics import topic_models as _models

        return _models(store)


@st.cache_resource(show_spinner="Chargement des sujets émergents…", max_entries=2)
def topic_run(db: str, token: Token, model: str):  # type: ignore[no-untyped-def]
    """The latest run of ``model`` (a ``TopicResult``), the texts of its units and their cahiers."""
    from ess_nlp.topics import load_run

    with open_store(db) as store:
        result = load_run(store, model)
        rows = store.conn.execute(
            "SELECT u.id, u.text, coalesce(u.cahier_id, u.id) FROM topic_assignments a"
            " JOIN units u ON u.id = a.unit_id WHERE a.run_id = (SELECT max(id) FROM topic_runs WHERE model = ?)",
            (model,),
        ).fetchall()
    texts = {r[0]: r[1] for r in rows}
    cahier_of = {r[0]: r[2] for r in rows}
    return result, texts, cahier_of


@st.cache_data(show_spinner=False, max_entries=8)
def topic_edits(db: str, token: Token, model: str) -> list[tuple[str, str, str, str, str]]:
    """``(when, who, kind, detail, why)`` of each logged topic edit, newest first."""
    import json

    from ess_nlp.topics import list_edits

    kinds = {"merge": "fusion", "split": "scission", "move": "déplacement", "rename": "renommage"}
    with open_store(db) as store:
        edits = list_edits(store, model)
    return [
        (
            e.at[:19].replace("T", " "),
            e.who,
            kinds.get(e.kind, e.kind),
            json.dumps(dict(e.payload), ensure_ascii=False)[:200],
            e.why,
        )
        for e in reversed(edits)
    ]


@st.cache_data(show_spinner=False, max_entries=8)
def model_versions(db: str, token: Token) -> pd.DataFrame:
    from ess_nlp.annotate.retraining import model_versions as _versions

    with open_store(db) as store:
        return _versions(store)
