"""Annotations saved from the app: append-only, concurrent saves reported, agreement."""

from __future__ import annotations

import hashlib
import threading

import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from ess_nlp.annotate import annotations as ann
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store

TEXT = "Un cahier\n\nConstat :\n\nLes loyers augmentent.\n\nNos propositions\n\n1. De créer un fonds."


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "a.sqlite3"
    doc = Document(source="a.txt", text=TEXT, format="txt", sha256=hashlib.sha256(TEXT.encode()).hexdigest())
    with Store(path) as store:
        store.add_document(doc, split_document(doc))
    return path


def _cahier(store: Store) -> str:
    return next(store.units("cahier")).id


def test_save_then_read_back(db):
    with Store(db) as store:
        unit = _cahier(store)
        seen = ann.latest_revision(store, unit, "domains")
        result = ann.save_annotation(
            store, unit, "domains", ["financer", "financer"], annotator=" Claire ", seen=seen
        )
        assert result.conflict is None
        assert result.saved.labels == ("financer",) and result.saved.annotator == "Claire"
        current = ann.current_annotations(store, "domains")
    assert list(current["labels"]) == [("financer",)]


def test_two_annotators_saving_the_same_unit_at_once_lose_nothing(db):
    with Store(db) as store:
        unit = _cahier(store)
        seen = ann.latest_revision(store, unit, "domains")  # both opened the form now
    results: dict[str, ann.SaveResult] = {}
    barrier = threading.Barrier(2)

    def save(who: str, labels: list[str]) -> None:
        with Store(db) as store:
            barrier.wait()
            results[who] = ann.save_annotation(store, unit, "domains", labels, annotator=who, seen=seen)

    threads = [
        threading.Thread(target=save, args=("Alice", ["financer"])),
        threading.Thread(target=save, args=("Bruno", ["consommer"])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Store(db) as store:
        rows = ann.history(store, unit)
        current = ann.current_annotations(store, "domains")
    assert sorted((a.annotator, a.labels) for a in rows) == [
        ("Alice", ("financer",)),
        ("Bruno", ("consommer",)),
    ]
    assert len(current) == 2
    # Exactly the second one to commit is told about the first.
    conflicts = [r for r in results.values() if r.conflict is not None]
    assert len(conflicts) == 1
    later = conflicts[0]
    first = next(r for r in results.values() if r.conflict is None)
    assert later.conflict == first.saved
    assert later.saved.revision > first.saved.revision


def test_same_labels_saved_concurrently_is_not_a_conflict(db):
    with Store(db) as store:
        unit = _cahier(store)
        ann.save_annotation(store, unit, "domains", ["financer"], annotator="Alice", seen=0)
        result = ann.save_annotation(store, unit, "domains", ["financer"], annotator="Bruno", seen=0)
    assert result.conflict is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"annotator": "  ", "seen": 0}, "nom d'annotateur"),
        ({"annotator": "A", "seen": 0, "allowed": ["consommer"]}, "inconnue"),
    ],
)
def test_bad_saves_explain_in_french(db, kwargs, message):
    with Store(db) as store:
        unit = _cahier(store)
        with pytest.raises(ann.AnnotationError, match=message):
            ann.save_annotation(store, unit, "domains", ["financer"], **kwargs)


def test_unit_removed_meanwhile(db):
    with Store(db) as store, pytest.raises(ann.AnnotationError, match="n'existe plus"):
        ann.save_annotation(store, "nope:c1", "domains", [], annotator="A", seen=0)


def _current(rows: list[tuple[str, str, tuple[str, ...]]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(u, "domains", a, labels, i, "") for i, (u, a, labels) in enumerate(rows)],
        columns=["unit", "facet", "annotator", "labels", "revision", "created_at"],
    )


def test_cohen_kappa_matches_scikit_learn():
    a = [("u1", ("x",)), ("u2", ()), ("u3", ("x",)), ("u4", ("x",)), ("u5", ())]
    b = [("u1", ("x",)), ("u2", ("x",)), ("u3", ("x",)), ("u4", ()), ("u5", ())]
    rows = [(u, "A", labs) for u, labs in a] + [(u, "B", labs) for u, labs in b]
    (result,) = ann.agreement(_current(rows), "domains", ["x"])
    expected = cohen_kappa_score([("x" in labs) for _, labs in a], [("x" in labs) for _, labs in b])
    assert result.method == "Cohen"
    assert result.kappa == pytest.approx(expected)
    assert result.units == 5 and result.observed == pytest.approx(0.6)


def test_fleiss_kappa_on_three_annotators():
    # Fleiss' example with two categories: perfect agreement gives 1.
    rows = []
    for i, yes in enumerate([True, False, True, False]):
        for who in ("A", "B", "C"):
            rows.append((f"u{i}", who, ("x",) if yes else ()))
    (result,) = ann.agreement(_current(rows), "domains", ["x"])
    assert result.method == "Fleiss" and result.kappa == pytest.approx(1.0)
    rows[0] = ("u0", "A", ())  # one disagreement lowers it
    (lower,) = ann.agreement(_current(rows), "domains", ["x"])
    assert lower.kappa is not None and lower.kappa < 1.0


def test_agreement_undefined_when_nobody_shares_units():
    (result,) = ann.agreement(_current([("u1", "A", ("x",))]), "domains", ["x"])
    assert result.units == 0 and result.kappa is None


def test_domain_annotations_also_feed_the_classifier_table(db):
    with Store(db) as store:
        unit = _cahier(store)
        ann.save_annotation(
            store, unit, "domains", ["financer"], annotator="Alice", seen=0, allowed=["financer", "consommer"]
        )
        ann.save_annotation(store, unit, "kind", ["proposal"], annotator="Alice", seen=0)
        rows = store.conn.execute(
            "SELECT annotator, facet, label, value FROM annotations ORDER BY label"
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("Alice", "domains", "consommer", 0),
        ("Alice", "domains", "financer", 1),
    ]
