"""The app's queries and pure helpers (no streamlit)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from ess_nlp.app.components.export import csv_bytes
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views import items as items_view
from ess_nlp.store.views import search as search_view


def _store_with(tmp_path, texts: dict[str, str]) -> Store:
    store = Store(tmp_path / "q.sqlite3")
    for source, text in texts.items():
        doc = Document(
            source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest()
        )
        store.add_document(doc, split_document(doc))
    return store


CAHIER = (
    "La coopérative du quartier\n\n"
    "Domaine : Se loger\n\n"
    "Constat :\n\n"
    "Les loyers augmentent de 5 % par an.\n\n"
    "Nos propositions\n\n"
    "Nous proposons :\n\n"
    "1. De créer un fonds régional.\n\n"
    "2. D'ouvrir la commande publique."
)


def test_fallback_items_come_from_section_kinds(tmp_path):
    with _store_with(tmp_path, {"a.txt": CAHIER}) as store:
        assert not corpus_view.extraction_available(store)
        proposals = items_view.items_frame(store, "proposal")
        constats = items_view.items_frame(store, "constat")
    assert list(proposals["text"]) == ["De créer un fonds régional.", "D'ouvrir la commande publique."]
    assert list(constats["text"]) == ["Les loyers augmentent de 5 % par an."]
    assert set(proposals["cue"]) == {"section"}


def test_domain_field_gives_cahier_label_without_classifier(tmp_path):
    with _store_with(tmp_path, {"a.txt": CAHIER}) as store:
        labels = corpus_view.unit_labels(store)
        cahier = next(store.units("cahier")).id
    assert list(zip(labels["unit"], labels["facet"], labels["label"], strict=True)) == [
        (cahier, "domains", "se_loger")
    ]


def test_coverage_counts_and_blind_spots():
    labels = pd.DataFrame(
        [
            ("c1", "domains", "financer", 1.0),
            ("c1", "themes", "T4", 1.0),
            ("c2", "domains", "financer", 1.0),
            ("c2", "themes", "T4", 1.0),
            ("c2", "themes", "T5", 1.0),
            ("c3", "domains", "consommer", 1.0),
            ("c3", "themes", "T11", 1.0),
        ],
        columns=["unit", "facet", "label", "score"],
    )
    per_cahier = pd.Series({"c1": 3, "c2": 4, "c3": 1})
    cover = corpus_view.coverage(
        labels,
        per_cahier,
        domains=["financer", "consommer"],
        themes=["T4", "T5", "T11"],
        min_cahiers=2,
        min_proposals=5,
    )
    cell = cover.cells.set_index(["domain", "theme"])
    assert cell.loc[("financer", "T4"), "cahiers"] == 2
    assert cell.loc[("financer", "T4"), "proposals"] == 7
    assert cell.loc[("consommer", "T4"), "cahiers"] == 0
    blind = dict(zip(cover.themes["theme"], cover.themes["blind_spot"], strict=True))
    assert blind["T4"] == ""
    assert "1 cahier" in blind["T5"] and "4 propositions" in blind["T5"]
    assert corpus_view.cahiers_in_cell(labels, "financer", "T5") == ["c2"]
    assert corpus_view.cahiers_in_cell(labels, "financer", None) == ["c1", "c2"]


@pytest.mark.parametrize(
    ("text", "query", "word"),
    [
        ("Une coopérative d'habitants à Lyon.", "cooperative", "coopérative"),
        ("Les ÉPARGNANTS solidaires", "epargnants", "ÉPARGNANTS"),
        ("Nous mutualisons les outils.", "mutuali*", "mutualisons"),
        ("Des coopératives partout.", "coopérative", "coopératives"),
    ],
)
def test_concordance_finds_the_word_accents_ignored(text, query, word):
    left, kw, right = search_view.concordance(text, query)
    assert kw == word
    assert left + kw + right == text


def test_concordance_without_match_returns_the_start():
    assert search_view.concordance("abc", "zzz") == ("", "", "abc")


def test_csv_export_is_excel_friendly_and_neutralises_formulas():
    data = csv_bytes(pd.DataFrame({"a": ['=HYPERLINK("x")', "é"], "b": ["+1", "ok"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "a;b"
    assert "'=HYPERLINK" in text and "'+1" in text and "é" in text
