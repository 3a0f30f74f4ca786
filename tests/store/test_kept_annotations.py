"""People's annotations survive a re-ingest (issue 18): re-anchored to the new units holding the
same text, or kept detached for review; never deleted by a changed, re-uploaded or removed file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ess_nlp.annotate.annotations import save_annotation
from ess_nlp.pipeline import annotations_message
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store

V1 = (
    "La coopérative des Ateliers du Lac\n\n"
    "Constats\n\n"
    "Les épiceries solidaires manquent de locaux dans les quartiers nord.\n\n"
    "Les bénévoles s'épuisent faute de salariés.\n\n"
    "Nos propositions\n\n"
    "1. Créer un fonds de garantie régional pour les coopératives."
)
# The second paragraph rewritten, a paragraph added before it: every unit id changes.
V2 = V1.replace(
    "Les bénévoles s'épuisent faute de salariés.", "Les bénévoles sont trop peu nombreux."
).replace("Constats\n\n", "Constats\n\nUn paragraphe ajouté en tête des constats.\n\n")


def _doc(text: str, source: str = "cahiers/lac.txt") -> Document:
    return Document(source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())


def _unit(store: Store, level: str, startswith: str) -> str:
    for unit in store.units(level):
        if unit.text.startswith(startswith):
            return unit.id
    raise AssertionError(f"no {level} starting with {startswith!r}")


def _count(store: Store) -> int:
    conn = store.conn
    return sum(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("app_annotations", "annotations", "detached_annotations")
    )


@pytest.fixture
def annotated(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db.sqlite3")
    doc = _doc(V1)
    store.add_document(doc, split_document(doc))
    cahier = _unit(store, "cahier", "La coopérative")
    kept = _unit(store, "paragraph", "Les épiceries")
    edited = _unit(store, "paragraph", "Les bénévoles")
    save_annotation(
        store,
        cahier,
        "domains",
        ["consommer"],
        annotator="alice",
        seen=None,
        allowed=["consommer", "financer"],
    )
    save_annotation(store, kept, "themes", ["T11"], annotator="alice", seen=None)
    save_annotation(store, edited, "themes", ["T7"], annotator="bob", seen=None)
    return store


def test_a_changed_file_keeps_every_annotation(annotated: Store) -> None:
    store = annotated
    before = _count(store)
    doc = _doc(V2)
    assert store.add_document(doc, split_document(doc)) == "replaced"
    assert _count(store) == before  # nothing deleted
    labels = {
        (unit.split(":")[0], facet): json.loads(value)
        for unit, facet, value in store.conn.execute("SELECT unit_id, facet, labels FROM app_annotations")
    }
    key = doc.sha256[:10]
    assert labels[(key, "domains")] == ["consommer"]  # the cahier: same place, same title
    assert [v for (k, f), v in labels.items() if f == "themes"] == [["T11"]]
    kept = store.conn.execute("SELECT unit_id FROM app_annotations WHERE facet = 'themes'").fetchone()[0]
    assert (
        store.conn.execute("SELECT text FROM units WHERE id = ?", (kept,))
        .fetchone()[0]
        .startswith("Les épiceries")
    )
    # the classifier's own judgments followed too (consommer 1 and financer 0 on the cahier, T11)
    assert (
        store.conn.execute("SELECT count(*) FROM annotations WHERE unit_id LIKE ?", (key + ":%",)).fetchone()[
            0
        ]
        == 3
    )
    detached = store.detached_annotations()  # bob's T7, as the app saved it and as a judgment
    assert {r["origin"] for r in detached} == {"app_annotations", "annotations"}
    assert {r["unit_text"] for r in detached} == {"Les bénévoles s'épuisent faute de salariés."}
    assert {json.loads(r["row"])["annotator"] for r in detached} == {"bob"}
    assert (store.last_annotations.reanchored, store.last_annotations.detached) == (5, 2)
    assert "2 annotation(s) dont le passage a disparu" in annotations_message(
        "cahiers/lac.txt", store.last_annotations
    )


def test_a_reupload_of_the_same_text_under_the_same_name_reanchors_everything(annotated: Store) -> None:
    store = annotated
    before = _count(store)
    doc = _doc(V1 + "\n")  # new bytes, same units
    assert store.add_document(doc, split_document(doc)) == "replaced"
    assert _count(store) == before and store.detached_annotations() == []


def test_a_removed_file_keeps_its_annotations_detached(annotated: Store) -> None:
    store = annotated
    before = _count(store)
    assert store.remove_source("cahiers/lac.txt")
    assert store.conn.execute("SELECT count(*) FROM app_annotations").fetchone()[0] == 0
    detached = store.detached_annotations()
    assert len(detached) == before and _count(store) == before
    assert {r["reason"] for r in detached} == {"le fichier a été retiré de la base"}
    store.review_detached(int(detached[0]["id"]), "alice")
    assert len(store.detached_annotations()) == len(detached) - 1
    assert len(store.detached_annotations(include_reviewed=True)) == len(detached)


def test_an_unannotated_replace_says_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        for text in (V1, V2):
            doc = _doc(text)
            store.add_document(doc, split_document(doc))
        assert annotations_message("x", store.last_annotations) == ""
